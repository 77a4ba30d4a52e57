package migrations

import "gorm.io/gorm"

// v13Session is a login session kept in the database when there is no Redis, so that a restart
// keeps users logged in. TokenHash is the SHA-256 of the opaque token, never the token; times are Unix
// nanoseconds, exact on both databases.
type v13Session struct {
	TokenHash string `gorm:"primaryKey;size:64"`
	UserID    int64  `gorm:"not null;index"`
	CSRFToken string `gorm:"size:128;not null"`
	IP        string `gorm:"column:ip;size:64;not null;default:''"`
	UserAgent string `gorm:"size:512;not null;default:''"`
	CreatedNs int64  `gorm:"not null"`
	ExpiresNs int64  `gorm:"not null;index"`
}

func (v13Session) TableName() string { return "sessions" }

func v13Sessions(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v13Session{})
}
