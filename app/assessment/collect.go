package assessment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// Submission status: zone staff fill a draft and submit it; the province reviews (returning
// values with a reason, or passing it on); the ministry approves. Approved data is final.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusReturned  = "returned"
	StatusReviewed  = "reviewed"
	StatusApproved  = "approved"
)

// Audit actions.
const (
	ActionSet     = "set"
	ActionImport  = "import"
	ActionSubmit  = "submit"
	ActionReturn  = "return"
	ActionReview  = "review"
	ActionApprove = "approve"
)

type submissionRow struct {
	ID          int64
	ZoneID      int64
	Year        int
	Status      string
	SubmittedBy int64
	SubmittedAt *time.Time
	ReviewedBy  int64
	ReviewedAt  *time.Time
	ApprovedBy  int64
	ApprovedAt  *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (submissionRow) TableName() string { return "assessment_submissions" }

type valueRow struct {
	ID            int64
	SubmissionID  int64
	IndicatorCode string
	Value         float64
	ReturnReason  string
	ReturnedBy    int64
	ReturnedAt    *time.Time
	UpdatedBy     int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (valueRow) TableName() string { return "assessment_values" }

type auditRow struct {
	ID            int64
	SubmissionID  int64
	IndicatorCode string
	Action        string
	OldValue      *float64
	NewValue      *float64
	Reason        string
	ActorID       int64
	ActorName     string
	ActorRole     string
	CreatedAt     time.Time
}

func (auditRow) TableName() string { return "assessment_audit" }

// Service is the assessment's use cases: data collection and review, scoring and rankings.
type Service struct {
	DB    *gorm.DB
	Store *Store
	Log   *slog.Logger
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Submission is one zone's data for one year and where it stands in review.
type Submission struct {
	ID          int64      `json:"id"`
	ZoneID      int64      `json:"zoneId"`
	ZoneNameZh  string     `json:"zoneNameZh"`
	ZoneNameEn  string     `json:"zoneNameEn"`
	Province    string     `json:"province"`
	Region      string     `json:"region"`
	Year        int        `json:"year"`
	Status      string     `json:"status" enum:"draft,submitted,returned,reviewed,approved"`
	Filled      int        `json:"filled"`
	Total       int        `json:"total"`
	Returned    int        `json:"returned"`
	SubmittedAt *time.Time `json:"submittedAt"`
	ReviewedAt  *time.Time `json:"reviewedAt"`
	ApprovedAt  *time.Time `json:"approvedAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
}

// Row is one indicator of a submission with its value and, when returned, why.
type Row struct {
	Category       string `json:"category"`
	CategoryNameZh string `json:"categoryNameZh"`
	CategoryNameEn string `json:"categoryNameEn"`
	Indicator
	Value        *float64   `json:"value"`
	ReturnReason string     `json:"returnReason"`
	ReturnedAt   *time.Time `json:"returnedAt"`
}

// AuditEntry is one recorded change: who, when, what, the old and the new value.
type AuditEntry struct {
	ID        int64     `json:"id"`
	Indicator string    `json:"indicator"`
	Action    string    `json:"action" enum:"set,import,submit,return,review,approve"`
	OldValue  *float64  `json:"oldValue"`
	NewValue  *float64  `json:"newValue"`
	Reason    string    `json:"reason"`
	ActorName string    `json:"actorName"`
	ActorRole string    `json:"actorRole"`
	At        time.Time `json:"at"`
}

// Detail is a submission with its indicators, audit trail and what the caller may do.
type Detail struct {
	Submission
	VersionID   int64        `json:"versionId"`
	VersionCode string       `json:"versionCode"`
	Rows        []Row        `json:"rows"`
	Audit       []AuditEntry `json:"audit"`
	CanEdit     bool         `json:"canEdit"`
	CanReview   bool         `json:"canReview"`
	CanApprove  bool         `json:"canApprove"`
}

// SubmissionFilter narrows the list of submissions.
type SubmissionFilter struct {
	Year   int    `query:"year" validate:"omitempty,gte=2000,lte=2100"`
	Status string `query:"status" validate:"omitempty,oneof=draft submitted returned reviewed approved"`
	ZoneID int64  `query:"zoneId" validate:"gte=0"`
}

// OpenRequest opens (or finds) the caller's zone's submission for a year.
type OpenRequest struct {
	Year int `json:"year" validate:"required,gte=2000,lte=2100"`
}

// ValueInput is one indicator value.
type ValueInput struct {
	Code  string  `json:"code" validate:"required,max=40"`
	Value float64 `json:"value"`
}

// ValuesRequest sets some values of a submission.
type ValuesRequest struct {
	Values []ValueInput `json:"values" validate:"required,min=1,max=200,dive"`
}

// ReturnItem sends one value back to the zone with the reason.
type ReturnItem struct {
	Code   string `json:"code" validate:"required,max=40"`
	Reason string `json:"reason" validate:"required,min=2,max=1000,text"`
}

// ReturnRequest returns values of a submission to the zone.
type ReturnRequest struct {
	Items []ReturnItem `json:"items" validate:"required,min=1,max=100,dive"`
}

type zoneRef struct {
	ID       int64
	Slug     string
	NameZh   string
	NameEn   string
	Province string
	Region   string
}

func (s *Service) zones(ctx context.Context, ids ...int64) (map[int64]zoneRef, error) {
	var rows []zoneRef
	q := s.DB.WithContext(ctx).Model(&zone.Zone{}).Select("id, slug, name_zh, name_en, province, region")
	if len(ids) > 0 {
		q = q.Where("id IN ?", ids)
	}
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]zoneRef, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// refuse logs a refused attempt and returns the 403.
func (s *Service) refuse(ctx context.Context, p *web.Principal, what string, id int64) error {
	if s.Log != nil && p != nil {
		s.Log.WarnContext(ctx, "assessment: refused", "user_id", p.UserID, "role", p.Role, "action", what, "id", id)
	}
	return errs.Forbidden()
}

func (s *Service) submission(ctx context.Context, id int64) (submissionRow, zoneRef, error) {
	var row submissionRow
	err := s.DB.WithContext(ctx).First(&row, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, zoneRef{}, errs.NotFound("assessment_submission")
	}
	if err != nil {
		return row, zoneRef{}, err
	}
	zs, err := s.zones(ctx, row.ZoneID)
	return row, zs[row.ZoneID], err
}

// sees reports whether p may read zone z's data.
func sees(p *web.Principal, z zoneRef) bool {
	return p.Role == web.RoleZoneStaff && p.ZoneID == z.ID || p.ReviewsProvince(z.Province)
}

func canEdit(p *web.Principal, sub submissionRow) bool {
	return p.Role == web.RoleZoneStaff && p.ZoneID == sub.ZoneID && (sub.Status == StatusDraft || sub.Status == StatusReturned)
}

func canReview(p *web.Principal, sub submissionRow, z zoneRef) bool {
	switch p.Role {
	case web.RoleProvince:
		return sub.Status == StatusSubmitted && p.ReviewsProvince(z.Province)
	case web.RoleAdmin:
		return sub.Status == StatusSubmitted || sub.Status == StatusReviewed
	}
	return false
}

func canApprove(p *web.Principal, sub submissionRow, z zoneRef) bool {
	switch p.Role {
	case web.RoleProvince:
		return sub.Status == StatusSubmitted && p.ReviewsProvince(z.Province)
	case web.RoleAdmin:
		return sub.Status == StatusReviewed
	}
	return false
}

// List returns the submissions the caller may see: a zone's staff their zone's, province
// staff their province's, admins all.
func (s *Service) List(ctx context.Context, p *web.Principal, f SubmissionFilter) ([]Submission, error) {
	q := s.DB.WithContext(ctx).Table("assessment_submissions AS s").Joins("JOIN zones z ON z.id = s.zone_id").
		Select("s.*").Order("s.year DESC, z.name_en")
	switch p.Role {
	case web.RoleZoneStaff:
		q = q.Where("s.zone_id = ?", p.ZoneID)
	case web.RoleProvince:
		q = q.Where("z.province = ?", p.Province)
	case web.RoleAdmin:
	default:
		return nil, s.refuse(ctx, p, "list", 0)
	}
	if f.Year != 0 {
		q = q.Where("s.year = ?", f.Year)
	}
	if f.Status != "" {
		q = q.Where("s.status = ?", f.Status)
	}
	if f.ZoneID != 0 {
		q = q.Where("s.zone_id = ?", f.ZoneID)
	}
	var rows []submissionRow
	if err := q.Limit(2000).Find(&rows).Error; err != nil {
		return nil, err
	}
	return s.summaries(ctx, rows)
}

func (s *Service) summaries(ctx context.Context, rows []submissionRow) ([]Submission, error) {
	out := make([]Submission, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	zs, err := s.zones(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var counts []struct {
		SubmissionID int64
		Filled       int
		Returned     int
	}
	err = s.DB.WithContext(ctx).Model(&valueRow{}).Select("submission_id, COUNT(*) AS filled, SUM(CASE WHEN return_reason <> '' THEN 1 ELSE 0 END) AS returned").
		Where("submission_id IN ?", ids).Group("submission_id").Scan(&counts).Error
	if err != nil {
		return nil, err
	}
	total := 0
	if v, err := s.Store.Current(ctx); err == nil {
		total = len(v.Indicators())
	}
	byID := map[int64]int{}
	for i, c := range counts {
		byID[c.SubmissionID] = i
	}
	for _, r := range rows {
		sub := summary(r, zs[r.ZoneID])
		sub.Total = total
		if i, ok := byID[r.ID]; ok {
			sub.Filled, sub.Returned = counts[i].Filled, counts[i].Returned
		}
		out = append(out, sub)
	}
	return out, nil
}

func summary(r submissionRow, z zoneRef) Submission {
	return Submission{ID: r.ID, ZoneID: r.ZoneID, ZoneNameZh: z.NameZh, ZoneNameEn: z.NameEn, Province: z.Province, Region: z.Region,
		Year: r.Year, Status: r.Status, SubmittedAt: r.SubmittedAt, ReviewedAt: r.ReviewedAt, ApprovedAt: r.ApprovedAt, UpdatedAt: r.UpdatedAt}
}

// Open returns the caller's zone's submission for a year, creating the draft if needed.
func (s *Service) Open(ctx context.Context, p *web.Principal, year int) (Detail, bool, error) {
	if p.Role != web.RoleZoneStaff || p.ZoneID == 0 {
		return Detail{}, false, s.refuse(ctx, p, "open", 0)
	}
	var row submissionRow
	err := s.DB.WithContext(ctx).Where("zone_id = ? AND year = ?", p.ZoneID, year).First(&row).Error
	created := false
	if errors.Is(err, gorm.ErrRecordNotFound) {
		row = submissionRow{ZoneID: p.ZoneID, Year: year, Status: StatusDraft}
		err = s.DB.WithContext(ctx).Create(&row).Error
		created = err == nil
		if db.IsUniqueViolation(err) { // opened at the same moment elsewhere
			err = s.DB.WithContext(ctx).Where("zone_id = ? AND year = ?", p.ZoneID, year).First(&row).Error
		}
	}
	if err != nil {
		return Detail{}, false, err
	}
	d, err := s.Detail(ctx, p, row.ID)
	return d, created, err
}

// Detail returns submission id for a caller who may see it.
func (s *Service) Detail(ctx context.Context, p *web.Principal, id int64) (Detail, error) {
	row, z, err := s.submission(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	if !sees(p, z) {
		return Detail{}, s.refuse(ctx, p, "read", id)
	}
	v, err := s.Store.Current(ctx)
	if err != nil {
		return Detail{}, err
	}
	var values []valueRow
	if err := s.DB.WithContext(ctx).Where("submission_id = ?", id).Find(&values).Error; err != nil {
		return Detail{}, err
	}
	byCode := map[string]valueRow{}
	for _, r := range values {
		byCode[r.IndicatorCode] = r
	}
	d := Detail{Submission: summary(row, z), VersionID: v.ID, VersionCode: v.Code, Rows: []Row{}, Audit: []AuditEntry{},
		CanEdit: canEdit(p, row), CanReview: canReview(p, row, z), CanApprove: canApprove(p, row, z)}
	for _, c := range v.Categories {
		for _, ind := range c.Indicators {
			r := Row{Category: c.Code, CategoryNameZh: c.NameZh, CategoryNameEn: c.NameEn, Indicator: ind}
			if val, ok := byCode[ind.Code]; ok {
				r.Value = &val.Value
				r.ReturnReason, r.ReturnedAt = val.ReturnReason, val.ReturnedAt
				d.Filled++
				if val.ReturnReason != "" {
					d.Returned++
				}
			}
			d.Rows = append(d.Rows, r)
		}
	}
	d.Total = len(d.Rows)
	var audit []auditRow
	if err := s.DB.WithContext(ctx).Where("submission_id = ?", id).Order("id DESC").Limit(500).Find(&audit).Error; err != nil {
		return Detail{}, err
	}
	for _, a := range audit {
		d.Audit = append(d.Audit, AuditEntry{ID: a.ID, Indicator: a.IndicatorCode, Action: a.Action, OldValue: a.OldValue, NewValue: a.NewValue,
			Reason: a.Reason, ActorName: a.ActorName, ActorRole: a.ActorRole, At: a.CreatedAt})
	}
	return d, nil
}

// CheckValue validates v for ind: a finite number, the unit's rules, the plausible range.
func CheckValue(ind Indicator, v float64) (key, param string, ok bool) {
	u, _ := UnitByCode(ind.Unit)
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "assessment.not_number", fmt.Sprint(v), false
	case u.NonNegative && v < 0:
		return "assessment.negative", "", false
	case u.Integer && v != math.Trunc(v):
		return "assessment.integer", "", false
	case v < ind.Min || v > ind.Max:
		return "assessment.out_of_range", formatWeight(ind.Min) + " – " + formatWeight(ind.Max), false
	}
	return "", "", true
}

// SetValues writes values into a submission the caller's zone may still edit, auditing every
// change. All values are checked first: one bad value stores nothing; field names the i-th
// value in error details (its index in the request, or its row in an imported file), and
// problems found earlier (an imported file's unreadable cells) are reported along with them.
func (s *Service) SetValues(ctx context.Context, p *web.Principal, id int64, in []ValueInput, action string, field func(i int) string, earlier []errs.FieldError) (Detail, error) {
	row, z, err := s.submission(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	if !(p.Role == web.RoleZoneStaff && p.ZoneID == z.ID) {
		return Detail{}, s.refuse(ctx, p, "edit", id)
	}
	if !canEdit(p, row) {
		return Detail{}, errs.New(errs.ErrConflict, "assessment.locked")
	}
	v, err := s.Store.Current(ctx)
	if err != nil {
		return Detail{}, err
	}
	fields := earlier
	seen := map[string]bool{}
	for i, val := range in {
		f := field(i)
		ind, ok := v.Indicator(val.Code)
		switch {
		case !ok:
			fields = append(fields, errs.FieldError{Field: f + ".code", Key: "assessment.unknown_indicator", Param: val.Code})
		case seen[val.Code]:
			fields = append(fields, errs.FieldError{Field: f + ".code", Key: "assessment.duplicate_row", Param: val.Code})
		default:
			if key, param, ok := CheckValue(ind, val.Value); !ok {
				fields = append(fields, errs.FieldError{Field: f + ".value", Key: key, Param: param})
			}
		}
		seen[val.Code] = true
	}
	if len(fields) > 0 {
		return Detail{}, &errs.Error{Kind: errs.ErrInvalid, Key: "invalid_input", Fields: fields}
	}
	now := s.now()
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The guarded touch locks the submission and proves it is still editable.
		res := tx.Model(&submissionRow{}).Where("id = ? AND status IN ?", id, []string{StatusDraft, StatusReturned}).Update("updated_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.ErrConflict, "assessment.locked")
		}
		var existing []valueRow
		if err := tx.Where("submission_id = ?", id).Find(&existing).Error; err != nil {
			return err
		}
		old := map[string]valueRow{}
		for _, e := range existing {
			old[e.IndicatorCode] = e
		}
		for _, val := range in {
			e, had := old[val.Code]
			if had && e.Value == val.Value {
				continue
			}
			newVal := val.Value
			entry := auditRow{SubmissionID: id, IndicatorCode: val.Code, Action: action, NewValue: &newVal, ActorID: p.UserID, ActorName: p.Name, ActorRole: string(p.Role), CreatedAt: now}
			if had {
				oldVal := e.Value
				entry.OldValue = &oldVal
				err := tx.Model(&valueRow{}).Where("id = ?", e.ID).Updates(map[string]any{"value": val.Value, "return_reason": "", "returned_by": 0, "returned_at": nil, "updated_by": p.UserID, "updated_at": now}).Error
				if err != nil {
					return err
				}
			} else if err := tx.Create(&valueRow{SubmissionID: id, IndicatorCode: val.Code, Value: val.Value, UpdatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
				return err
			}
			if err := tx.Create(&entry).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Detail(ctx, p, id)
}
