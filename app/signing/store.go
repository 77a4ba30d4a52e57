package signing

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// Store reads templates, agreements, documents, audit trails and webhooks.
type Store struct{ db *gorm.DB }

// NewStore returns a Store on g.
func NewStore(g *gorm.DB) *Store { return &Store{db: g} }

// ZoneOf returns the zone agreement id belongs to (a not-found error when there is none).
func (s *Store) ZoneOf(ctx context.Context, id int64) (int64, error) {
	var a Agreement
	err := s.db.WithContext(ctx).Select("id", "zone_id").Take(&a, id).Error
	return a.ZoneID, notFound(err)
}

// TemplateInput is a new or edited template.
type TemplateInput struct {
	NameZh string `json:"nameZh" validate:"required,min=2,max=200,text"`
	NameEn string `json:"nameEn" validate:"required,min=2,max=200,text"`
	BodyZh string `json:"bodyZh" validate:"required,max=50000,text"`
	BodyEn string `json:"bodyEn" validate:"required,max=50000,text"`
}

// Templates lists the templates not archived, newest first.
func (s *Store) Templates(ctx context.Context) ([]Template, error) {
	out := []Template{}
	err := s.db.WithContext(ctx).Where("archived = ?", false).Order("id DESC").Find(&out).Error
	for i := range out {
		out[i].fillMergeFields()
	}
	return out, err
}

// Template returns template id.
func (s *Store) Template(ctx context.Context, id int64) (Template, error) {
	var t Template
	if err := s.db.WithContext(ctx).First(&t, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return t, missing("template")
		}
		return t, err
	}
	t.fillMergeFields()
	return t, nil
}

// CreateTemplate inserts t.
func (s *Store) CreateTemplate(ctx context.Context, t *Template) error {
	err := s.db.WithContext(ctx).Create(t).Error
	t.fillMergeFields()
	return err
}

// UpdateTemplate writes in over template id. Agreements already rendered keep their document.
func (s *Store) UpdateTemplate(ctx context.Context, id int64, in TemplateInput) error {
	res := s.db.WithContext(ctx).Model(&Template{}).Where("id = ?", id).
		Updates(map[string]any{"name_zh": in.NameZh, "name_en": in.NameEn, "body_zh": in.BodyZh, "body_en": in.BodyEn})
	if res.Error == nil && res.RowsAffected == 0 {
		return missing("template")
	}
	return res.Error
}

// ArchiveTemplate hides template id from new agreements.
func (s *Store) ArchiveTemplate(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Model(&Template{}).Where("id = ?", id).Update("archived", true)
	if res.Error == nil && res.RowsAffected == 0 {
		return missing("template")
	}
	return res.Error
}

// Detail is an agreement with everything its page shows.
type Detail struct {
	Agreement
	Pages       []Page      `json:"pages"`
	Recipients  []Recipient `json:"recipients"`
	Fields      []Field     `json:"fields"`
	CurrentStep int         `json:"currentStep"`
	// Me is the caller's own place among the recipients; nil for a zone manager who is not one.
	Me        *Mine  `json:"me"`
	CanManage bool   `json:"canManage"`
	VerifyURL string `json:"verifyUrl"`
	// ReplacedBy is the agreement this one was re-sent as, if it was (shown to its managers).
	ReplacedBy *int64 `json:"replacedBy"`
}

// Mine is the caller's part in an agreement.
type Mine struct {
	RecipientID int64  `json:"recipientId"`
	Role        string `json:"role"`
	Status      string `json:"status"`
	YourTurn    bool   `json:"yourTurn"`
}

// Agreement loads agreement id for p, refusing callers who are not a party.
func (s *Store) Agreement(ctx context.Context, p *actor.Actor, id int64) (Agreement, []Recipient, []Field, error) {
	a, rs, fs, err := s.load(ctx, id)
	if err != nil {
		return a, nil, nil, err
	}
	if !Party(p, a, rs) {
		return a, nil, nil, errs.New(errs.ErrForbidden, "signing.not_party")
	}
	return a, rs, fs, nil
}

// Detail returns agreement id as p sees it.
func (s *Store) Detail(ctx context.Context, p *actor.Actor, id int64, verifyURL func(string) string) (Detail, error) {
	a, rs, fs, err := s.Agreement(ctx, p, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Agreement: a, Recipients: rs, Fields: fs, CurrentStep: currentStep(rs), CanManage: p.ManagesZone(a.ZoneID), Pages: []Page{}}
	_ = json.Unmarshal([]byte(a.PagesJSON), &d.Pages)
	if a.Status == StatusCompleted {
		d.VerifyURL = verifyURL(a.VerifyToken)
	}
	if d.CanManage && a.Status != StatusDraft {
		next, err := s.replacedBy(ctx, a.ID)
		if err != nil {
			return Detail{}, err
		}
		if next != 0 {
			d.ReplacedBy = &next
		}
	}
	if me, ok := mine(rs, p.UserID); ok {
		d.Me = &Mine{RecipientID: me.ID, Role: me.Role, Status: me.Status,
			YourTurn: a.Status == StatusSent && Signs(me.Role) && me.Status == "pending" && me.Step == d.CurrentStep}
	}
	if d.Recipients == nil {
		d.Recipients = []Recipient{}
	}
	if d.Fields == nil {
		d.Fields = []Field{}
	}
	return d, nil
}

// Summary is one row of an agreement list.
type Summary struct {
	ID          int64      `json:"id"`
	ZoneID      int64      `json:"zoneId"`
	Title       string     `json:"title"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"createdAt"`
	SentAt      *time.Time `json:"sentAt"`
	CompletedAt *time.Time `json:"completedAt"`
	YourTurn    bool       `json:"yourTurn"`
}

// ListQuery filters the agreement list.
type ListQuery struct {
	Status string `query:"status" validate:"omitempty,oneof=draft sent sealing completed declined voided expired"`
}

// List returns the agreements p takes part in or manages, newest first (at most 500).
func (s *Store) List(ctx context.Context, p *actor.Actor, q ListQuery) ([]Summary, error) {
	g := s.db.WithContext(ctx).Model(&Agreement{})
	sub := s.db.Model(&Recipient{}).Select("agreement_id").Where("user_id = ?", p.UserID)
	switch {
	case p.Role == actor.RoleAdmin:
	case p.Role == actor.RoleZoneStaff:
		g = g.Where("zone_id = ? OR (id IN (?) AND status <> ?)", p.ZoneID, sub, StatusDraft)
	default:
		g = g.Where("id IN (?) AND status <> ?", sub, StatusDraft)
	}
	if q.Status != "" {
		g = g.Where("status = ?", q.Status)
	}
	var rows []Agreement
	if err := g.Order("id DESC").Limit(500).Find(&rows).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, a := range rows {
		ids[i] = a.ID
	}
	var rs []Recipient
	if len(ids) > 0 {
		if err := s.db.WithContext(ctx).Select("id, agreement_id, user_id, role, step, status").Where("agreement_id IN ?", ids).Find(&rs).Error; err != nil {
			return nil, err
		}
	}
	by := map[int64][]Recipient{}
	for _, r := range rs {
		by[r.AgreementID] = append(by[r.AgreementID], r)
	}
	out := make([]Summary, len(rows))
	for i, a := range rows {
		out[i] = Summary{ID: a.ID, ZoneID: a.ZoneID, Title: a.Title, Status: a.Status, CreatedAt: a.CreatedAt, SentAt: a.SentAt, CompletedAt: a.CompletedAt}
		if me, ok := mine(by[a.ID], p.UserID); ok {
			out[i].YourTurn = a.Status == StatusSent && Signs(me.Role) && me.Status == "pending" && me.Step == currentStep(by[a.ID])
		}
	}
	return out, nil
}

// Document returns the stored PDF of agreement id of kind "original" or "final".
func (s *Store) Document(ctx context.Context, id int64, kind string) ([]byte, error) {
	var d document
	if err := s.db.WithContext(ctx).Where("agreement_id = ? AND kind = ?", id, kind).Take(&d).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, missing("document")
		}
		return nil, err
	}
	return d.Data, nil
}

// Trail is an agreement's audit trail with the result of checking its chain.
type Trail struct {
	Events []Event `json:"events"`
	Chain  Chain   `json:"chain"`
}

// Webhooks lists the webhooks of zone id.
func (s *Store) Webhooks(ctx context.Context, zoneID int64) ([]Webhook, error) {
	out := []Webhook{}
	err := s.db.WithContext(ctx).Where("zone_id = ?", zoneID).Order("id").Find(&out).Error
	return out, err
}

// Webhook returns webhook id.
func (s *Store) Webhook(ctx context.Context, id int64) (Webhook, error) {
	var h Webhook
	err := s.db.WithContext(ctx).First(&h, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return h, missing("webhook")
	}
	return h, err
}

// CreateWebhook inserts h with a fresh secret.
func (s *Store) CreateWebhook(ctx context.Context, h *Webhook) error {
	h.Secret, h.Active = newSecret(), true
	return s.db.WithContext(ctx).Create(h).Error
}

// DeleteWebhook removes webhook id and its delivery log.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("webhook_id = ?", id).Delete(&Delivery{}).Error; err != nil {
			return err
		}
		return tx.Delete(&Webhook{}, id).Error
	})
}

// Deliveries returns the newest 200 deliveries of webhook id.
func (s *Store) Deliveries(ctx context.Context, id int64) ([]Delivery, error) {
	out := []Delivery{}
	err := s.db.WithContext(ctx).Where("webhook_id = ?", id).Order("id DESC").Limit(200).Find(&out).Error
	return out, err
}

// CanWatch reports whether p may follow the live channel "agreement:<key>": the agreement's
// zone managers and, once it is sent, its recipients.
func (s *Store) CanWatch(ctx context.Context, p *actor.Actor, key string) bool {
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil || id <= 0 || p == nil || p.UserID == 0 {
		return false
	}
	_, _, _, err = s.Agreement(ctx, p, id)
	return err == nil
}
