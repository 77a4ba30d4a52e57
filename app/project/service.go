package project

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/notify"
	"zonefair/app/web"
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
}

// Users is the account capability.
type Users interface {
	ByIDs(ctx context.Context, ids []int64) ([]account.User, error)
	// ZoneStaff returns the ids of zone id's staff.
	ZoneStaff(ctx context.Context, zoneID int64) ([]int64, error)
}

// Service is the projects' and matchmaking's use cases.
type Service struct {
	DB        *gorm.DB
	Notify    *notify.Service // nil notifies nobody
	Briefings Briefings
	Zones     Zones
	Users     Users
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

// amountInCNY is the SQL for a project's amount in yuan by CNYPer.
func amountInCNY() string {
	var b strings.Builder
	b.WriteString("(amount * CASE currency")
	for _, c := range Currencies {
		b.WriteString(" WHEN '" + c + "' THEN " + strconv.FormatFloat(CNYPer[c], 'f', -1, 64))
	}
	b.WriteString(" ELSE 1 END)")
	return b.String()
}

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
func (s *Service) Create(ctx context.Context, p *web.Principal, in Input) (Project, error) {
	zoneID, err := p.CreatesIn(in.ZoneID)
	if err != nil {
		return Project{}, err
	}
	if in.ZoneID = zoneID; !p.ManagesZone(in.ZoneID) {
		return Project{}, errs.Forbidden()
	}
	if err := zone.NewStore(s.DB).Exists(ctx, in.ZoneID); err != nil {
		return Project{}, errs.Invalid("zoneId", "field.zone_unknown")
	}
	pr := Project{ZoneID: in.ZoneID, CreatedBy: p.UserID}
	if err := in.apply(&pr); err != nil {
		return pr, err
	}
	if err := s.DB.WithContext(ctx).Create(&pr).Error; err != nil {
		return pr, err
	}
	return s.Get(ctx, pr.ID, p)
}

// Update edits a project of the caller's zone.
func (s *Service) Update(ctx context.Context, id int64, p *web.Principal, in Input) (Project, error) {
	pr, err := s.managed(ctx, id, p)
	if err != nil {
		return pr, err
	}
	if err := in.apply(&pr); err != nil {
		return pr, err
	}
	err = s.DB.WithContext(ctx).Model(&Project{}).Where("id = ?", id).Updates(map[string]any{
		"title_zh": pr.TitleZh, "title_en": pr.TitleEn, "description_zh": pr.DescriptionZh, "description_en": pr.DescriptionEn,
		"industry": pr.Industry, "amount": pr.Amount, "currency": pr.Currency, "land_area": pr.LandArea,
		"location_zh": pr.LocationZh, "location_en": pr.LocationEn, "incentives_zh": pr.IncentivesZh, "incentives_en": pr.IncentivesEn,
		"status": pr.Status,
	}).Error
	if err != nil {
		return pr, err
	}
	return s.Get(ctx, id, p)
}

func (s *Service) managed(ctx context.Context, id int64, p *web.Principal) (Project, error) {
	var pr Project
	if err := s.DB.WithContext(ctx).First(&pr, id).Error; err != nil {
		return pr, notFound(err, "project")
	}
	if !p.ManagesZone(pr.ZoneID) {
		return pr, errs.Forbidden()
	}
	return pr, nil
}

func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return missing(what)
	}
	return err
}

// ZoneOf returns the zone project id belongs to.
func (s *Service) ZoneOf(ctx context.Context, id int64) (int64, error) {
	var pr Project
	if err := s.DB.WithContext(ctx).Select("id", "zone_id").Take(&pr, id).Error; err != nil {
		return 0, notFound(err, "project")
	}
	return pr.ZoneID, nil
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
	var prs []Project
	if err := s.DB.WithContext(ctx).Select("id", "zone_id", "title_zh", "title_en").Where("id IN ?", ids).Order("id").Find(&prs).Error; err != nil {
		return nil, err
	}
	for _, pr := range prs {
		refs = append(refs, Ref{ID: pr.ID, ZoneID: pr.ZoneID, TitleZh: pr.TitleZh, TitleEn: pr.TitleEn})
	}
	return refs, nil
}

// MeetingRequestsFrom counts, per investor, the meeting requests made from briefing id.
func (s *Service) MeetingRequestsFrom(ctx context.Context, briefingID int64) (map[int64]int, error) {
	var rows []struct {
		InvestorID int64
		N          int
	}
	if err := s.DB.WithContext(ctx).Model(&Meeting{}).Select("investor_id, COUNT(*) AS n").Where("briefing_id = ?", briefingID).
		Group("investor_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.InvestorID] = r.N
	}
	return out, nil
}

// Get returns project id as the caller sees it.
func (s *Service) Get(ctx context.Context, id int64, p *web.Principal) (Project, error) {
	var pr Project
	if err := s.DB.WithContext(ctx).First(&pr, id).Error; err != nil {
		return pr, notFound(err, "project")
	}
	list := []Project{pr}
	if err := s.decorate(ctx, list, p); err != nil {
		return pr, err
	}
	return list[0], nil
}

// Detail returns project id as its page shows it: with its attachments and incentive policies.
func (s *Service) Detail(ctx context.Context, id int64, p *web.Principal) (Project, error) {
	pr, err := s.Get(ctx, id, p)
	if err != nil {
		return pr, err
	}
	if pr.Attachments, err = s.attachments(ctx, id); err != nil {
		return pr, err
	}
	pr.Policies, err = s.Incentives(ctx, id)
	return pr, err
}

// decorate fills zone names, follower counts and the caller's follow and interest, in a
// fixed number of queries for the whole page.
func (s *Service) decorate(ctx context.Context, ps []Project, p *web.Principal) error {
	if len(ps) == 0 {
		return nil
	}
	g := s.DB.WithContext(ctx)
	ids, zoneIDs := make([]int64, len(ps)), make([]int64, len(ps))
	for i, pr := range ps {
		ids[i], zoneIDs[i] = pr.ID, pr.ZoneID
	}
	var zs []zone.Zone
	if err := g.Select("id, name_zh, name_en, province, region").Where("id IN ?", zoneIDs).Find(&zs).Error; err != nil {
		return err
	}
	byZone := map[int64]zone.Zone{}
	for _, z := range zs {
		byZone[z.ID] = z
	}
	var counts []struct {
		ProjectID int64
		N         int
	}
	if err := g.Model(&follow{}).Select("project_id, COUNT(*) AS n").Where("project_id IN ?", ids).Group("project_id").Scan(&counts).Error; err != nil {
		return err
	}
	followers := map[int64]int{}
	for _, c := range counts {
		followers[c.ProjectID] = c.N
	}
	mine, interested := map[int64]bool{}, map[int64]bool{}
	if p != nil {
		var fs, ls []int64
		if err := g.Model(&follow{}).Where("user_id = ? AND project_id IN ?", p.UserID, ids).Pluck("project_id", &fs).Error; err != nil {
			return err
		}
		if err := g.Model(&Lead{}).Where("investor_id = ? AND project_id IN ?", p.UserID, ids).Pluck("project_id", &ls).Error; err != nil {
			return err
		}
		for _, id := range fs {
			mine[id] = true
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
func (s *Service) List(ctx context.Context, p *web.Principal, f Filter) (Page, error) {
	if f.Page == 0 {
		f.Page = 1
	}
	if f.PageSize == 0 {
		f.PageSize = 20
	}
	tx := s.DB.WithContext(ctx).Model(&Project{})
	if q := strings.ToLower(strings.TrimSpace(f.Q)); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		tx = tx.Where(`LOWER(title_zh) LIKE ? ESCAPE '\' OR LOWER(title_en) LIKE ? ESCAPE '\' OR LOWER(description_zh) LIKE ? ESCAPE '\' OR LOWER(description_en) LIKE ? ESCAPE '\'`, like, like, like, like)
	}
	if f.Industry != "" {
		tx = tx.Where("industry = ?", f.Industry)
	}
	if f.ZoneID > 0 {
		tx = tx.Where("zone_id = ?", f.ZoneID)
	}
	if f.Region != "" || f.Province != "" {
		zq := s.DB.Model(&zone.Zone{}).Select("id")
		if f.Region != "" {
			zq = zq.Where("region = ?", f.Region)
		}
		if f.Province != "" {
			zq = zq.Where("province = ?", f.Province)
		}
		tx = tx.Where("zone_id IN (?)", zq)
	}
	if f.Status != "" {
		tx = tx.Where("status = ?", f.Status)
	}
	if f.Currency != "" {
		tx = tx.Where("currency = ?", f.Currency)
	}
	amount := "amount"
	if f.Currency == "" {
		amount = amountInCNY()
	}
	if f.MinAmount > 0 {
		tx = tx.Where(amount+" >= ?", f.MinAmount)
	}
	if f.MaxAmount > 0 {
		tx = tx.Where(amount+" <= ?", f.MaxAmount)
	}
	if f.Followed {
		if p == nil {
			return Page{}, errs.New(errs.ErrUnauthorized, "unauthorized")
		}
		tx = tx.Where("id IN (?)", s.DB.Model(&follow{}).Select("project_id").Where("user_id = ?", p.UserID))
	}
	out := Page{Items: []Project{}, Page: f.Page, PageSize: f.PageSize}
	if err := tx.Count(&out.Total).Error; err != nil {
		return out, err
	}
	if err := tx.Order("id DESC").Offset((f.Page - 1) * f.PageSize).Limit(f.PageSize).Find(&out.Items).Error; err != nil {
		return out, err
	}
	return out, s.decorate(ctx, out.Items, p)
}

// Follow adds the project to the caller's followed list; following twice is a no-op.
func (s *Service) Follow(ctx context.Context, id int64, p *web.Principal, on bool) error {
	if _, err := s.Get(ctx, id, nil); err != nil {
		return err
	}
	g := s.DB.WithContext(ctx)
	if !on {
		return g.Where("project_id = ? AND user_id = ?", id, p.UserID).Delete(&follow{}).Error
	}
	err := g.Create(&follow{ProjectID: id, UserID: p.UserID, CreatedAt: s.now()}).Error
	if db.IsUniqueViolation(err) {
		return nil
	}
	return err
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
