package migrations

import (
	"time"

	"gorm.io/gorm"
)

// v6User is the users table's new column: the province a province reviewer works for.
type v6User struct {
	Province string `gorm:"size:40;not null;default:''"`
}

func (v6User) TableName() string { return "users" }

type v6Version struct {
	ID          int64  `gorm:"primaryKey"`
	Code        string `gorm:"size:40;not null;uniqueIndex"`
	NameZh      string `gorm:"size:200;not null"`
	NameEn      string `gorm:"size:200;not null"`
	Status      string `gorm:"size:20;not null;index"`
	BasedOnID   *int64
	CreatedBy   int64 `gorm:"not null;default:0"`
	PublishedBy int64 `gorm:"not null;default:0"`
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (v6Version) TableName() string { return "assessment_versions" }

type v6Category struct {
	ID        int64     `gorm:"primaryKey"`
	VersionID int64     `gorm:"not null;uniqueIndex:idx_assessment_categories_code,priority:1"`
	Version   v6Version `gorm:"foreignKey:VersionID;constraint:OnDelete:CASCADE"`
	Code      string    `gorm:"size:40;not null;uniqueIndex:idx_assessment_categories_code,priority:2"`
	NameZh    string    `gorm:"size:200;not null"`
	NameEn    string    `gorm:"size:200;not null"`
	Weight    float64   `gorm:"not null"`
	Position  int       `gorm:"not null;default:0"`
}

func (v6Category) TableName() string { return "assessment_categories" }

type v6Indicator struct {
	ID         int64      `gorm:"primaryKey"`
	VersionID  int64      `gorm:"not null;uniqueIndex:idx_assessment_indicators_code,priority:1"`
	Version    v6Version  `gorm:"foreignKey:VersionID;constraint:OnDelete:CASCADE"`
	CategoryID int64      `gorm:"not null;index"`
	Category   v6Category `gorm:"foreignKey:CategoryID;constraint:OnDelete:CASCADE"`
	Code       string     `gorm:"size:40;not null;uniqueIndex:idx_assessment_indicators_code,priority:2"`
	NameZh     string     `gorm:"size:200;not null"`
	NameEn     string     `gorm:"size:200;not null"`
	Unit       string     `gorm:"size:30;not null"`
	Weight     float64    `gorm:"not null"`
	Direction  string     `gorm:"size:10;not null"`
	Method     string     `gorm:"size:20;not null"`
	Target     float64    `gorm:"not null;default:0"`
	MinValue   float64    `gorm:"not null;default:0"`
	MaxValue   float64    `gorm:"not null;default:0"`
	Position   int        `gorm:"not null;default:0"`
}

func (v6Indicator) TableName() string { return "assessment_indicators" }

type v6Submission struct {
	ID          int64  `gorm:"primaryKey"`
	ZoneID      int64  `gorm:"not null;uniqueIndex:idx_assessment_submissions_zone_year,priority:1"`
	Zone        v1Zone `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	Year        int    `gorm:"not null;uniqueIndex:idx_assessment_submissions_zone_year,priority:2;index:idx_assessment_submissions_year_status,priority:1"`
	Status      string `gorm:"size:20;not null;index:idx_assessment_submissions_year_status,priority:2"`
	SubmittedBy int64  `gorm:"not null;default:0"`
	SubmittedAt *time.Time
	ReviewedBy  int64 `gorm:"not null;default:0"`
	ReviewedAt  *time.Time
	ApprovedBy  int64 `gorm:"not null;default:0"`
	ApprovedAt  *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (v6Submission) TableName() string { return "assessment_submissions" }

type v6Value struct {
	ID            int64        `gorm:"primaryKey"`
	SubmissionID  int64        `gorm:"not null;uniqueIndex:idx_assessment_values_code,priority:1"`
	Submission    v6Submission `gorm:"foreignKey:SubmissionID;constraint:OnDelete:CASCADE"`
	IndicatorCode string       `gorm:"size:40;not null;uniqueIndex:idx_assessment_values_code,priority:2"`
	Value         float64      `gorm:"not null"`
	ReturnReason  string       `gorm:"type:text;not null;default:''"`
	ReturnedBy    int64        `gorm:"not null;default:0"`
	ReturnedAt    *time.Time
	UpdatedBy     int64 `gorm:"not null;default:0"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (v6Value) TableName() string { return "assessment_values" }

type v6Audit struct {
	ID            int64        `gorm:"primaryKey"`
	SubmissionID  int64        `gorm:"not null;index"`
	Submission    v6Submission `gorm:"foreignKey:SubmissionID;constraint:OnDelete:CASCADE"`
	IndicatorCode string       `gorm:"size:40;not null;default:''"`
	Action        string       `gorm:"size:20;not null"`
	OldValue      *float64
	NewValue      *float64
	Reason        string `gorm:"type:text;not null;default:''"`
	ActorID       int64  `gorm:"not null"`
	ActorName     string `gorm:"size:100;not null;default:''"`
	ActorRole     string `gorm:"size:20;not null;default:''"`
	CreatedAt     time.Time
}

func (v6Audit) TableName() string { return "assessment_audit" }

type v6Publication struct {
	ID          int64     `gorm:"primaryKey"`
	VersionID   int64     `gorm:"not null;uniqueIndex:idx_assessment_publications_version_year,priority:1"`
	Version     v6Version `gorm:"foreignKey:VersionID;constraint:OnDelete:RESTRICT"`
	Year        int       `gorm:"not null;uniqueIndex:idx_assessment_publications_version_year,priority:2;index"`
	PublishedBy int64     `gorm:"not null;default:0"`
	Result      string    `gorm:"type:text;not null"`
	CreatedAt   time.Time
}

func (v6Publication) TableName() string { return "assessment_publications" }

func v6Assessment(tx *gorm.DB) error {
	if err := tx.Migrator().AddColumn(&v6User{}, "Province"); err != nil {
		return err
	}
	if err := tx.Exec("CREATE INDEX idx_users_province ON users (province)").Error; err != nil {
		return err
	}
	return tx.Migrator().CreateTable(&v6Version{}, &v6Category{}, &v6Indicator{}, &v6Submission{}, &v6Value{}, &v6Audit{}, &v6Publication{})
}
