// Package policy owns the support policies issued by the state, the provinces, the cities and
// the zones: bilingual texts with their dates, topics and beneficiaries, PDF attachments, a
// search in Chinese and English, the packages zones assemble from them, and subscriptions
// that bring each newly published policy to the subscriber's notifications and inbox.
package policy

import (
	"slices"
	"strings"
	"time"

	"zonefair/app/actor"
	"zonefair/app/web"
)

// Levels of issuing authority.
const (
	National   = "national"
	Provincial = "provincial"
	Municipal  = "municipal"
	ZoneLevel  = "zone"
)

// Statuses of a policy.
const (
	Draft     = "draft"
	Published = "published"
)

// States a policy is in on a given day, from its dates.
const (
	Upcoming = "upcoming" // not yet effective
	Current  = "current"
	Expired  = "expired"
)

// Topics a policy may address.
var Topics = []string{"tax", "rent", "finance", "employment", "foreign_investment", "epidemic_relief", "trade", "talent", "innovation", "land"}

// Ownerships, sizes of the enterprises a policy may benefit; an empty list means all.
var (
	Ownerships = []string{"domestic", "foreign", "joint"}
	Sizes      = []string{"micro", "small", "medium", "large"}
)

// Policy is one support policy.
type Policy struct {
	ID          int64      `json:"id"`
	ZoneID      *int64     `json:"zoneId"`
	Level       string     `json:"level" enum:"national,provincial,municipal,zone"`
	Province    string     `json:"province"`
	IssuerZh    string     `json:"issuerZh"`
	IssuerEn    string     `json:"issuerEn"`
	DocNumber   string     `json:"docNumber"`
	TitleZh     string     `json:"titleZh"`
	TitleEn     string     `json:"titleEn"`
	SummaryZh   string     `json:"summaryZh"`
	SummaryEn   string     `json:"summaryEn"`
	BodyZh      string     `json:"bodyZh,omitempty"`
	BodyEn      string     `json:"bodyEn,omitempty"`
	ApplyZh     string     `json:"applyZh,omitempty"`
	ApplyEn     string     `json:"applyEn,omitempty"`
	RawOwners   string     `json:"-" gorm:"column:ownerships"`
	RawSizes    string     `json:"-" gorm:"column:sizes"`
	RawInd      string     `json:"-" gorm:"column:industries"`
	IssuedOn    string     `json:"issuedOn" format:"date"`
	EffectiveOn string     `json:"effectiveOn" format:"date"`
	ExpiresOn   string     `json:"expiresOn"` // "" when open-ended
	Status      string     `json:"status" enum:"draft,published"`
	PublishedAt *time.Time `json:"publishedAt"`
	CreatedBy   int64      `json:"-"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`

	Topics      []string     `json:"topics" gorm:"-"`
	Owners      []string     `json:"ownerships" gorm:"-"`
	SizeList    []string     `json:"sizes" gorm:"-"`
	Industries  []string     `json:"industries" gorm:"-"`
	State       string       `json:"state" gorm:"-" enum:"upcoming,current,expired"`
	ZoneNameZh  string       `json:"zoneNameZh" gorm:"-"`
	ZoneNameEn  string       `json:"zoneNameEn" gorm:"-"`
	Attachments []Attachment `json:"attachments" gorm:"-"`
	CanEdit     bool         `json:"canEdit" gorm:"-"`
}

// TableName is the policies table.
func (Policy) TableName() string { return "policies" }

// StateOn is the policy's state on day (YYYY-MM-DD): dates compare as strings.
func StateOn(effective, expires, day string) string {
	switch {
	case expires != "" && expires < day:
		return Expired
	case effective > day:
		return Upcoming
	}
	return Current
}

// beijing is the time zone policy dates are stated in.
var beijing = time.FixedZone("CST", 8*3600)

// Today is the date in Beijing at t, as YYYY-MM-DD.
func Today(t time.Time) string { return t.In(beijing).Format(time.DateOnly) }

func (p *Policy) fill(day string, viewer *actor.Actor) {
	p.Owners, p.SizeList, p.Industries = splitList(p.RawOwners), splitList(p.RawSizes), splitList(p.RawInd)
	if p.Topics == nil {
		p.Topics = []string{}
	}
	if p.Attachments == nil {
		p.Attachments = []Attachment{}
	}
	p.State = StateOn(p.EffectiveOn, p.ExpiresOn, day)
	p.CanEdit = mayManage(viewer, p)
}

// mayManage reports whether viewer may edit p: admins any policy, province staff their
// province's provincial ones, zone staff their zone's.
func mayManage(viewer *actor.Actor, p *Policy) bool {
	switch {
	case viewer == nil:
		return false
	case viewer.Role == actor.RoleAdmin:
		return true
	case viewer.Role == actor.RoleProvince:
		return p.ZoneID == nil && p.Level == Provincial && viewer.Province != "" && p.Province == viewer.Province
	case viewer.Role == actor.RoleZoneStaff:
		return p.ZoneID != nil && *p.ZoneID == viewer.ZoneID
	}
	return false
}

// splitList reads a comma-joined list; joinList writes one, sorted, so it can be matched
// as ",value,".
func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func joinList(vs []string) string {
	vs = slices.Clone(vs)
	slices.Sort(vs)
	return strings.Join(slices.Compact(vs), ",")
}

// Attachment is a PDF attached to a policy (the official document, an application form…).
type Attachment struct {
	ID        int64     `json:"id"`
	PolicyID  int64     `json:"policyId"`
	Name      string    `json:"name"`
	Path      string    `json:"-"`
	Size      int64     `json:"size"`
	Pages     int       `json:"pages"`
	CreatedAt time.Time `json:"createdAt"`
	URL       string    `json:"url" gorm:"-"`
}

// TableName is the policy_attachments table.
func (Attachment) TableName() string { return "policy_attachments" }

type topicRow struct {
	PolicyID int64
	Topic    string
}

func (topicRow) TableName() string { return "policy_topics" }

type termRow struct {
	Term     string
	PolicyID int64
	Weight   int16
}

func (termRow) TableName() string { return "policy_terms" }

type delivery struct {
	PolicyID  int64
	UserID    int64
	CreatedAt time.Time
}

func (delivery) TableName() string { return "policy_deliveries" }

func init() {
	web.AddMessages(map[string][2]string{
		"not_found.policy":              {"未找到该政策。", "Policy not found."},
		"not_found.policy_package":      {"未找到该政策包。", "Policy package not found."},
		"not_found.policy_attachment":   {"未找到该附件。", "Attachment not found."},
		"not_found.policy_subscription": {"未找到该订阅。", "Subscription not found."},
		"policy.dates":                  {"失效日期须晚于生效日期。", "The policy must expire after it takes effect."},
		"policy.date":                   {"日期格式应为 YYYY-MM-DD。", "Use a date in the form YYYY-MM-DD."},
		"policy.topic":                  {"未知的政策主题。", "Unknown policy topic."},
		"policy.ownership":              {"须为 domestic、foreign 或 joint。", "Must be domestic, foreign or joint."},
		"policy.size":                   {"须为 micro、small、medium 或 large。", "Must be micro, small, medium or large."},
		"policy.level_zone":             {"开发区只能发布本区或所在城市的政策。", "A zone publishes its own or its city's policies only."},
		"policy.level_province":         {"省级人员只能发布本省的省级政策。", "Province staff publish their province's provincial policies only."},
		"policy.zone_needed":            {"开发区级和市级政策须指定开发区。", "Zone and municipal policies need a zone."},
		"policy.province_needed":        {"省级政策须指定省份。", "Provincial policies need a province."},
		"policy.already_published":      {"该政策已发布。", "This policy is already published."},
		"policy.package_policy":         {"政策包只能包含已发布的政策。", "A package may only hold published policies."},
		"policy.subscription_target":    {"请订阅一个主题或一个开发区。", "Subscribe to one topic or one zone."},
		"policy.attachments_full":       {"每项政策最多 10 个附件。", "A policy holds at most 10 attachments."},
		"policy.attachment_pages":       {"附件页数过多（上限 500 页）。", "The attachment has too many pages (limit 500)."},
	})
}
