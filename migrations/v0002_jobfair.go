package migrations

import (
	"time"

	"gorm.io/gorm"
)

type v2Fair struct {
	ID            int64     `gorm:"primaryKey"`
	NameZh        string    `gorm:"size:200;not null"`
	NameEn        string    `gorm:"size:200;not null"`
	DescriptionZh string    `gorm:"type:text;not null;default:''"`
	DescriptionEn string    `gorm:"type:text;not null;default:''"`
	StartsAt      time.Time `gorm:"not null;index"`
	EndsAt        time.Time `gorm:"not null"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (v2Fair) TableName() string { return "fairs" }

type v2FairZone struct {
	FairID    int64  `gorm:"primaryKey;autoIncrement:false"`
	Fair      v2Fair `gorm:"foreignKey:FairID;constraint:OnDelete:CASCADE"`
	ZoneID    int64  `gorm:"primaryKey;autoIncrement:false;index"`
	Zone      v1Zone `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	CreatedAt time.Time
}

func (v2FairZone) TableName() string { return "fair_zones" }

type v2Job struct {
	ID           int64         `gorm:"primaryKey"`
	FairID       int64         `gorm:"not null;index"`
	Fair         v2Fair        `gorm:"foreignKey:FairID;constraint:OnDelete:CASCADE"`
	ZoneID       int64         `gorm:"not null;index"`
	Zone         v1Zone        `gorm:"foreignKey:ZoneID;constraint:OnDelete:CASCADE"`
	EnterpriseID *int64        `gorm:"index"`
	Enterprise   *v1Enterprise `gorm:"foreignKey:EnterpriseID;constraint:OnDelete:SET NULL"`
	Title        string        `gorm:"size:200;not null"`
	TitleEn      string        `gorm:"size:200;not null;default:''"`
	CityZh       string        `gorm:"size:100;not null;default:''"`
	CityEn       string        `gorm:"size:100;not null;default:''"`
	Province     string        `gorm:"size:40;not null"`
	Region       string        `gorm:"size:20;not null"`
	Category     string        `gorm:"size:40;not null"`
	Degree       string        `gorm:"size:20;not null"`
	SalaryMin    int           `gorm:"not null;default:0"`
	SalaryMax    int           `gorm:"not null;default:0"`
	Headcount    int           `gorm:"not null;default:1"`
	Deadline     string        `gorm:"size:10;not null"`
	Description  string        `gorm:"type:text;not null;default:''"`
	Languages    string        `gorm:"size:300;not null;default:''"`
	Status       string        `gorm:"size:20;not null;index"`
	PublishedAt  *time.Time
	SearchSeq    int64 `gorm:"not null;default:0;index"`
	CreatedBy    int64 `gorm:"not null;default:0"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (v2Job) TableName() string { return "jobs" }

type v2JobMajor struct {
	JobID int64  `gorm:"primaryKey;autoIncrement:false"`
	Job   v2Job  `gorm:"foreignKey:JobID;constraint:OnDelete:CASCADE"`
	Major string `gorm:"primaryKey;size:40;index"`
}

func (v2JobMajor) TableName() string { return "job_majors" }

// v2SearchState holds the one counter every job write bumps: search caches compare it to know
// whether they are current.
type v2SearchState struct {
	ID  int64 `gorm:"primaryKey;autoIncrement:false"`
	Seq int64 `gorm:"not null;default:0"`
}

func (v2SearchState) TableName() string { return "job_search_state" }

type v2Profile struct {
	UserID           int64  `gorm:"primaryKey;autoIncrement:false"`
	User             v1User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	School           string `gorm:"size:200;not null"`
	Major            string `gorm:"size:40;not null"`
	MajorName        string `gorm:"size:100;not null;default:''"`
	Degree           string `gorm:"size:20;not null"`
	GraduationYear   int    `gorm:"not null"`
	Skills           string `gorm:"type:text;not null;default:''"`
	Languages        string `gorm:"size:300;not null;default:''"`
	Phone            string `gorm:"size:40;not null;default:''"`
	ContactEmail     string `gorm:"size:254;not null;default:''"`
	About            string `gorm:"type:text;not null;default:''"`
	ResumePath       string `gorm:"size:300;not null;default:''"`
	ResumeName       string `gorm:"size:200;not null;default:''"`
	ResumeSize       int64  `gorm:"not null;default:0"`
	ResumeUploadedAt *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (v2Profile) TableName() string { return "graduate_profiles" }

type v2Application struct {
	ID           int64  `gorm:"primaryKey"`
	JobID        int64  `gorm:"not null;uniqueIndex:idx_applications_job_user,priority:1"`
	Job          v2Job  `gorm:"foreignKey:JobID;constraint:OnDelete:CASCADE"`
	UserID       int64  `gorm:"not null;uniqueIndex:idx_applications_job_user,priority:2;index"`
	User         v1User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	FairID       int64  `gorm:"not null;index:idx_applications_fair_day,priority:1"`
	ZoneID       int64  `gorm:"not null;index"`
	EnterpriseID *int64 `gorm:"index"`
	Status       string `gorm:"size:20;not null"`
	CoverNote    string `gorm:"type:text;not null;default:''"`
	ResumePath   string `gorm:"size:300;not null;default:''"`
	ResumeName   string `gorm:"size:200;not null;default:''"`
	Major        string `gorm:"size:40;not null;default:''"`
	Degree       string `gorm:"size:20;not null;default:''"`
	Day          string `gorm:"size:10;not null;index:idx_applications_fair_day,priority:2"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (v2Application) TableName() string { return "applications" }

type v2ApplicationEvent struct {
	ID            int64         `gorm:"primaryKey"`
	ApplicationID int64         `gorm:"not null;index"`
	Application   v2Application `gorm:"foreignKey:ApplicationID;constraint:OnDelete:CASCADE"`
	FromStatus    string        `gorm:"size:20;not null"`
	ToStatus      string        `gorm:"size:20;not null"`
	Note          string        `gorm:"type:text;not null;default:''"`
	ActorID       int64         `gorm:"not null"`
	CreatedAt     time.Time
}

func (v2ApplicationEvent) TableName() string { return "application_events" }

// v2PageView counts views per fair, booth (zone) and job per day; zone 0 and job 0 mean the
// fair's home and the booth page.
type v2PageView struct {
	FairID int64  `gorm:"primaryKey;autoIncrement:false"`
	ZoneID int64  `gorm:"primaryKey;autoIncrement:false"`
	JobID  int64  `gorm:"primaryKey;autoIncrement:false"`
	Day    string `gorm:"primaryKey;size:10"`
	Views  int64  `gorm:"not null;default:0"`
}

func (v2PageView) TableName() string { return "fair_page_views" }

// v2Visitor records each visitor once per fair, zone (0 for the whole fair) and day.
type v2Visitor struct {
	FairID  int64  `gorm:"primaryKey;autoIncrement:false"`
	ZoneID  int64  `gorm:"primaryKey;autoIncrement:false"`
	Day     string `gorm:"primaryKey;size:10"`
	Visitor string `gorm:"primaryKey;size:32"`
}

func (v2Visitor) TableName() string { return "fair_visitors" }

type v2Conversation struct {
	ID            int64  `gorm:"primaryKey"`
	FairID        int64  `gorm:"not null;uniqueIndex:idx_conversations_booth_user,priority:1;index:idx_conversations_booth,priority:1"`
	Fair          v2Fair `gorm:"foreignKey:FairID;constraint:OnDelete:CASCADE"`
	ZoneID        int64  `gorm:"not null;uniqueIndex:idx_conversations_booth_user,priority:2;index:idx_conversations_booth,priority:2"`
	GraduateID    int64  `gorm:"not null;uniqueIndex:idx_conversations_booth_user,priority:3;index"`
	Graduate      v1User `gorm:"foreignKey:GraduateID;constraint:OnDelete:CASCADE"`
	LastMessageAt time.Time
	CreatedAt     time.Time
}

func (v2Conversation) TableName() string { return "chat_conversations" }

type v2Message struct {
	ID             int64          `gorm:"primaryKey"`
	ConversationID int64          `gorm:"not null;index"`
	Conversation   v2Conversation `gorm:"foreignKey:ConversationID;constraint:OnDelete:CASCADE"`
	SenderID       int64          `gorm:"not null"`
	SenderName     string         `gorm:"size:100;not null"`
	FromStaff      bool           `gorm:"not null"`
	Body           string         `gorm:"type:text;not null"`
	CreatedAt      time.Time
}

func (v2Message) TableName() string { return "chat_messages" }

type v2Notification struct {
	ID        int64  `gorm:"primaryKey"`
	UserID    int64  `gorm:"not null;index:idx_notifications_user,priority:1"`
	User      v1User `gorm:"foreignKey:UserID;constraint:OnDelete:CASCADE"`
	Kind      string `gorm:"size:40;not null"`
	Data      string `gorm:"type:text;not null"`
	ReadAt    *time.Time
	CreatedAt time.Time
}

func (v2Notification) TableName() string { return "notifications" }

type v2Mail struct {
	ID        int64  `gorm:"primaryKey"`
	To        string `gorm:"column:recipient;size:254;not null"`
	Subject   string `gorm:"size:300;not null"`
	Body      string `gorm:"type:text;not null"`
	CreatedAt time.Time
}

func (v2Mail) TableName() string { return "mail_outbox" }

func v2JobFair(tx *gorm.DB) error {
	err := tx.Migrator().CreateTable(&v2Fair{}, &v2FairZone{}, &v2Job{}, &v2JobMajor{}, &v2SearchState{},
		&v2Profile{}, &v2Application{}, &v2ApplicationEvent{}, &v2PageView{}, &v2Visitor{},
		&v2Conversation{}, &v2Message{}, &v2Notification{}, &v2Mail{})
	if err != nil {
		return err
	}
	if err := tx.Create(&v2SearchState{ID: 1}).Error; err != nil {
		return err
	}
	// The search index compares terms byte by byte for prefix ranges: PostgreSQL needs the C
	// collation for that, SQLite's default BINARY already is.
	ddl := `CREATE TABLE job_terms (term VARCHAR(64) NOT NULL, job_id BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, weight SMALLINT NOT NULL, PRIMARY KEY (term, job_id)) WITHOUT ROWID`
	if tx.Dialector.Name() == "postgres" {
		ddl = `CREATE TABLE job_terms (term VARCHAR(64) COLLATE "C" NOT NULL, job_id BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, weight SMALLINT NOT NULL, PRIMARY KEY (term, job_id))`
	}
	if err := tx.Exec(ddl).Error; err != nil {
		return err
	}
	return tx.Exec(`CREATE INDEX idx_job_terms_job ON job_terms (job_id)`).Error
}
