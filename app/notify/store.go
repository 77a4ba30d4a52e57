package notify

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Store reads and writes notifications and the mail outbox. Service.Add writes through a
// Store on the caller's transaction, so that a notification commits with the change it
// reports.
type Store struct{ db *gorm.DB }

// NewStore returns a Store on g.
func NewStore(g *gorm.DB) *Store { return &Store{db: g} }

// AddNotification inserts n.
func (s *Store) AddNotification(ctx context.Context, n *Notification) error {
	return s.db.WithContext(ctx).Create(n).Error
}

// Notifications reads up to limit of userID's notifications older than id before (all when
// 0), newest first.
func (s *Store) Notifications(ctx context.Context, userID, before int64, limit int) ([]Notification, error) {
	tx := s.db.WithContext(ctx).Where("user_id = ?", userID)
	if before > 0 {
		tx = tx.Where("id < ?", before)
	}
	out := []Notification{}
	err := tx.Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// Unread counts userID's unread notifications.
func (s *Store) Unread(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, err
}

// MarkRead marks ids (all when empty) of userID's unread notifications read at time at.
func (s *Store) MarkRead(ctx context.Context, userID int64, ids []int64, at time.Time) error {
	tx := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID)
	if len(ids) > 0 {
		tx = tx.Where("id IN ?", ids)
	}
	return tx.Update("read_at", at).Error
}

// AddMail stores m in the outbox.
func (s *Store) AddMail(ctx context.Context, m *Stored) error {
	return s.db.WithContext(ctx).Create(m).Error
}

// Mail reads one page of the outbox, newest first, of the mail to address (all when empty).
func (s *Store) Mail(ctx context.Context, address string, q OutboxQuery) (OutboxPage, error) {
	g := s.db.WithContext(ctx)
	if address != "" {
		g = g.Where("recipient = ?", address)
	}
	out := OutboxPage{Items: []Stored{}}
	if err := g.Session(&gorm.Session{}).Model(&Stored{}).Count(&out.Total).Error; err != nil {
		return out, err
	}
	err := g.Session(&gorm.Session{}).Order("id DESC").Offset((q.Page - 1) * q.PageSize).Limit(q.PageSize).Find(&out.Items).Error
	return out, err
}
