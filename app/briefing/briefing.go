// Package briefing owns virtual investment briefings: scheduling and registration, the live
// room (slides kept in sync, chat, moderated Q&A with votes, polls, attendee moderation) on the
// live engine's "briefing" channels, attendance, replay, analytics with the leads export, and
// reminders. Commands arrive over HTTP, are checked and stored, then fanned out over the live
// channel; vote counts and poll tallies go out as coalesced updates.
package briefing

import (
	"encoding/json"
	"net/url"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Visibility says who may see and enter a briefing.
const (
	Public     = "public"      // anyone, anonymous visitors read-only
	Registered = "registered"  // logged-in users who registered for it
	InviteOnly = "invite_only" // invited emails only
)

// Phases of a briefing, derived from its times and the host's start and end.
const (
	Upcoming = "upcoming"
	Live     = "live"
	Ended    = "ended"
)

// maxOverrun ends a briefing that was started and never ended this long after its planned end.
const maxOverrun = 6 * time.Hour

// ChannelType names the live channels of briefing rooms: "briefing:<id>".
const ChannelType = "briefing"

// Channel is the live channel of briefing id.
func Channel(id int64) string { return ChannelType + ":" + strconv.FormatInt(id, 10) }

// Presenter is a person presenting at a briefing.
type Presenter struct {
	Name         string `json:"name" validate:"required,max=100,text"`
	Title        string `json:"title" validate:"max=200,text"`
	Organization string `json:"organization" validate:"max=200,text"`
}

// RegQuestion is a question asked at registration.
type RegQuestion struct {
	ID       string   `json:"id" validate:"required,max=40,slug"`
	LabelZh  string   `json:"labelZh" validate:"required,max=300,text"`
	LabelEn  string   `json:"labelEn" validate:"required,max=300,text"`
	Required bool     `json:"required"`
	Options  []string `json:"options,omitempty" validate:"max=20,dive,max=200,text"`
}

// Briefing is a scheduled online investment briefing.
type Briefing struct {
	ID           int64      `json:"id"`
	TitleZh      string     `json:"titleZh"`
	TitleEn      string     `json:"titleEn"`
	AgendaZh     string     `json:"agendaZh"`
	AgendaEn     string     `json:"agendaEn"`
	StartsAt     time.Time  `json:"startsAt"`
	EndsAt       time.Time  `json:"endsAt"`
	StartedAt    *time.Time `json:"startedAt"`
	EndedAt      *time.Time `json:"endedAt"`
	Visibility   string     `json:"visibility" enum:"public,registered,invite_only"`
	Capacity     int        `json:"capacity"`
	StreamURL    string     `json:"streamUrl"`
	RecordingURL string     `json:"recordingUrl"`
	RawPresenter string     `json:"-" gorm:"column:presenters"`
	RawQuestions string     `json:"-" gorm:"column:questions"`
	SlidesPath   string     `json:"-"`
	SlidesName   string     `json:"slidesName"`
	SlidesPages  int        `json:"slidesPages"`
	Page         int        `json:"page"`
	ReminderSent *time.Time `json:"-"`
	CreatedBy    int64      `json:"createdBy"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`

	Presenters []Presenter   `json:"presenters" gorm:"-"`
	Questions  []RegQuestion `json:"registrationQuestions" gorm:"-"`
	ZoneIDs    []int64       `json:"zoneIds" gorm:"-"`
	ProjectIDs []int64       `json:"projectIds" gorm:"-"`
	Phase      string        `json:"phase" gorm:"-" enum:"upcoming,live,ended"`
	Channel    string        `json:"channel" gorm:"-"`
	SlidesURL  string        `json:"slidesUrl" gorm:"-"`
}

// TableName is the briefings table.
func (Briefing) TableName() string { return "briefings" }

// PhaseAt is the briefing's phase at now.
func (b *Briefing) PhaseAt(now time.Time) string {
	switch {
	case b.EndedAt != nil:
		return Ended
	case b.StartedAt != nil && now.Before(b.EndsAt.Add(maxOverrun)):
		return Live
	case now.After(b.EndsAt):
		return Ended
	case b.StartedAt != nil:
		return Live
	}
	return Upcoming
}

// fill decodes the stored lists and derives the fields that are not stored.
func (b *Briefing) fill(now time.Time) {
	b.Presenters, b.Questions = []Presenter{}, []RegQuestion{}
	_ = json.Unmarshal([]byte(b.RawPresenter), &b.Presenters)
	_ = json.Unmarshal([]byte(b.RawQuestions), &b.Questions)
	if b.ZoneIDs == nil {
		b.ZoneIDs = []int64{}
	}
	if b.ProjectIDs == nil {
		b.ProjectIDs = []int64{}
	}
	b.Phase = b.PhaseAt(now)
	b.Channel = Channel(b.ID)
	b.SlidesURL = ""
	if b.SlidesPath != "" {
		// The version is the deck's own (each upload has a new random file name), not the row's
		// update time: a page turn, the start or the reminder touch the row, and pages that read
		// the room again must not download and draw the same deck again.
		v := strings.TrimSuffix(path.Base(filepath.ToSlash(b.SlidesPath)), ".pdf")
		b.SlidesURL = "/api/v1/briefings/" + strconv.FormatInt(b.ID, 10) + "/slides?v=" + url.QueryEscape(v)
	}
}

type briefingZone struct {
	BriefingID int64
	ZoneID     int64
}

func (briefingZone) TableName() string { return "briefing_zones" }

type briefingProject struct {
	BriefingID int64
	ProjectID  int64
}

func (briefingProject) TableName() string { return "briefing_projects" }

type invite struct {
	BriefingID int64
	Email      string
	CreatedAt  time.Time
}

func (invite) TableName() string { return "briefing_invites" }

// Registration is one user's sign-up for a briefing with their answers.
type Registration struct {
	ID           int64             `json:"id"`
	BriefingID   int64             `json:"briefingId"`
	UserID       int64             `json:"userId"`
	RawAnswers   string            `json:"-" gorm:"column:answers"`
	Answers      map[string]string `json:"answers" gorm:"-"`
	Organization string            `json:"organization"`
	Country      string            `json:"country"`
	Industry     string            `json:"industry"`
	CreatedAt    time.Time         `json:"createdAt"`
}

// TableName is the briefing_registrations table.
func (Registration) TableName() string { return "briefing_registrations" }

// Question is an attendee's question in the room's Q&A.
type Question struct {
	ID         int64      `json:"id"`
	BriefingID int64      `json:"briefingId"`
	UserID     int64      `json:"userId"`
	AuthorName string     `json:"authorName"`
	Body       string     `json:"body"`
	Votes      int        `json:"votes"`
	Answer     string     `json:"answer"`
	AnsweredAt *time.Time `json:"answeredAt"`
	AnsweredBy *int64     `json:"-"`
	Pinned     bool       `json:"pinned"`
	Hidden     bool       `json:"hidden"`
	CreatedAt  time.Time  `json:"createdAt"`
}

// TableName is the briefing_questions table.
func (Question) TableName() string { return "briefing_questions" }

// redacted is what attendees see of a hidden question.
func (q Question) redacted() Question {
	return Question{ID: q.ID, BriefingID: q.BriefingID, Hidden: true, CreatedAt: q.CreatedAt}
}

type questionVote struct {
	QuestionID int64
	UserID     int64
	BriefingID int64
	CreatedAt  time.Time
}

func (questionVote) TableName() string { return "briefing_question_votes" }

// PollOption is one answer of a poll.
type PollOption struct {
	Zh string `json:"zh" validate:"required,max=200,text"`
	En string `json:"en" validate:"required,max=200,text"`
}

// Poll statuses.
const (
	PollDraft  = "draft"
	PollOpen   = "open"
	PollClosed = "closed"
)

// Poll is a question the host puts to the room.
type Poll struct {
	ID         int64        `json:"id"`
	BriefingID int64        `json:"briefingId"`
	QuestionZh string       `json:"questionZh"`
	QuestionEn string       `json:"questionEn"`
	RawOptions string       `json:"-" gorm:"column:options"`
	Options    []PollOption `json:"options" gorm:"-"`
	Status     string       `json:"status" enum:"draft,open,closed"`
	OpenedAt   *time.Time   `json:"openedAt"`
	ClosedAt   *time.Time   `json:"closedAt"`
	CreatedAt  time.Time    `json:"createdAt"`
	Counts     []int        `json:"counts" gorm:"-"`
	Total      int          `json:"total" gorm:"-"`
}

// TableName is the briefing_polls table.
func (Poll) TableName() string { return "briefing_polls" }

func (p *Poll) fill() {
	p.Options = []PollOption{}
	_ = json.Unmarshal([]byte(p.RawOptions), &p.Options)
	if len(p.Counts) != len(p.Options) {
		p.Counts = make([]int, len(p.Options))
	}
}

type pollVote struct {
	PollID     int64
	UserID     int64
	BriefingID int64
	Option     int
	CreatedAt  time.Time
}

func (pollVote) TableName() string { return "briefing_poll_votes" }

// SlideTurn is one page turn, for the replay's timeline.
type SlideTurn struct {
	ID         int64     `json:"-"`
	BriefingID int64     `json:"-"`
	Page       int       `json:"page"`
	UserID     int64     `json:"-"`
	At         time.Time `json:"at"`
}

// TableName is the briefing_slide_turns table.
func (SlideTurn) TableName() string { return "briefing_slide_turns" }

// ChatMessage is one message of the room's chat.
type ChatMessage struct {
	ID         int64     `json:"id"`
	BriefingID int64     `json:"briefingId"`
	UserID     int64     `json:"userId"`
	AuthorName string    `json:"authorName"`
	Body       string    `json:"body"`
	Hidden     bool      `json:"-"`
	CreatedAt  time.Time `json:"createdAt"`
}

// TableName is the briefing_chat table.
func (ChatMessage) TableName() string { return "briefing_chat" }

// Moderation is what the hosts decided about one attendee.
type Moderation struct {
	BriefingID int64     `json:"briefingId"`
	UserID     int64     `json:"userId"`
	Muted      bool      `json:"muted"`
	Removed    bool      `json:"removed"`
	By         int64     `json:"-"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// TableName is the briefing_moderation table.
func (Moderation) TableName() string { return "briefing_moderation" }

type attendance struct {
	BriefingID int64
	UserID     int64
	FirstSeen  time.Time
	LastSeen   time.Time
	Seconds    int
}

func (attendance) TableName() string { return "briefing_attendance" }
