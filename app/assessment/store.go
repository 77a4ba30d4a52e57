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

// Store reads and writes index versions; its methods take the transaction they run in.
type Store struct{ DB *gorm.DB }

func (r versionRow) version() Version {
	return Version{ID: r.ID, Code: r.Code, NameZh: r.NameZh, NameEn: r.NameEn, Status: r.Status, BasedOnID: r.BasedOnID, PublishedAt: r.PublishedAt, CreatedAt: r.CreatedAt}
}

// Versions lists the index versions, newest first; drafts only when withDrafts.
func (s *Store) Versions(ctx context.Context, withDrafts bool) ([]Version, error) {
	q := s.DB.WithContext(ctx).Order("id DESC")
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
	err := s.DB.WithContext(ctx).First(&row, id).Error
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
	err := s.DB.WithContext(ctx).Where("status = ?", VersionPublished).Order("published_at DESC, id DESC").First(&row).Error
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
	g := s.DB.WithContext(ctx)
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
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
	res := s.DB.WithContext(ctx).Model(&versionRow{}).Where("id = ? AND status = ?", id, VersionDraft).
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
	res := s.DB.WithContext(ctx).Where("id = ? AND status = ?", id, VersionDraft).Delete(&versionRow{})
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
	if err := s.DB.WithContext(ctx).Model(&versionRow{}).Where("code = ?", Edition2021Code).Count(&n).Error; err != nil || n > 0 {
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
