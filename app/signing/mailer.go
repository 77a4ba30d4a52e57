package signing

import (
	"context"
	"fmt"

	"zonefair/app/notify"
)

// Notifier is implemented by a Sender that can also put a notification in a user's in-app list.
// One-time codes never go there: a code must reach the signer by another channel than the
// session it re-confirms.
type Notifier interface {
	Notify(ctx context.Context, toUserID int64, kind string, data any) error
}

// Mailer is the Sender (and Notifier) backed by the notify package: e-mail through its
// configured sender, or its outbox when none is.
type Mailer struct {
	Service *notify.Service
	Users   Users
}

// Send e-mails subject and body to user toUserID.
func (m Mailer) Send(ctx context.Context, toUserID int64, subject, body string) error {
	u, err := m.Users.ByID(ctx, toUserID)
	if err != nil {
		return err
	}
	if u.Email == "" {
		return fmt.Errorf("user %d has no e-mail address", toUserID)
	}
	return m.Service.Sender().Send(ctx, notify.Mail{To: u.Email, Subject: subject, Text: body})
}

// Notify stores an in-app notification for toUserID and pushes it to their open pages.
func (m Mailer) Notify(ctx context.Context, toUserID int64, kind string, data any) error {
	return m.Service.Notify(ctx, toUserID, kind, data)
}
