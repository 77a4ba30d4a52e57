package migrations

import (
	"time"

	"gorm.io/gorm"
)

type v4Project struct {
	ID            int64   `gorm:"primaryKey"`
	ZoneID        int64   `gorm:"not null;index"`
	Zone          v1Zone  `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	TitleZh       string  `gorm:"size:200;not null"`
	TitleEn       string  `gorm:"size:200;not null"`
	DescriptionZh string  `gorm:"type:text;not null;default:''"`
	DescriptionEn string  `gorm:"type:text;not null;default:''"`
	Industry      string  `gorm:"size:40;not null;index"`
	Amount        int64   `gorm:"not null;default:0;index"`
	Currency      string  `gorm:"size:3;not null;default:'CNY'"`
	LandArea      float64 `gorm:"not null;default:0"`
	LocationZh    string  `gorm:"size:200;not null;default:''"`
	LocationEn    string  `gorm:"size:200;not null;default:''"`
	IncentivesZh  string  `gorm:"type:text;not null;default:''"`
	IncentivesEn  string  `gorm:"type:text;not null;default:''"`
	Status        string  `gorm:"size:20;not null;index"`
	CreatedBy     int64   `gorm:"not null;default:0"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (v4Project) TableName() string { return "projects" }

type v4ProjectFollow struct {
	ProjectID int64     `gorm:"primaryKey;autoIncrement:false"`
	Project   v4Project `gorm:"foreignKey:ProjectID;constraint:OnDelete:CASCADE"`
	UserID    int64     `gorm:"primaryKey;autoIncrement:false;index"`
	User      v1User    `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	CreatedAt time.Time
}

func (v4ProjectFollow) TableName() string { return "project_follows" }

type v4Lead struct {
	ID         int64     `gorm:"primaryKey"`
	ProjectID  int64     `gorm:"not null;uniqueIndex:idx_leads_project_investor,priority:1"`
	Project    v4Project `gorm:"foreignKey:ProjectID;constraint:OnDelete:CASCADE"`
	ZoneID     int64     `gorm:"not null;index:idx_leads_zone_status,priority:1"`
	InvestorID int64     `gorm:"not null;uniqueIndex:idx_leads_project_investor,priority:2;index"`
	Investor   v1User    `gorm:"foreignKey:InvestorID;constraint:OnDelete:CASCADE"`
	Message    string    `gorm:"type:text;not null;default:''"`
	Status     string    `gorm:"size:20;not null;index:idx_leads_zone_status,priority:2"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (v4Lead) TableName() string { return "project_leads" }

type v4LeadNote struct {
	ID         int64  `gorm:"primaryKey"`
	LeadID     int64  `gorm:"not null;index"`
	Lead       v4Lead `gorm:"foreignKey:LeadID;constraint:OnDelete:CASCADE"`
	AuthorID   int64  `gorm:"not null"`
	AuthorName string `gorm:"size:100;not null;default:''"`
	Body       string `gorm:"type:text;not null;default:''"`
	FromStatus string `gorm:"size:20;not null;default:''"`
	ToStatus   string `gorm:"size:20;not null;default:''"`
	CreatedAt  time.Time
}

func (v4LeadNote) TableName() string { return "project_lead_notes" }

type v4Briefing struct {
	ID           int64      `gorm:"primaryKey"`
	TitleZh      string     `gorm:"size:200;not null"`
	TitleEn      string     `gorm:"size:200;not null"`
	AgendaZh     string     `gorm:"type:text;not null;default:''"`
	AgendaEn     string     `gorm:"type:text;not null;default:''"`
	StartsAt     time.Time  `gorm:"not null;index"`
	EndsAt       time.Time  `gorm:"not null;index"`
	StartedAt    *time.Time `gorm:"index"`
	EndedAt      *time.Time `gorm:"index"`
	Visibility   string     `gorm:"size:20;not null"`
	Capacity     int        `gorm:"not null;default:0"`
	StreamURL    string     `gorm:"size:500;not null;default:''"`
	RecordingURL string     `gorm:"size:500;not null;default:''"`
	Presenters   string     `gorm:"type:text;not null;default:'[]'"`
	Questions    string     `gorm:"type:text;not null;default:'[]'"`
	SlidesPath   string     `gorm:"size:300;not null;default:''"`
	SlidesName   string     `gorm:"size:200;not null;default:''"`
	SlidesPages  int        `gorm:"not null;default:0"`
	Page         int        `gorm:"not null;default:0"`
	ReminderSent *time.Time
	CreatedBy    int64 `gorm:"not null;default:0"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (v4Briefing) TableName() string { return "briefings" }

type v4BriefingZone struct {
	BriefingID int64      `gorm:"primaryKey;autoIncrement:false"`
	Briefing   v4Briefing `gorm:"foreignKey:BriefingID;constraint:OnDelete:CASCADE"`
	ZoneID     int64      `gorm:"primaryKey;autoIncrement:false;index"`
	Zone       v1Zone     `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
}

func (v4BriefingZone) TableName() string { return "briefing_zones" }

type v4BriefingProject struct {
	BriefingID int64      `gorm:"primaryKey;autoIncrement:false"`
	Briefing   v4Briefing `gorm:"foreignKey:BriefingID;constraint:OnDelete:CASCADE"`
	ProjectID  int64      `gorm:"primaryKey;autoIncrement:false;index"`
	Project    v4Project  `gorm:"foreignKey:ProjectID;constraint:OnDelete:CASCADE"`
}

func (v4BriefingProject) TableName() string { return "briefing_projects" }

type v4BriefingInvite struct {
	BriefingID int64      `gorm:"primaryKey;autoIncrement:false"`
	Briefing   v4Briefing `gorm:"foreignKey:BriefingID;constraint:OnDelete:CASCADE"`
	Email      string     `gorm:"primaryKey;size:254"`
	CreatedAt  time.Time
}

func (v4BriefingInvite) TableName() string { return "briefing_invites" }

type v4Registration struct {
	ID           int64      `gorm:"primaryKey"`
	BriefingID   int64      `gorm:"not null;uniqueIndex:idx_registrations_briefing_user,priority:1"`
	Briefing     v4Briefing `gorm:"foreignKey:BriefingID;constraint:OnDelete:CASCADE"`
	UserID       int64      `gorm:"not null;uniqueIndex:idx_registrations_briefing_user,priority:2;index"`
	User         v1User     `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	Answers      string     `gorm:"type:text;not null;default:'{}'"`
	Organization string     `gorm:"size:200;not null;default:''"`
	Country      string     `gorm:"size:80;not null;default:''"`
	Industry     string     `gorm:"size:40;not null;default:''"`
	CreatedAt    time.Time
}

func (v4Registration) TableName() string { return "briefing_registrations" }

type v4Attendance struct {
	BriefingID int64      `gorm:"primaryKey;autoIncrement:false"`
	Briefing   v4Briefing `gorm:"foreignKey:BriefingID;constraint:OnDelete:CASCADE"`
	UserID     int64      `gorm:"primaryKey;autoIncrement:false;index"`
	User       v1User     `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	FirstSeen  time.Time  `gorm:"not null"`
	LastSeen   time.Time  `gorm:"not null"`
	Seconds    int        `gorm:"not null;default:0"`
}

func (v4Attendance) TableName() string { return "briefing_attendance" }

type v4Question struct {
	ID         int64      `gorm:"primaryKey"`
	BriefingID int64      `gorm:"not null;index"`
	Briefing   v4Briefing `gorm:"foreignKey:BriefingID;constraint:OnDelete:CASCADE"`
	UserID     int64      `gorm:"not null;index"`
	AuthorName string     `gorm:"size:100;not null;default:''"`
	Body       string     `gorm:"type:text;not null"`
	Votes      int        `gorm:"not null;default:0"`
	Answer     string     `gorm:"type:text;not null;default:''"`
	AnsweredAt *time.Time
	AnsweredBy *int64
	Pinned     bool `gorm:"not null;default:false"`
	Hidden     bool `gorm:"not null;default:false"`
	CreatedAt  time.Time
}

func (v4Question) TableName() string { return "briefing_questions" }

type v4QuestionVote struct {
	QuestionID int64      `gorm:"primaryKey;autoIncrement:false"`
	Question   v4Question `gorm:"foreignKey:QuestionID;constraint:OnDelete:CASCADE"`
	UserID     int64      `gorm:"primaryKey;autoIncrement:false"`
	BriefingID int64      `gorm:"not null;index:idx_question_votes_briefing_user,priority:1"`
	CreatedAt  time.Time
}

func (v4QuestionVote) TableName() string { return "briefing_question_votes" }

type v4Poll struct {
	ID         int64      `gorm:"primaryKey"`
	BriefingID int64      `gorm:"not null;index"`
	Briefing   v4Briefing `gorm:"foreignKey:BriefingID;constraint:OnDelete:CASCADE"`
	QuestionZh string     `gorm:"size:300;not null"`
	QuestionEn string     `gorm:"size:300;not null"`
	Options    string     `gorm:"type:text;not null"`
	Status     string     `gorm:"size:10;not null"`
	OpenedAt   *time.Time
	ClosedAt   *time.Time
	CreatedAt  time.Time
}

func (v4Poll) TableName() string { return "briefing_polls" }

type v4PollVote struct {
	PollID     int64  `gorm:"primaryKey;autoIncrement:false"`
	Poll       v4Poll `gorm:"foreignKey:PollID;constraint:OnDelete:CASCADE"`
	UserID     int64  `gorm:"primaryKey;autoIncrement:false"`
	BriefingID int64  `gorm:"not null;index"`
	Option     int    `gorm:"not null"`
	CreatedAt  time.Time
}

func (v4PollVote) TableName() string { return "briefing_poll_votes" }

type v4SlideTurn struct {
	ID         int64      `gorm:"primaryKey"`
	BriefingID int64      `gorm:"not null;index"`
	Briefing   v4Briefing `gorm:"foreignKey:BriefingID;constraint:OnDelete:CASCADE"`
	Page       int        `gorm:"not null"`
	UserID     int64      `gorm:"not null"`
	At         time.Time  `gorm:"not null"`
}

func (v4SlideTurn) TableName() string { return "briefing_slide_turns" }

type v4Chat struct {
	ID         int64      `gorm:"primaryKey"`
	BriefingID int64      `gorm:"not null;index"`
	Briefing   v4Briefing `gorm:"foreignKey:BriefingID;constraint:OnDelete:CASCADE"`
	UserID     int64      `gorm:"not null;index"`
	AuthorName string     `gorm:"size:100;not null;default:''"`
	Body       string     `gorm:"type:text;not null"`
	Hidden     bool       `gorm:"not null;default:false"`
	CreatedAt  time.Time
}

func (v4Chat) TableName() string { return "briefing_chat" }

type v4Moderation struct {
	BriefingID int64      `gorm:"primaryKey;autoIncrement:false"`
	Briefing   v4Briefing `gorm:"foreignKey:BriefingID;constraint:OnDelete:CASCADE"`
	UserID     int64      `gorm:"primaryKey;autoIncrement:false"`
	Muted      bool       `gorm:"not null;default:false"`
	Removed    bool       `gorm:"not null;default:false"`
	By         int64      `gorm:"not null"`
	UpdatedAt  time.Time
}

func (v4Moderation) TableName() string { return "briefing_moderation" }

type v4Meeting struct {
	ID         int64       `gorm:"primaryKey"`
	ZoneID     int64       `gorm:"not null;index"`
	Zone       v1Zone      `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	ProjectID  *int64      `gorm:"index"`
	Project    *v4Project  `gorm:"foreignKey:ProjectID;constraint:OnDelete:SET NULL"`
	BriefingID *int64      `gorm:"index"`
	Briefing   *v4Briefing `gorm:"foreignKey:BriefingID;constraint:OnDelete:SET NULL"`
	InvestorID int64       `gorm:"not null;index"`
	Investor   v1User      `gorm:"foreignKey:InvestorID;constraint:OnDelete:CASCADE"`
	Message    string      `gorm:"type:text;not null;default:''"`
	Proposed   string      `gorm:"type:text;not null"`
	Minutes    int         `gorm:"not null;default:30"`
	Status     string      `gorm:"size:20;not null;index"`
	StartsAt   *time.Time
	MeetingURL string `gorm:"size:500;not null;default:''"`
	DecidedBy  *int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (v4Meeting) TableName() string { return "meeting_requests" }

func v4Briefings(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v4Project{}, &v4ProjectFollow{}, &v4Lead{}, &v4LeadNote{},
		&v4Briefing{}, &v4BriefingZone{}, &v4BriefingProject{}, &v4BriefingInvite{}, &v4Registration{},
		&v4Attendance{}, &v4Question{}, &v4QuestionVote{}, &v4Poll{}, &v4PollVote{}, &v4SlideTurn{},
		&v4Chat{}, &v4Moderation{}, &v4Meeting{})
}
