package video

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Store reads and writes briefings' stages (video_stage) and the stays the webhooks record
// (video_presence).
type Store struct{ db *gorm.DB }

// NewStore returns a Store on g.
func NewStore(g *gorm.DB) *Store { return &Store{db: g} }

// Transaction runs f in one transaction, with a Store on it.
func (s *Store) Transaction(ctx context.Context, f func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(g *gorm.DB) error { return f(&Store{db: g}) })
}

// Stage reads briefing id's stage rows, oldest change first.
func (s *Store) Stage(ctx context.Context, id int64) ([]stageRow, error) {
	var rows []stageRow
	err := s.db.WithContext(ctx).Where("briefing_id = ?", id).Order("updated_ns, user_id").Find(&rows).Error
	return rows, err
}

// Presenters reads who is on briefing id's stage.
func (s *Store) Presenters(ctx context.Context, id int64) ([]stageRow, error) {
	var rows []stageRow
	err := s.db.WithContext(ctx).Where("briefing_id = ? AND state = ?", id, OnStage).Find(&rows).Error
	return rows, err
}

// AtStage reports whether userID has a raised hand or is on briefing id's stage.
func (s *Store) AtStage(ctx context.Context, id, userID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&stageRow{}).Where("briefing_id = ? AND user_id = ?", id, userID).Count(&n).Error
	return n > 0, err
}

// AddStage inserts r.
func (s *Store) AddStage(ctx context.Context, r *stageRow) error {
	return s.db.WithContext(ctx).Create(r).Error
}

// PutOnStage moves userID's row of briefing id on stage, named name and brought by by at ns,
// and reports whether there was a row.
func (s *Store) PutOnStage(ctx context.Context, id, userID int64, name string, by, ns int64) (bool, error) {
	res := s.db.WithContext(ctx).Model(&stageRow{}).Where("briefing_id = ? AND user_id = ?", id, userID).
		Updates(map[string]any{"state": OnStage, "updated_ns": ns, "by": by, "name": name})
	return res.RowsAffected > 0, res.Error
}

// LowerHand removes userID's raised hand at briefing id (not a presenter).
func (s *Store) LowerHand(ctx context.Context, id, userID int64) error {
	return s.db.WithContext(ctx).Where("briefing_id = ? AND user_id = ? AND state = ?", id, userID, Hand).Delete(&stageRow{}).Error
}

// LeaveStage removes userID's hand or place on briefing id's stage.
func (s *Store) LeaveStage(ctx context.Context, id, userID int64) error {
	return s.db.WithContext(ctx).Where("briefing_id = ? AND user_id = ?", id, userID).Delete(&stageRow{}).Error
}

// Join records p's stay unless its participant is recorded already (a repeated delivery).
func (s *Store) Join(ctx context.Context, p *presence) error {
	g := s.db.WithContext(ctx)
	var n int64
	if err := g.Model(&presence{}).Where("participant = ?", p.Participant).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	return g.Create(p).Error
}

// Published marks participant's stay as having published a track.
func (s *Store) Published(ctx context.Context, participant string) error {
	return s.db.WithContext(ctx).Model(&presence{}).Where("participant = ?", participant).Update("published", true).Error
}

// Leave closes participant's open stay at time at.
func (s *Store) Leave(ctx context.Context, participant string, at time.Time) error {
	return leave(s.db.WithContext(ctx).Where("participant = ?", participant), at)
}

// CloseRoom closes the open stays in a room at time at.
func (s *Store) CloseRoom(ctx context.Context, kind string, ref int64, at time.Time) error {
	return leave(s.db.WithContext(ctx).Where("kind = ? AND ref_id = ?", kind, ref), at)
}

// leave closes the open stays tx selects at time at.
func leave(tx *gorm.DB, at time.Time) error {
	var open []presence
	if err := tx.Where("left_ns IS NULL").Find(&open).Error; err != nil {
		return err
	}
	ns := at.UnixNano()
	for _, p := range open {
		secs := max(0, int((ns-p.JoinedNs)/int64(time.Second)))
		err := tx.Session(&gorm.Session{NewDB: true}).Model(&presence{}).Where("id = ? AND left_ns IS NULL", p.ID).
			Updates(map[string]any{"left_ns": ns, "seconds": secs}).Error
		if err != nil {
			return err
		}
	}
	return nil
}

// Stays reads a room's stays, first joined first.
func (s *Store) Stays(ctx context.Context, kind string, ref int64) ([]presence, error) {
	var rows []presence
	err := s.db.WithContext(ctx).Where("kind = ? AND ref_id = ?", kind, ref).Order("joined_ns, id").Find(&rows).Error
	return rows, err
}

// Counts is how many rooms have someone in them and how many people are in rooms.
func (s *Store) Counts(ctx context.Context) (rooms, participants int64, err error) {
	var row struct{ Rooms, Participants int64 }
	err = s.db.WithContext(ctx).Model(&presence{}).Select("COUNT(DISTINCT kind || '-' || CAST(ref_id AS TEXT)) AS rooms, COUNT(*) AS participants").
		Where("left_ns IS NULL").Scan(&row).Error
	return row.Rooms, row.Participants, err
}
