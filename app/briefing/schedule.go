package briefing

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/project"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// Input is a new or edited briefing.
type Input struct {
	TitleZh      string        `json:"titleZh" validate:"required,min=2,max=200,text"`
	TitleEn      string        `json:"titleEn" validate:"required,min=2,max=200,text"`
	AgendaZh     string        `json:"agendaZh" validate:"max=10000,text"`
	AgendaEn     string        `json:"agendaEn" validate:"max=10000,text"`
	StartsAt     time.Time     `json:"startsAt" validate:"required"`
	EndsAt       time.Time     `json:"endsAt" validate:"required"`
	Visibility   string        `json:"visibility" validate:"required,oneof=public registered invite_only"`
	Capacity     int           `json:"capacity" validate:"gte=0,lte=1000000"`
	StreamURL    string        `json:"streamUrl" validate:"omitempty,max=500,http_url"`
	RecordingURL string        `json:"recordingUrl" validate:"omitempty,max=500,http_url"`
	Presenters   []Presenter   `json:"presenters" validate:"max=20,dive"`
	Questions    []RegQuestion `json:"registrationQuestions" validate:"max=20,dive"`
	// ZoneIDs are the hosting zones; zone staff must include their own, the ministry (an
	// admin) may leave it empty.
	ZoneIDs    []int64 `json:"zoneIds" validate:"max=20,dive,gte=1"`
	ProjectIDs []int64 `json:"projectIds" validate:"max=50,dive,gte=1"`
}

func (s *Service) check(ctx context.Context, in *Input, p *web.Principal) error {
	if !in.EndsAt.After(in.StartsAt) || in.EndsAt.Sub(in.StartsAt) > 7*24*time.Hour {
		return errs.Invalid("endsAt", "briefing.times")
	}
	slices.Sort(in.ZoneIDs)
	in.ZoneIDs = slices.Compact(in.ZoneIDs)
	slices.Sort(in.ProjectIDs)
	in.ProjectIDs = slices.Compact(in.ProjectIDs)
	// Zone staff may host with other zones, never for them alone.
	if p.Role != web.RoleAdmin && !slices.Contains(in.ZoneIDs, p.ZoneID) {
		return errs.New(errs.ErrForbidden, "briefing.own_zone")
	}
	zones, err := s.Zones.ByIDs(ctx, in.ZoneIDs)
	if err != nil {
		return err
	}
	if len(zones) != len(in.ZoneIDs) {
		return errs.Invalid("zoneIds", "field.zone_unknown")
	}
	if len(in.ProjectIDs) > 0 {
		// Only projects of the hosting zones can be presented.
		projects, err := s.Projects.Refs(ctx, in.ProjectIDs)
		if err != nil {
			return err
		}
		if len(projects) != len(in.ProjectIDs) || slices.ContainsFunc(projects, func(pr project.Ref) bool {
			return len(in.ZoneIDs) > 0 && !slices.Contains(in.ZoneIDs, pr.ZoneID)
		}) {
			return errs.Invalid("projectIds", "briefing.project_unknown")
		}
	}
	seen := map[string]bool{}
	for _, q := range in.Questions {
		if seen[q.ID] {
			return errs.Invalid("registrationQuestions", "briefing.question_id")
		}
		seen[q.ID] = true
	}
	return nil
}

func (in *Input) apply(b *Briefing) {
	b.TitleZh, b.TitleEn = clean(in.TitleZh), clean(in.TitleEn)
	b.AgendaZh, b.AgendaEn = in.AgendaZh, in.AgendaEn
	b.StartsAt, b.EndsAt = in.StartsAt.UTC(), in.EndsAt.UTC()
	b.Visibility, b.Capacity = in.Visibility, in.Capacity
	b.StreamURL, b.RecordingURL = in.StreamURL, in.RecordingURL
	if in.Presenters == nil {
		in.Presenters = []Presenter{}
	}
	if in.Questions == nil {
		in.Questions = []RegQuestion{}
	}
	b.RawPresenter, b.RawQuestions = marshal(in.Presenters), marshal(in.Questions)
}

func setLinks(tx *gorm.DB, id int64, zones, projects []int64) error {
	if err := tx.Where("briefing_id = ?", id).Delete(&briefingZone{}).Error; err != nil {
		return err
	}
	if err := tx.Where("briefing_id = ?", id).Delete(&briefingProject{}).Error; err != nil {
		return err
	}
	for _, z := range zones {
		if err := tx.Create(&briefingZone{BriefingID: id, ZoneID: z}).Error; err != nil {
			return err
		}
	}
	for _, p := range projects {
		if err := tx.Create(&briefingProject{BriefingID: id, ProjectID: p}).Error; err != nil {
			return err
		}
	}
	return nil
}

// Create schedules a briefing.
func (s *Service) Create(ctx context.Context, p *web.Principal, in Input) (Briefing, error) {
	if err := s.check(ctx, &in, p); err != nil {
		return Briefing{}, err
	}
	b := Briefing{CreatedBy: p.UserID}
	in.apply(&b)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&b).Error; err != nil {
			return err
		}
		return setLinks(tx, b.ID, in.ZoneIDs, in.ProjectIDs)
	})
	if err != nil {
		return b, err
	}
	return s.Get(ctx, b.ID)
}

// Update replaces the briefing's schedule and settings; an ended briefing is read-only.
func (s *Service) Update(ctx context.Context, id int64, p *web.Principal, in Input) (Briefing, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return Briefing{}, err
	}
	if err := s.writable(a); err != nil {
		return Briefing{}, err
	}
	if p.Role != web.RoleAdmin && len(in.ZoneIDs) == 0 {
		in.ZoneIDs = a.b.ZoneIDs
	}
	if err := s.check(ctx, &in, p); err != nil {
		return Briefing{}, err
	}
	b := a.b
	in.apply(&b)
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&Briefing{}).Where("id = ?", id).Updates(map[string]any{
			"title_zh": b.TitleZh, "title_en": b.TitleEn, "agenda_zh": b.AgendaZh, "agenda_en": b.AgendaEn,
			"starts_at": b.StartsAt, "ends_at": b.EndsAt, "visibility": b.Visibility, "capacity": b.Capacity,
			"stream_url": b.StreamURL, "recording_url": b.RecordingURL, "presenters": b.RawPresenter,
			"questions": b.RawQuestions,
		}).Error; err != nil {
			return err
		}
		if !b.StartsAt.Equal(a.b.StartsAt) {
			// A new start time deserves a new reminder.
			if err := tx.Model(&Briefing{}).Where("id = ?", id).Update("reminder_sent", nil).Error; err != nil {
				return err
			}
		}
		return setLinks(tx, id, in.ZoneIDs, in.ProjectIDs)
	})
	if err != nil {
		return Briefing{}, err
	}
	out, err := s.Get(ctx, id)
	if err == nil {
		s.publish(ctx, id, "briefing.updated", out)
	}
	return out, err
}

// ListQuery filters the listing.
type ListQuery struct {
	Phase  string `query:"phase" validate:"omitempty,oneof=upcoming live ended"`
	ZoneID int64  `query:"zoneId" validate:"gte=0"`
	Q      string `query:"q" validate:"max=100"`
	Limit  int    `query:"limit" validate:"omitempty,gte=1,lte=100"`
}

// List is the briefings a caller may see.
type List struct {
	Items []Briefing `json:"items"`
}

// List returns the briefings of the listing: upcoming soonest first, live, then past latest
// first. Invite-only briefings appear only to their hosts and invitees.
func (s *Service) List(ctx context.Context, p *web.Principal, q ListQuery) (List, error) {
	if q.Limit == 0 {
		q.Limit = 50
	}
	now := s.now()
	tx := s.DB.WithContext(ctx).Model(&Briefing{})
	switch q.Phase {
	case Upcoming:
		tx = tx.Where("ended_at IS NULL AND started_at IS NULL AND ends_at > ?", now).Order("starts_at")
	case Live:
		tx = tx.Where("ended_at IS NULL AND started_at IS NOT NULL AND ends_at > ?", now.Add(-maxOverrun)).Order("starts_at")
	case Ended:
		tx = tx.Where("ended_at IS NOT NULL OR (started_at IS NULL AND ends_at <= ?) OR ends_at <= ?", now, now.Add(-maxOverrun)).Order("starts_at DESC")
	default:
		tx = tx.Order("starts_at DESC")
	}
	if q.ZoneID > 0 {
		tx = tx.Where("id IN (?)", s.DB.Model(&briefingZone{}).Select("briefing_id").Where("zone_id = ?", q.ZoneID))
	}
	if t := strings.ToLower(strings.TrimSpace(q.Q)); t != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(t) + "%"
		tx = tx.Where(`LOWER(title_zh) LIKE ? ESCAPE '\' OR LOWER(title_en) LIKE ? ESCAPE '\'`, like, like)
	}
	if p == nil {
		tx = tx.Where("visibility <> ?", InviteOnly)
	} else if p.Role != web.RoleAdmin {
		var u account.User
		if err := s.DB.WithContext(ctx).Select("email").First(&u, p.UserID).Error; err != nil {
			return List{}, err
		}
		tx = tx.Where("visibility <> ? OR created_by = ? OR id IN (?) OR id IN (?) OR id IN (?)", InviteOnly, p.UserID,
			s.DB.Model(&invite{}).Select("briefing_id").Where("email = ?", u.Email),
			s.DB.Model(&Registration{}).Select("briefing_id").Where("user_id = ?", p.UserID),
			s.DB.Model(&briefingZone{}).Select("briefing_id").Where("zone_id = ?", p.ZoneID))
	}
	out := List{Items: []Briefing{}}
	if err := tx.Limit(q.Limit).Find(&out.Items).Error; err != nil {
		return out, err
	}
	return out, s.links(ctx, out.Items)
}

// Detail is a briefing with what the caller needs for its page.
type Detail struct {
	Briefing
	IsHost        bool    `json:"isHost"`
	Registered    bool    `json:"registered"`
	CanEnter      bool    `json:"canEnter"`
	Registrations int64   `json:"registrations"`
	Zones         []Named `json:"zones"`
	Projects      []Named `json:"projects"`
}

// Named is a linked zone or project.
type Named struct {
	ID     int64  `json:"id"`
	NameZh string `json:"nameZh"`
	NameEn string `json:"nameEn"`
}

// Detail returns briefing id as the caller sees it.
func (s *Service) Detail(ctx context.Context, id int64, p *web.Principal) (Detail, error) {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Briefing: a.b, IsHost: a.host, Registered: a.registered, CanEnter: a.enter(), Zones: []Named{}, Projects: []Named{}}
	g := s.DB.WithContext(ctx)
	if err := g.Model(&Registration{}).Where("briefing_id = ?", id).Count(&d.Registrations).Error; err != nil {
		return d, err
	}
	zones, err := s.Zones.ByIDs(ctx, a.b.ZoneIDs)
	if err != nil {
		return d, err
	}
	for _, z := range zones {
		d.Zones = append(d.Zones, Named{ID: z.ID, NameZh: z.NameZh, NameEn: z.NameEn})
	}
	projects, err := s.Projects.Refs(ctx, a.b.ProjectIDs)
	if err != nil {
		return d, err
	}
	for _, pr := range projects {
		d.Projects = append(d.Projects, Named{ID: pr.ID, NameZh: pr.TitleZh, NameEn: pr.TitleEn})
	}
	return d, nil
}

// RegisterInput is a registration with the answers to the briefing's questions.
type RegisterInput struct {
	Answers      map[string]string `json:"answers" validate:"max=20,dive,max=2000,text"`
	Organization string            `json:"organization" validate:"max=200,text"`
	Country      string            `json:"country" validate:"max=80,text"`
	Industry     string            `json:"industry" validate:"max=40"`
}

// Register signs the caller up. Invite-only briefings take invited emails only; a full
// briefing refuses new registrations.
func (s *Service) Register(ctx context.Context, id int64, p *web.Principal, in RegisterInput) (Registration, error) {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return Registration{}, err
	}
	if err := s.writable(a); err != nil {
		return Registration{}, err
	}
	if a.b.Visibility == InviteOnly && !a.invited && !a.host {
		return Registration{}, errs.New(errs.ErrForbidden, "briefing.not_invited")
	}
	if in.Industry != "" && !zone.IsIndustry(in.Industry) {
		return Registration{}, errs.Invalid("industry", "field.industry")
	}
	answers := map[string]string{}
	for _, q := range a.b.Questions {
		v := clean(in.Answers[q.ID])
		if v == "" && q.Required {
			return Registration{}, errs.Invalid("answers."+q.ID, "field.required")
		}
		if v != "" && len(q.Options) > 0 && !slices.Contains(q.Options, v) {
			return Registration{}, errs.Invalid("answers."+q.ID, "field.invalid")
		}
		if v != "" {
			answers[q.ID] = v
		}
	}
	var u account.User
	if err := s.DB.WithContext(ctx).First(&u, p.UserID).Error; err != nil {
		return Registration{}, err
	}
	notice := map[string]any{"briefingId": id, "titleZh": a.b.TitleZh, "titleEn": a.b.TitleEn, "startsAt": a.b.StartsAt}
	r := Registration{BriefingID: id, UserID: p.UserID, RawAnswers: marshal(answers), Answers: answers,
		Organization: firstNonEmpty(clean(in.Organization), u.Organization), Country: firstNonEmpty(clean(in.Country), u.Country), Industry: in.Industry}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if a.b.Capacity > 0 {
			// Touching the briefing's row first serialises concurrent registrations on it, so
			// the count below cannot be read by two at once and overbook.
			if err := tx.Model(&Briefing{}).Where("id = ?", id).Update("updated_at", gorm.Expr("updated_at")).Error; err != nil {
				return err
			}
			var n int64
			if err := tx.Model(&Registration{}).Where("briefing_id = ?", id).Count(&n).Error; err != nil {
				return err
			}
			if int(n) >= a.b.Capacity {
				return errs.New(errs.ErrConflict, "briefing.full")
			}
		}
		if err := tx.Create(&r).Error; err != nil {
			if db.IsUniqueViolation(err) {
				return errs.New(errs.ErrConflict, "briefing.already_registered")
			}
			return err
		}
		if s.Notify != nil {
			_, err := s.Notify.Add(tx, p.UserID, "briefing.registered", notice)
			return err
		}
		return nil
	})
	if err == nil && s.Notify != nil {
		s.Notify.Publish(ctx, p.UserID, "briefing.registered", notice)
	}
	return r, err
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Unregister cancels the caller's registration.
func (s *Service) Unregister(ctx context.Context, id int64, p *web.Principal) error {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return err
	}
	if err := s.writable(a); err != nil {
		return err
	}
	res := s.DB.WithContext(ctx).Where("briefing_id = ? AND user_id = ?", id, p.UserID).Delete(&Registration{})
	if res.Error == nil && res.RowsAffected == 0 {
		return missing("registration")
	}
	return res.Error
}

// InviteInput lists emails invited to an invite-only briefing.
type InviteInput struct {
	Emails []string `json:"emails" validate:"required,min=1,max=500,dive,email,max=254"`
}

// Invite adds emails to the briefing's invitation list.
func (s *Service) Invite(ctx context.Context, id int64, p *web.Principal, in InviteInput) error {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return err
	}
	if err := s.writable(a); err != nil {
		return err
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, e := range in.Emails {
			var n int64
			email := account.NormalizeEmail(e)
			if err := tx.Model(&invite{}).Where("briefing_id = ? AND email = ?", id, email).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				if err := tx.Create(&invite{BriefingID: id, Email: email, CreatedAt: s.now()}).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Start opens the room: the briefing goes live.
func (s *Service) Start(ctx context.Context, id int64, p *web.Principal) (Briefing, error) {
	return s.transition(ctx, id, p, "started_at")
}

// End closes the room; the briefing becomes read-only and its replay opens.
func (s *Service) End(ctx context.Context, id int64, p *web.Principal) (Briefing, error) {
	return s.transition(ctx, id, p, "ended_at")
}

func (s *Service) transition(ctx context.Context, id int64, p *web.Principal, col string) (Briefing, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return Briefing{}, err
	}
	if err := s.writable(a); err != nil {
		return Briefing{}, err
	}
	// The condition makes a double click or two hosts at once a no-op rather than a second start.
	res := s.DB.WithContext(ctx).Model(&Briefing{}).Where("id = ? AND "+col+" IS NULL AND ended_at IS NULL", id).Update(col, s.now())
	if res.Error != nil {
		return Briefing{}, res.Error
	}
	if col == "ended_at" {
		// Votes cast up to the end count; the room's last word is the final tally.
		if err := s.DB.WithContext(ctx).Model(&Poll{}).Where("briefing_id = ? AND status = ?", id, PollOpen).
			Updates(map[string]any{"status": PollClosed, "closed_at": s.now()}).Error; err != nil {
			return Briefing{}, err
		}
	}
	b, err := s.Get(ctx, id)
	if err == nil && res.RowsAffected > 0 {
		s.publish(ctx, id, "briefing.state", map[string]any{"phase": b.Phase, "startedAt": b.StartedAt, "endedAt": b.EndedAt})
	}
	return b, err
}
