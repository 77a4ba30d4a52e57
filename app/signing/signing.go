// Package signing owns the online signing of investment agreements: bilingual templates,
// agreements with their documents, recipients, placed fields and signing order, one-time codes
// that re-confirm a signer's identity, the hash-chained audit trail, sealing of the final PDF
// with a completion certificate and the platform's digital signature, public verification, and
// the zones' webhooks.
package signing

import (
	"context"
	"time"
)

// Agreement statuses.
const (
	StatusDraft     = "draft"
	StatusSent      = "sent"
	StatusSealing   = "sealing" // every signer has signed; the final PDF is being produced
	StatusCompleted = "completed"
	StatusDeclined  = "declined"
	StatusVoided    = "voided"
	StatusExpired   = "expired"
)

// Recipient roles: signatories and witnesses sign; copy recipients only read and receive the
// sealed document.
const (
	RoleSignatory = "signatory"
	RoleWitness   = "witness"
	RoleCopy      = "copy"
)

// Field kinds.
const (
	FieldSignature = "signature"
	FieldDate      = "date"
	FieldName      = "name"
	FieldText      = "text"
)

// Audit events.
const (
	EventCreated      = "created"
	EventSent         = "sent"
	EventViewed       = "viewed"
	EventCodeSent     = "code_sent"
	EventCodeVerified = "code_verified"
	EventCodeFailed   = "code_failed"
	EventFieldFilled  = "field_filled"
	EventSigned       = "signed"
	EventDeclined     = "declined"
	EventVoided       = "voided"
	EventExpired      = "expired"
	EventCompleted    = "completed"
	EventDownloaded   = "downloaded"
	EventReminded     = "reminded"
	// EventReissued closes the trail of a voided, declined or expired agreement that was re-sent
	// as a new draft; the draft's own trail starts with EventCreated naming the one it copies.
	EventReissued = "reissued"
	// EventKeyed seals an unkeyed start of a trail with the audit key (see KeyLegacyTrails).
	EventKeyed = "keyed"
	// EventAnchored starts authenticating the length of a trail written before its head was
	// (see KeyLegacyTrails); its detail says how many entries came before.
	EventAnchored = "anchored"
)

// Template is a bilingual agreement text with {{merge}} fields, managed by admins.
type Template struct {
	ID          int64     `json:"id"`
	NameZh      string    `json:"nameZh"`
	NameEn      string    `json:"nameEn"`
	BodyZh      string    `json:"bodyZh"`
	BodyEn      string    `json:"bodyEn"`
	Archived    bool      `json:"archived"`
	CreatedBy   int64     `json:"createdBy"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	MergeFields []string  `json:"mergeFields" gorm:"-"`
}

// TableName is the signing_templates table.
func (Template) TableName() string { return "signing_templates" }

// Agreement is one document to be signed by its recipients.
type Agreement struct {
	ID             int64      `json:"id"`
	ZoneID         int64      `json:"zoneId"`
	ProjectID      *int64     `json:"projectId"`
	BriefingID     *int64     `json:"briefingId"`
	TemplateID     *int64     `json:"templateId"`
	Title          string     `json:"title"`
	Status         string     `json:"status" enum:"draft,sent,sealing,completed,declined,voided,expired"`
	MergeData      string     `json:"-"`
	PageCount      int        `json:"pageCount"`
	PagesJSON      string     `json:"-" gorm:"column:pages"`
	OriginalSHA256 string     `json:"originalSha256" gorm:"column:original_sha256"`
	FinalSHA256    string     `json:"finalSha256" gorm:"column:final_sha256"`
	VerifyToken    string     `json:"-"`
	ExpiresAt      *time.Time `json:"expiresAt"`
	ReminderHours  int        `json:"reminderHours"`
	NextReminderAt *time.Time `json:"-"`
	CreatedBy      int64      `json:"createdBy"`
	SentAt         *time.Time `json:"sentAt"`
	CompletedAt    *time.Time `json:"completedAt"`
	ClosedReason   string     `json:"closedReason"` // why it was declined or voided
	ReplacesID     *int64     `json:"replacesId"`   // the voided, declined or expired agreement this one re-sends
	AuditSeq       int64      `json:"-"`
	AuditHead      string     `json:"-"`
	AuditMAC       string     `json:"-" gorm:"column:audit_mac"` // authenticates AuditSeq and AuditHead (headMAC)
	CreatedAt      time.Time  `json:"createdAt"`
	UpdatedAt      time.Time  `json:"updatedAt"`
}

// TableName is the agreements table.
func (Agreement) TableName() string { return "signing_agreements" }

// Signs reports whether recipients of role sign.
func Signs(role string) bool { return role == RoleSignatory || role == RoleWitness }

// Recipient is one person an agreement goes to, with their place in the signing order.
type Recipient struct {
	ID             int64      `json:"id"`
	AgreementID    int64      `json:"agreementId"`
	UserID         int64      `json:"userId"`
	Role           string     `json:"role" enum:"signatory,witness,copy"`
	Party          string     `json:"party"` // the organisation signed for
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	Step           int        `json:"step"` // signers of the lowest unsigned step sign, in any order among themselves
	Status         string     `json:"status" enum:"pending,signed,declined"`
	ViewedAt       *time.Time `json:"viewedAt"`
	SignedAt       *time.Time `json:"signedAt"`
	SignatureKind  string     `json:"signatureKind" enum:",drawn,typed"`
	SignatureImage []byte     `json:"-"`
	TypedName      string     `json:"-"`
	SignedIP       string     `json:"-" gorm:"column:signed_ip"`
	SignedUA       string     `json:"-" gorm:"column:signed_ua"`
	DeclineReason  string     `json:"declineReason"`
}

// TableName is the recipients table.
func (Recipient) TableName() string { return "signing_recipients" }

// Field is a box on a document page that one recipient fills when signing. X and Y are the
// box's top-left corner measured from the page's top-left corner, all in PDF points.
type Field struct {
	ID          int64      `json:"id"`
	AgreementID int64      `json:"agreementId"`
	RecipientID int64      `json:"recipientId"`
	Kind        string     `json:"kind" enum:"signature,date,name,text"`
	Page        int        `json:"page"`
	X           float64    `json:"x"`
	Y           float64    `json:"y"`
	W           float64    `json:"w"`
	H           float64    `json:"h"`
	Label       string     `json:"label"`
	Required    bool       `json:"required"`
	Value       string     `json:"value"`
	FilledAt    *time.Time `json:"filledAt"`
}

// TableName is the fields table.
func (Field) TableName() string { return "signing_fields" }

// document is a stored PDF: the original fixed at send, or the sealed final.
type document struct {
	ID          int64
	AgreementID int64
	Kind        string // "original" or "final"
	SHA256      string `gorm:"column:sha256"`
	Size        int64
	Data        []byte
	CreatedAt   time.Time
}

func (document) TableName() string { return "signing_documents" }

// Event is one entry of an agreement's audit trail. Hash is keyed and covers the entry and
// PrevHash, so any edit or deletion breaks the chain (see audit.go).
type Event struct {
	ID          int64     `json:"id"`
	AgreementID int64     `json:"agreementId"`
	Seq         int64     `json:"seq"`
	Kind        string    `json:"kind"`
	UserID      int64     `json:"userId"`
	RecipientID int64     `json:"recipientId"`
	IP          string    `json:"ip" gorm:"column:ip"`
	UserAgent   string    `json:"userAgent"`
	Detail      string    `json:"detail"`
	At          time.Time `json:"at"`
	PrevHash    string    `json:"prevHash"`
	Hash        string    `json:"hash"`
}

// TableName is the audit table.
func (Event) TableName() string { return "signing_events" }

// code is a one-time code sent to a signer; only its keyed hash is kept.
type code struct {
	ID          int64
	RecipientID int64
	Hash        string
	Attempts    int
	ExpiresAt   time.Time
	UsedAt      *time.Time
	CreatedAt   time.Time
}

func (code) TableName() string { return "signing_codes" }

// Sender delivers a message to a user (in-app and by e-mail); the notify package implements it.
type Sender interface {
	Send(ctx context.Context, toUserID int64, subject, body string) error
}

// Publisher fans a status change out to live subscribers; the live hub implements it.
type Publisher interface {
	Publish(ctx context.Context, channel, kind string, data any) (uint64, error)
}
