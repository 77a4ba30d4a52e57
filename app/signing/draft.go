package signing

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"zonefair/app/errs"
)

// Drafting: an agreement is created, its document, recipients and fields set, until it is sent.

// CreateInput is a new agreement.
type CreateInput struct {
	ZoneID        int64             `json:"zoneId" validate:"gte=0"`
	Title         string            `json:"title" validate:"required,min=2,max=300,text"`
	TemplateID    *int64            `json:"templateId" validate:"omitempty,gte=1"`
	Merge         map[string]string `json:"merge" validate:"max=40,dive,keys,max=40,endkeys,max=500,text"`
	ProjectID     *int64            `json:"projectId" validate:"omitempty,gte=1"`
	BriefingID    *int64            `json:"briefingId" validate:"omitempty,gte=1"`
	ExpiresAt     *time.Time        `json:"expiresAt"`
	ReminderHours int               `json:"reminderHours" validate:"gte=0,lte=720"`
}

// Create starts a draft agreement; from a template, its document is rendered now.
func (s *Service) Create(ctx context.Context, m Meta, in CreateInput) (int64, error) {
	now := s.now()
	if in.ExpiresAt != nil && !in.ExpiresAt.After(now) {
		return 0, errs.Invalid("expiresAt", "signing.expiry_past")
	}
	if err := s.checkLinks(ctx, in.ZoneID, in.ProjectID, in.BriefingID); err != nil {
		return 0, err
	}
	a := Agreement{ZoneID: in.ZoneID, Title: in.Title, Status: StatusDraft, ProjectID: in.ProjectID, BriefingID: in.BriefingID,
		TemplateID: in.TemplateID, ExpiresAt: in.ExpiresAt, ReminderHours: in.ReminderHours, CreatedBy: m.UserID, VerifyToken: newToken()}
	var doc []byte
	if in.TemplateID != nil {
		t, err := s.Store.liveTemplate(ctx, *in.TemplateID)
		if err != nil {
			return 0, err
		}
		e := &errs.Error{Kind: errs.ErrInvalid, Key: "invalid_input"}
		for _, k := range t.MergeFields {
			if in.Merge[k] == "" {
				e.Fields = append(e.Fields, errs.FieldError{Field: "merge." + k, Key: "field.required"})
			}
		}
		if len(e.Fields) > 0 {
			return 0, e
		}
		if doc, err = renderTemplate(&t, in.Title, in.Merge, now); err != nil {
			return 0, err
		}
		b, _ := json.Marshal(in.Merge)
		a.MergeData = string(b)
	}
	err := s.Store.Transaction(ctx, func(tx *Store) error {
		if err := tx.createAgreement(ctx, &a); err != nil {
			return err
		}
		if doc != nil {
			if err := tx.putDocument(ctx, &a, doc); err != nil {
				return err
			}
		}
		return s.appendEvent(ctx, tx, &Event{AgreementID: a.ID, Kind: EventCreated, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent, Detail: detail("title", a.Title)}, now)
	})
	return a.ID, err
}

// draft runs f on draft agreement id in a transaction, refusing once it has been sent.
func (s *Service) draft(ctx context.Context, id int64, f func(tx *Store, a *Agreement, rs []Recipient) error) error {
	return s.locked(ctx, id, func(tx *Store, a Agreement, rs []Recipient, _ []Field) error {
		if a.Status != StatusDraft {
			return conflict("signing.sent_immutable")
		}
		return f(tx, &a, rs)
	})
}

// Upload replaces the document of draft id with body (its fields are cleared).
func (s *Service) Upload(ctx context.Context, m Meta, id int64, body []byte) error {
	if _, err := Inspect(body); err != nil {
		return err
	}
	return s.draft(ctx, id, func(tx *Store, a *Agreement, _ []Recipient) error {
		if err := tx.putDocument(ctx, a, body); err != nil {
			return err
		}
		// An uploaded document has no signature page to place signers on.
		if err := tx.updateAgreement(ctx, id, map[string]any{"template_id": nil}); err != nil {
			return err
		}
		return s.appendEvent(ctx, tx, &Event{AgreementID: id, Kind: EventCreated, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent, Detail: detail("document", Hash(body))}, s.now())
	})
}

// Patch is a partial edit of a draft; nil fields stay.
type Patch struct {
	Title         *string    `json:"title,omitempty" validate:"omitempty,min=2,max=300,text"`
	ProjectID     *int64     `json:"projectId,omitempty" validate:"omitempty,gte=1"`
	BriefingID    *int64     `json:"briefingId,omitempty" validate:"omitempty,gte=1"`
	ExpiresAt     *time.Time `json:"expiresAt,omitempty"`
	ReminderHours *int       `json:"reminderHours,omitempty" validate:"omitempty,gte=0,lte=720"`
}

// Update applies p to draft id.
func (s *Service) Update(ctx context.Context, id int64, p Patch) error {
	cols := map[string]any{}
	if p.Title != nil {
		cols["title"] = *p.Title
	}
	if p.ProjectID != nil {
		cols["project_id"] = *p.ProjectID
	}
	if p.BriefingID != nil {
		cols["briefing_id"] = *p.BriefingID
	}
	if p.ExpiresAt != nil {
		if !p.ExpiresAt.After(s.now()) {
			return errs.Invalid("expiresAt", "signing.expiry_past")
		}
		cols["expires_at"] = p.ExpiresAt.UTC()
	}
	if p.ReminderHours != nil {
		cols["reminder_hours"] = *p.ReminderHours
	}
	return s.draft(ctx, id, func(tx *Store, a *Agreement, _ []Recipient) error {
		if err := s.checkLinks(ctx, a.ZoneID, p.ProjectID, p.BriefingID); err != nil {
			return err
		}
		if len(cols) == 0 {
			return nil
		}
		return tx.updateAgreement(ctx, id, cols)
	})
}

// RecipientInput is one recipient of a draft.
type RecipientInput struct {
	UserID int64  `json:"userId" validate:"required,gte=1"`
	Role   string `json:"role" validate:"required,oneof=signatory witness copy"`
	Party  string `json:"party" validate:"max=200,text"`
	Step   int    `json:"step" validate:"gte=1,lte=20"`
}

// SetRecipients replaces the recipients of draft id (and so clears its fields). People are
// looked up by lookup, which returns their name and e-mail.
func (s *Service) SetRecipients(ctx context.Context, id int64, in []RecipientInput, lookup func(context.Context, int64) (string, string, error)) error {
	seen := map[int64]bool{}
	signers := 0
	var rows []Recipient
	for i, r := range in {
		if seen[r.UserID] {
			return errs.Invalid(fmt.Sprintf("recipients[%d].userId", i), "signing.duplicate_recipient")
		}
		seen[r.UserID] = true
		name, email, err := lookup(ctx, r.UserID)
		if err != nil {
			return errs.Invalid(fmt.Sprintf("recipients[%d].userId", i), "signing.unknown_user")
		}
		if Signs(r.Role) {
			signers++
		}
		rows = append(rows, Recipient{AgreementID: id, UserID: r.UserID, Role: r.Role, Party: r.Party, Name: name, Email: email, Step: r.Step, Status: "pending"})
	}
	return s.draft(ctx, id, func(tx *Store, _ *Agreement, _ []Recipient) error {
		return tx.replaceRecipients(ctx, id, rows)
	})
}

// FieldInput is one field placed on a draft's document.
type FieldInput struct {
	RecipientID int64   `json:"recipientId" validate:"required,gte=1"`
	Kind        string  `json:"kind" validate:"required,oneof=signature date name text"`
	Page        int     `json:"page" validate:"gte=1"`
	X           float64 `json:"x" validate:"gte=0"`
	Y           float64 `json:"y" validate:"gte=0"`
	W           float64 `json:"w" validate:"gte=8,lte=2000"`
	H           float64 `json:"h" validate:"gte=8,lte=2000"`
	Label       string  `json:"label" validate:"max=100,text"`
	Required    bool    `json:"required"`
}

// SetFields replaces the fields of draft id.
func (s *Service) SetFields(ctx context.Context, id int64, in []FieldInput) error {
	return s.draft(ctx, id, func(tx *Store, a *Agreement, rs []Recipient) error {
		var pages []Page
		_ = json.Unmarshal([]byte(a.PagesJSON), &pages)
		if len(pages) == 0 {
			return conflict("signing.no_document")
		}
		signer := map[int64]bool{}
		for _, r := range rs {
			signer[r.ID] = Signs(r.Role)
		}
		rows := make([]Field, 0, len(in))
		for i, f := range in {
			at := fmt.Sprintf("fields[%d]", i)
			if !signer[f.RecipientID] {
				return errs.Invalid(at+".recipientId", "signing.field_recipient")
			}
			p, err := pageOf(pages, f.Page)
			if err != nil {
				return errs.Invalid(at+".page", "field.page")
			}
			if f.X+f.W > p.W+0.5 || f.Y+f.H > p.H+0.5 {
				return errs.Invalid(at, "signing.field_outside")
			}
			rows = append(rows, Field{AgreementID: id, RecipientID: f.RecipientID, Kind: f.Kind, Page: f.Page, X: f.X, Y: f.Y, W: f.W, H: f.H, Label: f.Label, Required: f.Required || f.Kind == FieldSignature})
		}
		return tx.replaceFields(ctx, id, rows)
	})
}
