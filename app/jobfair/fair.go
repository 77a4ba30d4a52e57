package jobfair

import (
	"context"
	"slices"
	"strings"
	"time"

	"zonefair/app/db"

	"gorm.io/gorm"

	"zonefair/app/errs"
)

// Fair is one network job fair.
type Fair struct {
	ID            int64     `json:"id"`
	NameZh        string    `json:"nameZh"`
	NameEn        string    `json:"nameEn"`
	DescriptionZh string    `json:"descriptionZh"`
	DescriptionEn string    `json:"descriptionEn"`
	StartsAt      time.Time `json:"startsAt"`
	EndsAt        time.Time `json:"endsAt"`
	CreatedAt     time.Time `json:"-"`
	UpdatedAt     time.Time `json:"updatedAt"`

	Phase   string  `json:"phase" enum:"upcoming,open,closed" gorm:"-"`
	ZoneIDs []int64 `json:"zoneIds" gorm:"-"`
}

// TableName is the fairs table.
func (Fair) TableName() string { return "fairs" }

// The phases of a fair.
const (
	PhaseUpcoming = "upcoming"
	PhaseOpen     = "open"
	PhaseClosed   = "closed"
)

func phase(now, start, end time.Time) string {
	switch {
	case now.Before(start):
		return PhaseUpcoming
	case now.Before(end):
		return PhaseOpen
	}
	return PhaseClosed
}

type fairZone struct {
	FairID    int64
	ZoneID    int64
	CreatedAt time.Time
}

func (fairZone) TableName() string { return "fair_zones" }

// FairInput creates or replaces a fair's settings.
type FairInput struct {
	NameZh        string    `json:"nameZh" validate:"required,min=2,max=200,text"`
	NameEn        string    `json:"nameEn" validate:"required,min=2,max=200,text"`
	DescriptionZh string    `json:"descriptionZh" validate:"max=5000,text"`
	DescriptionEn string    `json:"descriptionEn" validate:"max=5000,text"`
	StartsAt      time.Time `json:"startsAt" validate:"required"`
	EndsAt        time.Time `json:"endsAt" validate:"required"`
	ZoneIDs       []int64   `json:"zoneIds" validate:"max=300"`
}

func (in FairInput) check() error {
	if !in.EndsAt.After(in.StartsAt) {
		return errs.Invalid("endsAt", "field.fair_dates")
	}
	return nil
}

// Fairs lists every fair, newest first.
func (s *Store) Fairs(ctx context.Context, now time.Time) ([]Fair, error) {
	var fairs []Fair
	if err := s.db.WithContext(ctx).Order("starts_at DESC, id DESC").Find(&fairs).Error; err != nil {
		return nil, err
	}
	var links []fairZone
	if err := s.db.WithContext(ctx).Order("zone_id").Find(&links).Error; err != nil {
		return nil, err
	}
	byFair := map[int64][]int64{}
	for _, l := range links {
		byFair[l.FairID] = append(byFair[l.FairID], l.ZoneID)
	}
	for i := range fairs {
		fairs[i].ZoneIDs = byFair[fairs[i].ID]
		fairs[i].fill(now)
	}
	return fairs, nil
}

func (f *Fair) fill(now time.Time) {
	f.Phase = phase(now, f.StartsAt, f.EndsAt)
	if f.ZoneIDs == nil {
		f.ZoneIDs = []int64{}
	}
}

// Fair returns fair id with its zones.
func (s *Store) Fair(ctx context.Context, id int64, now time.Time) (Fair, error) {
	var f Fair
	if err := s.db.WithContext(ctx).First(&f, id).Error; err != nil {
		return f, db.NotFound(err, "fair")
	}
	err := s.db.WithContext(ctx).Model(&fairZone{}).Where("fair_id = ?", id).Order("zone_id").Pluck("zone_id", &f.ZoneIDs).Error
	f.fill(now)
	return f, err
}

// SaveFair creates (ID 0) or updates f and sets its zones. A zone that already has jobs at the
// fair cannot be taken out of it.
func (s *Store) SaveFair(ctx context.Context, f *Fair) error {
	var seq int64
	zones := slices.Compact(slices.Sorted(slices.Values(f.ZoneIDs)))
	if len(zones) > 0 {
		known, err := s.zones.ByIDs(ctx, zones)
		if err != nil {
			return err
		}
		if len(known) != len(zones) {
			return errs.Invalid("zoneIds", "field.zone_unknown")
		}
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if f.ID == 0 {
			if err := tx.Create(f).Error; err != nil {
				return err
			}
		} else {
			res := tx.Model(&Fair{}).Where("id = ?", f.ID).Updates(map[string]any{
				"name_zh": f.NameZh, "name_en": f.NameEn, "description_zh": f.DescriptionZh,
				"description_en": f.DescriptionEn, "starts_at": f.StartsAt, "ends_at": f.EndsAt,
			})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return errs.NotFound("fair")
			}
		}
		var busy int64
		q := tx.Model(&Job{}).Where("fair_id = ?", f.ID)
		if len(zones) > 0 {
			q = q.Where("zone_id NOT IN ?", zones)
		}
		if err := q.Count(&busy).Error; err != nil {
			return err
		}
		if busy > 0 {
			return errs.New(errs.ErrConflict, "fair.zone_has_jobs")
		}
		if err := tx.Where("fair_id = ?", f.ID).Delete(&fairZone{}).Error; err != nil {
			return err
		}
		if len(zones) > 0 {
			rows := make([]fairZone, len(zones))
			for i, z := range zones {
				rows[i] = fairZone{FairID: f.ID, ZoneID: z}
			}
			if err := tx.Create(&rows).Error; err != nil {
				return err
			}
		}
		f.ZoneIDs = zones
		// Fair dates decide which jobs are open: caches must reload.
		var err error
		seq, err = bumpSeq(tx)
		return err
	})
	if err == nil {
		s.committed(ctx, seq)
	}
	return err
}

// inFair reports whether zoneID takes part in fairID.
func (s *Store) inFair(ctx context.Context, fairID, zoneID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&fairZone{}).Where("fair_id = ? AND zone_id = ?", fairID, zoneID).Count(&n).Error
	return n > 0, err
}

// Booth is a zone's stand at a fair.
type Booth struct {
	ZoneID          int64       `json:"zoneId"`
	Slug            string      `json:"slug"`
	NameZh          string      `json:"nameZh"`
	NameEn          string      `json:"nameEn"`
	Province        string      `json:"province"`
	Region          string      `json:"region"`
	CityZh          string      `json:"cityZh"`
	CityEn          string      `json:"cityEn"`
	Industries      []string    `json:"industries"`
	Enterprises     []BoothFirm `json:"enterprises"`
	OpenJobs        int         `json:"openJobs"`
	HasLogo         bool        `json:"hasLogo"`
	DescriptionZh   string      `json:"descriptionZh"`
	DescriptionEn   string      `json:"descriptionEn"`
	EnterpriseCount int         `json:"enterpriseCount"`
}

// BoothFirm is an enterprise shown under its zone's booth.
type BoothFirm struct {
	ID       int64  `json:"id"`
	NameZh   string `json:"nameZh"`
	NameEn   string `json:"nameEn"`
	Industry string `json:"industry"`
	OpenJobs int    `json:"openJobs"`
}

// booths returns the booths of the zones among zoneIDs, with open job counts, ordered by
// region, province and English name.
func (s *Store) booths(ctx context.Context, zoneIDs []int64, counts openCounts) ([]Booth, error) {
	zones, err := s.zones.Details(ctx, zoneIDs)
	if err != nil {
		return nil, err
	}
	out := make([]Booth, len(zones))
	for i, z := range zones {
		b := Booth{ZoneID: z.ID, Slug: z.Slug, NameZh: z.NameZh, NameEn: z.NameEn, Province: z.Province, Region: z.Region,
			CityZh: z.CityZh, CityEn: z.CityEn, DescriptionZh: z.DescriptionZh, DescriptionEn: z.DescriptionEn,
			HasLogo: z.LogoPath != "", Industries: z.Industries, Enterprises: make([]BoothFirm, len(z.Enterprises)),
			OpenJobs: counts.zone[z.ID], EnterpriseCount: len(z.Enterprises)}
		for k, e := range z.Enterprises {
			b.Enterprises[k] = BoothFirm{ID: e.ID, NameZh: e.NameZh, NameEn: e.NameEn, Industry: e.Industry, OpenJobs: counts.enterprise[e.ID]}
		}
		out[i] = b
	}
	return out, nil
}

// booth returns zoneID's booth at fairID, with open job counts (a not-found error when the zone
// does not take part).
func (s *Store) booth(ctx context.Context, fairID, zoneID int64, counts openCounts) (Booth, error) {
	ok, err := s.inFair(ctx, fairID, zoneID)
	if err != nil {
		return Booth{}, err
	}
	var booths []Booth
	if ok {
		if booths, err = s.booths(ctx, []int64{zoneID}, counts); err != nil {
			return Booth{}, err
		}
	}
	if len(booths) == 0 {
		return Booth{}, errs.NotFound("booth")
	}
	return booths[0], nil
}

// FairDetail is a fair's home page: its booths and live figures.
type FairDetail struct {
	Fair
	Booths []Booth    `json:"booths"`
	Stats  FairCounts `json:"stats"`
}

// FairCounts are the figures on a fair's home page.
type FairCounts struct {
	Visitors     int64 `json:"visitors"`
	OpenJobs     int   `json:"openJobs"`
	Applications int64 `json:"applications"`
}

// trimmed returns s without surrounding space.
func trimmed(s string) string { return strings.TrimSpace(s) }
