package signing

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"zonefair/app/account"
)

// Re-sending: a closed agreement copied into a new draft.

// ResendExpiry is the least time a re-sent draft's expiry leaves to send and sign it.
const ResendExpiry = 24 * time.Hour

// resendExpiry is the expiry of a draft re-sent from a: a's own expiry while it is still at least
// ResendExpiry away; otherwise a's signing period (its expiry less when it was sent, or created
// when it never was), at least ResendExpiry, counted again from now; none when a had none.
func resendExpiry(a Agreement, now time.Time) *time.Time {
	if a.ExpiresAt == nil {
		return nil
	}
	if !a.ExpiresAt.Before(now.Add(ResendExpiry)) {
		at := a.ExpiresAt.UTC()
		return &at
	}
	from := a.CreatedAt
	if a.SentAt != nil {
		from = *a.SentAt
	}
	at := now.Add(max(a.ExpiresAt.Sub(from), ResendExpiry)).Truncate(time.Second)
	return &at
}

// Resend copies voided, declined or expired agreement id into a new draft that the caller can
// check and send: the same document (the very bytes, so the same hash), title, merge values,
// links, reminders, recipients with their signing order and every placed field, unfilled, and an
// expiry that leaves time to sign (see resendExpiry). The old agreement is left as it was, its
// trail ending with EventReissued; the new one's trail starts with EventCreated naming it. Each
// agreement is re-sent at most once: a copy of the copy re-sends it again.
func (s *Service) Resend(ctx context.Context, m Meta, id int64) (int64, error) {
	now := s.now()
	// Links the zone no longer has (a project moved, a briefing no longer co-hosted) are dropped;
	// a closed agreement's links and recipients do not change, so they are checked, and the
	// people's names and e-mail read afresh, before the transaction.
	var (
		project, briefing *int64
		people            []account.User
	)
	{
		a, rs, _, err := s.Store.load(ctx, id)
		if err != nil {
			return 0, err
		}
		ids := make([]int64, len(rs))
		for i, r := range rs {
			ids[i] = r.UserID
		}
		if people, err = s.Users.ByIDs(ctx, ids); err != nil {
			return 0, err
		}
		if a.Status == StatusSent && s.expired(a) {
			// Past its expiry but not yet noted: it is expired, and can be re-sent.
			if err := s.expire(ctx, id); err != nil {
				return 0, err
			}
		}
		if a.ProjectID != nil && s.checkLinks(ctx, a.ZoneID, a.ProjectID, nil) == nil {
			project = a.ProjectID
		}
		if a.BriefingID != nil && s.checkLinks(ctx, a.ZoneID, nil, a.BriefingID) == nil {
			briefing = a.BriefingID
		}
	}
	var (
		newID  int64
		status string
	)
	err := s.locked(ctx, id, func(tx *Store, old Agreement, rs []Recipient, fs []Field) error {
		switch old.Status {
		case StatusVoided, StatusDeclined, StatusExpired:
		case StatusDraft:
			return conflict("signing.resend_draft")
		case StatusSent:
			return conflict("signing.resend_open")
		default:
			return conflict("signing.resend_completed")
		}
		prior, err := tx.replacedBy(ctx, id)
		if err != nil {
			return err
		}
		if prior != 0 {
			return conflict("signing.resend_done")
		}
		doc, err := tx.original(ctx, id)
		if err != nil {
			return notFound(err)
		}
		if Hash(doc.Data) != doc.SHA256 || (old.OriginalSHA256 != "" && doc.SHA256 != old.OriginalSHA256) {
			return fmt.Errorf("agreement %d: stored document does not match its hash", id)
		}
		a := Agreement{ZoneID: old.ZoneID, ProjectID: project, BriefingID: briefing, TemplateID: old.TemplateID, Title: old.Title,
			Status: StatusDraft, MergeData: old.MergeData, ExpiresAt: resendExpiry(old, now), ReminderHours: old.ReminderHours,
			CreatedBy: m.UserID, VerifyToken: newToken(), ReplacesID: &old.ID}
		if a.TemplateID != nil {
			exists, err := tx.templateExists(ctx, *a.TemplateID)
			if err != nil {
				return err
			}
			if !exists {
				a.TemplateID = nil
			}
		}
		if err := tx.createAgreement(ctx, &a); err != nil {
			return err
		}
		if err := tx.putDocument(ctx, &a, doc.Data); err != nil {
			return err
		}
		// People keep their place, with their current name and e-mail.
		recipientOf := map[int64]int64{}
		for _, r := range rs {
			n := Recipient{AgreementID: a.ID, UserID: r.UserID, Role: r.Role, Party: r.Party, Name: r.Name, Email: r.Email, Step: r.Step, Status: "pending"}
			for _, p := range people {
				if p.ID == r.UserID {
					n.Name, n.Email = p.Name, p.Email
				}
			}
			if err := tx.createRecipient(ctx, &n); err != nil {
				return err
			}
			recipientOf[r.ID] = n.ID
		}
		fields := make([]Field, 0, len(fs))
		for _, f := range fs {
			if to, ok := recipientOf[f.RecipientID]; ok {
				fields = append(fields, Field{AgreementID: a.ID, RecipientID: to, Kind: f.Kind, Page: f.Page, X: f.X, Y: f.Y, W: f.W, H: f.H, Label: f.Label, Required: f.Required})
			}
		}
		if err := tx.createFields(ctx, fields); err != nil {
			return err
		}
		newID, status = a.ID, old.Status
		if err := s.appendEvent(ctx, tx, &Event{AgreementID: a.ID, Kind: EventCreated, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent,
			Detail: detail("title", a.Title, "copied_from", strconv.FormatInt(old.ID, 10), "document", doc.SHA256)}, now); err != nil {
			return err
		}
		return s.appendEvent(ctx, tx, &Event{AgreementID: old.ID, Kind: EventReissued, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent,
			Detail: detail("as", strconv.FormatInt(a.ID, 10))}, now)
	})
	if err != nil {
		return 0, err
	}
	// Whoever has the old agreement open learns it was re-sent; nobody is mailed about a draft.
	s.flush(ctx, id, status, EventReissued, outbox{})
	return newID, nil
}
