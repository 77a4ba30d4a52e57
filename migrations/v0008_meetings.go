package migrations

import (
	"time"

	"gorm.io/gorm"
)

// v8Meeting is a bookable slot and, once booked, the meeting held in its room. Walk-up
// conversations and rooms of accepted meeting requests are meetings without a published slot.
type v8Meeting struct {
	ID            int64         `gorm:"primaryKey"`
	Kind          string        `gorm:"size:20;not null"`
	Source        string        `gorm:"size:20;not null"`
	ZoneID        int64         `gorm:"not null;index"`
	Zone          v1Zone        `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	EnterpriseID  *int64        `gorm:"index"`
	Enterprise    *v1Enterprise `gorm:"foreignKey:EnterpriseID;constraint:OnDelete:CASCADE"`
	FairID        *int64        `gorm:"index"`
	HostID        int64         `gorm:"not null;index:idx_meetings_host_start,priority:1"`
	Host          v1User        `gorm:"foreignKey:HostID;constraint:OnDelete:CASCADE"`
	Title         string        `gorm:"size:200;not null;default:''"`
	StartsAt      time.Time     `gorm:"not null;index:idx_meetings_host_start,priority:2;index"`
	TimeZone      string        `gorm:"size:64;not null"`
	Minutes       int           `gorm:"not null"`
	BufferMinutes int           `gorm:"not null;default:0"`
	Capacity      int           `gorm:"not null;default:1"`
	Booked        int           `gorm:"not null;default:0"`
	Status        string        `gorm:"size:20;not null;index"`
	RequestID     *int64        `gorm:"uniqueIndex"`
	Notes         string        `gorm:"type:text;not null;default:''"`
	Outcome       string        `gorm:"size:20;not null;default:''"`
	OutcomeNote   string        `gorm:"type:text;not null;default:''"`
	RemindedAt    *time.Time
	EndedAt       *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (v8Meeting) TableName() string { return "meetings" }

// v8Member is a person in a meeting's room: its host, or a guest who booked or was taken from a
// queue. One booking per application and per meeting request is a unique constraint.
type v8Member struct {
	MeetingID     int64     `gorm:"primaryKey;autoIncrement:false"`
	Meeting       v8Meeting `gorm:"foreignKey:MeetingID;constraint:OnDelete:CASCADE"`
	UserID        int64     `gorm:"primaryKey;autoIncrement:false;index"`
	User          v1User    `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	Role          string    `gorm:"size:10;not null"`
	ApplicationID *int64    `gorm:"uniqueIndex"`
	RequestID     *int64    `gorm:"uniqueIndex"`
	CreatedAt     time.Time
}

func (v8Member) TableName() string { return "meeting_members" }

type v8Message struct {
	ID        int64     `gorm:"primaryKey"`
	MeetingID int64     `gorm:"not null;index"`
	Meeting   v8Meeting `gorm:"foreignKey:MeetingID;constraint:OnDelete:CASCADE"`
	UserID    int64     `gorm:"not null"`
	Name      string    `gorm:"size:100;not null;default:''"`
	Body      string    `gorm:"type:text;not null"`
	CreatedAt time.Time
}

func (v8Message) TableName() string { return "meeting_messages" }

// v8Booth is a job fair booth's walk-up settings: conversations at once and their usual length.
type v8Booth struct {
	FairID    int64  `gorm:"primaryKey;autoIncrement:false"`
	Fair      v2Fair `gorm:"foreignKey:FairID;constraint:OnDelete:CASCADE"`
	ZoneID    int64  `gorm:"primaryKey;autoIncrement:false"`
	Zone      v1Zone `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	Parallel  int    `gorm:"not null"`
	Minutes   int    `gorm:"not null"`
	UpdatedAt time.Time
}

func (v8Booth) TableName() string { return "meeting_booths" }

// v8QueueEntry is a graduate in a booth's walk-up queue; SeenAt is their page's last heartbeat.
type v8QueueEntry struct {
	ID        int64      `gorm:"primaryKey"`
	FairID    int64      `gorm:"not null;index:idx_meeting_queue_booth,priority:1"`
	Fair      v2Fair     `gorm:"foreignKey:FairID;constraint:OnDelete:CASCADE"`
	ZoneID    int64      `gorm:"not null;index:idx_meeting_queue_booth,priority:2"`
	Zone      v1Zone     `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	UserID    int64      `gorm:"not null;index"`
	User      v1User     `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	Status    string     `gorm:"size:20;not null;index:idx_meeting_queue_booth,priority:3"`
	MeetingID *int64     `gorm:"index"`
	Meeting   *v8Meeting `gorm:"foreignKey:MeetingID;constraint:OnDelete:SET NULL"`
	SeenAt    time.Time  `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (v8QueueEntry) TableName() string { return "meeting_queue" }

func v8Meetings(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v8Meeting{}, &v8Member{}, &v8Message{}, &v8Booth{}, &v8QueueEntry{}); err != nil {
		return err
	}
	// One place in a booth's queue per graduate while waiting; both databases accept the
	// partial index.
	return tx.Exec(`CREATE UNIQUE INDEX idx_meeting_queue_waiting ON meeting_queue (fair_id, zone_id, user_id) WHERE status = 'waiting'`).Error
}
