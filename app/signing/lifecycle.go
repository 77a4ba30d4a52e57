package signing

import (
	"context"
	"fmt"
	"time"

	"zonefair/app/errs"
)

// Sending and closing: a draft is sent for signing; a sent agreement is voided, declined or
// expires.

// Send fixes the document's hash and opens the agreement for signing. A document rendered from
// a template gets its signature page's slots assigned to signers that have no signature field.
func (s *Service) Send(ctx context.Context, m Meta, id int64) error {
	return s.transition(ctx, id, func(c *change) (*Event, error) {
		if c.a.Status != StatusDraft {
			return nil, conflict("signing.sent_immutable")
		}
		doc, err := c.tx.original(ctx, id)
		if err != nil {
			return nil, conflict("signing.no_document")
		}
		if Hash(doc.Data) != doc.SHA256 {
			return nil, fmt.Errorf("agreement %d: stored document does not match its hash", id)
		}
		var signers []Recipient
		for _, r := range c.rs {
			if Signs(r.Role) {
				signers = append(signers, r)
			}
		}
		if len(signers) == 0 {
			return nil, conflict("signing.no_signers")
		}
		if c.a.ExpiresAt != nil && !c.a.ExpiresAt.After(c.at) {
			return nil, errs.Invalid("expiresAt", "signing.expiry_past")
		}
		has := map[int64]bool{}
		for _, f := range c.fields {
			if f.Kind == FieldSignature {
				has[f.RecipientID] = true
			}
		}
		slot := 0
		for _, r := range signers {
			if has[r.ID] {
				continue
			}
			if c.a.TemplateID == nil || slot >= signatureSlots {
				return nil, conflict("signing.no_signature_field")
			}
			auto := slotFields(slot, c.a.PageCount)
			for i := range auto {
				auto[i].AgreementID, auto[i].RecipientID = id, r.ID
			}
			if err := c.tx.createFields(ctx, auto); err != nil {
				return nil, err
			}
			slot++
		}
		cols := map[string]any{"status": StatusSent, "sent_at": c.at, "original_sha256": doc.SHA256}
		if c.a.ReminderHours > 0 {
			cols["next_reminder_at"] = c.at.Add(time.Duration(c.a.ReminderHours) * time.Hour)
		}
		if err := c.update(cols); err != nil {
			return nil, err
		}
		step := currentStep(c.rs)
		for _, r := range c.rs {
			if Signs(r.Role) && r.Step == step {
				c.out.mail(r.UserID, msgYourTurn, c.a.Title)
			} else {
				c.out.mail(r.UserID, msgSent, c.a.Title)
			}
		}
		return m.event(EventSent, 0, detail("sha256", doc.SHA256)), nil
	})
}

// Void closes sent agreement id on its sender's decision.
func (s *Service) Void(ctx context.Context, m Meta, id int64, reason string) error {
	return s.transition(ctx, id, func(c *change) (*Event, error) {
		if c.a.Status != StatusSent {
			return nil, conflict("signing.not_voidable")
		}
		if err := c.update(map[string]any{"status": StatusVoided, "closed_reason": reason}); err != nil {
			return nil, err
		}
		for _, r := range c.rs {
			c.out.mail(r.UserID, msgVoided, c.a.Title)
		}
		return m.event(EventVoided, 0, detail("reason", reason)), nil
	})
}

// Decline closes agreement id on a signer's refusal.
func (s *Service) Decline(ctx context.Context, m Meta, id int64, reason string) error {
	return s.transition(ctx, id, func(c *change) (*Event, error) {
		me, ok := mine(c.rs, m.UserID)
		if !ok || !Signs(me.Role) || c.a.Status == StatusDraft {
			return nil, errs.New(errs.ErrForbidden, "signing.not_signer")
		}
		if err := s.open(c.a); err != nil {
			return nil, err
		}
		if me.Status != "pending" {
			return nil, conflict("signing.already_signed")
		}
		if err := c.tx.declineRecipient(ctx, me.ID, reason); err != nil {
			return nil, err
		}
		if err := c.update(map[string]any{"status": StatusDeclined, "closed_reason": reason}); err != nil {
			return nil, err
		}
		c.out.mail(c.a.CreatedBy, msgDeclined, c.a.Title)
		for _, r := range c.rs {
			if r.UserID != c.a.CreatedBy {
				c.out.mail(r.UserID, msgDeclined, c.a.Title)
			}
		}
		return m.event(EventDeclined, me.ID, detail("reason", reason)), nil
	})
}

// noteExpiry records that a sent agreement found past its expiry has expired, and passes err on.
func (s *Service) noteExpiry(ctx context.Context, a Agreement, err error) error {
	if a.Status == StatusSent && s.expired(a) {
		if xerr := s.expire(ctx, a.ID); xerr != nil {
			s.log().Error("expire agreement", "agreement", a.ID, "err", xerr)
		}
	}
	return err
}

// expire closes agreement id if it is still sent and past its expiry.
func (s *Service) expire(ctx context.Context, id int64) error {
	return s.transition(ctx, id, func(c *change) (*Event, error) {
		if c.a.Status != StatusSent || !s.expired(c.a) {
			return nil, nil
		}
		if err := c.update(map[string]any{"status": StatusExpired}); err != nil {
			return nil, err
		}
		for _, r := range c.rs {
			c.out.mail(r.UserID, msgExpired, c.a.Title)
		}
		c.out.mail(c.a.CreatedBy, msgExpired, c.a.Title)
		return &Event{Kind: EventExpired}, nil
	})
}
