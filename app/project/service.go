package project

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/notify"
	"zonefair/app/policy"
	"zonefair/app/zone"
)

// Briefings tells the project package which zones host a briefing, so a meeting requested from
// a briefing's room reaches them.
type Briefings interface {
	HostZone(ctx context.Context, id int64) (first int64, all []int64, err error)
}

// A project's zone and people belong to other capabilities, which project reads through these
// (wired by the server to their owners).

// Zones is the zone capability.
type Zones interface {
	// Exists reports whether zone id exists (a not-found error when not).
	Exists(ctx context.Context, id int64) error
	// ByIDs returns the zones among ids that exist, by id.
	ByIDs(ctx context.Context, ids []int64) ([]zone.Zone, error)
	// IDsIn is the ids of the zones in region and province, as a subquery.
	IDsIn(region, province string) *gorm.DB
}

// Users is the account capability.
type Users interface {
	ByIDs(ctx context.Context, ids []int64) ([]account.User, error)
	// ZoneStaff returns the ids of zone id's staff.
	ZoneStaff(ctx context.Context, zoneID int64) ([]int64, error)
}

// Policies is the policy capability: the published policies a project names as incentives.
type Policies interface {
	// ApplyingTo lists the published policies that apply to zone zoneID of province.
	ApplyingTo(ctx context.Context, zoneID int64, province string) ([]policy.Incentive, error)
	// Published returns the published policies among ids, by id.
	Published(ctx context.Context, ids []int64) ([]policy.Incentive, error)
}

// Service is the projects' and matchmaking's use cases.
type Service struct {
	Store     *Store
	Notify    *notify.Service // nil notifies nobody
	Briefings Briefings
	Zones     Zones
	Users     Users
	Policies  Policies
	UploadDir string // attachments are kept under UploadDir/projects/<id>/
	BaseURL   string
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Currencies are the currencies amounts may be stated in.
var Currencies = []string{"CNY", "USD", "EUR", "JPY", "HKD", "GBP"}

// CNYPer is an indicative value in yuan of one unit of each currency. The amount filter compares
// projects stated in different currencies with it; it is a yardstick, not a rate to trade at.
var CNYPer = map[string]float64{"CNY": 1, "USD": 7.1, "EUR": 7.7, "JPY": 0.047, "HKD": 0.91, "GBP": 9}

// Input is a new or edited project.
type Input struct {
	ZoneID        int64   `json:"zoneId" validate:"gte=0"`
	TitleZh       string  `json:"titleZh" validate:"required,min=2,max=200,text"`
	TitleEn       string  `json:"titleEn" validate:"required,min=2,max=200,text"`
	DescriptionZh string  `json:"descriptionZh" validate:"max=10000,text"`
	DescriptionEn string  `json:"descriptionEn" validate:"max=10000,text"`
	Industry      string  `json:"industry" validate:"required,max=40"`
	Amount        int64   `json:"amount" validate:"gte=0,lte=1000000000000000"`
	Currency      string  `json:"currency" validate:"required,oneof=CNY USD EUR JPY HKD GBP"`
	LandArea      float64 `json:"landArea" validate:"gte=0,lte=1000000"`
	LocationZh    string  `json:"locationZh" validate:"max=200,text"`
	LocationEn    string  `json:"locationEn" validate:"max=200,text"`
	IncentivesZh  string  `json:"incentivesZh" validate:"max=5000,text"`
	IncentivesEn  string  `json:"incentivesEn" validate:"max=5000,text"`
	Status        string  `json:"status" validate:"omitempty,oneof=open negotiating signed"`
}

func (in Input) apply(p *Project) error {
	if !zone.IsIndustry(in.Industry) {
		return errs.Invalid("industry", "field.industry")
	}
	p.TitleZh, p.TitleEn = strings.TrimSpace(in.TitleZh), strings.TrimSpace(in.TitleEn)
	p.DescriptionZh, p.DescriptionEn = in.DescriptionZh, in.DescriptionEn
	p.Industry, p.Amount, p.Currency, p.LandArea = in.Industry, in.Amount, in.Currency, in.LandArea
	p.LocationZh, p.LocationEn = strings.TrimSpace(in.LocationZh), strings.TrimSpace(in.LocationEn)
	p.IncentivesZh, p.IncentivesEn = in.IncentivesZh, in.IncentivesEn
	p.Status = in.Status
	if p.Status == "" {
		p.Status = Open
	}
	return nil
}

// Create lists a project in the caller's zone (admins name the zone).
func (s *Service) Create(ctx context.Context, p *actor.Actor, in Input) (Project, error) {
	zoneID, err := p.CreatesIn(in.ZoneID)
	if err != nil {
		return Project{}, err
	}
	if in.ZoneID = zoneID; !p.ManagesZone(in.ZoneID) {
		return Project{}, errs.Forbidden()
	}
	if err := s.Zones.Exists(ctx, in.ZoneID); err != nil {
		return Project{}, errs.Invalid("zoneId", "field.zone_unknown")
	}
	pr := Project{ZoneID: in.ZoneID, CreatedBy: p.UserID}
	if err := in.apply(&pr); err != nil {
		return pr, err
	}
	if err := s.Store.CreateProject(ctx, &pr); err != nil {
		return pr, err
	}
	return s.Get(ctx, pr.ID, p)
}

// Update edits a project of the caller's zone.
func (s *Service) Update(ctx context.Context, id int64, p *actor.Actor, in Input) (Project, error) {
	pr, err := s.managed(ctx, id, p)
	if err != nil {
		return pr, err
	}
	if err := in.apply(&pr); err != nil {
		return pr, err
	}
	if err := s.Store.UpdateProject(ctx, id, pr); err != nil {
		return pr, err
	}
	return s.Get(ctx, id, p)
}

func (s *Service) managed(ctx context.Context, id int64, p *actor.Actor) (Project, error) {
	pr, err := s.Store.Project(ctx, id)
	if err != nil {
		return pr, err
	}
	if !p.ManagesZone(pr.ZoneID) {
		return pr, errs.Forbidden()
	}
	return pr, nil
}

// ZoneOf returns the zone project id belongs to.
func (s *Service) ZoneOf(ctx context.Context, id int64) (int64, error) {
	return s.Store.ZoneOf(ctx, id)
}

// Ref is what other capabilities show of a project: a briefing of the projects it presents.
type Ref struct {
	ID      int64
	ZoneID  int64
	TitleZh string
	TitleEn string
}

// Refs returns the projects among ids that exist, by id.
func (s *Service) Refs(ctx context.Context, ids []int64) ([]Ref, error) {
	refs := []Ref{}
	if len(ids) == 0 {
		return refs, nil
	}
	prs, err := s.Store.Titles(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, pr := range prs {
		refs = append(refs, Ref{ID: pr.ID, ZoneID: pr.ZoneID, TitleZh: pr.TitleZh, TitleEn: pr.TitleEn})
	}
	return refs, nil
}

// MeetingRequestsFrom counts, per investor, the meeting requests made from briefing id.
func (s *Service) MeetingRequestsFrom(ctx context.Context, briefingID int64) (map[int64]int, error) {
	return s.Store.MeetingRequestsFrom(ctx, briefingID)
}

// Get returns project id as the caller sees it.
func (s *Service) Get(ctx context.Context, id int64, p *actor.Actor) (Project, error) {
	pr, err := s.Store.Project(ctx, id)
	if err != nil {
		return pr, err
	}
	list := []Project{pr}
	if err := s.decorate(ctx, list, p); err != nil {
		return pr, err
	}
	return list[0], nil
}

// Detail returns project id as its page shows it: with its attachments and incentive policies.
func (s *Service) Detail(ctx context.Context, id int64, p *actor.Actor) (Project, error) {
	pr, err := s.Get(ctx, id, p)
	if err != nil {
		return pr, err
	}
	if pr.Attachments, err = s.attachments(ctx, id); err != nil {
		return pr, err
	}
	pr.Policies, err = s.incentives(ctx, id)
	return pr, err
}

// decorate fills zone names, follower counts and the caller's follow and interest, in a
// fixed number of queries for the whole page.
func (s *Service) decorate(ctx context.Context, ps []Project, p *actor.Actor) error {
	if len(ps) == 0 {
		return nil
	}
	ids, zoneIDs := make([]int64, len(ps)), make([]int64, len(ps))
	for i, pr := range ps {
		ids[i], zoneIDs[i] = pr.ID, pr.ZoneID
	}
	zs, err := s.Zones.ByIDs(ctx, zoneIDs)
	if err != nil {
		return err
	}
	byZone := map[int64]zone.Zone{}
	for _, z := range zs {
		byZone[z.ID] = z
	}
	var me int64
	if p != nil {
		me = p.UserID
	}
	followers, mine, err := s.Store.Followers(ctx, ids, me)
	if err != nil {
		return err
	}
	interested := map[int64]bool{}
	if p != nil {
		ls, err := s.Store.InterestedIn(ctx, p.UserID, ids)
		if err != nil {
			return err
		}
		for _, id := range ls {
			interested[id] = true
		}
	}
	for i := range ps {
		z := byZone[ps[i].ZoneID]
		ps[i].ZoneNameZh, ps[i].ZoneNameEn, ps[i].Province, ps[i].Region = z.NameZh, z.NameEn, z.Province, z.Region
		ps[i].Followers, ps[i].Following, ps[i].Interested = followers[ps[i].ID], mine[ps[i].ID], interested[ps[i].ID]
	}
	return nil
}

// Filter selects projects. MinAmount and MaxAmount bound the amount in Currency when it is
// given; without it they are yuan, and every project is compared by its value in yuan (CNYPer),
// so that an investor's range means the same whatever currency a zone stated its project in.
type Filter struct {
	Q         string `query:"q" validate:"max=100"`
	Industry  string `query:"industry" validate:"omitempty,max=40"`
	Region    string `query:"region" validate:"omitempty,max=20"`
	Province  string `query:"province" validate:"omitempty,max=40"`
	ZoneID    int64  `query:"zoneId" validate:"gte=0"`
	Status    string `query:"status" validate:"omitempty,oneof=open negotiating signed"`
	Currency  string `query:"currency" validate:"omitempty,oneof=CNY USD EUR JPY HKD GBP"`
	MinAmount int64  `query:"minAmount" validate:"gte=0"`
	MaxAmount int64  `query:"maxAmount" validate:"gte=0"`
	Followed  bool   `query:"followed"`
	Page      int    `query:"page" validate:"omitempty,gte=1,lte=10000"`
	PageSize  int    `query:"pageSize" validate:"omitempty,gte=1,lte=100"`
}

// Page is one page of projects.
type Page struct {
	Items    []Project `json:"items"`
	Total    int64     `json:"total"`
	Page     int       `json:"page"`
	PageSize int       `json:"pageSize"`
}

// List searches projects in Chinese and English with filters, newest first.
func (s *Service) List(ctx context.Context, p *actor.Actor, f Filter) (Page, error) {
	if f.Page == 0 {
		f.Page = 1
	}
	if f.PageSize == 0 {
		f.PageSize = 20
	}
	var follower int64
	if f.Followed {
		if p == nil {
			return Page{}, errs.New(errs.ErrUnauthorized, "unauthorized")
		}
		follower = p.UserID
	}
	var zonesIn *gorm.DB
	if f.Region != "" || f.Province != "" {
		zonesIn = s.Zones.IDsIn(f.Region, f.Province)
	}
	out, err := s.Store.Search(ctx, f, follower, zonesIn)
	if err != nil {
		return out, err
	}
	return out, s.decorate(ctx, out.Items, p)
}

// Follow adds the project to the caller's followed list; following twice is a no-op.
func (s *Service) Follow(ctx context.Context, id int64, p *actor.Actor, on bool) error {
	if _, err := s.Get(ctx, id, nil); err != nil {
		return err
	}
	return s.Store.SetFollow(ctx, id, p.UserID, on, s.now())
}

func (s *Service) notifyAll(tx *gorm.DB, users []int64, kind string, data any) error {
	if s.Notify == nil {
		return nil
	}
	for _, u := range users {
		if _, err := s.Notify.Add(tx, u, kind, data); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) publishAll(ctx context.Context, users []int64, kind string, data any) {
	if s.Notify == nil {
		return
	}
	for _, u := range users {
		s.Notify.Publish(ctx, u, kind, data)
	}
}

// missing is a 404 naming what was not found.
func missing(what string) *errs.Error { return errs.New(errs.ErrNotFound, "project.missing_"+what) }
