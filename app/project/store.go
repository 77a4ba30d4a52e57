package project

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db"
	"zonefair/app/errs"
)

// Store reads and writes projects, their follows, attachments and incentive links, leads with
// their notes, and meeting requests.
type Store struct{ db *gorm.DB }

// NewStore returns a Store on g.
func NewStore(g *gorm.DB) *Store { return &Store{db: g} }

// Transaction runs f in one transaction, with a Store on it; the use case's other writes that
// belong to the same change (notifications) go through tx.db.
func (s *Store) Transaction(ctx context.Context, f func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(g *gorm.DB) error { return f(&Store{db: g}) })
}

func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return missing(what)
	}
	return err
}

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

// CreateProject inserts pr.
func (s *Store) CreateProject(ctx context.Context, pr *Project) error {
	return s.db.WithContext(ctx).Create(pr).Error
}

// UpdateProject writes the editable fields of pr over project id.
func (s *Store) UpdateProject(ctx context.Context, id int64, pr Project) error {
	return s.db.WithContext(ctx).Model(&Project{}).Where("id = ?", id).Updates(map[string]any{
		"title_zh": pr.TitleZh, "title_en": pr.TitleEn, "description_zh": pr.DescriptionZh, "description_en": pr.DescriptionEn,
		"industry": pr.Industry, "amount": pr.Amount, "currency": pr.Currency, "land_area": pr.LandArea,
		"location_zh": pr.LocationZh, "location_en": pr.LocationEn, "incentives_zh": pr.IncentivesZh, "incentives_en": pr.IncentivesEn,
		"status": pr.Status,
	}).Error
}

// Project returns project id as stored (a 404 when there is none).
func (s *Store) Project(ctx context.Context, id int64) (Project, error) {
	var pr Project
	err := s.db.WithContext(ctx).First(&pr, id).Error
	return pr, notFound(err, "project")
}

// ZoneOf returns the zone project id belongs to.
func (s *Store) ZoneOf(ctx context.Context, id int64) (int64, error) {
	var pr Project
	if err := s.db.WithContext(ctx).Select("id", "zone_id").Take(&pr, id).Error; err != nil {
		return 0, notFound(err, "project")
	}
	return pr.ZoneID, nil
}

// Titles returns the id, zone and titles of the projects among ids that exist, by id.
func (s *Store) Titles(ctx context.Context, ids []int64) ([]Project, error) {
	var prs []Project
	err := s.db.WithContext(ctx).Select("id", "zone_id", "title_zh", "title_en").Where("id IN ?", ids).Order("id").Find(&prs).Error
	return prs, err
}

// Followers counts the followers of each project among ids, and says which of them userID
// follows (0: nobody), in one query.
func (s *Store) Followers(ctx context.Context, ids []int64, userID int64) (map[int64]int, map[int64]bool, error) {
	var rows []struct {
		ProjectID int64
		N         int
		Mine      int
	}
	err := s.db.WithContext(ctx).Model(&follow{}).
		Select("project_id, COUNT(*) AS n, SUM(CASE WHEN user_id = ? THEN 1 ELSE 0 END) AS mine", userID).
		Where("project_id IN ?", ids).Group("project_id").Scan(&rows).Error
	if err != nil {
		return nil, nil, err
	}
	counts, mine := make(map[int64]int, len(rows)), map[int64]bool{}
	for _, r := range rows {
		counts[r.ProjectID] = r.N
		if r.Mine > 0 {
			mine[r.ProjectID] = true
		}
	}
	return counts, mine, nil
}

// InterestedIn returns the projects among ids in which investor userID expressed interest.
func (s *Store) InterestedIn(ctx context.Context, userID int64, ids []int64) ([]int64, error) {
	var out []int64
	err := s.db.WithContext(ctx).Model(&Lead{}).Where("investor_id = ? AND project_id IN ?", userID, ids).Pluck("project_id", &out).Error
	return out, err
}

// Search returns one page of the projects matching f, newest first; followerID, when not 0,
// keeps those that user follows. zonesIn, when f names a region or a province, is the subquery
// of the ids of the zones there (Zones.IDsIn).
func (s *Store) Search(ctx context.Context, f Filter, followerID int64, zonesIn *gorm.DB) (Page, error) {
	tx := s.db.WithContext(ctx).Model(&Project{})
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
	if zonesIn != nil {
		tx = tx.Where("zone_id IN (?)", zonesIn)
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
	if followerID != 0 {
		tx = tx.Where("id IN (?)", s.db.Model(&follow{}).Select("project_id").Where("user_id = ?", followerID))
	}
	out := Page{Items: []Project{}, Page: f.Page, PageSize: f.PageSize}
	if err := tx.Count(&out.Total).Error; err != nil {
		return out, err
	}
	err := tx.Order("id DESC").Offset((f.Page - 1) * f.PageSize).Limit(f.PageSize).Find(&out.Items).Error
	return out, err
}

// SetFollow makes userID follow project id or stop; following twice is a no-op.
func (s *Store) SetFollow(ctx context.Context, id, userID int64, on bool, now time.Time) error {
	g := s.db.WithContext(ctx)
	if !on {
		return g.Where("project_id = ? AND user_id = ?", id, userID).Delete(&follow{}).Error
	}
	err := g.Create(&follow{ProjectID: id, UserID: userID, CreatedAt: now}).Error
	if db.IsUniqueViolation(err) {
		return nil
	}
	return err
}

// Scope narrows leads or meeting requests: to one zone's when ZoneID is set, to one
// investor's when InvestorID is; the zero Scope narrows nothing.
type Scope struct {
	ZoneID     int64
	InvestorID int64
}

func (sc Scope) apply(tx *gorm.DB) *gorm.DB {
	if sc.ZoneID != 0 {
		tx = tx.Where("zone_id = ?", sc.ZoneID)
	}
	if sc.InvestorID != 0 {
		tx = tx.Where("investor_id = ?", sc.InvestorID)
	}
	return tx
}

// CreateLead inserts l; an investor's second lead on a project is a conflict.
func (s *Store) CreateLead(ctx context.Context, l *Lead) error {
	err := s.db.WithContext(ctx).Create(l).Error
	if db.IsUniqueViolation(err) {
		return errs.New(errs.ErrConflict, "project.already_interested")
	}
	return err
}

// Leads lists the leads in sc matching f, newest first, at most 1,000.
func (s *Store) Leads(ctx context.Context, sc Scope, f LeadFilter) ([]Lead, error) {
	tx := sc.apply(s.db.WithContext(ctx).Model(&Lead{}))
	if f.ProjectID > 0 {
		tx = tx.Where("project_id = ?", f.ProjectID)
	}
	if f.Status != "" {
		tx = tx.Where("status = ?", f.Status)
	}
	out := []Lead{}
	err := tx.Order("id DESC").Limit(1000).Find(&out).Error
	return out, err
}

// Lead returns lead id without its notes.
func (s *Store) Lead(ctx context.Context, id int64) (Lead, error) {
	var l Lead
	err := s.db.WithContext(ctx).First(&l, id).Error
	return l, notFound(err, "lead")
}

// Notes lists the notes of lead id, oldest first.
func (s *Store) Notes(ctx context.Context, leadID int64) ([]Note, error) {
	out := []Note{}
	err := s.db.WithContext(ctx).Where("lead_id = ?", leadID).Order("id").Find(&out).Error
	return out, err
}

// MoveLead moves lead id from status from to status to; a lead no longer at from (moved by
// someone else meanwhile) is a conflict.
func (s *Store) MoveLead(ctx context.Context, id int64, from, to string, now time.Time) error {
	res := s.db.WithContext(ctx).Model(&Lead{}).Where("id = ? AND status = ?", id, from).Updates(map[string]any{"status": to, "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.ErrConflict, "project.lead_changed")
	}
	return nil
}

// AddNote inserts n.
func (s *Store) AddNote(ctx context.Context, n *Note) error {
	return s.db.WithContext(ctx).Create(n).Error
}

// CreateMeetingRequest inserts m.
func (s *Store) CreateMeetingRequest(ctx context.Context, m *MeetingRequest) error {
	return s.db.WithContext(ctx).Create(m).Error
}

// MeetingRequests lists the meeting requests in sc matching f, newest first, at most 500.
func (s *Store) MeetingRequests(ctx context.Context, sc Scope, f MeetingRequestFilter) ([]MeetingRequest, error) {
	tx := sc.apply(s.db.WithContext(ctx).Model(&MeetingRequest{}))
	if f.Status != "" {
		tx = tx.Where("status = ?", f.Status)
	}
	if f.BriefingID > 0 {
		tx = tx.Where("briefing_id = ?", f.BriefingID)
	}
	out := []MeetingRequest{}
	err := tx.Order("id DESC").Limit(500).Find(&out).Error
	return out, err
}

// MeetingRequest returns meeting request id as stored.
func (s *Store) MeetingRequest(ctx context.Context, id int64) (MeetingRequest, error) {
	var m MeetingRequest
	err := s.db.WithContext(ctx).First(&m, id).Error
	return m, notFound(err, "meeting")
}

// DecideMeetingRequest writes cols over meeting request id when its status is among allowed;
// a request decided meanwhile is a conflict.
func (s *Store) DecideMeetingRequest(ctx context.Context, id int64, allowed []string, cols map[string]any) error {
	res := s.db.WithContext(ctx).Model(&MeetingRequest{}).Where("id = ? AND status IN ?", id, allowed).Updates(cols)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.ErrConflict, "project.meeting_decided")
	}
	return nil
}

// MeetingRequestsFrom counts, per investor, the meeting requests made from briefing id.
func (s *Store) MeetingRequestsFrom(ctx context.Context, briefingID int64) (map[int64]int, error) {
	var rows []struct {
		InvestorID int64
		N          int
	}
	if err := s.db.WithContext(ctx).Model(&MeetingRequest{}).Select("investor_id, COUNT(*) AS n").Where("briefing_id = ?", briefingID).
		Group("investor_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.InvestorID] = r.N
	}
	return out, nil
}

// AdvanceLeadToMeeting moves investorID's lead on project projectID to "meeting" when it is
// still new or contacted.
func (s *Store) AdvanceLeadToMeeting(ctx context.Context, projectID, investorID int64, now time.Time) error {
	return s.db.WithContext(ctx).Model(&Lead{}).
		Where("project_id = ? AND investor_id = ? AND status IN ?", projectID, investorID, []string{LeadNew, LeadContacted}).
		Updates(map[string]any{"status": LeadMeeting, "updated_at": now}).Error
}

// CountAttachments counts the attachments of project id.
func (s *Store) CountAttachments(ctx context.Context, id int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Attachment{}).Where("project_id = ?", id).Count(&n).Error
	return n, err
}

// CreateAttachment inserts a.
func (s *Store) CreateAttachment(ctx context.Context, a *Attachment) error {
	return s.db.WithContext(ctx).Create(a).Error
}

// Attachments lists the attachments of project id, oldest first.
func (s *Store) Attachments(ctx context.Context, id int64) ([]Attachment, error) {
	out := []Attachment{}
	err := s.db.WithContext(ctx).Where("project_id = ?", id).Order("id").Find(&out).Error
	return out, err
}

// Attachment returns attachment attID of project id.
func (s *Store) Attachment(ctx context.Context, id, attID int64) (Attachment, error) {
	var a Attachment
	err := s.db.WithContext(ctx).Where("id = ? AND project_id = ?", attID, id).First(&a).Error
	return a, notFound(err, "attachment")
}

// DeleteAttachment removes the row of a.
func (s *Store) DeleteAttachment(ctx context.Context, a *Attachment) error {
	return s.db.WithContext(ctx).Delete(a).Error
}

// PolicyIDs lists the policies project id names as its incentives, in their order.
func (s *Store) PolicyIDs(ctx context.Context, id int64) ([]int64, error) {
	var out []int64
	err := s.db.WithContext(ctx).Model(&policyLink{}).Where("project_id = ?", id).Order("position, policy_id").Pluck("policy_id", &out).Error
	return out, err
}

// SetPolicyIDs replaces the policies project id names as its incentives, in the order given.
func (s *Store) SetPolicyIDs(ctx context.Context, id int64, ids []int64, now time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("project_id = ?", id).Delete(&policyLink{}).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		links := make([]policyLink, len(ids))
		for i, pid := range ids {
			links[i] = policyLink{ProjectID: id, PolicyID: pid, Position: i, CreatedAt: now}
		}
		return tx.Create(&links).Error
	})
}
