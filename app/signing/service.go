package signing

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"gorm.io/gorm"

	"zonefair/app/briefing"
	"zonefair/app/errs"
	"zonefair/app/web"
)

// Service carries out the signing use cases; each owns its transaction.
type Service struct {
	DB        *gorm.DB
	Sealer    *Sealer
	Sender    Sender    // nil sends nothing (then no code can be sent)
	Publisher Publisher // nil publishes nothing
	Secret    []byte    // keys the one-time code hashes and the audit chain
	BaseURL   string    // public URL, for links and the verification QR code
	Log       *slog.Logger
	Now       func() time.Time
	// Backoff is the wait before each webhook retry; a delivery fails after the last.
	Backoff []time.Duration
	// Client posts webhooks; nil uses a client that refuses private addresses.
	Hooks *Hooks

	kickOnce sync.Once
	kick     chan struct{}
	keyOnce  sync.Once
	key      []byte
}

func (s *Service) kicker() chan struct{} {
	s.kickOnce.Do(func() { s.kick = make(chan struct{}, 1) })
	return s.kick
}

// Meta is who made a request and from where, for the audit trail.
type Meta struct {
	UserID    int64
	IP        string
	UserAgent string
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// VerifyURL is the public verification page of token.
func (s *Service) VerifyURL(token string) string { return s.BaseURL + "/verify/" + token }

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return missing("agreement")
	}
	return err
}

func conflict(key string) *errs.Error { return errs.New(errs.ErrConflict, key) }

// loadAgreement reads agreement id with its recipients and fields.
func loadAgreement(tx *gorm.DB, id int64) (Agreement, []Recipient, []Field, error) {
	var a Agreement
	if err := tx.First(&a, id).Error; err != nil {
		return a, nil, nil, notFound(err)
	}
	var rs []Recipient
	if err := tx.Where("agreement_id = ?", id).Order("step, id").Find(&rs).Error; err != nil {
		return a, nil, nil, err
	}
	var fs []Field
	if err := tx.Where("agreement_id = ?", id).Order("page, y, x, id").Find(&fs).Error; err != nil {
		return a, nil, nil, err
	}
	return a, rs, fs, nil
}

// lock takes the agreement row's write lock for the rest of tx (a no-op update does it on
// PostgreSQL; SQLite transactions already write one at a time).
func lock(tx *gorm.DB, id int64) error {
	res := tx.Model(&Agreement{}).Where("id = ?", id).UpdateColumn("audit_seq", gorm.Expr("audit_seq"))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return missing("agreement")
	}
	return nil
}

// currentStep is the lowest step with a pending signer; 0 when every signer has signed.
func currentStep(rs []Recipient) int {
	step := 0
	for _, r := range rs {
		if Signs(r.Role) && r.Status == "pending" && (step == 0 || r.Step < step) {
			step = r.Step
		}
	}
	return step
}

func mine(rs []Recipient, userID int64) (Recipient, bool) {
	for _, r := range rs {
		if r.UserID == userID {
			return r, true
		}
	}
	return Recipient{}, false
}

func (s *Service) expired(a Agreement) bool {
	return a.ExpiresAt != nil && !s.now().Before(*a.ExpiresAt)
}

// open checks that a can be signed now.
func (s *Service) open(a Agreement) error {
	switch {
	case a.Status == StatusSent && s.expired(a):
		return conflict("signing.expired")
	case a.Status == StatusSent:
		return nil
	case a.Status == StatusExpired:
		return conflict("signing.expired")
	case a.Status == StatusDraft:
		return conflict("signing.not_sent")
	default:
		return conflict("signing.closed")
	}
}

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
		var t Template
		if err := s.DB.WithContext(ctx).Where("archived = ?", false).First(&t, *in.TemplateID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return 0, errs.Invalid("templateId", "signing.no_template")
			}
			return 0, err
		}
		t.fillMergeFields()
		e := &errs.Error{Kind: errs.ErrInvalid, Key: "invalid_input"}
		for _, k := range t.MergeFields {
			if in.Merge[k] == "" {
				e.Fields = append(e.Fields, errs.FieldError{Field: "merge." + k, Key: "field.required"})
			}
		}
		if len(e.Fields) > 0 {
			return 0, e
		}
		var err error
		if doc, err = renderTemplate(&t, in.Title, in.Merge, now); err != nil {
			return 0, err
		}
		b, _ := json.Marshal(in.Merge)
		a.MergeData = string(b)
	}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		if doc != nil {
			if err := putDocument(tx, &a, doc); err != nil {
				return err
			}
		}
		return s.appendEvent(tx, &Event{AgreementID: a.ID, Kind: EventCreated, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent, Detail: detail("title", a.Title)}, now)
	})
	return a.ID, err
}

// putDocument stores body as the agreement's original and records its pages.
func putDocument(tx *gorm.DB, a *Agreement, body []byte) error {
	pages, err := Inspect(body)
	if err != nil {
		return err
	}
	pj, _ := json.Marshal(pages)
	if err := tx.Where("agreement_id = ? AND kind = ?", a.ID, "original").Delete(&document{}).Error; err != nil {
		return err
	}
	if err := tx.Create(&document{AgreementID: a.ID, Kind: "original", SHA256: Hash(body), Size: int64(len(body)), Data: body}).Error; err != nil {
		return err
	}
	if err := tx.Where("agreement_id = ?", a.ID).Delete(&Field{}).Error; err != nil {
		return err
	}
	a.PageCount, a.PagesJSON = len(pages), string(pj)
	return tx.Model(&Agreement{}).Where("id = ?", a.ID).Updates(map[string]any{"page_count": a.PageCount, "pages": a.PagesJSON}).Error
}

// draft runs f on draft agreement id in a transaction, refusing once it has been sent.
func (s *Service) draft(ctx context.Context, id int64, f func(tx *gorm.DB, a *Agreement, rs []Recipient) error) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(tx, id); err != nil {
			return err
		}
		a, rs, _, err := loadAgreement(tx, id)
		if err != nil {
			return err
		}
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
	return s.draft(ctx, id, func(tx *gorm.DB, a *Agreement, _ []Recipient) error {
		if err := putDocument(tx, a, body); err != nil {
			return err
		}
		// An uploaded document has no signature page to place signers on.
		if err := tx.Model(&Agreement{}).Where("id = ?", id).Update("template_id", nil).Error; err != nil {
			return err
		}
		return s.appendEvent(tx, &Event{AgreementID: id, Kind: EventCreated, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent, Detail: detail("document", Hash(body))}, s.now())
	})
}

// checkLinks refuses a project that is not the zone's own, or a briefing the zone does not host:
// an agreement's ceremony shows in that briefing's room, and its lead belongs to that project.
func (s *Service) checkLinks(ctx context.Context, zoneID int64, projectID, briefingID *int64) error {
	if projectID != nil {
		var n int64
		if err := s.DB.WithContext(ctx).Table("projects").Where("id = ? AND zone_id = ?", *projectID, zoneID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return errs.Invalid("projectId", "signing.link_project")
		}
	}
	if briefingID != nil {
		var n int64
		if err := s.DB.WithContext(ctx).Table("briefing_zones").Where("briefing_id = ? AND zone_id = ?", *briefingID, zoneID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return errs.Invalid("briefingId", "signing.link_briefing")
		}
	}
	return nil
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
	return s.draft(ctx, id, func(tx *gorm.DB, a *Agreement, _ []Recipient) error {
		if err := s.checkLinks(ctx, a.ZoneID, p.ProjectID, p.BriefingID); err != nil {
			return err
		}
		if len(cols) == 0 {
			return nil
		}
		return tx.Model(&Agreement{}).Where("id = ?", id).Updates(cols).Error
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
	return s.draft(ctx, id, func(tx *gorm.DB, _ *Agreement, _ []Recipient) error {
		if err := tx.Where("agreement_id = ?", id).Delete(&Field{}).Error; err != nil {
			return err
		}
		if err := tx.Where("agreement_id = ?", id).Delete(&Recipient{}).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.Create(&rows).Error
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
	return s.draft(ctx, id, func(tx *gorm.DB, a *Agreement, rs []Recipient) error {
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
		if err := tx.Where("agreement_id = ?", id).Delete(&Field{}).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.Create(&rows).Error
	})
}

// Send fixes the document's hash and opens the agreement for signing. A document rendered from
// a template gets its signature page's slots assigned to signers that have no signature field.
func (s *Service) Send(ctx context.Context, m Meta, id int64) error {
	now := s.now()
	var out outbox
	err := s.draft(ctx, id, func(tx *gorm.DB, a *Agreement, rs []Recipient) error {
		var doc document
		if err := tx.Where("agreement_id = ? AND kind = ?", id, "original").Take(&doc).Error; err != nil {
			return conflict("signing.no_document")
		}
		if Hash(doc.Data) != doc.SHA256 {
			return fmt.Errorf("agreement %d: stored document does not match its hash", id)
		}
		var signers []Recipient
		for _, r := range rs {
			if Signs(r.Role) {
				signers = append(signers, r)
			}
		}
		if len(signers) == 0 {
			return conflict("signing.no_signers")
		}
		if a.ExpiresAt != nil && !a.ExpiresAt.After(now) {
			return errs.Invalid("expiresAt", "signing.expiry_past")
		}
		var fields []Field
		if err := tx.Where("agreement_id = ? AND kind = ?", id, FieldSignature).Find(&fields).Error; err != nil {
			return err
		}
		has := map[int64]bool{}
		for _, f := range fields {
			has[f.RecipientID] = true
		}
		slot := 0
		for _, r := range signers {
			if has[r.ID] {
				continue
			}
			if a.TemplateID == nil || slot >= signatureSlots {
				return conflict("signing.no_signature_field")
			}
			auto := slotFields(slot, a.PageCount)
			for i := range auto {
				auto[i].AgreementID, auto[i].RecipientID = id, r.ID
			}
			if err := tx.Create(&auto).Error; err != nil {
				return err
			}
			slot++
		}
		cols := map[string]any{"status": StatusSent, "sent_at": now, "original_sha256": doc.SHA256}
		if a.ReminderHours > 0 {
			cols["next_reminder_at"] = now.Add(time.Duration(a.ReminderHours) * time.Hour)
		}
		if err := tx.Model(&Agreement{}).Where("id = ?", id).Updates(cols).Error; err != nil {
			return err
		}
		if err := s.appendEvent(tx, &Event{AgreementID: id, Kind: EventSent, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent, Detail: detail("sha256", doc.SHA256)}, now); err != nil {
			return err
		}
		a.Status = StatusSent
		step := currentStep(rs)
		for _, r := range rs {
			if Signs(r.Role) && r.Step == step {
				out.mail(r.UserID, msgYourTurn, a.Title)
			} else {
				out.mail(r.UserID, msgSent, a.Title)
			}
		}
		return s.enqueueHooks(tx, *a, EventSent, &out)
	})
	if err != nil {
		return err
	}
	s.flush(ctx, id, StatusSent, EventSent, out)
	return nil
}

// Void closes sent agreement id on its sender's decision.
func (s *Service) Void(ctx context.Context, m Meta, id int64, reason string) error {
	var out outbox
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(tx, id); err != nil {
			return err
		}
		a, rs, _, err := loadAgreement(tx, id)
		if err != nil {
			return err
		}
		if a.Status != StatusSent {
			return conflict("signing.not_voidable")
		}
		if err := tx.Model(&Agreement{}).Where("id = ?", id).Updates(map[string]any{"status": StatusVoided, "closed_reason": reason}).Error; err != nil {
			return err
		}
		if err := s.appendEvent(tx, &Event{AgreementID: id, Kind: EventVoided, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent, Detail: detail("reason", reason)}, s.now()); err != nil {
			return err
		}
		for _, r := range rs {
			out.mail(r.UserID, msgVoided, a.Title)
		}
		a.Status = StatusVoided
		return s.enqueueHooks(tx, a, EventVoided, &out)
	})
	if err != nil {
		return err
	}
	s.flush(ctx, id, StatusVoided, EventVoided, out)
	return nil
}

// Decline closes agreement id on a signer's refusal.
func (s *Service) Decline(ctx context.Context, m Meta, id int64, reason string) error {
	var out outbox
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(tx, id); err != nil {
			return err
		}
		a, rs, _, err := loadAgreement(tx, id)
		if err != nil {
			return err
		}
		me, ok := mine(rs, m.UserID)
		if !ok || !Signs(me.Role) || a.Status == StatusDraft {
			return errs.New(errs.ErrForbidden, "signing.not_signer")
		}
		if err := s.open(a); err != nil {
			return err
		}
		if me.Status != "pending" {
			return conflict("signing.already_signed")
		}
		if err := tx.Model(&Recipient{}).Where("id = ?", me.ID).Updates(map[string]any{"status": "declined", "decline_reason": reason}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Agreement{}).Where("id = ?", id).Updates(map[string]any{"status": StatusDeclined, "closed_reason": reason}).Error; err != nil {
			return err
		}
		if err := s.appendEvent(tx, &Event{AgreementID: id, Kind: EventDeclined, UserID: m.UserID, RecipientID: me.ID, IP: m.IP, UserAgent: m.UserAgent, Detail: detail("reason", reason)}, s.now()); err != nil {
			return err
		}
		out.mail(a.CreatedBy, msgDeclined, a.Title)
		for _, r := range rs {
			if r.UserID != a.CreatedBy {
				out.mail(r.UserID, msgDeclined, a.Title)
			}
		}
		a.Status = StatusDeclined
		return s.enqueueHooks(tx, a, EventDeclined, &out)
	})
	if err != nil {
		return err
	}
	s.flush(ctx, id, StatusDeclined, EventDeclined, out)
	return nil
}

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
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(tx, id); err != nil {
			return err
		}
		a, rs, _, err := loadAgreement(tx, id)
		if err != nil {
			return err
		}
		me, err := s.turn(a, rs, m.UserID)
		if err != nil {
			return err
		}
		var last code
		err = tx.Where("recipient_id = ?", me.ID).Order("id DESC").Limit(1).Find(&last).Error
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
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		title, out = a.Title, CodeSent{ExpiresAt: c.ExpiresAt, ResendAfter: now.Add(CodeResend)}
		return s.appendEvent(tx, &Event{AgreementID: id, Kind: EventCodeSent, UserID: m.UserID, RecipientID: me.ID, IP: m.IP, UserAgent: m.UserAgent}, now)
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
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The agreement row is always locked first, so this never deadlocks with a signature.
		if err := lock(tx, agreementID); err != nil {
			return err
		}
		var c code
		if err := tx.Where("recipient_id = ?", recipientID).Order("id DESC").Limit(1).Find(&c).Error; err != nil {
			return err
		}
		switch {
		case c.ID == 0 || c.UsedAt != nil:
			return errs.Invalid("code", "signing.code_needed")
		case !now.Before(c.ExpiresAt):
			return errs.Invalid("code", "signing.code_expired")
		}
		res := tx.Model(&code{}).Where("id = ? AND attempts < ? AND used_at IS NULL", c.ID, MaxCodeAttempts).UpdateColumn("attempts", gorm.Expr("attempts + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.ErrRateLimited, "signing.code_locked")
		}
		if codeMatches(s.Secret, recipientID, plain, c.Hash) {
			codeID = c.ID
			return nil
		}
		wrong, remains = true, MaxCodeAttempts-c.Attempts-1
		return s.appendEvent(tx, &Event{AgreementID: agreementID, Kind: EventCodeFailed, UserID: m.UserID, RecipientID: recipientID, IP: m.IP, UserAgent: m.UserAgent, Detail: detail("remaining", strconv.Itoa(remains))}, now)
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
		a, rs, _, err := loadAgreement(s.DB.WithContext(ctx), id)
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
	now := s.now()
	var (
		out    outbox
		status = StatusSent
	)
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(tx, id); err != nil {
			return err
		}
		a, rs, fields, err := loadAgreement(tx, id)
		if err != nil {
			return err
		}
		me, err := s.turn(a, rs, m.UserID)
		if err != nil {
			return err
		}
		res := tx.Model(&code{}).Where("id = ? AND used_at IS NULL", codeID).UpdateColumn("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.Invalid("code", "signing.code_needed")
		}
		ev := func(kind, d string) error {
			return s.appendEvent(tx, &Event{AgreementID: id, Kind: kind, UserID: m.UserID, RecipientID: me.ID, IP: m.IP, UserAgent: m.UserAgent, Detail: d}, now)
		}
		if err := ev(EventCodeVerified, ""); err != nil {
			return err
		}
		for fid := range in.Values {
			if !slices.ContainsFunc(fields, func(f Field) bool { return f.ID == fid && f.RecipientID == me.ID && f.Kind == FieldText }) {
				return errs.Invalid(fmt.Sprintf("values.%d", fid), "signing.not_your_field")
			}
		}
		for _, f := range fields {
			if f.RecipientID != me.ID {
				continue
			}
			value := ""
			switch f.Kind {
			case FieldName:
				value = me.Name
			case FieldDate:
				value = SigningDate(now)
			case FieldText:
				value = trim(in.Values[f.ID])
				if value == "" && f.Required {
					return errs.Invalid(fmt.Sprintf("values.%d", f.ID), "field.required")
				}
			case FieldSignature:
				value = in.Kind
			}
			if err := tx.Model(&Field{}).Where("id = ?", f.ID).Updates(map[string]any{"value": value, "filled_at": now}).Error; err != nil {
				return err
			}
			if err := ev(EventFieldFilled, detail("field", strconv.FormatInt(f.ID, 10), "kind", f.Kind, "value", clip(value, 200))); err != nil {
				return err
			}
		}
		typed := ""
		if in.Kind == "typed" {
			typed = trim(in.TypedName)
		}
		res = tx.Model(&Recipient{}).Where("id = ? AND status = ?", me.ID, "pending").Updates(map[string]any{
			"status": "signed", "signed_at": now, "signature_kind": in.Kind, "signature_image": img, "typed_name": typed,
			"signed_ip": m.IP, "signed_ua": clip(m.UserAgent, 490)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return conflict("signing.already_signed")
		}
		if err := ev(EventSigned, detail("method", in.Kind, "sha256", a.OriginalSHA256)); err != nil {
			return err
		}
		for i := range rs {
			if rs[i].ID == me.ID {
				rs[i].Status = "signed"
			}
		}
		next := currentStep(rs)
		if next == 0 {
			status = StatusSealing
			if err := tx.Model(&Agreement{}).Where("id = ?", id).Update("status", StatusSealing).Error; err != nil {
				return err
			}
		} else if next != me.Step {
			for _, r := range rs {
				if Signs(r.Role) && r.Step == next {
					out.mail(r.UserID, msgYourTurn, a.Title)
				}
			}
		}
		return s.enqueueHooks(tx, a, EventSigned, &out)
	})
	if err != nil {
		return err
	}
	s.flush(ctx, id, status, EventSigned, out)
	if status == StatusSealing {
		if err := s.Seal(ctx, id); err != nil {
			// The signature is kept; the sweeper seals it later.
			s.log().Error("seal agreement", "agreement", id, "err", err)
		}
	}
	return nil
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
	var (
		out  outbox
		done bool
	)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(tx, id); err != nil {
			return err
		}
		a, rs, _, err := loadAgreement(tx, id)
		if err != nil || a.Status != StatusSent || !s.expired(a) {
			return err
		}
		if err := tx.Model(&Agreement{}).Where("id = ?", id).Update("status", StatusExpired).Error; err != nil {
			return err
		}
		if err := s.appendEvent(tx, &Event{AgreementID: id, Kind: EventExpired}, s.now()); err != nil {
			return err
		}
		for _, r := range rs {
			out.mail(r.UserID, msgExpired, a.Title)
		}
		out.mail(a.CreatedBy, msgExpired, a.Title)
		done = true
		a.Status = StatusExpired
		return s.enqueueHooks(tx, a, EventExpired, &out)
	})
	if err == nil && done {
		s.flush(ctx, id, StatusExpired, EventExpired, out)
	}
	return err
}

// Seal produces and stores the final PDF of agreement id once every signer has signed.
func (s *Service) Seal(ctx context.Context, id int64) error {
	g := s.DB.WithContext(ctx)
	a, rs, fields, err := loadAgreement(g, id)
	if err != nil {
		return err
	}
	if a.Status != StatusSealing {
		return nil
	}
	var orig document
	if err := g.Where("agreement_id = ? AND kind = ?", id, "original").Take(&orig).Error; err != nil {
		return err
	}
	if Hash(orig.Data) != a.OriginalSHA256 {
		return fmt.Errorf("agreement %d: original document does not match the hash fixed at send", id)
	}
	var events []Event
	if err := g.Where("agreement_id = ?", id).Order("seq").Find(&events).Error; err != nil {
		return err
	}
	if c := checkChain(a, events, s.auditKey()); !c.Intact {
		return fmt.Errorf("agreement %d: audit trail broken: %v", id, c.Problems)
	}
	var zoneName string
	g.Table("zones").Select("name_zh || ' ' || name_en").Where("id = ?", a.ZoneID).Scan(&zoneName)
	now := s.now()
	final, err := s.Sealer.Seal(sealInput{Agreement: a, ZoneName: zoneName, Recipients: rs, Fields: fields, Events: events,
		Original: orig.Data, VerifyURL: s.VerifyURL(a.VerifyToken), At: now})
	if err != nil {
		return err
	}
	sum := Hash(final)
	var out outbox
	sealed := false
	err = g.Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Agreement{}).Where("id = ? AND status = ?", id, StatusSealing).
			Updates(map[string]any{"status": StatusCompleted, "final_sha256": sum, "completed_at": now})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		if err := tx.Create(&document{AgreementID: id, Kind: "final", SHA256: sum, Size: int64(len(final)), Data: final}).Error; err != nil {
			return err
		}
		if err := s.appendEvent(tx, &Event{AgreementID: id, Kind: EventCompleted, Detail: detail("sha256", sum)}, now); err != nil {
			return err
		}
		for _, r := range rs {
			out.mail(r.UserID, msgCompleted, a.Title)
		}
		if !slices.ContainsFunc(rs, func(r Recipient) bool { return r.UserID == a.CreatedBy }) {
			out.mail(a.CreatedBy, msgCompleted, a.Title)
		}
		sealed = true
		a.Status, a.FinalSHA256 = StatusCompleted, sum
		return s.enqueueHooks(tx, a, EventCompleted, &out)
	})
	if err != nil || !sealed {
		return err
	}
	s.flush(ctx, id, StatusCompleted, EventCompleted, out)
	if a.BriefingID != nil && s.Publisher != nil && s.briefingLive(ctx, *a.BriefingID, now) {
		parties := []string{}
		for _, r := range rs {
			if Signs(r.Role) && !slices.Contains(parties, r.Party) && r.Party != "" {
				parties = append(parties, r.Party)
			}
		}
		_, _ = s.Publisher.Publish(ctx, "briefing:"+strconv.FormatInt(*a.BriefingID, 10), "signing.ceremony",
			map[string]any{"agreementId": id, "title": a.Title, "parties": parties, "completedAt": now})
	}
	return nil
}

// chinaTime is Beijing time, in which the agreements' zones sign and date them.
var chinaTime = time.FixedZone("CST", 8*3600)

// SigningDate is the date a date field shows for a signature made at t: the day in Beijing, where
// the zone is (a signature at 07:00 in Suzhou is dated that day, not the day before in UTC).
func SigningDate(t time.Time) string { return t.In(chinaTime).Format("2006-01-02") }

func trim(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// Party reports whether p may read agreement a: its zone's managers, and its recipients once
// it has been sent.
func Party(p *web.Principal, a Agreement, rs []Recipient) bool {
	if p.ManagesZone(a.ZoneID) {
		return true
	}
	_, ok := mine(rs, p.UserID)
	return ok && a.Status != StatusDraft
}

// missing is a 404 for a kind of thing of this package.
func missing(what string) *errs.Error { return errs.New(errs.ErrNotFound, "signing.missing_"+what) }

// Viewed records a recipient's first look at the document once it has been sent: a look at a
// draft, whose document may still change, is not a look at what they are asked to sign.
func (s *Service) Viewed(ctx context.Context, m Meta, id, recipientID int64) error {
	now := s.now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(tx, id); err != nil {
			return err
		}
		var a Agreement
		if err := tx.Select("id, status").Take(&a, id).Error; err != nil {
			return notFound(err)
		}
		if a.Status == StatusDraft {
			return nil
		}
		res := tx.Model(&Recipient{}).Where("id = ? AND viewed_at IS NULL", recipientID).UpdateColumn("viewed_at", now)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return s.appendEvent(tx, &Event{AgreementID: id, Kind: EventViewed, UserID: m.UserID, RecipientID: recipientID, IP: m.IP, UserAgent: m.UserAgent}, now)
	})
}

// Downloaded records a download of the sealed document.
func (s *Service) Downloaded(ctx context.Context, m Meta, id int64) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return s.appendEvent(tx, &Event{AgreementID: id, Kind: EventDownloaded, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent}, s.now())
	})
}

// briefingLive reports whether briefing id is being held at now: opened by its host and not
// ended. The signing ceremony shows only in a room that is live.
func (s *Service) briefingLive(ctx context.Context, id int64, now time.Time) bool {
	var b briefing.Briefing
	if err := s.DB.WithContext(ctx).Select("id, starts_at, ends_at, started_at, ended_at").Take(&b, id).Error; err != nil {
		return false
	}
	return b.PhaseAt(now) == briefing.Live
}

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
	// a closed agreement's links do not change, so they are checked before the transaction.
	var project, briefing *int64
	{
		a, _, _, err := loadAgreement(s.DB.WithContext(ctx), id)
		if err != nil {
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
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(tx, id); err != nil {
			return err
		}
		old, rs, fs, err := loadAgreement(tx, id)
		if err != nil {
			return err
		}
		switch old.Status {
		case StatusVoided, StatusDeclined, StatusExpired:
		case StatusDraft:
			return conflict("signing.resend_draft")
		case StatusSent:
			return conflict("signing.resend_open")
		default:
			return conflict("signing.resend_completed")
		}
		var prior Agreement
		if err := tx.Select("id").Where("replaces_id = ?", id).Limit(1).Find(&prior).Error; err != nil {
			return err
		}
		if prior.ID != 0 {
			return conflict("signing.resend_done")
		}
		var doc document
		if err := tx.Where("agreement_id = ? AND kind = ?", id, "original").Take(&doc).Error; err != nil {
			return notFound(err)
		}
		if Hash(doc.Data) != doc.SHA256 || (old.OriginalSHA256 != "" && doc.SHA256 != old.OriginalSHA256) {
			return fmt.Errorf("agreement %d: stored document does not match its hash", id)
		}
		a := Agreement{ZoneID: old.ZoneID, ProjectID: project, BriefingID: briefing, TemplateID: old.TemplateID, Title: old.Title,
			Status: StatusDraft, MergeData: old.MergeData, ExpiresAt: resendExpiry(old, now), ReminderHours: old.ReminderHours,
			CreatedBy: m.UserID, VerifyToken: newToken(), ReplacesID: &old.ID}
		if a.TemplateID != nil {
			var n int64
			if err := tx.Model(&Template{}).Where("id = ?", *a.TemplateID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				a.TemplateID = nil
			}
		}
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		if err := putDocument(tx, &a, doc.Data); err != nil {
			return err
		}
		// People keep their place; their name and e-mail are read afresh.
		ids := make([]int64, len(rs))
		for i, r := range rs {
			ids[i] = r.UserID
		}
		var people []struct {
			ID          int64
			Name, Email string
		}
		if len(ids) > 0 {
			if err := tx.Table("users").Select("id, name, email").Where("id IN ?", ids).Scan(&people).Error; err != nil {
				return err
			}
		}
		recipientOf := map[int64]int64{}
		for _, r := range rs {
			n := Recipient{AgreementID: a.ID, UserID: r.UserID, Role: r.Role, Party: r.Party, Name: r.Name, Email: r.Email, Step: r.Step, Status: "pending"}
			for _, p := range people {
				if p.ID == r.UserID {
					n.Name, n.Email = p.Name, p.Email
				}
			}
			if err := tx.Create(&n).Error; err != nil {
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
		if len(fields) > 0 {
			if err := tx.Create(&fields).Error; err != nil {
				return err
			}
		}
		newID, status = a.ID, old.Status
		if err := s.appendEvent(tx, &Event{AgreementID: a.ID, Kind: EventCreated, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent,
			Detail: detail("title", a.Title, "copied_from", strconv.FormatInt(old.ID, 10), "document", doc.SHA256)}, now); err != nil {
			return err
		}
		return s.appendEvent(tx, &Event{AgreementID: old.ID, Kind: EventReissued, UserID: m.UserID, IP: m.IP, UserAgent: m.UserAgent,
			Detail: detail("as", strconv.FormatInt(a.ID, 10))}, now)
	})
	if err != nil {
		return 0, err
	}
	// Whoever has the old agreement open learns it was re-sent; nobody is mailed about a draft.
	s.flush(ctx, id, status, EventReissued, outbox{})
	return newID, nil
}
