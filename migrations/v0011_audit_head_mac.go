package migrations

import "gorm.io/gorm"

// v11Agreement is the part of signing_agreements this step adds: the MAC that authenticates the
// head of the agreement's audit trail (its entry count and last hash), so a trail cut short is
// found. Empty on trails written before it; the server anchors those at start.
type v11Agreement struct {
	ID       int64  `gorm:"primaryKey"`
	AuditMAC string `gorm:"column:audit_mac;size:64;not null;default:''"`
}

func (v11Agreement) TableName() string { return "signing_agreements" }

func v11AuditHeadMAC(tx *gorm.DB) error {
	return tx.Migrator().AddColumn(&v11Agreement{}, "AuditMAC")
}
