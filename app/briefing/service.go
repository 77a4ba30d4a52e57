package briefing

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/livestate"
	"zonefair/app/notify"
)

// Service is the briefings' use cases. Create one per process; Run does its background work.
type Service struct {
	Store  *Store
	Pub    notify.Publisher // the live hub; nil publishes nothing
	Notify *notify.Service
	// The hosting zones, presented projects and people are read through their owners.
	Zones    Zones
	Projects Projects
	Users    Users
	// Limiter caps how fast one attendee posts chat and questions, which every attendee
	// receives; nil sets no cap.
	Limiter   livestate.RateLimiter
	UploadDir string // slides are kept under UploadDir/briefings/<id>/
	BaseURL   string
	Log       *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// FlushEvery is how often coalesced Q&A and poll updates go out (default 500 ms: at most
	// two of each kind per room per second from each instance).
	FlushEvery time.Duration
	// Heartbeat is how often a client in the room reports; each report counts this much time
	// in the room (default 30 s).
	Heartbeat time.Duration
	// ReminderBefore is how long before the start registrants are reminded (default 30 min).
	ReminderBefore time.Duration

	once  sync.Once
	dirty *coalescer
	beats *beats
}

func (s *Service) init() {
	s.once.Do(func() {
		if s.FlushEvery <= 0 {
			s.FlushEvery = 500 * time.Millisecond
		}
		if s.Heartbeat <= 0 {
			s.Heartbeat = 30 * time.Second
		}
		if s.ReminderBefore <= 0 {
			s.ReminderBefore = 30 * time.Minute
		}
		if s.Log == nil {
			s.Log = slog.Default()
		}
		s.dirty = newCoalescer()
		s.beats = newBeats()
	})
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// publish sends a server-side event to the briefing's room after the change committed; a
// failure is logged because the change stands and late joiners read it from the snapshot.
func (s *Service) publish(ctx context.Context, id int64, kind string, data any) {
	if s.Pub == nil {
		return
	}
	if _, err := s.Pub.Publish(ctx, Channel(id), kind, data); err != nil {
		s.Log.Warn("briefing publish failed", "briefing_id", id, "kind", kind, "err", err)
	}
}

// Get returns briefing id with its zones and projects.
func (s *Service) Get(ctx context.Context, id int64) (Briefing, error) {
	b, err := s.Store.Briefing(ctx, id)
	if err != nil {
		return b, err
	}
	list := []Briefing{b}
	if err := s.links(ctx, list); err != nil {
		return b, err
	}
	return list[0], nil
}

// links batch-loads zones and projects of bs and fills them.
func (s *Service) links(ctx context.Context, bs []Briefing) error {
	if len(bs) == 0 {
		return nil
	}
	ids := make([]int64, len(bs))
	at := map[int64]int{}
	for i, b := range bs {
		ids[i], at[b.ID] = b.ID, i
	}
	zs, ps, err := s.Store.Links(ctx, ids)
	if err != nil {
		return err
	}
	for _, z := range zs {
		bs[at[z.BriefingID]].ZoneIDs = append(bs[at[z.BriefingID]].ZoneIDs, z.ZoneID)
	}
	for _, p := range ps {
		bs[at[p.BriefingID]].ProjectIDs = append(bs[at[p.BriefingID]].ProjectIDs, p.ProjectID)
	}
	now := s.now()
	for i := range bs {
		bs[i].fill(now)
	}
	return nil
}

// HostZone is the first zone hosting briefing id (0 for a ministry briefing), for meeting
// requests raised in its room.
func (s *Service) HostZone(ctx context.Context, id int64) (int64, []int64, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return 0, nil, err
	}
	if len(b.ZoneIDs) == 0 {
		return 0, nil, nil
	}
	return b.ZoneIDs[0], b.ZoneIDs, nil
}

// access is what one caller may do with one briefing.
type access struct {
	b          Briefing
	p          *actor.Actor
	host       bool
	invited    bool
	registered bool
	mod        Moderation
}

// isHost reports whether p runs briefing b: admins, staff of a hosting zone, its creator.
func isHost(b *Briefing, p *actor.Actor) bool {
	if p == nil {
		return false
	}
	return p.Role == actor.RoleAdmin || p.UserID == b.CreatedBy ||
		(p.Role == actor.RoleZoneStaff && slices.Contains(b.ZoneIDs, p.ZoneID))
}

func (s *Service) access(ctx context.Context, b Briefing, p *actor.Actor) (access, error) {
	a := access{b: b, p: p, host: isHost(&b, p)}
	if p == nil {
		return a, nil
	}
	var err error
	if a.registered, err = s.Store.Registered(ctx, b.ID, p.UserID); err != nil {
		return a, err
	}
	if b.Visibility == InviteOnly && !a.host {
		u, err := s.Users.ByID(ctx, p.UserID)
		if err != nil {
			return a, err
		}
		if a.invited, err = s.Store.Invited(ctx, b.ID, u.Email); err != nil {
			return a, err
		}
	}
	a.mod, err = s.Store.Moderation(ctx, b.ID, p.UserID)
	return a, err
}

// view: seeing the briefing's page, registering, downloading its calendar file.
func (a access) view() bool {
	switch a.b.Visibility {
	case Public:
		return true
	case Registered:
		return a.p != nil
	}
	return a.host || a.invited || a.registered
}

// enter: being in the room (reading the live channel and the room snapshot).
func (a access) enter() bool {
	if a.host {
		return true
	}
	if a.mod.Removed {
		return false
	}
	if a.b.Visibility == Public {
		return true
	}
	return a.registered
}

// load returns briefing id and the caller's access; a briefing the caller may not see is a 404.
func (s *Service) load(ctx context.Context, id int64, p *actor.Actor) (access, error) {
	b, err := s.Get(ctx, id)
	if err != nil {
		return access{}, err
	}
	a, err := s.access(ctx, b, p)
	if err != nil {
		return a, err
	}
	if !a.view() {
		if p == nil {
			return a, errs.New(errs.ErrUnauthorized, "unauthorized")
		}
		return a, missing("briefing")
	}
	return a, nil
}

// hosting loads briefing id for a host action.
func (s *Service) hosting(ctx context.Context, id int64, p *actor.Actor) (access, error) {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return a, err
	}
	if !a.host {
		return a, errs.New(errs.ErrForbidden, "briefing.not_host")
	}
	return a, nil
}

// writable refuses changes to an ended briefing.
func (s *Service) writable(a access) error {
	if a.b.PhaseAt(s.now()) == Ended {
		return errs.New(errs.ErrConflict, "briefing.ended")
	}
	return nil
}

// participating loads briefing id for an attendee's action in the room: not ended, the caller
// in the room, not removed; muted attendees may still vote but not post text.
func (s *Service) participating(ctx context.Context, id int64, p *actor.Actor, text bool) (access, error) {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return a, err
	}
	if err := s.writable(a); err != nil {
		return a, err
	}
	if !a.enter() {
		if a.mod.Removed {
			return a, errs.New(errs.ErrForbidden, "briefing.removed")
		}
		return a, errs.New(errs.ErrForbidden, "briefing.register_first")
	}
	if text && a.mod.Muted && !a.host {
		return a, errs.New(errs.ErrForbidden, "briefing.muted")
	}
	return a, nil
}

// Posting limits per attendee and room.
var (
	ChatLimit = livestate.Limit{Events: 20, Per: time.Minute}
	AskLimit  = livestate.Limit{Events: 5, Per: time.Minute}
)

// limit refuses the caller's post when they are over l in room id.
func (s *Service) limit(ctx context.Context, what string, id int64, p *actor.Actor, l livestate.Limit) error {
	if s.Limiter == nil {
		return nil
	}
	res, err := s.Limiter.Allow(ctx, "briefing:"+what+":"+strconv.FormatInt(id, 10)+":"+strconv.FormatInt(p.UserID, 10), l)
	if err != nil {
		return err
	}
	if !res.Allowed {
		return errs.New(errs.ErrRateLimited, "briefing.slow_down")
	}
	return nil
}

func marshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func clean(s string) string { return strings.TrimSpace(s) }
