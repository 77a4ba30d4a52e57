package briefing

import (
	"context"
	"slices"
	"time"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/project"
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

func (s *Service) check(ctx context.Context, in *Input, p *actor.Actor) error {
	if !in.EndsAt.After(in.StartsAt) || in.EndsAt.Sub(in.StartsAt) > 7*24*time.Hour {
		return errs.Invalid("endsAt", "briefing.times")
	}
	slices.Sort(in.ZoneIDs)
	in.ZoneIDs = slices.Compact(in.ZoneIDs)
	slices.Sort(in.ProjectIDs)
	in.ProjectIDs = slices.Compact(in.ProjectIDs)
	// Zone staff may host with other zones, never for them alone.
	if p.Role != actor.RoleAdmin && !slices.Contains(in.ZoneIDs, p.ZoneID) {
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

// Create schedules a briefing.
func (s *Service) Create(ctx context.Context, p *actor.Actor, in Input) (Briefing, error) {
	if err := s.check(ctx, &in, p); err != nil {
		return Briefing{}, err
	}
	b := Briefing{CreatedBy: p.UserID}
	in.apply(&b)
	err := s.Store.Transaction(ctx, func(st *Store) error {
		if err := st.CreateBriefing(ctx, &b); err != nil {
			return err
		}
		return st.SetLinks(ctx, b.ID, in.ZoneIDs, in.ProjectIDs)
	})
	if err != nil {
		return b, err
	}
	return s.Get(ctx, b.ID)
}

// Update replaces the briefing's schedule and settings; an ended briefing is read-only.
func (s *Service) Update(ctx context.Context, id int64, p *actor.Actor, in Input) (Briefing, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return Briefing{}, err
	}
	if err := s.writable(a); err != nil {
		return Briefing{}, err
	}
	if p.Role != actor.RoleAdmin && len(in.ZoneIDs) == 0 {
		in.ZoneIDs = a.b.ZoneIDs
	}
	if err := s.check(ctx, &in, p); err != nil {
		return Briefing{}, err
	}
	b := a.b
	in.apply(&b)
	err = s.Store.Transaction(ctx, func(st *Store) error {
		// A new start time deserves a new reminder.
		if err := st.UpdateBriefing(ctx, id, b, !b.StartsAt.Equal(a.b.StartsAt)); err != nil {
			return err
		}
		return st.SetLinks(ctx, id, in.ZoneIDs, in.ProjectIDs)
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
func (s *Service) List(ctx context.Context, p *actor.Actor, q ListQuery) (List, error) {
	if q.Limit == 0 {
		q.Limit = 50
	}
	v := Viewer{Anonymous: p == nil}
	if p != nil {
		v.All, v.UserID, v.ZoneID = p.Role == actor.RoleAdmin, p.UserID, p.ZoneID
	}
	if p != nil && !v.All {
		u, err := s.Users.ByID(ctx, p.UserID)
		if err != nil {
			return List{}, err
		}
		v.Email = u.Email
	}
	items, err := s.Store.List(ctx, q, s.now(), v)
	if err != nil {
		return List{Items: items}, err
	}
	return List{Items: items}, s.links(ctx, items)
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
func (s *Service) Detail(ctx context.Context, id int64, p *actor.Actor) (Detail, error) {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Briefing: a.b, IsHost: a.host, Registered: a.registered, CanEnter: a.enter(), Zones: []Named{}, Projects: []Named{}}
	if d.Registrations, err = s.Store.Registrations(ctx, id); err != nil {
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
func (s *Service) Register(ctx context.Context, id int64, p *actor.Actor, in RegisterInput) (Registration, error) {
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
	u, err := s.Users.ByID(ctx, p.UserID)
	if err != nil {
		return Registration{}, err
	}
	notice := map[string]any{"briefingId": id, "titleZh": a.b.TitleZh, "titleEn": a.b.TitleEn, "startsAt": a.b.StartsAt}
	r := Registration{BriefingID: id, UserID: p.UserID, RawAnswers: marshal(answers), Answers: answers,
		Organization: firstNonEmpty(clean(in.Organization), u.Organization), Country: firstNonEmpty(clean(in.Country), u.Country), Industry: in.Industry}
	err = s.Store.Transaction(ctx, func(st *Store) error {
		if a.b.Capacity > 0 {
			// Touching the briefing's row first serialises concurrent registrations on it, so
			// the count below cannot be read by two at once and overbook.
			if err := st.LockBriefing(ctx, id); err != nil {
				return err
			}
			n, err := st.Registrations(ctx, id)
			if err != nil {
				return err
			}
			if int(n) >= a.b.Capacity {
				return errs.New(errs.ErrConflict, "briefing.full")
			}
		}
		if err := st.Register(ctx, &r); err != nil {
			return err
		}
		if s.Notify != nil {
			_, err := s.Notify.Add(st.db, p.UserID, "briefing.registered", notice)
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
func (s *Service) Unregister(ctx context.Context, id int64, p *actor.Actor) error {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return err
	}
	if err := s.writable(a); err != nil {
		return err
	}
	return s.Store.Unregister(ctx, id, p.UserID)
}

// InviteInput lists emails invited to an invite-only briefing.
type InviteInput struct {
	Emails []string `json:"emails" validate:"required,min=1,max=500,dive,email,max=254"`
}

// Invite adds emails to the briefing's invitation list.
func (s *Service) Invite(ctx context.Context, id int64, p *actor.Actor, in InviteInput) error {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return err
	}
	if err := s.writable(a); err != nil {
		return err
	}
	emails := make([]string, len(in.Emails))
	for i, e := range in.Emails {
		emails[i] = account.NormalizeEmail(e)
	}
	return s.Store.Invite(ctx, id, emails, s.now())
}

// Start opens the room: the briefing goes live.
func (s *Service) Start(ctx context.Context, id int64, p *actor.Actor) (Briefing, error) {
	return s.transition(ctx, id, p, "started_at")
}

// End closes the room; the briefing becomes read-only and its replay opens.
func (s *Service) End(ctx context.Context, id int64, p *actor.Actor) (Briefing, error) {
	return s.transition(ctx, id, p, "ended_at")
}

func (s *Service) transition(ctx context.Context, id int64, p *actor.Actor, col string) (Briefing, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return Briefing{}, err
	}
	if err := s.writable(a); err != nil {
		return Briefing{}, err
	}
	// The condition makes a double click or two hosts at once a no-op rather than a second start.
	moved, err := s.Store.Transition(ctx, id, col, s.now())
	if err != nil {
		return Briefing{}, err
	}
	if col == "ended_at" {
		// Votes cast up to the end count; the room's last word is the final tally.
		if err := s.Store.ClosePolls(ctx, id, s.now()); err != nil {
			return Briefing{}, err
		}
	}
	b, err := s.Get(ctx, id)
	if err == nil && moved {
		s.publish(ctx, id, "briefing.state", map[string]any{"phase": b.Phase, "startedAt": b.StartedAt, "endedAt": b.EndedAt})
	}
	return b, err
}
