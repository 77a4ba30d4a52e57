package migrations

import (
	"time"

	"gorm.io/gorm"
)

type v1Zone struct {
	ID              int64  `gorm:"primaryKey"`
	Slug            string `gorm:"size:80;not null;uniqueIndex"`
	NameZh          string `gorm:"size:200;not null"`
	NameEn          string `gorm:"size:200;not null"`
	Province        string `gorm:"size:40;not null;index"`
	Region          string `gorm:"size:20;not null;index"`
	CityZh          string `gorm:"size:100;not null;default:''"`
	CityEn          string `gorm:"size:100;not null;default:''"`
	DescriptionZh   string `gorm:"type:text;not null;default:''"`
	DescriptionEn   string `gorm:"type:text;not null;default:''"`
	ContactName     string `gorm:"size:100;not null;default:''"`
	ContactEmail    string `gorm:"size:254;not null;default:''"`
	ContactPhone    string `gorm:"size:40;not null;default:''"`
	Website         string `gorm:"size:300;not null;default:''"`
	EstablishedYear int    `gorm:"not null;default:0"`
	LogoPath        string `gorm:"size:300;not null;default:''"`
	LogoType        string `gorm:"size:40;not null;default:''"`
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (v1Zone) TableName() string { return "zones" }

type v1ZoneIndustry struct {
	ZoneID   int64  `gorm:"primaryKey;autoIncrement:false"`
	Industry string `gorm:"primaryKey;size:40;index"`
	Zone     v1Zone `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
}

func (v1ZoneIndustry) TableName() string { return "zone_industries" }

type v1Enterprise struct {
	ID            int64  `gorm:"primaryKey"`
	ZoneID        int64  `gorm:"not null;index"`
	Zone          v1Zone `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	NameZh        string `gorm:"size:200;not null"`
	NameEn        string `gorm:"size:200;not null"`
	Industry      string `gorm:"size:40;not null"`
	Ownership     string `gorm:"size:20;not null"`
	Country       string `gorm:"size:80;not null;default:''"`
	DescriptionZh string `gorm:"type:text;not null;default:''"`
	DescriptionEn string `gorm:"type:text;not null;default:''"`
	Website       string `gorm:"size:300;not null;default:''"`
	Employees     int    `gorm:"not null;default:0"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (v1Enterprise) TableName() string { return "enterprises" }

type v1User struct {
	ID           int64         `gorm:"primaryKey"`
	Email        string        `gorm:"size:254;not null;uniqueIndex"`
	PasswordHash string        `gorm:"size:200;not null"`
	Name         string        `gorm:"size:100;not null"`
	Role         string        `gorm:"size:20;not null;index"`
	ZoneID       *int64        `gorm:"index"`
	Zone         *v1Zone       `gorm:"foreignKey:ZoneID;constraint:OnDelete:SET NULL"`
	EnterpriseID *int64        `gorm:"index"`
	Enterprise   *v1Enterprise `gorm:"foreignKey:EnterpriseID;constraint:OnDelete:SET NULL"`
	Locale       string        `gorm:"size:10;not null;default:'zh-CN'"`
	Organization string        `gorm:"size:200;not null;default:''"`
	Phone        string        `gorm:"size:40;not null;default:''"`
	Country      string        `gorm:"size:80;not null;default:''"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (v1User) TableName() string { return "users" }

type v1Invitation struct {
	ID           int64  `gorm:"primaryKey"`
	TokenHash    string `gorm:"size:64;not null;uniqueIndex"`
	Email        string `gorm:"size:254;not null"`
	Role         string `gorm:"size:20;not null"`
	ZoneID       int64  `gorm:"not null;index"`
	Zone         v1Zone `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	EnterpriseID *int64
	Enterprise   *v1Enterprise `gorm:"foreignKey:EnterpriseID;constraint:OnDelete:CASCADE"`
	InvitedBy    int64         `gorm:"not null"`
	Inviter      v1User        `gorm:"foreignKey:InvitedBy;constraint:OnDelete:CASCADE"`
	ExpiresAt    time.Time     `gorm:"not null"`
	AcceptedAt   *time.Time
	CreatedAt    time.Time
}

func (v1Invitation) TableName() string { return "invitations" }

func v1AccountsAndZones(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v1Zone{}, &v1ZoneIndustry{}, &v1Enterprise{}, &v1User{}, &v1Invitation{})
}
