package jobfair

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// ApplicationChannelType is the live channel type of an application's conversation. The
// channel is "application:<application>.<graduate>.<zone>.<enterprise or 0>", so who may join
// follows from the name alone: a forged name is another channel, where nothing is published.
const ApplicationChannelType = "application"

// ApplicationChannel names the live channel of application a's conversation.
func ApplicationChannel(a Application) string {
	var ent int64
	if a.EnterpriseID != nil {
		ent = *a.EnterpriseID
	}
	return fmt.Sprintf("%s:%d.%d.%d.%d", ApplicationChannelType, a.ID, a.UserID, a.ZoneID, ent)
}

// CanJoinApplication reports whether a user may join the application channel with key: its
// graduate, the staff of its zone, the staff of its enterprise, and admins.
func CanJoinApplication(key string, userID int64, role string, zoneID, enterpriseID int64) bool {
	parts := strings.Split(key, ".")
	if len(parts) != 4 {
		return false
	}
	nums := make([]int64, 4)
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 || (n == 0 && i < 3) {
			return false
		}
		nums[i] = n
	}
	switch actor.Role(role) {
	case actor.RoleGraduate:
		return userID == nums[1]
	case actor.RoleZoneStaff:
		return zoneID == nums[2]
	case actor.RoleEnterprise:
		return nums[3] != 0 && enterpriseID == nums[3]
	case actor.RoleAdmin:
		return true
	}
	return false
}

// AppMessage is one message between an application's employer and its graduate.
type AppMessage struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"applicationId"`
	SenderID      int64     `json:"senderId"`
	SenderName    string    `json:"senderName"`
	FromEmployer  bool      `json:"fromEmployer"`
	Body          string    `json:"body"`
	CreatedAt     time.Time `json:"createdAt"`
}

// TableName is the application_messages table.
func (AppMessage) TableName() string { return "application_messages" }

// Thread is an application's conversation, oldest first, with the live channel that brings
// new messages ("application.message" publications carrying an AppMessage).
type Thread struct {
	Channel string       `json:"channel"`
	Items   []AppMessage `json:"items"`
}

// Thread returns the conversation of application id, for its graduate or its employer.
func (s *Service) Thread(ctx context.Context, p *actor.Actor, id int64) (Thread, error) {
	a, _, err := s.Store.scopedApplication(ctx, p, id)
	if err != nil {
		return Thread{}, err
	}
	t := Thread{Channel: ApplicationChannel(a.Application), Items: []AppMessage{}}
	err = s.Store.db.WithContext(ctx).Where("application_id = ?", id).Order("id").Limit(500).Find(&t.Items).Error
	return t, err
}

// appMessageNotice is the data of an application.message notification.
type appMessageNotice struct {
	ApplicationID int64  `json:"applicationId"`
	JobTitle      string `json:"jobTitle"`
	JobTitleEn    string `json:"jobTitleEn"`
	Sender        string `json:"sender"`
	Note          string `json:"note"`
	ForEmployer   bool   `json:"forEmployer"`
}

// SayOnApplication stores body from p in application id's conversation, tells the other side
// in their notifications (and by email), and publishes it on the conversation's channel.
func (s *Service) SayOnApplication(ctx context.Context, p *actor.Actor, id int64, body string) (AppMessage, error) {
	a, employer, err := s.Store.scopedApplication(ctx, p, id)
	if err != nil {
		return AppMessage{}, err
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return AppMessage{}, errs.Invalid("body", "field.required")
	}
	m := AppMessage{ApplicationID: id, SenderID: p.UserID, SenderName: p.Name, FromEmployer: employer, Body: body, CreatedAt: s.now()}
	notice := appMessageNotice{ApplicationID: id, JobTitle: a.JobTitle, JobTitleEn: a.JobTitleEn, Sender: p.Name, Note: body, ForEmployer: !employer}
	var to []int64
	if s.Notify != nil {
		if to, err = s.Store.otherSide(ctx, a.Application, employer); err != nil {
			return AppMessage{}, err
		}
	}
	err = s.Store.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		if s.Notify == nil {
			return nil
		}
		for _, u := range to {
			if _, err := s.Notify.Add(tx, u, "application.message", notice); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || s.Notify == nil {
		return m, err
	}
	s.Notify.PublishTo(ctx, ApplicationChannel(a.Application), "application.message", m)
	for _, u := range to {
		s.Notify.Publish(ctx, u, "application.message", notice)
	}
	return m, nil
}

// otherSide is whom a message on a is for: its graduate when the employer wrote, else the
// staff of its enterprise, or of its zone when the enterprise has none (or the job is the
// zone's own).
func (s *Store) otherSide(ctx context.Context, a Application, employer bool) ([]int64, error) {
	if employer {
		return []int64{a.UserID}, nil
	}
	if a.EnterpriseID != nil {
		ids, err := s.users.EnterpriseStaff(ctx, *a.EnterpriseID)
		if err != nil || len(ids) > 0 {
			return ids, err
		}
	}
	return s.users.ZoneStaff(ctx, a.ZoneID)
}
