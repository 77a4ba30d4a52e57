// Package notify owns what the platform tells its users: in-app notifications (stored, listed,
// marked read), the live publication that puts them on open pages at once, and outgoing email
// through a pluggable sender — SMTP when configured, otherwise an outbox admins can read.
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Publisher delivers a server-side publication to a live channel; (*live.Hub).Publish fits.
type Publisher interface {
	Publish(ctx context.Context, channel, kind string, data any) (uint64, error)
}

// UserChannel is the live channel only userID may join.
func UserChannel(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// Notification is one entry in a user's notification list. Kind says what Data holds (e.g.
// "application.updated" with the application); TextZh, TextEn and Link say it in words.
type Notification struct {
	ID        int64           `json:"id"`
	UserID    int64           `json:"-"`
	Kind      string          `json:"kind"`
	Data      json.RawMessage `json:"data" gorm:"-"`
	Raw       string          `json:"-" gorm:"column:data"`
	TextZh    string          `json:"textZh" gorm:"-"`
	TextEn    string          `json:"textEn" gorm:"-"`
	Link      string          `json:"link" gorm:"-"`
	ReadAt    *time.Time      `json:"readAt"`
	CreatedAt time.Time       `json:"createdAt"`
}

// words fills in what n says from its kind and data.
func (n *Notification) words() {
	m, _ := Render(n.Kind, n.Data)
	n.TextZh, n.TextEn, n.Link = m.TextZh, m.TextEn, m.Link
}

// TableName is the notifications table.
func (Notification) TableName() string { return "notifications" }

// Service stores notifications, publishes them live and sends mail.
type Service struct {
	Store *Store
	Pub   Publisher // nil publishes nothing (no live engine plugged in)
	// Mail sends email; nil stores it in the outbox.
	Mail Sender
	Log  *slog.Logger
	// Users reads whom to mail; needed with BaseURL.
	Users Users
	// BaseURL is the public address that links in emails start with; without it (seeding,
	// tests) notifications are not emailed, since their links would lead nowhere.
	BaseURL string
}

// Add stores a notification for userID inside tx, the caller's transaction, so it exists
// exactly when the change it reports does. A kind without a message, or data that does not
// say what the kind needs, is refused with ErrUnknownKind.
func (s *Service) Add(tx *gorm.DB, userID int64, kind string, data any) (Notification, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return Notification{}, err
	}
	if _, ok := Render(kind, raw); !ok {
		return Notification{}, fmt.Errorf("%w: %s", ErrUnknownKind, kind)
	}
	n := Notification{UserID: userID, Kind: kind, Data: raw, Raw: string(raw)}
	n.words()
	return n, NewStore(tx).AddNotification(tx.Statement.Context, &n)
}

// Notify stores a notification for userID on its own, not inside a caller's transaction, and
// publishes it: for a change that committed before it is reported.
func (s *Service) Notify(ctx context.Context, userID int64, kind string, data any) error {
	n, err := s.Add(s.Store.db.WithContext(ctx), userID, kind, data)
	if err != nil {
		return err
	}
	s.Publish(ctx, userID, kind, n)
	return nil
}

// Sender is where s sends mail: the configured sender, or the outbox when there is none.
func (s *Service) Sender() Sender {
	if s.Mail != nil {
		return s.Mail
	}
	return &Outbox{Store: s.Store}
}

// Publish sends kind/data to userID's open pages and, for the kinds whose package sends no
// email of its own, emails the notification's words in the user's language. It is called after
// the change committed; a failure is logged, not returned, because the change itself has
// happened and the stored notification still tells the user.
func (s *Service) Publish(ctx context.Context, userID int64, kind string, data any) {
	if s.Pub != nil {
		if _, err := s.Pub.Publish(ctx, UserChannel(userID), kind, data); err != nil {
			s.log().Warn("live publish failed", "user_id", userID, "kind", kind, "err", err)
		}
	}
	if k, ok := lookup(kind); ok && k.mail && s.BaseURL != "" {
		s.mailNotice(ctx, userID, kind, data)
	}
}

// mailNotice emails userID what a notification of kind with data says.
func (s *Service) mailNotice(ctx context.Context, userID int64, kind string, data any) {
	raw, err := json.Marshal(data)
	if err != nil {
		return
	}
	m, ok := Render(kind, raw)
	if !ok {
		s.log().Warn("notification mail without words", "user_id", userID, "kind", kind)
		return
	}
	u, err := s.Users.ByID(ctx, userID)
	if err != nil {
		s.log().Warn("notification mail: user", "user_id", userID, "err", err)
		return
	}
	s.Email(ctx, m.Mail(u.Email, u.Locale, s.BaseURL))
}

// PublishTo sends kind/data to any live channel, after a commit, logging failures.
func (s *Service) PublishTo(ctx context.Context, channel, kind string, data any) {
	if s.Pub == nil {
		return
	}
	if _, err := s.Pub.Publish(ctx, channel, kind, data); err != nil {
		s.log().Warn("live publish failed", "channel", channel, "kind", kind, "err", err)
	}
}

// mailSlots bounds the SMTP deliveries in flight from one process.
var mailSlots = make(chan struct{}, 4)

// Email sends m through the configured sender, or stores it in the outbox. It runs after the
// change it reports committed; failures are logged. SMTP delivery happens in the background
// so a slow mail server never holds up the request.
func (s *Service) Email(ctx context.Context, m Mail) {
	if m.To == "" {
		return
	}
	if s.Mail == nil {
		if err := s.Sender().Send(ctx, m); err != nil {
			s.log().Warn("mail not stored", "to", m.To, "err", err)
		}
		return
	}
	ctx = context.WithoutCancel(ctx)
	go func() {
		mailSlots <- struct{}{}
		defer func() { <-mailSlots }()
		if err := s.Mail.Send(ctx, m); err != nil {
			s.log().Warn("mail not sent", "to", m.To, "err", err)
		}
	}()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// List is one page of a user's notifications, newest first.
type List struct {
	Items  []Notification `json:"items"`
	Unread int64          `json:"unread"`
}

// ListQuery pages through notifications: Before is the id of the last one already shown.
type ListQuery struct {
	Before int64 `query:"before" validate:"gte=0"`
	Limit  int   `query:"limit" validate:"omitempty,gte=1,lte=100"`
}

// List returns userID's notifications older than q.Before, with the unread count.
func (s *Service) List(ctx context.Context, userID int64, q ListQuery) (List, error) {
	if q.Limit == 0 {
		q.Limit = 30
	}
	items, err := s.Store.Notifications(ctx, userID, q.Before, q.Limit)
	if err != nil {
		return List{Items: []Notification{}}, err
	}
	for i := range items {
		items[i].Data = json.RawMessage(items[i].Raw)
		items[i].words()
	}
	out := List{Items: items}
	out.Unread, err = s.Store.Unread(ctx, userID)
	return out, err
}

// MarkRead marks ids (all when empty) of userID as read.
func (s *Service) MarkRead(ctx context.Context, userID int64, ids []int64) error {
	return s.Store.MarkRead(ctx, userID, ids, time.Now().UTC())
}
