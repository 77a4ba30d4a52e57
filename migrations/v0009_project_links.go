package migrations

import (
	"time"

	"gorm.io/gorm"
)

// v9ProjectAttachment is a file a zone attached to an investment project; Path is relative to
// the upload directory and generated, never the uploader's file name.
type v9ProjectAttachment struct {
	ID        int64     `gorm:"primaryKey"`
	ProjectID int64     `gorm:"not null;index"`
	Project   v4Project `gorm:"foreignKey:ProjectID;constraint:OnDelete:CASCADE"`
	Name      string    `gorm:"size:200;not null"`
	Path      string    `gorm:"size:300;not null"`
	Size      int64     `gorm:"not null"`
	Pages     int       `gorm:"not null;default:0"`
	CreatedBy int64     `gorm:"not null;default:0"`
	CreatedAt time.Time
}

func (v9ProjectAttachment) TableName() string { return "project_attachments" }

// v9ProjectPolicy links a project to a policy that is one of its incentives.
type v9ProjectPolicy struct {
	ProjectID int64     `gorm:"primaryKey;autoIncrement:false"`
	Project   v4Project `gorm:"foreignKey:ProjectID;constraint:OnDelete:CASCADE"`
	PolicyID  int64     `gorm:"primaryKey;autoIncrement:false;index"`
	Policy    v7Policy  `gorm:"foreignKey:PolicyID;constraint:OnDelete:CASCADE"`
	Position  int       `gorm:"not null;default:0"`
	CreatedAt time.Time
}

func (v9ProjectPolicy) TableName() string { return "project_policies" }

func v9ProjectLinks(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v9ProjectAttachment{}, &v9ProjectPolicy{})
}
