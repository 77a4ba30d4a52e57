package signing

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"zonefair/app/errs"
)

// Signing: one-time codes, a signer's signature and fields, and the views and downloads of the trail.

// CodeSent tells a signer that a code is on its way.
type CodeSent struct {
	ExpiresAt   time.Time `json:"expiresAt"`
	ResendAfter time.Time `json:"resendAfter"`
}

// SendCode sends the caller a fresh one-time code for signing agreement id. Earlier codes stop
// counting: only the newest is checked.
func (s *Service) SendCode(ctx context.Context, m Meta, id int64) (CodeSent, error) {
	if s.Sender == nil {
		return CodeSent{}, errs.New(errs.ErrUnavailable, "signing.no_sender")
	}
	now := s.now()
	var (
		plain string
		title string
		out   CodeSent
	)
	err := s.locked(ctx, id, func(tx *Store, a Agreement, rs []Recipient, _ []Field) error {
		me, err := s.turn(a, rs, m.UserID)
		if err != nil {
			return err
		}
		last, err := tx.latestCode(ctx, me.ID)
		if err != nil {
			return err
		}
		if last.ID != 0 && now.Sub(last.CreatedAt) < CodeResend {
			return errs.New(errs.ErrRateLimited, "signing.code_wait")
		}
		if plain, err = newCode(); err != nil {
			return err
		}
		c := code{RecipientID: me.ID, Hash: codeHash(s.Secret, me.ID, plain), ExpiresAt: now.Add(CodeTTL), CreatedAt: now}
		if err := tx.createCode(ctx, &c); err != nil {
			return err
		}
		title, out = a.Title, CodeSent{ExpiresAt: c.ExpiresAt, ResendAfter: now.Add(CodeResend)}
		ev := m.event(EventCodeSent, me.ID, "")
		ev.AgreementID = id
		return s.appendEvent(ctx, tx, ev, now)
	})
	if err != nil {
		return CodeSent{}, err
	}
	subject, body := codeMessage(title, plain)
	if err := s.Sender.Send(ctx, m.UserID, subject, body); err != nil {
		s.log().Error("send signing code", "agreement", id, "user", m.UserID, "err", err)
		return CodeSent{}, errs.New(errs.ErrUnavailable, "signing.send_failed")
	}
	return out, nil
}

// turn returns the caller's recipient when it is their turn to sign a.
func (s *Service) turn(a Agreement, rs []Recipient, userID int64) (Recipient, error) {
	me, ok := mine(rs, userID)
	if !ok || !Signs(me.Role) || a.Status == StatusDraft {
		return me, errs.New(errs.ErrForbidden, "signing.not_signer")
	}
	if err := s.open(a); err != nil {
		return me, err
	}
	if me.Status != "pending" {
		return me, conflict("signing.already_signed")
	}
	if me.Step != currentStep(rs) {
		return me, conflict("signing.not_your_turn")
	}
	return me, nil
}

// checkCode spends one try of the caller's newest code, in its own transaction so that a wrong
// try counts even though the signature is refused. It returns the code's id when it matches.
func (s *Service) checkCode(ctx context.Context, m Meta, agreementID, recipientID int64, plain string) (int64, error) {
	now := s.now()
	var (
		codeID  int64
		wrong   bool
		remains int
	)
	err := s.Store.Transaction(ctx, func(tx *Store) error {
		// The agreement row is always locked first, so this never deadlocks with a signature.
		if err := tx.lock(ctx, agreementID); err != nil {
			return err
		}
		c, err := tx.latestCode(ctx, recipientID)
		if err != nil {
			return err
		}
		switch {
		case c.ID == 0 || c.UsedAt != nil:
			return errs.Invalid("code", "signing.code_needed")
		case !now.Before(c.ExpiresAt):
			return errs.Invalid("code", "signing.code_expired")
		}
		spent, err := tx.spendCodeTry(ctx, c.ID)
		if err != nil {
			return err
		}
		if !spent {
			return errs.New(errs.ErrRateLimited, "signing.code_locked")
		}
		if codeMatches(s.Secret, recipientID, plain, c.Hash) {
			codeID = c.ID
			return nil
		}
		wrong, remains = true, MaxCodeAttempts-c.Attempts-1
		return s.appendEvent(ctx, tx, &Event{AgreementID: agreementID, Kind: EventCodeFailed, UserID: m.UserID, RecipientID: recipientID, IP: m.IP, UserAgent: m.UserAgent, Detail: detail("remaining", strconv.Itoa(remains))}, now)
	})
	if err != nil {
		return 0, err
	}
	if wrong {
		if remains <= 0 {
			return 0, errs.New(errs.ErrRateLimited, "signing.code_locked")
		}
		e := errs.Invalid("code", "signing.code_wrong")
		e.Fields[0].Param = strconv.Itoa(remains)
		return 0, e
	}
	return codeID, nil
}

// SignInput is a signer's signature with the values of their fields.
type SignInput struct {
	Code      string           `json:"code" validate:"required,len=6,numeric"`
	Kind      string           `json:"kind" validate:"required,oneof=drawn typed"`
	Image     string           `json:"image" validate:"max=400000"` // PNG data URL, for drawn
	TypedName string           `json:"typedName" validate:"max=100,text"`
	Values    map[int64]string `json:"values" validate:"max=100,dive,max=500,text"` // field id → text, for text fields
}

// Sign records the caller's signature on agreement id once their code checks out, and seals
// the agreement when it was the last one.
func (s *Service) Sign(ctx context.Context, m Meta, id int64, in SignInput) error {
	var img []byte
	switch in.Kind {
	case "drawn":
		var err error
		if img, err = DecodeSignature(in.Image); err != nil {
			return err
		}
	case "typed":
		if len([]rune(trim(in.TypedName))) < 2 {
			return errs.Invalid("typedName", "signing.typed_name")
		}
	}
	// Refuse out of turn and closed agreements before a code try is spent.
	var me Recipient
	{
		a, rs, _, err := s.Store.load(ctx, id)
		if err != nil {
			return err
		}
		if me, err = s.turn(a, rs, m.UserID); err != nil {
			return s.noteExpiry(ctx, a, err)
		}
	}
	codeID, err := s.checkCode(ctx, m, id, me.ID, in.Code)
	if err != nil {
		return err
	}
	sealing := false
	err = s.transition(ctx, id, func(c *change) (*Event, error) {
		me, err := s.turn(c.a, c.rs, m.UserID)
		if err != nil {
			return nil, err
		}
		used, err := c.tx.useCode(ctx, codeID, c.at)
		if err != nil {
			return nil, err
		}
		if !used {
			return nil, errs.Invalid("code", "signing.code_needed")
		}
		if err := c.record(s, m.event(EventCodeVerified, me.ID, "")); err != nil {
			return nil, err
		}
		for fid := range in.Values {
			if !slices.ContainsFunc(c.fields, func(f Field) bool { return f.ID == fid && f.RecipientID == me.ID && f.Kind == FieldText }) {
				return nil, errs.Invalid(fmt.Sprintf("values.%d", fid), "signing.not_your_field")
			}
		}
		for _, f := range c.fields {
			if f.RecipientID != me.ID {
				continue
			}
			value := ""
			switch f.Kind {
			case FieldName:
				value = me.Name
			case FieldDate:
				value = SigningDate(c.at)
			case FieldText:
				value = trim(in.Values[f.ID])
				if value == "" && f.Required {
					return nil, errs.Invalid(fmt.Sprintf("values.%d", f.ID), "field.required")
				}
			case FieldSignature:
				value = in.Kind
			}
			if err := c.tx.fillField(ctx, f.ID, value, c.at); err != nil {
				return nil, err
			}
			filled := m.event(EventFieldFilled, me.ID, detail("field", strconv.FormatInt(f.ID, 10), "kind", f.Kind, "value", clip(value, 200)))
			if err := c.record(s, filled); err != nil {
				return nil, err
			}
		}
		typed := ""
		if in.Kind == "typed" {
			typed = trim(in.TypedName)
		}
		signed, err := c.tx.updatePending(ctx, me.ID, map[string]any{
			"status": "signed", "signed_at": c.at, "signature_kind": in.Kind, "signature_image": img, "typed_name": typed,
			"signed_ip": m.IP, "signed_ua": clip(m.UserAgent, 490)})
		if err != nil {
			return nil, err
		}
		if !signed {
			return nil, conflict("signing.already_signed")
		}
		for i := range c.rs {
			if c.rs[i].ID == me.ID {
				c.rs[i].Status = "signed"
			}
		}
		next := currentStep(c.rs)
		if next == 0 {
			sealing = true
			if err := c.update(map[string]any{"status": StatusSealing}); err != nil {
				return nil, err
			}
		} else if next != me.Step {
			for _, r := range c.rs {
				if Signs(r.Role) && r.Step == next {
					c.out.mail(r.UserID, msgYourTurn, c.a.Title)
				}
			}
		}
		return m.event(EventSigned, me.ID, detail("method", in.Kind, "sha256", c.a.OriginalSHA256)), nil
	})
	if err != nil {
		return err
	}
	if sealing {
		if err := s.Seal(ctx, id); err != nil {
			// The signature is kept; the sweeper seals it later.
			s.log().Error("seal agreement", "agreement", id, "err", err)
		}
	}
	return nil
}

// Viewed records a recipient's first look at the document once it has been sent: a look at a
// draft, whose document may still change, is not a look at what they are asked to sign.
func (s *Service) Viewed(ctx context.Context, m Meta, id, recipientID int64) error {
	now := s.now()
	return s.Store.Transaction(ctx, func(tx *Store) error {
		if err := tx.lock(ctx, id); err != nil {
			return err
		}
		status, err := tx.status(ctx, id)
		if err != nil {
			return err
		}
		if status == StatusDraft {
			return nil
		}
		first, err := tx.markViewed(ctx, recipientID, now)
		if err != nil || !first {
			return err
		}
		return s.appendEvent(ctx, tx, &Event{AgreementID: id, Kind: EventViewed, UserID: m.UserID, RecipientID: recipientID, IP: m.IP, UserAgent: m.UserAgent}, now)
	})
}

// Downloaded records a download of the sealed document.
func (s *Service) Downloaded(ctx context.Context, m Meta, id int64) error {
	return s.Store.Transaction(ctx, func(tx *Store) error {
		return s.appendEvent(ctx, tx, &Event{AgreementID: id, Kind: EventDownloaded, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent}, s.now())
	})
}
