package signing

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// The audit trail's rows: each agreement's events, and its head (audit_seq, audit_head,
// audit_mac) on the agreement row.

// nextSeq bumps agreement id's audit_seq, which locks its row so that concurrent appends are
// serialised, and returns the new number with the hash of the entry before it.
func (s *Store) nextSeq(ctx context.Context, id int64) (int64, string, error) {
	g := s.db.WithContext(ctx)
	res := g.Model(&Agreement{}).Where("id = ?", id).UpdateColumn("audit_seq", gorm.Expr("audit_seq + 1"))
	if res.Error != nil {
		return 0, "", res.Error
	}
	if res.RowsAffected != 1 {
		return 0, "", fmt.Errorf("audit: agreement %d not found", id)
	}
	var head struct {
		AuditSeq  int64
		AuditHead string
	}
	if err := g.Model(&Agreement{}).Select("audit_seq, audit_head").Where("id = ?", id).Take(&head).Error; err != nil {
		return 0, "", err
	}
	return head.AuditSeq, head.AuditHead, nil
}

// insertEvent inserts e and makes it its agreement's head, authenticated by mac.
func (s *Store) insertEvent(ctx context.Context, e *Event, mac string) error {
	g := s.db.WithContext(ctx)
	if err := g.Create(e).Error; err != nil {
		return err
	}
	return g.Model(&Agreement{}).Where("id = ?", e.AgreementID).UpdateColumns(map[string]any{"audit_head": e.Hash, "audit_mac": mac}).Error
}

// events reads agreement id's trail in order.
func (s *Store) events(ctx context.Context, id int64) ([]Event, error) {
	out := []Event{}
	err := s.db.WithContext(ctx).Where("agreement_id = ?", id).Order("seq, id").Find(&out).Error
	return out, err
}

// trailHeads returns the last entry of every agreement's trail.
func (s *Store) trailHeads(ctx context.Context) ([]Event, error) {
	var heads []Event
	err := s.db.WithContext(ctx).Table("signing_events AS e").Select("e.*").
		Joins("JOIN signing_agreements AS a ON a.id = e.agreement_id AND a.audit_seq = e.seq").Find(&heads).Error
	return heads, err
}
