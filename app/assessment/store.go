package assessment

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db"
	"zonefair/app/errs"
)

type versionRow struct {
	ID          int64
	Code        string
	NameZh      string
	NameEn      string
	Status      string
	BasedOnID   *int64
	CreatedBy   int64
	PublishedBy int64
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (versionRow) TableName() string { return "assessment_versions" }

type categoryRow struct {
	ID        int64
	VersionID int64
	Code      string
	NameZh    string
	NameEn    string
	Weight    float64
	Position  int
}

func (categoryRow) TableName() string { return "assessment_categories" }

type indicatorRow struct {
	ID         int64
	VersionID  int64
	CategoryID int64
	Code       string
	NameZh     string
	NameEn     string
	Unit       string
	Weight     float64
	Direction  string
	Method     string
	Target     float64
	MinValue   float64
	MaxValue   float64
	Position   int
}

func (indicatorRow) TableName() string { return "assessment_indicators" }

// Store reads and writes the assessment's index versions, submissions with their values, audit
// trail and review steps, and published rankings.
type Store struct{ db *gorm.DB }

// NewStore returns a Store on g.
func NewStore(g *gorm.DB) *Store { return &Store{db: g} }

func (r versionRow) version() Version {
	return Version{ID: r.ID, Code: r.Code, NameZh: r.NameZh, NameEn: r.NameEn, Status: r.Status, BasedOnID: r.BasedOnID, PublishedAt: r.PublishedAt, CreatedAt: r.CreatedAt}
}

// Versions lists the index versions, newest first; drafts only when withDrafts.
func (s *Store) Versions(ctx context.Context, withDrafts bool) ([]Version, error) {
	q := s.db.WithContext(ctx).Order("id DESC")
	if !withDrafts {
		q = q.Where("status = ?", VersionPublished)
	}
	var rows []versionRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Version, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.version())
	}
	return out, nil
}

// Version returns version id with its tree.
func (s *Store) Version(ctx context.Context, id int64) (Version, error) {
	var row versionRow
	err := s.db.WithContext(ctx).First(&row, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Version{}, errs.NotFound("assessment_version")
	}
	if err != nil {
		return Version{}, err
	}
	v := row.version()
	v.Tree, err = s.tree(ctx, id)
	return v, err
}

// Current is the most recently published version: the one zones report against.
func (s *Store) Current(ctx context.Context) (Version, error) {
	var row versionRow
	err := s.db.WithContext(ctx).Where("status = ?", VersionPublished).Order("published_at DESC, id DESC").First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Version{}, errs.New(errs.ErrConflict, "assessment.no_version")
	}
	if err != nil {
		return Version{}, err
	}
	return s.Version(ctx, row.ID)
}

func (s *Store) tree(ctx context.Context, versionID int64) (Tree, error) {
	var cats []categoryRow
	var inds []indicatorRow
	g := s.db.WithContext(ctx)
	if err := g.Where("version_id = ?", versionID).Order("position, id").Find(&cats).Error; err != nil {
		return Tree{}, err
	}
	if err := g.Where("version_id = ?", versionID).Order("position, id").Find(&inds).Error; err != nil {
		return Tree{}, err
	}
	t := Tree{Categories: make([]Category, len(cats))}
	at := map[int64]int{}
	for i, c := range cats {
		at[c.ID] = i
		t.Categories[i] = Category{Code: c.Code, NameZh: c.NameZh, NameEn: c.NameEn, Weight: c.Weight, Indicators: []Indicator{}}
	}
	for _, r := range inds {
		i, ok := at[r.CategoryID]
		if !ok {
			continue
		}
		t.Categories[i].Indicators = append(t.Categories[i].Indicators, Indicator{Code: r.Code, NameZh: r.NameZh, NameEn: r.NameEn, Unit: r.Unit,
			Weight: r.Weight, Direction: Direction(r.Direction), Method: Method(r.Method), Target: r.Target, Min: r.MinValue, Max: r.MaxValue})
	}
	return t, nil
}

// CreateVersion inserts v (a draft unless status says otherwise) with its tree.
func (s *Store) CreateVersion(ctx context.Context, v *Version, by int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := versionRow{Code: v.Code, NameZh: v.NameZh, NameEn: v.NameEn, Status: v.Status, BasedOnID: v.BasedOnID, CreatedBy: by, PublishedAt: v.PublishedAt}
		if v.Status == VersionPublished {
			row.PublishedBy = by
		}
		if err := tx.Create(&row).Error; err != nil {
			if db.IsUniqueViolation(err) {
				return errs.New(errs.ErrConflict, "assessment.version_code_taken")
			}
			return err
		}
		for i, c := range v.Categories {
			cr := categoryRow{VersionID: row.ID, Code: c.Code, NameZh: c.NameZh, NameEn: c.NameEn, Weight: c.Weight, Position: i}
			if err := tx.Create(&cr).Error; err != nil {
				return err
			}
			rows := make([]indicatorRow, 0, len(c.Indicators))
			for j, ind := range c.Indicators {
				rows = append(rows, indicatorRow{VersionID: row.ID, CategoryID: cr.ID, Code: ind.Code, NameZh: ind.NameZh, NameEn: ind.NameEn, Unit: ind.Unit,
					Weight: ind.Weight, Direction: string(ind.Direction), Method: string(ind.Method), Target: ind.Target, MinValue: ind.Min, MaxValue: ind.Max, Position: j})
			}
			if err := tx.Create(&rows).Error; err != nil {
				return err
			}
		}
		v.ID, v.CreatedAt = row.ID, row.CreatedAt
		return nil
	})
}

// PublishVersion makes draft id immutable.
func (s *Store) PublishVersion(ctx context.Context, id, by int64, now time.Time) error {
	res := s.db.WithContext(ctx).Model(&versionRow{}).Where("id = ? AND status = ?", id, VersionDraft).
		Updates(map[string]any{"status": VersionPublished, "published_by": by, "published_at": now, "updated_at": now})
	if res.Error != nil || res.RowsAffected == 1 {
		return res.Error
	}
	if _, err := s.Version(ctx, id); err != nil {
		return err
	}
	return errs.New(errs.ErrConflict, "assessment.version_published")
}

// DeleteDraft removes draft id; published versions stay forever.
func (s *Store) DeleteDraft(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Where("id = ? AND status = ?", id, VersionDraft).Delete(&versionRow{})
	if res.Error != nil || res.RowsAffected == 1 {
		return res.Error
	}
	if _, err := s.Version(ctx, id); err != nil {
		return err
	}
	return errs.New(errs.ErrConflict, "assessment.version_published")
}

// EnsureDefault creates and publishes the 2021 edition unless a version with its code exists,
// so a fresh installation has an index system to report against.
func (s *Store) EnsureDefault(ctx context.Context, now time.Time) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&versionRow{}).Where("code = ?", Edition2021Code).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	v := Version{Code: Edition2021Code, NameZh: "国家级经开区综合发展水平考核评价指标体系（2021 年版）",
		NameEn: "Comprehensive development assessment of national-level ETDZs, 2021 edition", Status: VersionPublished, PublishedAt: &now, Tree: Edition2021()}
	err := s.CreateVersion(ctx, &v, 0)
	if errors.Is(err, errs.ErrConflict) {
		return nil // another instance created it first
	}
	return err
}

// submissionScope is which zones' submissions a list may hold: zoneID's alone when set, else
// the zones of a province when byProvince (zones, possibly none), else all.
type submissionScope struct {
	zoneID     int64
	byProvince bool
	zones      []int64
}

// Submissions lists the submissions in sc that f asks for, newest year first, at most 2000.
func (s *Store) Submissions(ctx context.Context, sc submissionScope, f SubmissionFilter) ([]submissionRow, error) {
	q := s.db.WithContext(ctx).Order("year DESC, zone_id")
	switch {
	case sc.zoneID != 0:
		q = q.Where("zone_id = ?", sc.zoneID)
	case sc.byProvince && len(sc.zones) == 0:
		return nil, nil
	case sc.byProvince:
		q = q.Where("zone_id IN ?", sc.zones)
	}
	if f.Year != 0 {
		q = q.Where("year = ?", f.Year)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.ZoneID != 0 {
		q = q.Where("zone_id = ?", f.ZoneID)
	}
	var rows []submissionRow
	return rows, q.Limit(2000).Find(&rows).Error
}

// valueCount is how many values a submission holds and how many of them are returned.
type valueCount struct {
	SubmissionID int64
	Filled       int
	Returned     int
}

// ValueCounts counts the values of each of the submissions ids.
func (s *Store) ValueCounts(ctx context.Context, ids []int64) (map[int64]valueCount, error) {
	var counts []valueCount
	err := s.db.WithContext(ctx).Model(&valueRow{}).Select("submission_id, COUNT(*) AS filled, SUM(CASE WHEN return_reason <> '' THEN 1 ELSE 0 END) AS returned").
		Where("submission_id IN ?", ids).Group("submission_id").Scan(&counts).Error
	out := make(map[int64]valueCount, len(counts))
	for _, c := range counts {
		out[c.SubmissionID] = c
	}
	return out, err
}

// Submission reads submission id.
func (s *Store) Submission(ctx context.Context, id int64) (submissionRow, error) {
	var row submissionRow
	err := s.db.WithContext(ctx).First(&row, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, errs.NotFound("assessment_submission")
	}
	return row, err
}

// OpenSubmission returns zone zoneID's submission for year, creating the draft if needed, and
// whether it did.
func (s *Store) OpenSubmission(ctx context.Context, zoneID int64, year int) (submissionRow, bool, error) {
	g := s.db.WithContext(ctx)
	var row submissionRow
	err := g.Where("zone_id = ? AND year = ?", zoneID, year).First(&row).Error
	created := false
	if errors.Is(err, gorm.ErrRecordNotFound) {
		row = submissionRow{ZoneID: zoneID, Year: year, Status: StatusDraft}
		err = g.Create(&row).Error
		created = err == nil
		if db.IsUniqueViolation(err) { // opened at the same moment elsewhere
			err = g.Where("zone_id = ? AND year = ?", zoneID, year).First(&row).Error
		}
	}
	return row, created, err
}

// Values reads submission id's values.
func (s *Store) Values(ctx context.Context, id int64) ([]valueRow, error) {
	var values []valueRow
	return values, s.db.WithContext(ctx).Where("submission_id = ?", id).Find(&values).Error
}

// Audit reads the last 500 entries of submission id's audit trail, newest first.
func (s *Store) Audit(ctx context.Context, id int64) ([]auditRow, error) {
	var audit []auditRow
	return audit, s.db.WithContext(ctx).Where("submission_id = ?", id).Order("id DESC").Limit(500).Find(&audit).Error
}

// SetValues writes values into submission id while it is editable (a conflict once it is
// not), auditing each change as action by who; a value written again unchanged is left alone,
// a changed one loses its return reason.
func (s *Store) SetValues(ctx context.Context, id int64, in []ValueInput, action string, who auditRow, now time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
			entry := who
			entry.SubmissionID, entry.IndicatorCode, entry.Action, entry.NewValue, entry.CreatedAt = id, val.Code, action, &newVal, now
			if had {
				oldVal := e.Value
				entry.OldValue = &oldVal
				err := tx.Model(&valueRow{}).Where("id = ?", e.ID).Updates(map[string]any{"value": val.Value, "return_reason": "", "returned_by": 0, "returned_at": nil, "updated_by": who.ActorID, "updated_at": now}).Error
				if err != nil {
					return err
				}
			} else if err := tx.Create(&valueRow{SubmissionID: id, IndicatorCode: val.Code, Value: val.Value, UpdatedBy: who.ActorID, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
				return err
			}
			if err := tx.Create(&entry).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// returned is a value sent back to the zone with the reason.
type returned struct {
	value  valueRow
	reason string
}

// Transition moves submission id from one of from to status to at now, stamping who and when
// in the columns named stamp ("submitted" → submitted_by, submitted_at; none when empty),
// returning the values back with their reasons, and records the step (and each value
// returned) in the audit trail as step says: its action and actor.
func (s *Store) Transition(ctx context.Context, id int64, from []string, to, stamp string, step auditRow, back []returned, now time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cols := map[string]any{"status": to, "updated_at": now}
		if stamp != "" {
			cols[stamp+"_by"], cols[stamp+"_at"] = step.ActorID, now
		}
		res := tx.Model(&submissionRow{}).Where("id = ? AND status IN ?", id, from).Updates(cols)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.ErrConflict, "assessment.state")
		}
		step.SubmissionID, step.CreatedAt = id, now
		for _, r := range back {
			err := tx.Model(&valueRow{}).Where("id = ?", r.value.ID).Updates(map[string]any{"return_reason": r.reason, "returned_by": step.ActorID, "returned_at": now}).Error
			if err != nil {
				return err
			}
			entry := step
			val := r.value.Value
			entry.IndicatorCode, entry.OldValue, entry.Reason = r.value.IndicatorCode, &val, r.reason
			if err := tx.Create(&entry).Error; err != nil {
				return err
			}
		}
		return tx.Create(&step).Error
	})
}

// Load records zone zoneID's values for year as a submission that has come as far as status
// (with its time stamps for the steps up to it) and the audit entry that says so, unless the
// zone has a submission for the year.
func (s *Store) Load(ctx context.Context, zoneID int64, year int, status string, values map[string]float64, entry auditRow, now time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&submissionRow{}).Where("zone_id = ? AND year = ?", zoneID, year).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		sub := submissionRow{ZoneID: zoneID, Year: year, Status: status, SubmittedAt: &now}
		if status == StatusReviewed || status == StatusApproved {
			sub.ReviewedAt = &now
		}
		if status == StatusApproved {
			sub.ApprovedAt = &now
		}
		if err := tx.Create(&sub).Error; err != nil {
			return err
		}
		rows := make([]valueRow, 0, len(values))
		for code, val := range values {
			rows = append(rows, valueRow{SubmissionID: sub.ID, IndicatorCode: code, Value: val, CreatedAt: now, UpdatedAt: now})
		}
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
		entry.SubmissionID, entry.CreatedAt = sub.ID, now
		return tx.Create(&entry).Error
	})
}

// ApprovedValues loads the approved values of year, by zone in zone order.
func (s *Store) ApprovedValues(ctx context.Context, year int) ([]ZoneValues, error) {
	var rows []struct {
		ZoneID        int64
		IndicatorCode string
		Value         float64
	}
	err := s.db.WithContext(ctx).Table("assessment_values AS v").Joins("JOIN assessment_submissions s ON s.id = v.submission_id").
		Select("s.zone_id, v.indicator_code, v.value").Where("s.year = ? AND s.status = ?", year, StatusApproved).Order("s.zone_id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var out []ZoneValues
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].ZoneID != r.ZoneID {
			out = append(out, ZoneValues{ZoneID: r.ZoneID, Values: map[string]float64{}})
		}
		out[len(out)-1].Values[r.IndicatorCode] = r.Value
	}
	return out, nil
}

// AddPublication stores a published ranking; a conflict when its year is already published
// under its version.
func (s *Store) AddPublication(ctx context.Context, row *publicationRow) error {
	err := s.db.WithContext(ctx).Create(row).Error
	if db.IsUniqueViolation(err) {
		return errs.New(errs.ErrConflict, "assessment.ranking_published")
	}
	return err
}

// Publications lists the published rankings, newest year first.
func (s *Store) Publications(ctx context.Context) ([]Publication, error) {
	var rows []struct {
		ID        int64
		VersionID int64
		Code      string
		Year      int
		CreatedAt time.Time
	}
	err := s.db.WithContext(ctx).Table("assessment_publications AS p").Joins("JOIN assessment_versions v ON v.id = p.version_id").
		Select("p.id, p.version_id, v.code, p.year, p.created_at").Order("p.year DESC, p.id DESC").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Publication, 0, len(rows))
	for _, r := range rows {
		out = append(out, Publication{ID: r.ID, VersionID: r.VersionID, VersionCode: r.Code, Year: r.Year, PublishedAt: r.CreatedAt})
	}
	return out, nil
}

// Publication reads published ranking id.
func (s *Store) Publication(ctx context.Context, id int64) (publicationRow, error) {
	var row publicationRow
	err := s.db.WithContext(ctx).First(&row, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, errs.NotFound("assessment_ranking")
	}
	return row, err
}
