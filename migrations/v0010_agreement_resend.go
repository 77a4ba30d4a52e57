package migrations

import "gorm.io/gorm"

// v10Agreement is the part of signing_agreements this step adds: the agreement a re-sent draft
// was copied from (a voided, declined or expired one), so either can point to the other.
type v10Agreement struct {
	ID         int64 `gorm:"primaryKey"`
	ReplacesID *int64
}

func (v10Agreement) TableName() string { return "signing_agreements" }

func v10AgreementResend(tx *gorm.DB) error {
	if err := tx.Migrator().AddColumn(&v10Agreement{}, "ReplacesID"); err != nil {
		return err
	}
	return tx.Exec("CREATE INDEX idx_signing_agreements_replaces_id ON signing_agreements (replaces_id)").Error
}
