package monitor

import (
	"context"
	"errors"
	"time"

	"zonefair/app/db"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"zonefair/app/errs"
)

// Store reads and writes the monitoring rules, the key zones, their reports with the audited
// corrections, and the alerts.
type Store struct{ db *gorm.DB }

// NewStore returns a Store on g.
func NewStore(g *gorm.DB) *Store { return &Store{db: g} }

// Transaction runs f in one transaction, with a Store on it; the use case's other writes that
// belong to the same change (notifications) go through tx.db.
func (s *Store) Transaction(ctx context.Context, f func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(g *gorm.DB) error { return f(&Store{db: g}) })
}

// Settings returns the monitoring rules in force: DefaultSettings until an admin saves others.
func (s *Store) Settings(ctx context.Context) (Settings, error) {
	var st Settings
	err := s.db.WithContext(ctx).Where("id = 1").First(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DefaultSettings, nil
	}
	return st, err
}

// SaveSettings replaces the monitoring rules with st.
func (s *Store) SaveSettings(ctx context.Context, st *Settings) error {
	st.ID = 1
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, UpdateAll: true}).Create(st).Error
}

// KeyZones lists the monitored zones' ids in order.
func (s *Store) KeyZones(ctx context.Context) ([]int64, error) {
	out := []int64{}
	return out, s.db.WithContext(ctx).Model(&keyZone{}).Order("zone_id").Pluck("zone_id", &out).Error
}

// IsKeyZone reports whether zone zoneID is monitored.
func (s *Store) IsKeyZone(ctx context.Context, zoneID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&keyZone{}).Where("zone_id = ?", zoneID).Count(&n).Error
	return n > 0, err
}

// SetKeyZones replaces the monitored zones with ids.
func (s *Store) SetKeyZones(ctx context.Context, ids []int64, now time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("1 = 1").Delete(&keyZone{}).Error; err != nil {
			return err
		}
		rows := make([]keyZone, len(ids))
		for i, id := range ids {
			rows[i] = keyZone{ZoneID: id, CreatedAt: now}
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.Create(&rows).Error
	})
}

// CreateReport inserts r; a unique violation when the zone's month is already in.
func (s *Store) CreateReport(ctx context.Context, r *Report) error {
	return s.db.WithContext(ctx).Create(r).Error
}

// Report reads report id.
func (s *Store) Report(ctx context.Context, id int64) (Report, error) {
	var r Report
	err := s.db.WithContext(ctx).First(&r, id).Error
	return r, db.NotFound(err, "monitor_report")
}

// Correct writes r's figures at now with the audited changes that led to them.
func (s *Store) Correct(ctx context.Context, r *Report, changes []Change, now time.Time) error {
	g := s.db.WithContext(ctx)
	if err := g.Create(&changes).Error; err != nil {
		return err
	}
	return g.Model(&Report{}).Where("id = ?", r.ID).Updates(map[string]any{
		"imports": r.Imports, "exports": r.Exports, "fdi_contracted": r.FDIContracted, "fdi_actual": r.FDIActual, "updated_at": now,
	}).Error
}

// Changes lists report id's audited corrections, newest first.
func (s *Store) Changes(ctx context.Context, id int64) ([]Change, error) {
	out := []Change{}
	return out, s.db.WithContext(ctx).Where("report_id = ?", id).Order("id DESC").Find(&out).Error
}

// Reports lists the reports of the zones ids for the months from through to (YYYY-MM, both
// included), oldest month first.
func (s *Store) Reports(ctx context.Context, ids []int64, from, to string) ([]Report, error) {
	var rs []Report
	if len(ids) == 0 {
		return rs, nil
	}
	err := s.db.WithContext(ctx).Where("zone_id IN ? AND month >= ? AND month <= ?", ids, from, to).Order("month, zone_id").Find(&rs).Error
	return rs, err
}

// AddAlert stores a unless the same alert (zone, month, kind, figure) exists — the unique
// index makes that hold across instances — and reports whether it was new.
func (s *Store) AddAlert(ctx context.Context, a *Alert) (bool, error) {
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(a)
	return res.RowsAffected > 0, res.Error
}

// OpenAlerts counts the alerts not yet acknowledged of each of the zones ids.
func (s *Store) OpenAlerts(ctx context.Context, ids []int64) (map[int64]int, error) {
	var open []struct {
		ZoneID int64
		N      int
	}
	err := s.db.WithContext(ctx).Model(&Alert{}).Select("zone_id, COUNT(*) AS n").Where("zone_id IN ? AND acknowledged_at IS NULL", ids).Group("zone_id").Scan(&open).Error
	alerts := make(map[int64]int, len(open))
	for _, o := range open {
		alerts[o.ZoneID] = o.N
	}
	return alerts, err
}

// Alerts lists the alerts of the zones ids that q asks for (q.Limit set), newest first.
func (s *Store) Alerts(ctx context.Context, ids []int64, q AlertQuery) ([]Alert, error) {
	out := []Alert{}
	if len(ids) == 0 {
		return out, nil
	}
	tx := s.db.WithContext(ctx).Where("zone_id IN ?", ids)
	if q.Open {
		tx = tx.Where("acknowledged_at IS NULL")
	}
	if q.ZoneID > 0 {
		tx = tx.Where("zone_id = ?", q.ZoneID)
	}
	return out, tx.Order("created_at DESC, id DESC").Limit(q.Limit).Find(&out).Error
}

// Alert reads alert id.
func (s *Store) Alert(ctx context.Context, id int64) (Alert, error) {
	var a Alert
	err := s.db.WithContext(ctx).First(&a, id).Error
	return a, db.NotFound(err, "monitor_alert")
}

// Acknowledge marks alert id as seen by user by at now; a conflict when it already was.
func (s *Store) Acknowledge(ctx context.Context, id, by int64, now time.Time) error {
	res := s.db.WithContext(ctx).Model(&Alert{}).Where("id = ? AND acknowledged_at IS NULL", id).
		Updates(map[string]any{"acknowledged_at": now, "acknowledged_by": by})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.ErrConflict, "monitor.acknowledged")
	}
	return nil
}

// LateZones lists, in order, the key zones whose report for month is not in and that have no
// late alert for it yet.
func (s *Store) LateZones(ctx context.Context, month string) ([]int64, error) {
	g := s.db.WithContext(ctx)
	sub := g.Session(&gorm.Session{NewDB: true})
	ids := []int64{}
	err := g.Model(&keyZone{}).
		Where("zone_id NOT IN (?)", sub.Model(&Report{}).Select("zone_id").Where("month = ?", month)).
		Where("zone_id NOT IN (?)", sub.Model(&Alert{}).Select("zone_id").Where("month = ? AND kind = ?", month, KindLate)).
		Order("zone_id").Pluck("zone_id", &ids).Error
	return ids, err
}

// ReportsIn lists zone zoneID's reports for the months given.
func (s *Store) ReportsIn(ctx context.Context, zoneID int64, months []string) ([]Report, error) {
	var rs []Report
	err := s.db.WithContext(ctx).Where("zone_id = ? AND month IN ?", zoneID, months).Find(&rs).Error
	return rs, err
}
