package assessment

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
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
	Store *Store
	Zones Zones
	Log   *slog.Logger
	Now   func() time.Time
}

// Zones is the zone capability: zones' names and places by id, and the zones of a province.
type Zones interface {
	RefsByID(ctx context.Context, ids []int64) (map[int64]zone.Ref, error)
	IDsInProvince(ctx context.Context, province string) ([]int64, error)
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

// refuse logs a refused attempt and returns the 403.
func (s *Service) refuse(ctx context.Context, p *actor.Actor, what string, id int64) error {
	if s.Log != nil && p != nil {
		s.Log.WarnContext(ctx, "assessment: refused", "user_id", p.UserID, "role", p.Role, "action", what, "id", id)
	}
	return errs.Forbidden()
}

func (s *Service) submission(ctx context.Context, id int64) (submissionRow, zone.Ref, error) {
	row, err := s.Store.Submission(ctx, id)
	if err != nil {
		return row, zone.Ref{}, err
	}
	zs, err := s.Zones.RefsByID(ctx, []int64{row.ZoneID})
	return row, zs[row.ZoneID], err
}

// isStaffOf reports whether p is zone staff of zone zoneID.
func isStaffOf(p *actor.Actor, zoneID int64) bool {
	return p != nil && p.Role == actor.RoleZoneStaff && p.ZoneID == zoneID
}

// sees reports whether p may read zone z's data.
func sees(p *actor.Actor, z zone.Ref) bool {
	return isStaffOf(p, z.ID) || p.ReviewsProvince(z.Province)
}

func canEdit(p *actor.Actor, sub submissionRow) bool {
	return isStaffOf(p, sub.ZoneID) && (sub.Status == StatusDraft || sub.Status == StatusReturned)
}

func canReview(p *actor.Actor, sub submissionRow, z zone.Ref) bool {
	switch {
	case p == nil:
	case p.Role == actor.RoleProvince:
		return sub.Status == StatusSubmitted && p.ReviewsProvince(z.Province)
	case p.Role == actor.RoleAdmin:
		return sub.Status == StatusSubmitted || sub.Status == StatusReviewed
	}
	return false
}

func canApprove(p *actor.Actor, sub submissionRow, z zone.Ref) bool {
	switch {
	case p == nil:
	case p.Role == actor.RoleProvince:
		return sub.Status == StatusSubmitted && p.ReviewsProvince(z.Province)
	case p.Role == actor.RoleAdmin:
		return sub.Status == StatusReviewed
	}
	return false
}

// who is p as the audit trail records them.
func who(p *actor.Actor) auditRow {
	return auditRow{ActorID: p.UserID, ActorName: p.Name, ActorRole: string(p.Role)}
}

// List returns the submissions the caller may see: a zone's staff their zone's, province
// staff their province's, admins all.
func (s *Service) List(ctx context.Context, p *actor.Actor, f SubmissionFilter) ([]Submission, error) {
	var sc submissionScope
	switch {
	case p == nil:
		return nil, s.refuse(ctx, p, "list", 0)
	case p.Role == actor.RoleZoneStaff:
		sc.zoneID = p.ZoneID
		if sc.zoneID == 0 {
			return []Submission{}, nil
		}
	case p.Role == actor.RoleProvince:
		sc.byProvince = true
		var err error
		if sc.zones, err = s.Zones.IDsInProvince(ctx, p.Province); err != nil {
			return nil, err
		}
	case p.Role == actor.RoleAdmin:
	default:
		return nil, s.refuse(ctx, p, "list", 0)
	}
	rows, err := s.Store.Submissions(ctx, sc, f)
	if err != nil {
		return nil, err
	}
	out, err := s.summaries(ctx, rows)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b Submission) int {
		return cmp.Or(cmp.Compare(b.Year, a.Year), cmp.Compare(a.ZoneNameEn, b.ZoneNameEn))
	})
	return out, nil
}

func (s *Service) summaries(ctx context.Context, rows []submissionRow) ([]Submission, error) {
	out := make([]Submission, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids, zoneIDs := make([]int64, len(rows)), make([]int64, len(rows))
	for i, r := range rows {
		ids[i], zoneIDs[i] = r.ID, r.ZoneID
	}
	zs, err := s.Zones.RefsByID(ctx, zoneIDs)
	if err != nil {
		return nil, err
	}
	counts, err := s.Store.ValueCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	total := 0
	if v, err := s.Store.Current(ctx); err == nil {
		total = len(v.Indicators())
	}
	for _, r := range rows {
		sub := summary(r, zs[r.ZoneID])
		sub.Total = total
		sub.Filled, sub.Returned = counts[r.ID].Filled, counts[r.ID].Returned
		out = append(out, sub)
	}
	return out, nil
}

func summary(r submissionRow, z zone.Ref) Submission {
	return Submission{ID: r.ID, ZoneID: r.ZoneID, ZoneNameZh: z.NameZh, ZoneNameEn: z.NameEn, Province: z.Province, Region: z.Region,
		Year: r.Year, Status: r.Status, SubmittedAt: r.SubmittedAt, ReviewedAt: r.ReviewedAt, ApprovedAt: r.ApprovedAt, UpdatedAt: r.UpdatedAt}
}

// Open returns the caller's zone's submission for a year, creating the draft if needed.
func (s *Service) Open(ctx context.Context, p *actor.Actor, year int) (Detail, bool, error) {
	if p == nil || p.Role != actor.RoleZoneStaff || p.ZoneID == 0 {
		return Detail{}, false, s.refuse(ctx, p, "open", 0)
	}
	row, created, err := s.Store.OpenSubmission(ctx, p.ZoneID, year)
	if err != nil {
		return Detail{}, false, err
	}
	d, err := s.Detail(ctx, p, row.ID)
	return d, created, err
}

// Detail returns submission id for a caller who may see it.
func (s *Service) Detail(ctx context.Context, p *actor.Actor, id int64) (Detail, error) {
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
	values, err := s.Store.Values(ctx, id)
	if err != nil {
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
	audit, err := s.Store.Audit(ctx, id)
	if err != nil {
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
func (s *Service) SetValues(ctx context.Context, p *actor.Actor, id int64, in []ValueInput, action string, field func(i int) string, earlier []errs.FieldError) (Detail, error) {
	row, z, err := s.submission(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	if !isStaffOf(p, z.ID) {
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
	if err := s.Store.SetValues(ctx, id, in, action, who(p), s.now()); err != nil {
		return Detail{}, err
	}
	return s.Detail(ctx, p, id)
}
