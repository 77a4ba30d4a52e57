// Package project owns investment projects and matchmaking: zones list projects, investors
// search, follow and express interest in them, zone staff work the resulting leads through
// their pipeline with notes, and investors request meetings (from a project or a briefing)
// that zone staff accept, with calendar files and notifications for both sides.
package project

import (
	"slices"
	"time"
)

// Project statuses.
const (
	Open        = "open"
	Negotiating = "negotiating"
	Signed      = "signed"
)

// Project is an investment opportunity a zone offers.
type Project struct {
	ID            int64     `json:"id"`
	ZoneID        int64     `json:"zoneId"`
	TitleZh       string    `json:"titleZh"`
	TitleEn       string    `json:"titleEn"`
	DescriptionZh string    `json:"descriptionZh"`
	DescriptionEn string    `json:"descriptionEn"`
	Industry      string    `json:"industry"`
	Amount        int64     `json:"amount"` // whole units of Currency
	Currency      string    `json:"currency" enum:"CNY,USD,EUR,JPY,HKD,GBP"`
	LandArea      float64   `json:"landArea"` // hectares
	LocationZh    string    `json:"locationZh"`
	LocationEn    string    `json:"locationEn"`
	IncentivesZh  string    `json:"incentivesZh"`
	IncentivesEn  string    `json:"incentivesEn"`
	Status        string    `json:"status" enum:"open,negotiating,signed"`
	CreatedBy     int64     `json:"-"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`

	ZoneNameZh string `json:"zoneNameZh" gorm:"-"`
	ZoneNameEn string `json:"zoneNameEn" gorm:"-"`
	Province   string `json:"province" gorm:"-"`
	Region     string `json:"region" gorm:"-"`
	Followers  int    `json:"followers" gorm:"-"`
	Following  bool   `json:"following" gorm:"-"`
	Interested bool   `json:"interested" gorm:"-"`
	// The project's page (not a list) carries its attachments and incentive policies.
	Attachments []Attachment `json:"attachments,omitempty" gorm:"-"`
	Policies    []Incentive  `json:"policies,omitempty" gorm:"-"`
}

// TableName is the projects table.
func (Project) TableName() string { return "projects" }

type follow struct {
	ProjectID int64
	UserID    int64
	CreatedAt time.Time
}

func (follow) TableName() string { return "project_follows" }

// Lead statuses, in pipeline order; signed and dropped are final.
const (
	LeadNew         = "new"
	LeadContacted   = "contacted"
	LeadMeeting     = "meeting"
	LeadNegotiating = "negotiating"
	LeadSigned      = "signed"
	LeadDropped     = "dropped"
)

var pipeline = []string{LeadNew, LeadContacted, LeadMeeting, LeadNegotiating, LeadSigned}

// CanMove reports whether a lead may go from one status to another: forward along the
// pipeline (skipping steps is allowed), or dropped from any open status.
func CanMove(from, to string) bool {
	i, j := slices.Index(pipeline, from), slices.Index(pipeline, to)
	if i < 0 || from == LeadSigned {
		return false
	}
	return to == LeadDropped || j > i
}

// Lead is an investor's expression of interest in a project, worked by the zone.
type Lead struct {
	ID         int64     `json:"id"`
	ProjectID  int64     `json:"projectId"`
	ZoneID     int64     `json:"zoneId"`
	InvestorID int64     `json:"investorId"`
	Message    string    `json:"message"`
	Status     string    `json:"status" enum:"new,contacted,meeting,negotiating,signed,dropped"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`

	ProjectTitleZh string `json:"projectTitleZh" gorm:"-"`
	ProjectTitleEn string `json:"projectTitleEn" gorm:"-"`
	InvestorName   string `json:"investorName" gorm:"-"`
	Organization   string `json:"organization" gorm:"-"`
	Country        string `json:"country" gorm:"-"`
	Email          string `json:"email,omitempty" gorm:"-"` // zone staff only
	Notes          []Note `json:"notes,omitempty" gorm:"-"`
}

// TableName is the project_leads table.
func (Lead) TableName() string { return "project_leads" }

// Note is a zone's note on a lead, or a record of a status change.
type Note struct {
	ID         int64     `json:"id"`
	LeadID     int64     `json:"-"`
	AuthorID   int64     `json:"authorId"`
	AuthorName string    `json:"authorName"`
	Body       string    `json:"body"`
	FromStatus string    `json:"fromStatus"`
	ToStatus   string    `json:"toStatus"`
	CreatedAt  time.Time `json:"createdAt"`
}

// TableName is the project_lead_notes table.
func (Note) TableName() string { return "project_lead_notes" }

// Meeting request statuses.
const (
	MeetingPending   = "pending"
	MeetingAccepted  = "accepted"
	MeetingDeclined  = "declined"
	MeetingCancelled = "cancelled"
)

// MeetingRequest is an investor's request for a 1:1 meeting with a zone, with the times they
// proposed and, once accepted, the time chosen.
type MeetingRequest struct {
	ID          int64       `json:"id"`
	ZoneID      int64       `json:"zoneId"`
	ProjectID   *int64      `json:"projectId"`
	BriefingID  *int64      `json:"briefingId"`
	InvestorID  int64       `json:"investorId"`
	Message     string      `json:"message"`
	RawProposed string      `json:"-" gorm:"column:proposed"`
	Proposed    []time.Time `json:"proposed" gorm:"-"`
	Minutes     int         `json:"minutes"`
	Status      string      `json:"status" enum:"pending,accepted,declined,cancelled"`
	StartsAt    *time.Time  `json:"startsAt"`
	MeetingURL  string      `json:"meetingUrl"`
	DecidedBy   *int64      `json:"-"`
	CreatedAt   time.Time   `json:"createdAt"`
	UpdatedAt   time.Time   `json:"updatedAt"`

	InvestorName string `json:"investorName" gorm:"-"`
	Organization string `json:"organization" gorm:"-"`
	ZoneNameZh   string `json:"zoneNameZh" gorm:"-"`
	ZoneNameEn   string `json:"zoneNameEn" gorm:"-"`
}

// TableName is the meeting_requests table.
func (MeetingRequest) TableName() string { return "meeting_requests" }
