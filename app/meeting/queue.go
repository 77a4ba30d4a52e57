package meeting

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"zonefair/app/errs"
	"zonefair/app/live"
	"zonefair/app/web"
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

// staffOf reports whether p works the booth of zoneID.
func staffOf(p *web.Principal, zoneID int64) bool {
	return p.ManagesZone(zoneID) || (p.Role == web.RoleEnterprise && p.ZoneID == zoneID)
}

// booth checks the zone has a booth at the fair and returns its settings (defaults when never
// set).
func (s *Service) booth(ctx context.Context, tx *gorm.DB, fairID, zoneID int64) (Booth, error) {
	var n int64
	if err := tx.WithContext(ctx).Table("fair_zones").Where("fair_id = ? AND zone_id = ?", fairID, zoneID).Count(&n).Error; err != nil {
		return Booth{}, err
	}
	if n == 0 {
		return Booth{}, errs.New(errs.ErrNotFound, "meeting.not_in_fair")
	}
	b := Booth{FairID: fairID, ZoneID: zoneID, Parallel: 2, Minutes: 10}
	err := tx.WithContext(ctx).Where("fair_id = ? AND zone_id = ?", fairID, zoneID).Limit(1).Find(&b).Error
	return b, err
}

// active counts the booth's walk-up conversations under way; one forgotten by its host stops
// counting after twice its length.
func (s *Service) active(tx *gorm.DB, b Booth) (int, error) {
	var n int64
	err := tx.Model(&Meeting{}).Where("fair_id = ? AND zone_id = ? AND source = ? AND status = ? AND starts_at > ?",
		b.FairID, b.ZoneID, FromWalkUp, Open, s.now().Add(-2*time.Duration(b.Minutes)*time.Minute)).Count(&n).Error
	return int(n), err
}

// expire lets the places of pages gone longer than Grace go, and reports whether any did.
func (s *Service) expire(ctx context.Context, fairID, zoneID int64) (bool, error) {
	res := s.DB.WithContext(ctx).Model(&Entry{}).Where("fair_id = ? AND zone_id = ? AND status = ? AND seen_at < ?", fairID, zoneID, "waiting", s.now().Add(-Grace)).
		Updates(map[string]any{"status": "left", "updated_at": s.now()})
	return res.RowsAffected > 0, res.Error
}

// sweepQueues expires stale places in every booth and tells the booths concerned.
func (s *Service) sweepQueues(ctx context.Context) error {
	var booths []struct{ FairID, ZoneID int64 }
	if err := s.DB.WithContext(ctx).Model(&Entry{}).Distinct("fair_id", "zone_id").Where("status = ? AND seen_at < ?", "waiting", s.now().Add(-Grace)).Scan(&booths).Error; err != nil {
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

// QueueFor is the booth's queue as p sees it; it first lets stale places go.
func (s *Service) QueueFor(ctx context.Context, p *web.Principal, fairID, zoneID int64) (Queue, error) {
	gone, err := s.expire(ctx, fairID, zoneID)
	if err != nil {
		return Queue{}, err
	}
	if gone {
		s.announce(ctx, fairID, zoneID)
	}
	return s.queue(ctx, p, fairID, zoneID)
}

func (s *Service) queue(ctx context.Context, p *web.Principal, fairID, zoneID int64) (Queue, error) {
	g := s.DB.WithContext(ctx)
	b, err := s.booth(ctx, g, fairID, zoneID)
	if err != nil {
		return Queue{}, err
	}
	q := Queue{Booth: b, Waiting: []Entry{}, Channel: QueueChannel(fairID, zoneID), Staff: p != nil && staffOf(p, zoneID)}
	if q.Active, err = s.active(g, b); err != nil {
		return q, err
	}
	if err := g.Where("fair_id = ? AND zone_id = ? AND status = ?", fairID, zoneID, "waiting").Order("id").Limit(1000).Find(&q.Waiting).Error; err != nil {
		return q, err
	}
	if p != nil {
		var mine []Entry
		if err := g.Where("fair_id = ? AND zone_id = ? AND user_id = ?", fairID, zoneID, p.UserID).Order("id DESC").Limit(1).Find(&mine).Error; err != nil {
			return q, err
		}
		if len(mine) == 1 {
			q.Mine = &mine[0]
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
	var us []struct {
		ID   int64
		Name string
	}
	if err := s.DB.WithContext(ctx).Table("users").Select("id, name").Where("id IN ?", ids).Scan(&us).Error; err != nil {
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

// JoinQueue puts graduate p in the booth's queue (or keeps their place when already there).
func (s *Service) JoinQueue(ctx context.Context, p *web.Principal, fairID, zoneID int64) (Queue, error) {
	if _, err := s.booth(ctx, s.DB, fairID, zoneID); err != nil {
		return Queue{}, err
	}
	now := s.now()
	if _, err := s.expire(ctx, fairID, zoneID); err != nil {
		return Queue{}, err
	}
	e := Entry{FairID: fairID, ZoneID: zoneID, UserID: p.UserID, Status: "waiting", SeenAt: now, CreatedAt: now, UpdatedAt: now}
	// The partial unique index keeps one waiting place per graduate however often they click.
	err := s.DB.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&e).Error
	if err != nil {
		return Queue{}, err
	}
	if e.ID == 0 {
		if err := s.touch(ctx, p, fairID, zoneID); err != nil {
			return Queue{}, err
		}
	}
	s.announce(ctx, fairID, zoneID)
	return s.queue(ctx, p, fairID, zoneID)
}

// touch is the waiting page's heartbeat.
func (s *Service) touch(ctx context.Context, p *web.Principal, fairID, zoneID int64) error {
	res := s.DB.WithContext(ctx).Model(&Entry{}).Where("fair_id = ? AND zone_id = ? AND user_id = ? AND status = ?", fairID, zoneID, p.UserID, "waiting").
		Updates(map[string]any{"seen_at": s.now(), "updated_at": s.now()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.ErrNotFound, "meeting.not_in_queue")
	}
	return nil
}

// Heartbeat keeps p's place and returns the queue.
func (s *Service) Heartbeat(ctx context.Context, p *web.Principal, fairID, zoneID int64) (Queue, error) {
	if err := s.touch(ctx, p, fairID, zoneID); err != nil {
		return Queue{}, err
	}
	return s.QueueFor(ctx, p, fairID, zoneID)
}

// LeaveQueue gives up p's place.
func (s *Service) LeaveQueue(ctx context.Context, p *web.Principal, fairID, zoneID int64) error {
	res := s.DB.WithContext(ctx).Model(&Entry{}).Where("fair_id = ? AND zone_id = ? AND user_id = ? AND status = ?", fairID, zoneID, p.UserID, "waiting").
		Updates(map[string]any{"status": "left", "updated_at": s.now()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.ErrNotFound, "meeting.not_in_queue")
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
func (s *Service) SetBooth(ctx context.Context, p *web.Principal, fairID, zoneID int64, in BoothInput) (Queue, error) {
	if !staffOf(p, zoneID) {
		return Queue{}, errs.Forbidden()
	}
	if _, err := s.booth(ctx, s.DB, fairID, zoneID); err != nil {
		return Queue{}, err
	}
	b := Booth{FairID: fairID, ZoneID: zoneID, Parallel: in.Parallel, Minutes: in.Minutes, UpdatedAt: s.now()}
	err := s.DB.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "fair_id"}, {Name: "zone_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"parallel", "minutes", "updated_at"})}).Create(&b).Error
	if err != nil {
		return Queue{}, err
	}
	s.announce(ctx, fairID, zoneID)
	return s.queue(ctx, p, fairID, zoneID)
}

// TakeNext starts a conversation between staff member p and the first graduate still waiting,
// unless the booth already holds Parallel conversations. Takes of one booth are serialized by
// updating its settings row first (a row lock on PostgreSQL, the write lock on SQLite), so
// concurrent takes never give one graduate to two staff nor exceed Parallel.
func (s *Service) TakeNext(ctx context.Context, p *web.Principal, fairID, zoneID int64) (Meeting, error) {
	if !staffOf(p, zoneID) {
		return Meeting{}, errs.Forbidden()
	}
	b, err := s.booth(ctx, s.DB, fairID, zoneID)
	if err != nil {
		return Meeting{}, err
	}
	if _, err := s.expire(ctx, fairID, zoneID); err != nil {
		return Meeting{}, err
	}
	var m Meeting
	var guest int64
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		b.UpdatedAt = now
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "fair_id"}, {Name: "zone_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"updated_at"})}).Create(&b).Error; err != nil {
			return err
		}
		if err := tx.Where("fair_id = ? AND zone_id = ?", fairID, zoneID).Take(&b).Error; err != nil {
			return err
		}
		n, err := s.active(tx, b)
		if err != nil {
			return err
		}
		if n >= b.Parallel {
			return errs.New(errs.ErrConflict, "meeting.queue_busy")
		}
		var next []Entry
		if err := tx.Where("fair_id = ? AND zone_id = ? AND status = ? AND seen_at >= ?", fairID, zoneID, "waiting", now.Add(-Grace)).Order("id").Limit(1).Find(&next).Error; err != nil {
			return err
		}
		if len(next) == 0 {
			return errs.New(errs.ErrConflict, "meeting.queue_empty")
		}
		fid := fairID
		m = Meeting{Kind: Interview, Source: FromWalkUp, ZoneID: zoneID, FairID: &fid, HostID: p.UserID, StartsAt: now, TimeZone: "Asia/Shanghai",
			Minutes: b.Minutes, Capacity: 1, Booked: 1, Status: Open}
		if p.Role == web.RoleEnterprise {
			ent := p.EnterpriseID
			m.EnterpriseID = &ent
		}
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		guest = next[0].UserID
		if err := tx.Create([]member{{MeetingID: m.ID, UserID: p.UserID, Role: Host, CreatedAt: now}, {MeetingID: m.ID, UserID: guest, Role: Guest, CreatedAt: now}}).Error; err != nil {
			return err
		}
		res := tx.Model(&Entry{}).Where("id = ? AND status = ?", next[0].ID, "waiting").Updates(map[string]any{"status": "taken", "meeting_id": m.ID, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.ErrConflict, "meeting.queue_empty")
		}
		return s.tell(tx, []int64{guest}, "meeting.called", notice(&m))
	})
	if err != nil {
		return m, err
	}
	s.publish(ctx, []int64{guest}, "meeting.called", notice(&m))
	s.announce(ctx, fairID, zoneID)
	return s.Room(ctx, p, m.ID)
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
