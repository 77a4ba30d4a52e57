package migrations

import (
	"time"

	"gorm.io/gorm"
)

// v12Application is the applications table as this step refers to it.
type v12Application struct {
	ID int64 `gorm:"primaryKey"`
}

func (v12Application) TableName() string { return "applications" }

// v12Message is one message of the conversation between an application's employer and its
// graduate.
type v12Message struct {
	ID            int64          `gorm:"primaryKey"`
	ApplicationID int64          `gorm:"not null;index"`
	Application   v12Application `gorm:"foreignKey:ApplicationID;constraint:OnDelete:CASCADE"`
	SenderID      int64          `gorm:"not null"`
	SenderName    string         `gorm:"size:100;not null"`
	FromEmployer  bool           `gorm:"not null"`
	Body          string         `gorm:"type:text;not null"`
	CreatedAt     time.Time
}

func (v12Message) TableName() string { return "application_messages" }

func v12ApplicationMessages(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v12Message{})
}
