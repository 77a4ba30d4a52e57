package meeting

import (
	"context"
	"fmt"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/live"
)

// Queue rules.
const (
	// Grace is how long a queue place survives without its page's heartbeat: a reload keeps
	// the place, a closed page loses it.
	Grace = 30 * time.Second
	// Heartbeat is how often a waiting page confirms it is still there.
	Heartbeat = 10 * time.Second
	// QueueChannelType names the booths' queue channels, "booth_queue:<fair>-<zone>".
	QueueChannelType = "booth_queue"
)

// Booth is a booth's walk-up settings.
type Booth struct {
	FairID int64 `json:"fairId" gorm:"primaryKey;autoIncrement:false"`
	ZoneID int64 `json:"zoneId" gorm:"primaryKey;autoIncrement:false"`
	// Parallel is how many conversations the booth's staff hold at once.
	Parallel int `json:"parallel"`
	// Minutes is the usual length of a conversation, for expected waits.
	Minutes   int       `json:"minutes"`
	UpdatedAt time.Time `json:"-"`
}

// TableName is the meeting_booths table.
func (Booth) TableName() string { return "meeting_booths" }

// Entry is a place in a booth's queue.
type Entry struct {
	ID        int64     `json:"id"`
	FairID    int64     `json:"-"`
	ZoneID    int64     `json:"-"`
	UserID    int64     `json:"userId"`
	Status    string    `json:"status" enum:"waiting,taken,left"`
	MeetingID *int64    `json:"meetingId"`
	SeenAt    time.Time `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"-"`

	Name string `json:"name,omitempty" gorm:"-"`
}

// TableName is the meeting_queue table.
func (Entry) TableName() string { return "meeting_queue" }

// Queue is a booth's queue: the waiting places in order (staff see names), the conversations
// under way, and the caller's own place.
type Queue struct {
	Booth   Booth   `json:"booth"`
	Waiting []Entry `json:"waiting"`
	Active  int     `json:"active"`
	// Mine is the caller's latest place (waiting, or taken with its meeting).
	Mine *Entry `json:"mine"`
	// Position is Mine's place counting from 1, 0 when not waiting; WaitMinutes its expected
	// wait.
	Position    int    `json:"position"`
	WaitMinutes int    `json:"waitMinutes"`
	Channel     string `json:"channel"`
	Staff       bool   `json:"staff"`
}

// QueueUpdate is the payload of "queue.changed" on a booth's queue channel: the waiting places
// (ids only) in order, from which each page computes its position.
type QueueUpdate struct {
	Waiting  []int64 `json:"waiting"`
	Active   int     `json:"active"`
	Parallel int     `json:"parallel"`
	Minutes  int     `json:"minutes"`
}

// QueueChannel names a booth's queue channel.
func QueueChannel(fairID, zoneID int64) string {
	return fmt.Sprintf("%s:%d-%d", QueueChannelType, fairID, zoneID)
}

// ExpectedWait is how long the place at position waits when active of parallel conversations
// are under way and each lasts minutes.
func ExpectedWait(position, active, parallel, minutes int) int {
	if position <= 0 || parallel <= 0 {
		return 0
	}
	ahead, free := position-1, parallel-active
	if ahead < free {
		return 0
	}
	rounds := (ahead-free)/parallel + 1
	return rounds * minutes
}

// staffOf reports whether a works the booth of zoneID.
func staffOf(a *actor.Actor, zoneID int64) bool {
	return a.ManagesZone(zoneID) || (a != nil && a.Role == actor.RoleEnterprise && a.ZoneID == zoneID)
}

// booth checks the zone has a booth at the fair and returns its settings (defaults when never
// set).
func (s *Service) booth(ctx context.Context, fairID, zoneID int64) (Booth, error) {
	ok, err := s.Fair.HasBooth(ctx, fairID, zoneID)
	if err != nil {
		return Booth{}, err
	}
	if !ok {
		return Booth{}, errs.New(errs.ErrNotFound, "meeting.not_in_fair")
	}
	return s.Store.Booth(ctx, Booth{FairID: fairID, ZoneID: zoneID, Parallel: 2, Minutes: 10})
}

// active counts the booth's walk-up conversations under way; one forgotten by its host stops
// counting after twice its length.
func (s *Service) active(ctx context.Context, st *Store, b Booth) (int, error) {
	return st.Active(ctx, b, s.now().Add(-2*time.Duration(b.Minutes)*time.Minute))
}

// expire lets the places of pages gone longer than Grace go, and reports whether any did.
func (s *Service) expire(ctx context.Context, fairID, zoneID int64) (bool, error) {
	return s.Store.Expire(ctx, fairID, zoneID, s.now().Add(-Grace), s.now())
}

// sweepQueues expires stale places in every booth and tells the booths concerned.
func (s *Service) sweepQueues(ctx context.Context) error {
	booths, err := s.Store.StaleBooths(ctx, s.now().Add(-Grace))
	if err != nil {
		return err
	}
	for _, b := range booths {
		if _, err := s.expire(ctx, b.FairID, b.ZoneID); err != nil {
			return err
		}
		s.announce(ctx, b.FairID, b.ZoneID)
	}
	return nil
}

// QueueFor is the booth's queue as a sees it; it first lets stale places go.
func (s *Service) QueueFor(ctx context.Context, a *actor.Actor, fairID, zoneID int64) (Queue, error) {
	gone, err := s.expire(ctx, fairID, zoneID)
	if err != nil {
		return Queue{}, err
	}
	if gone {
		s.announce(ctx, fairID, zoneID)
	}
	return s.queue(ctx, a, fairID, zoneID)
}

func (s *Service) queue(ctx context.Context, a *actor.Actor, fairID, zoneID int64) (Queue, error) {
	b, err := s.booth(ctx, fairID, zoneID)
	if err != nil {
		return Queue{}, err
	}
	q := Queue{Booth: b, Channel: QueueChannel(fairID, zoneID), Staff: a != nil && staffOf(a, zoneID)}
	if q.Active, err = s.active(ctx, s.Store, b); err != nil {
		return q, err
	}
	if q.Waiting, err = s.Store.Waiting(ctx, fairID, zoneID, time.Time{}, 1000); err != nil {
		return q, err
	}
	if a != nil {
		if q.Mine, err = s.Store.LatestEntry(ctx, fairID, zoneID, a.UserID); err != nil {
			return q, err
		}
	}
	for i, e := range q.Waiting {
		if q.Mine != nil && e.ID == q.Mine.ID {
			q.Position = i + 1
			q.WaitMinutes = ExpectedWait(q.Position, q.Active, b.Parallel, b.Minutes)
		}
	}
	if !q.Staff {
		for i := range q.Waiting {
			q.Waiting[i].UserID = 0
		}
		return q, nil
	}
	return q, s.nameEntries(ctx, q.Waiting)
}

func (s *Service) nameEntries(ctx context.Context, es []Entry) error {
	if len(es) == 0 {
		return nil
	}
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.UserID
	}
	us, err := s.Users.ByIDs(ctx, ids)
	if err != nil {
		return err
	}
	for i := range es {
		for _, u := range us {
			if u.ID == es[i].UserID {
				es[i].Name = u.Name
			}
		}
	}
	return nil
}

// announce publishes the booth's queue to its channel after a change.
func (s *Service) announce(ctx context.Context, fairID, zoneID int64) {
	if s.Notify == nil {
		return
	}
	q, err := s.queue(ctx, nil, fairID, zoneID)
	if err != nil {
		s.log().Warn("queue announce", "err", err)
		return
	}
	u := QueueUpdate{Waiting: make([]int64, len(q.Waiting)), Active: q.Active, Parallel: q.Booth.Parallel, Minutes: q.Booth.Minutes}
	for i, e := range q.Waiting {
		u.Waiting[i] = e.ID
	}
	s.Notify.PublishTo(ctx, q.Channel, "queue.changed", u)
}

// JoinQueue puts graduate a in the booth's queue (or keeps their place when already there).
func (s *Service) JoinQueue(ctx context.Context, a *actor.Actor, fairID, zoneID int64) (Queue, error) {
	if _, err := s.booth(ctx, fairID, zoneID); err != nil {
		return Queue{}, err
	}
	now := s.now()
	if _, err := s.expire(ctx, fairID, zoneID); err != nil {
		return Queue{}, err
	}
	e := Entry{FairID: fairID, ZoneID: zoneID, UserID: a.UserID, Status: "waiting", SeenAt: now, CreatedAt: now, UpdatedAt: now}
	if err := s.Store.Enqueue(ctx, &e); err != nil {
		return Queue{}, err
	}
	if e.ID == 0 {
		if err := s.touch(ctx, a, fairID, zoneID); err != nil {
			return Queue{}, err
		}
	}
	s.announce(ctx, fairID, zoneID)
	return s.queue(ctx, a, fairID, zoneID)
}

// inQueue changes a's waiting place with cols, or fails when a is not waiting.
func (s *Service) inQueue(ctx context.Context, a *actor.Actor, fairID, zoneID int64, cols map[string]any) error {
	ok, err := s.Store.SetWaiting(ctx, fairID, zoneID, a.UserID, cols)
	if err == nil && !ok {
		err = errs.New(errs.ErrNotFound, "meeting.not_in_queue")
	}
	return err
}

// touch is the waiting page's heartbeat.
func (s *Service) touch(ctx context.Context, a *actor.Actor, fairID, zoneID int64) error {
	return s.inQueue(ctx, a, fairID, zoneID, map[string]any{"seen_at": s.now(), "updated_at": s.now()})
}

// Heartbeat keeps a's place and returns the queue.
func (s *Service) Heartbeat(ctx context.Context, a *actor.Actor, fairID, zoneID int64) (Queue, error) {
	if err := s.touch(ctx, a, fairID, zoneID); err != nil {
		return Queue{}, err
	}
	return s.QueueFor(ctx, a, fairID, zoneID)
}

// LeaveQueue gives up a's place.
func (s *Service) LeaveQueue(ctx context.Context, a *actor.Actor, fairID, zoneID int64) error {
	if err := s.inQueue(ctx, a, fairID, zoneID, map[string]any{"status": "left", "updated_at": s.now()}); err != nil {
		return err
	}
	s.announce(ctx, fairID, zoneID)
	return nil
}

// BoothInput sets a booth's walk-up settings.
type BoothInput struct {
	Parallel int `json:"parallel" validate:"required,gte=1,lte=20"`
	Minutes  int `json:"minutes" validate:"required,gte=3,lte=60"`
}

// SetBooth changes the booth's settings (its staff).
func (s *Service) SetBooth(ctx context.Context, a *actor.Actor, fairID, zoneID int64, in BoothInput) (Queue, error) {
	if !staffOf(a, zoneID) {
		return Queue{}, errs.Forbidden()
	}
	if _, err := s.booth(ctx, fairID, zoneID); err != nil {
		return Queue{}, err
	}
	b := Booth{FairID: fairID, ZoneID: zoneID, Parallel: in.Parallel, Minutes: in.Minutes, UpdatedAt: s.now()}
	if err := s.Store.SaveBooth(ctx, &b); err != nil {
		return Queue{}, err
	}
	s.announce(ctx, fairID, zoneID)
	return s.queue(ctx, a, fairID, zoneID)
}

// TakeNext starts a conversation between staff member a and the first graduate still waiting,
// unless the booth already holds Parallel conversations. Takes of one booth are serialized by
// updating its settings row first (a row lock on PostgreSQL, the write lock on SQLite), so
// concurrent takes never give one graduate to two staff nor exceed Parallel.
func (s *Service) TakeNext(ctx context.Context, a *actor.Actor, fairID, zoneID int64) (Meeting, error) {
	if !staffOf(a, zoneID) {
		return Meeting{}, errs.Forbidden()
	}
	b, err := s.booth(ctx, fairID, zoneID)
	if err != nil {
		return Meeting{}, err
	}
	if _, err := s.expire(ctx, fairID, zoneID); err != nil {
		return Meeting{}, err
	}
	var m Meeting
	var guest int64
	err = s.Store.Transaction(ctx, func(tx *Store) error {
		now := s.now()
		b.UpdatedAt = now
		if err := tx.LockBooth(ctx, &b); err != nil {
			return err
		}
		n, err := s.active(ctx, tx, b)
		if err != nil {
			return err
		}
		if n >= b.Parallel {
			return errs.New(errs.ErrConflict, "meeting.queue_busy")
		}
		next, err := tx.Waiting(ctx, fairID, zoneID, now.Add(-Grace), 1)
		if err != nil {
			return err
		}
		if len(next) == 0 {
			return errs.New(errs.ErrConflict, "meeting.queue_empty")
		}
		fid := fairID
		m = Meeting{Kind: Interview, Source: FromWalkUp, ZoneID: zoneID, FairID: &fid, HostID: a.UserID, StartsAt: now, TimeZone: "Asia/Shanghai",
			Minutes: b.Minutes, Capacity: 1, Booked: 1, Status: Open}
		if a.Role == actor.RoleEnterprise {
			ent := a.EnterpriseID
			m.EnterpriseID = &ent
		}
		if err := tx.CreateMeeting(ctx, &m); err != nil {
			return err
		}
		guest = next[0].UserID
		if err := tx.AddMembers(ctx, member{MeetingID: m.ID, UserID: a.UserID, Role: Host, CreatedAt: now}, member{MeetingID: m.ID, UserID: guest, Role: Guest, CreatedAt: now}); err != nil {
			return err
		}
		ok, err := tx.MarkTaken(ctx, next[0].ID, m.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.New(errs.ErrConflict, "meeting.queue_empty")
		}
		return s.tell(tx, []int64{guest}, "meeting.called", notice(&m))
	})
	if err != nil {
		return m, err
	}
	s.publish(ctx, []int64{guest}, "meeting.called", notice(&m))
	s.announce(ctx, fairID, zoneID)
	return s.Room(ctx, a, m.ID)
}

// QueueLiveChannel is the live channel type of booth queues, for the hub to Define: any
// signed-in visitor may follow a booth's queue (it carries place ids only, never names);
// nobody publishes from the browser.
func QueueLiveChannel() live.ChannelType {
	return live.ChannelType{
		Name: QueueChannelType,
		Rights: func(id live.Identity, _ string) live.Rights {
			if id.Anonymous() {
				return 0
			}
			return live.CanJoin
		},
		History:    20,
		HistoryTTL: time.Hour,
	}
}
