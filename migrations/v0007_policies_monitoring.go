package migrations

import (
	"time"

	"gorm.io/gorm"
)

type v7Policy struct {
	ID          int64   `gorm:"primaryKey"`
	ZoneID      *int64  `gorm:"index"`
	Zone        *v1Zone `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	Level       string  `gorm:"size:20;not null;index"`
	Province    string  `gorm:"size:40;not null;default:'';index"`
	IssuerZh    string  `gorm:"size:200;not null"`
	IssuerEn    string  `gorm:"size:200;not null"`
	DocNumber   string  `gorm:"size:100;not null;default:''"`
	TitleZh     string  `gorm:"size:300;not null"`
	TitleEn     string  `gorm:"size:300;not null"`
	SummaryZh   string  `gorm:"type:text;not null;default:''"`
	SummaryEn   string  `gorm:"type:text;not null;default:''"`
	BodyZh      string  `gorm:"type:text;not null;default:''"`
	BodyEn      string  `gorm:"type:text;not null;default:''"`
	ApplyZh     string  `gorm:"type:text;not null;default:''"`
	ApplyEn     string  `gorm:"type:text;not null;default:''"`
	Ownerships  string  `gorm:"size:100;not null;default:''"`
	Sizes       string  `gorm:"size:100;not null;default:''"`
	Industries  string  `gorm:"size:500;not null;default:''"`
	IssuedOn    string  `gorm:"size:10;not null;index"`
	EffectiveOn string  `gorm:"size:10;not null;index"`
	ExpiresOn   string  `gorm:"size:10;not null;default:'';index"`
	Status      string  `gorm:"size:20;not null;index"`
	PublishedAt *time.Time
	CreatedBy   int64 `gorm:"not null;default:0"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (v7Policy) TableName() string { return "policies" }

type v7PolicyTopic struct {
	PolicyID int64    `gorm:"primaryKey;autoIncrement:false"`
	Policy   v7Policy `gorm:"foreignKey:PolicyID;constraint:OnDelete:CASCADE"`
	Topic    string   `gorm:"primaryKey;size:40;index"`
}

func (v7PolicyTopic) TableName() string { return "policy_topics" }

type v7PolicyTerm struct {
	Term     string   `gorm:"primaryKey;size:64"`
	PolicyID int64    `gorm:"primaryKey;autoIncrement:false;index"`
	Policy   v7Policy `gorm:"foreignKey:PolicyID;constraint:OnDelete:CASCADE"`
	Weight   int16    `gorm:"not null"`
}

func (v7PolicyTerm) TableName() string { return "policy_terms" }

type v7PolicyAttachment struct {
	ID        int64    `gorm:"primaryKey"`
	PolicyID  int64    `gorm:"not null;index"`
	Policy    v7Policy `gorm:"foreignKey:PolicyID;constraint:OnDelete:CASCADE"`
	Name      string   `gorm:"size:200;not null"`
	Path      string   `gorm:"size:300;not null"`
	Size      int64    `gorm:"not null"`
	Pages     int      `gorm:"not null;default:0"`
	CreatedAt time.Time
}

func (v7PolicyAttachment) TableName() string { return "policy_attachments" }

type v7PolicyPackage struct {
	ID        int64  `gorm:"primaryKey"`
	ZoneID    int64  `gorm:"not null;index"`
	Zone      v1Zone `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	TitleZh   string `gorm:"size:200;not null"`
	TitleEn   string `gorm:"size:200;not null"`
	IntroZh   string `gorm:"type:text;not null;default:''"`
	IntroEn   string `gorm:"type:text;not null;default:''"`
	CreatedBy int64  `gorm:"not null;default:0"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (v7PolicyPackage) TableName() string { return "policy_packages" }

type v7PolicyPackageItem struct {
	PackageID int64           `gorm:"primaryKey;autoIncrement:false"`
	Package   v7PolicyPackage `gorm:"foreignKey:PackageID;constraint:OnDelete:CASCADE"`
	PolicyID  int64           `gorm:"primaryKey;autoIncrement:false;index"`
	Policy    v7Policy        `gorm:"foreignKey:PolicyID;constraint:OnDelete:CASCADE"`
	Position  int             `gorm:"not null"`
}

func (v7PolicyPackageItem) TableName() string { return "policy_package_items" }

type v7PolicySubscription struct {
	ID        int64  `gorm:"primaryKey"`
	UserID    int64  `gorm:"not null;uniqueIndex:idx_policy_subs_unique,priority:1"`
	User      v1User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	Topic     string `gorm:"size:40;not null;default:'';uniqueIndex:idx_policy_subs_unique,priority:2;index"`
	ZoneID    int64  `gorm:"not null;default:0;uniqueIndex:idx_policy_subs_unique,priority:3;index"`
	CreatedAt time.Time
}

func (v7PolicySubscription) TableName() string { return "policy_subscriptions" }

type v7PolicyDelivery struct {
	PolicyID  int64    `gorm:"primaryKey;autoIncrement:false"`
	Policy    v7Policy `gorm:"foreignKey:PolicyID;constraint:OnDelete:CASCADE"`
	UserID    int64    `gorm:"primaryKey;autoIncrement:false;index"`
	User      v1User   `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	CreatedAt time.Time
}

func (v7PolicyDelivery) TableName() string { return "policy_deliveries" }

type v7MonitorSettings struct {
	ID            int64   `gorm:"primaryKey;autoIncrement:false"`
	DropThreshold float64 `gorm:"not null"`
	DueDay        int     `gorm:"not null"`
	UpdatedBy     int64   `gorm:"not null;default:0"`
	UpdatedAt     time.Time
}

func (v7MonitorSettings) TableName() string { return "monitor_settings" }

type v7MonitorZone struct {
	ZoneID    int64  `gorm:"primaryKey;autoIncrement:false"`
	Zone      v1Zone `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	CreatedAt time.Time
}

func (v7MonitorZone) TableName() string { return "monitor_zones" }

type v7MonitorReport struct {
	ID            int64   `gorm:"primaryKey"`
	ZoneID        int64   `gorm:"not null;uniqueIndex:idx_monitor_reports_zone_month,priority:1"`
	Zone          v1Zone  `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	Month         string  `gorm:"size:7;not null;uniqueIndex:idx_monitor_reports_zone_month,priority:2;index"`
	Imports       float64 `gorm:"not null"`
	Exports       float64 `gorm:"not null"`
	FDIContracted float64 `gorm:"column:fdi_contracted;not null"`
	FDIActual     float64 `gorm:"column:fdi_actual;not null"`
	Note          string  `gorm:"type:text;not null;default:''"`
	ReportedBy    int64   `gorm:"not null;default:0"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (v7MonitorReport) TableName() string { return "monitor_reports" }

type v7MonitorChange struct {
	ID        int64           `gorm:"primaryKey"`
	ReportID  int64           `gorm:"not null;index"`
	Report    v7MonitorReport `gorm:"foreignKey:ReportID;constraint:OnDelete:CASCADE"`
	UserID    int64           `gorm:"not null"`
	UserName  string          `gorm:"size:100;not null;default:''"`
	Field     string          `gorm:"size:40;not null"`
	OldValue  float64         `gorm:"not null"`
	NewValue  float64         `gorm:"not null"`
	Reason    string          `gorm:"type:text;not null;default:''"`
	CreatedAt time.Time
}

func (v7MonitorChange) TableName() string { return "monitor_report_changes" }

type v7MonitorAlert struct {
	ID             int64    `gorm:"primaryKey"`
	ZoneID         int64    `gorm:"not null;uniqueIndex:idx_monitor_alerts_unique,priority:1"`
	Zone           v1Zone   `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	Month          string   `gorm:"size:7;not null;uniqueIndex:idx_monitor_alerts_unique,priority:2"`
	Kind           string   `gorm:"size:20;not null;uniqueIndex:idx_monitor_alerts_unique,priority:3"`
	Indicator      string   `gorm:"size:40;not null;default:'';uniqueIndex:idx_monitor_alerts_unique,priority:4"`
	Value          *float64 `gorm:""`
	Previous       *float64 `gorm:""`
	ChangePct      *float64 `gorm:""`
	Threshold      float64  `gorm:"not null;default:0"`
	AcknowledgedAt *time.Time
	AcknowledgedBy *int64
	CreatedAt      time.Time `gorm:"index"`
}

func (v7MonitorAlert) TableName() string { return "monitor_alerts" }

func v7PoliciesMonitoring(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v7Policy{}, &v7PolicyTopic{}, &v7PolicyTerm{}, &v7PolicyAttachment{},
		&v7PolicyPackage{}, &v7PolicyPackageItem{}, &v7PolicySubscription{}, &v7PolicyDelivery{},
		&v7MonitorSettings{}, &v7MonitorZone{}, &v7MonitorReport{}, &v7MonitorChange{}, &v7MonitorAlert{})
}
