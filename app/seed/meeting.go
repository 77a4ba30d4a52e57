package seed

import (
	"context"
	"fmt"
	"time"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/zone"

	"gorm.io/gorm"

	"zonefair/app/jobfair"
	"zonefair/app/meeting"
	"zonefair/app/notify"
	"zonefair/app/project"
)

// demoMeetings publishes interview slots of the demo enterprise and negotiation slots of the
// demo zone, and books the demo graduate's interview into the first.
func demoMeetings(ctx context.Context, g *gorm.DB) error {
	var us []struct {
		ID, ZoneID, EnterpriseID *int64
		Email, Name, Role        string
	}
	emails := []string{"hr.enterprise@zonefair.test", "staff.suzhou@zonefair.test", "graduate@zonefair.test"}
	if err := g.WithContext(ctx).Table("users").Select("id, zone_id, enterprise_id, email, name, role").Where("email IN ?", emails).Scan(&us).Error; err != nil {
		return err
	}
	who := map[string]*actor.Actor{}
	for _, u := range us {
		a := &actor.Actor{UserID: *u.ID, Name: u.Name, Role: actor.Role(u.Role)}
		if u.ZoneID != nil {
			a.ZoneID = *u.ZoneID
		}
		if u.EnterpriseID != nil {
			a.EnterpriseID = *u.EnterpriseID
		}
		who[u.Email] = a
	}
	hr, staff, grad := who[emails[0]], who[emails[1]], who[emails[2]]
	if hr == nil || staff == nil || grad == nil {
		return fmt.Errorf("demo accounts missing")
	}
	var n int64
	if err := g.WithContext(ctx).Model(&meeting.Meeting{}).Count(&n).Error; err != nil || n > 0 {
		return err // seeded before
	}
	notices := &notify.Service{Store: notify.NewStore(g)}
	zones, users := zone.NewStore(g), account.NewStore(g)
	jobs := &jobfair.Service{Store: jobfair.NewStore(g, zones, users), Notify: notices}
	svc := &meeting.Service{Store: meeting.NewStore(g), Notify: notices, Fair: jobs.Store, Jobs: jobs, Zones: zones, Users: users, Requests: project.NewStore(g)}

	var invited []int64
	if err := g.WithContext(ctx).Table("applications").Where("user_id = ? AND enterprise_id = ? AND status = ?", grad.UserID, hr.EnterpriseID, jobfair.StatusInterview).
		Order("id").Pluck("id", &invited).Error; err != nil {
		return err
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	day := time.Now().In(shanghai).AddDate(0, 0, 1)
	at := func(d time.Time, hour, minute int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, shanghai)
	}
	slots, err := svc.CreateSlots(ctx, hr, meeting.SlotInput{Kind: meeting.Interview, Title: "视频面试 Video interview",
		StartsAt: at(day, 10, 0), TimeZone: "Asia/Shanghai", Minutes: 30, BufferMinutes: 15, Capacity: 1, Repeat: 4})
	if err != nil {
		return err
	}
	if _, err := svc.CreateSlots(ctx, staff, meeting.SlotInput{Kind: meeting.Negotiation, Title: "投资洽谈 Investment talks",
		StartsAt: at(day.AddDate(0, 0, 1), 16, 0), TimeZone: "Asia/Shanghai", Minutes: 45, BufferMinutes: 15, Capacity: 2, Repeat: 2}); err != nil {
		return err
	}
	if len(invited) > 0 {
		if _, err := svc.Book(ctx, grad, slots[0].ID, meeting.BookInput{ApplicationID: invited[0]}); err != nil {
			return err
		}
	}
	return nil
}
