package signing

import (
	"context"
	"time"
)

// The background work's rows: webhook deliveries, and the agreements due an expiry, a
// reminder or their seal.

// activeWebhooks lists the active webhooks of zone zoneID.
func (s *Store) activeWebhooks(ctx context.Context, zoneID int64) ([]Webhook, error) {
	var hooks []Webhook
	err := s.db.WithContext(ctx).Where("zone_id = ? AND active = ?", zoneID, true).Find(&hooks).Error
	return hooks, err
}

// createDeliveries queues rows.
func (s *Store) createDeliveries(ctx context.Context, rows []Delivery) error {
	return s.db.WithContext(ctx).Create(&rows).Error
}

// dueDeliveries returns up to 50 pending deliveries whose time has come, oldest first.
func (s *Store) dueDeliveries(ctx context.Context, now time.Time) ([]Delivery, error) {
	var due []Delivery
	err := s.db.WithContext(ctx).Where("status = ? AND next_attempt_at <= ?", "pending", now).Order("id").Limit(50).Find(&due).Error
	return due, err
}

// leaseDelivery moves pending delivery d's next attempt to until, unless another instance has
// taken it meanwhile, and reports whether it did.
func (s *Store) leaseDelivery(ctx context.Context, d Delivery, until time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&Delivery{}).Where("id = ? AND status = ? AND next_attempt_at = ?", d.ID, "pending", d.NextAttemptAt).
		UpdateColumn("next_attempt_at", until)
	return res.RowsAffected > 0, res.Error
}

// updateDelivery writes cols over delivery id.
func (s *Store) updateDelivery(ctx context.Context, id int64, cols map[string]any) error {
	return s.db.WithContext(ctx).Model(&Delivery{}).Where("id = ?", id).Updates(cols).Error
}

// pastExpiry returns up to 100 sent agreements whose expiry has passed.
func (s *Store) pastExpiry(ctx context.Context, now time.Time) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&Agreement{}).Where("status = ? AND expires_at IS NOT NULL AND expires_at <= ?", StatusSent, now).Limit(100).Pluck("id", &ids).Error
	return ids, err
}

// unsealed returns up to 20 agreements signed by all but not yet sealed.
func (s *Store) unsealed(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&Agreement{}).Where("status = ?", StatusSealing).Limit(20).Pluck("id", &ids).Error
	return ids, err
}

// remindersDue returns up to 100 sent agreements whose reminder is due.
func (s *Store) remindersDue(ctx context.Context, now time.Time) ([]Agreement, error) {
	var due []Agreement
	err := s.db.WithContext(ctx).Where("status = ? AND next_reminder_at IS NOT NULL AND next_reminder_at <= ?", StatusSent, now).Limit(100).Find(&due).Error
	return due, err
}

// claimReminder moves a's reminder to next unless another instance has moved it meanwhile, and
// reports whether it did.
func (s *Store) claimReminder(ctx context.Context, a Agreement, next time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&Agreement{}).Where("id = ? AND next_reminder_at = ?", a.ID, a.NextReminderAt).UpdateColumn("next_reminder_at", next)
	return res.RowsAffected > 0, res.Error
}

// recipients lists agreement id's recipients in signing order.
func (s *Store) recipients(ctx context.Context, id int64) ([]Recipient, error) {
	var rs []Recipient
	err := s.db.WithContext(ctx).Where("agreement_id = ?", id).Order("step, id").Find(&rs).Error
	return rs, err
}
