package migrations

import (
	"time"

	"gorm.io/gorm"
)

type v3Template struct {
	ID        int64  `gorm:"primaryKey"`
	NameZh    string `gorm:"size:200;not null"`
	NameEn    string `gorm:"size:200;not null"`
	BodyZh    string `gorm:"type:text;not null"`
	BodyEn    string `gorm:"type:text;not null"`
	Archived  bool   `gorm:"not null;default:false"`
	CreatedBy int64  `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (v3Template) TableName() string { return "signing_templates" }

type v3Agreement struct {
	ID             int64       `gorm:"primaryKey"`
	ZoneID         int64       `gorm:"not null;index"`
	Zone           v1Zone      `gorm:"foreignKey:ZoneID;constraint:OnDelete:RESTRICT"`
	ProjectID      *int64      `gorm:"index"`
	BriefingID     *int64      `gorm:"index"`
	TemplateID     *int64      `gorm:"index"`
	Template       *v3Template `gorm:"foreignKey:TemplateID;constraint:OnDelete:SET NULL"`
	Title          string      `gorm:"size:300;not null"`
	Status         string      `gorm:"size:20;not null;index"`
	MergeData      string      `gorm:"type:text;not null;default:''"`
	PageCount      int         `gorm:"not null;default:0"`
	Pages          string      `gorm:"type:text;not null;default:''"`
	OriginalSHA256 string      `gorm:"column:original_sha256;size:64;not null;default:'';index"`
	FinalSHA256    string      `gorm:"column:final_sha256;size:64;not null;default:'';index"`
	VerifyToken    string      `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt      *time.Time
	ReminderHours  int `gorm:"not null;default:0"`
	NextReminderAt *time.Time
	CreatedBy      int64  `gorm:"not null"`
	Creator        v1User `gorm:"foreignKey:CreatedBy;constraint:OnDelete:RESTRICT"`
	SentAt         *time.Time
	CompletedAt    *time.Time
	ClosedReason   string `gorm:"size:1000;not null;default:''"`
	AuditSeq       int64  `gorm:"not null;default:0"`
	AuditHead      string `gorm:"size:64;not null;default:''"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (v3Agreement) TableName() string { return "signing_agreements" }

type v3Recipient struct {
	ID             int64       `gorm:"primaryKey"`
	AgreementID    int64       `gorm:"not null;uniqueIndex:signing_recipients_user,priority:1"`
	Agreement      v3Agreement `gorm:"foreignKey:AgreementID;constraint:OnDelete:CASCADE"`
	UserID         int64       `gorm:"not null;index;uniqueIndex:signing_recipients_user,priority:2"`
	User           v1User      `gorm:"foreignKey:UserID;constraint:OnDelete:RESTRICT"`
	Role           string      `gorm:"size:20;not null"`
	Party          string      `gorm:"size:200;not null;default:''"`
	Name           string      `gorm:"size:100;not null"`
	Email          string      `gorm:"size:254;not null"`
	Step           int         `gorm:"not null"`
	Status         string      `gorm:"size:20;not null"`
	ViewedAt       *time.Time
	SignedAt       *time.Time
	SignatureKind  string `gorm:"size:10;not null;default:''"`
	SignatureImage []byte
	TypedName      string `gorm:"size:100;not null;default:''"`
	SignedIP       string `gorm:"column:signed_ip;size:64;not null;default:''"`
	SignedUA       string `gorm:"column:signed_ua;size:500;not null;default:''"`
	DeclineReason  string `gorm:"size:1000;not null;default:''"`
}

func (v3Recipient) TableName() string { return "signing_recipients" }

type v3Field struct {
	ID          int64       `gorm:"primaryKey"`
	AgreementID int64       `gorm:"not null;index"`
	Agreement   v3Agreement `gorm:"foreignKey:AgreementID;constraint:OnDelete:CASCADE"`
	RecipientID int64       `gorm:"not null;index"`
	Recipient   v3Recipient `gorm:"foreignKey:RecipientID;constraint:OnDelete:CASCADE"`
	Kind        string      `gorm:"size:20;not null"`
	Page        int         `gorm:"not null"`
	X           float64     `gorm:"not null"`
	Y           float64     `gorm:"not null"`
	W           float64     `gorm:"not null"`
	H           float64     `gorm:"not null"`
	Label       string      `gorm:"size:100;not null;default:''"`
	Required    bool        `gorm:"not null;default:true"`
	Value       string      `gorm:"size:500;not null;default:''"`
	FilledAt    *time.Time
}

func (v3Field) TableName() string { return "signing_fields" }

type v3Document struct {
	ID          int64       `gorm:"primaryKey"`
	AgreementID int64       `gorm:"not null;uniqueIndex:signing_documents_kind,priority:1"`
	Agreement   v3Agreement `gorm:"foreignKey:AgreementID;constraint:OnDelete:CASCADE"`
	Kind        string      `gorm:"size:20;not null;uniqueIndex:signing_documents_kind,priority:2"`
	SHA256      string      `gorm:"column:sha256;size:64;not null;index"`
	Size        int64       `gorm:"not null"`
	Data        []byte      `gorm:"not null"`
	CreatedAt   time.Time
}

func (v3Document) TableName() string { return "signing_documents" }

type v3Event struct {
	ID          int64       `gorm:"primaryKey"`
	AgreementID int64       `gorm:"not null;uniqueIndex:signing_events_seq,priority:1"`
	Agreement   v3Agreement `gorm:"foreignKey:AgreementID;constraint:OnDelete:RESTRICT"`
	Seq         int64       `gorm:"not null;uniqueIndex:signing_events_seq,priority:2"`
	Kind        string      `gorm:"size:30;not null"`
	UserID      int64       `gorm:"not null;default:0"`
	RecipientID int64       `gorm:"not null;default:0"`
	IP          string      `gorm:"column:ip;size:64;not null;default:''"`
	UserAgent   string      `gorm:"size:500;not null;default:''"`
	Detail      string      `gorm:"size:2000;not null;default:''"`
	At          time.Time   `gorm:"not null"`
	PrevHash    string      `gorm:"size:64;not null"`
	Hash        string      `gorm:"size:64;not null"`
}

func (v3Event) TableName() string { return "signing_events" }

type v3Code struct {
	ID          int64       `gorm:"primaryKey"`
	RecipientID int64       `gorm:"not null;index"`
	Recipient   v3Recipient `gorm:"foreignKey:RecipientID;constraint:OnDelete:CASCADE"`
	Hash        string      `gorm:"size:64;not null"`
	Attempts    int         `gorm:"not null;default:0"`
	ExpiresAt   time.Time   `gorm:"not null"`
	UsedAt      *time.Time
	CreatedAt   time.Time
}

func (v3Code) TableName() string { return "signing_codes" }

type v3Webhook struct {
	ID        int64  `gorm:"primaryKey"`
	ZoneID    int64  `gorm:"not null;index"`
	Zone      v1Zone `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	URL       string `gorm:"column:url;size:500;not null"`
	Secret    string `gorm:"size:100;not null"`
	Active    bool   `gorm:"not null;default:true"`
	CreatedBy int64  `gorm:"not null"`
	CreatedAt time.Time
}

func (v3Webhook) TableName() string { return "signing_webhooks" }

type v3Delivery struct {
	ID            int64     `gorm:"primaryKey"`
	WebhookID     int64     `gorm:"not null;index"`
	Webhook       v3Webhook `gorm:"foreignKey:WebhookID;constraint:OnDelete:CASCADE"`
	AgreementID   int64     `gorm:"not null;index"`
	Event         string    `gorm:"size:30;not null"`
	Payload       string    `gorm:"type:text;not null"`
	Status        string    `gorm:"size:20;not null;index"`
	Attempts      int       `gorm:"not null;default:0"`
	NextAttemptAt time.Time `gorm:"not null;index"`
	LastStatus    int       `gorm:"not null;default:0"`
	LastError     string    `gorm:"size:500;not null;default:''"`
	CreatedAt     time.Time
	DeliveredAt   *time.Time
}

func (v3Delivery) TableName() string { return "signing_webhook_deliveries" }

func v3Signing(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v3Template{}, &v3Agreement{}, &v3Recipient{}, &v3Field{},
		&v3Document{}, &v3Event{}, &v3Code{}, &v3Webhook{}, &v3Delivery{})
}
