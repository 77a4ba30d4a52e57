package migrations

import "gorm.io/gorm"

// v14VideoStage is one attendee's place at a briefing's video stage: a raised hand, or brought
// on stage by a host (then they may publish camera, microphone and screen).
type v14VideoStage struct {
	BriefingID int64  `gorm:"primaryKey;autoIncrement:false"`
	UserID     int64  `gorm:"primaryKey;autoIncrement:false"`
	Name       string `gorm:"size:100;not null;default:''"`
	State      string `gorm:"size:10;not null"` // hand or stage
	HandAt     *int64 // Unix nanoseconds of the raised hand, for the hosts' queue
	UpdatedNs  int64  `gorm:"not null"`
	By         int64  `gorm:"not null;default:0"`
}

func (v14VideoStage) TableName() string { return "video_stage" }

// v14VideoPresence is one stay of one person in a video room as the video server reported it
// by webhook: when they joined and left, and whether they published (were on stage).
type v14VideoPresence struct {
	ID          int64  `gorm:"primaryKey"`
	Kind        string `gorm:"size:10;not null;index:idx_video_presence_ref,priority:1"` // briefing or meeting
	RefID       int64  `gorm:"not null;index:idx_video_presence_ref,priority:2"`
	UserID      int64  `gorm:"not null;index:idx_video_presence_ref,priority:3"`
	Participant string `gorm:"size:64;not null;index"` // the video server's participant id (PA_…)
	Published   bool   `gorm:"not null;default:false"`
	JoinedNs    int64  `gorm:"not null"`
	LeftNs      *int64
	Seconds     int `gorm:"not null;default:0"`
}

func (v14VideoPresence) TableName() string { return "video_presence" }

func v14Video(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v14VideoStage{}); err != nil {
		return err
	}
	return tx.Migrator().CreateTable(&v14VideoPresence{})
}
