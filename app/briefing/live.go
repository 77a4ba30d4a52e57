package briefing

import (
	"context"
	"strconv"
	"sync"
	"time"

	"zonefair/app/live"
	"zonefair/app/web"
)

// coalescer collects what changed in each room's Q&A and polls between flushes, so a burst of
// votes becomes one update per room rather than one message per vote.
type coalescer struct {
	mu        sync.Mutex
	questions map[int64]map[int64]struct{} // briefing → question ids
	polls     map[int64]map[int64]struct{} // briefing → poll ids
}

func newCoalescer() *coalescer {
	return &coalescer{questions: map[int64]map[int64]struct{}{}, polls: map[int64]map[int64]struct{}{}}
}

func mark(m map[int64]map[int64]struct{}, room, id int64) {
	if m[room] == nil {
		m[room] = map[int64]struct{}{}
	}
	m[room][id] = struct{}{}
}

func (c *coalescer) question(room, id int64) {
	c.mu.Lock()
	mark(c.questions, room, id)
	c.mu.Unlock()
}

func (c *coalescer) poll(room, id int64) {
	c.mu.Lock()
	mark(c.polls, room, id)
	c.mu.Unlock()
}

func (c *coalescer) take() (qs, ps map[int64]map[int64]struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	qs, ps = c.questions, c.polls
	c.questions, c.polls = map[int64]map[int64]struct{}{}, map[int64]map[int64]struct{}{}
	return qs, ps
}

// QAUpdate is the payload of "qa.update": the current state of every question that changed
// (new, voted, answered, pinned or hidden) since the last update. Pages merge them by id;
// hidden questions arrive as {id, hidden: true} without their text.
type QAUpdate struct {
	Questions []Question `json:"questions"`
}

// Tally is the payload of "poll.tally": a poll's counts per option, read from the database so
// that votes taken by every instance are included.
type Tally struct {
	PollID int64 `json:"pollId"`
	Counts []int `json:"counts"`
	Total  int   `json:"total"`
}

// Flush publishes the pending Q&A and poll updates of every room, one message per room and
// kind. Run calls it every FlushEvery; tests call it to decide when updates go out.
func (s *Service) Flush(ctx context.Context) error {
	s.init()
	qs, ps := s.dirty.take()
	for room, ids := range qs {
		list := make([]int64, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		var rows []Question
		if err := s.DB.WithContext(ctx).Where("id IN ?", list).Order("id").Find(&rows).Error; err != nil {
			return err
		}
		for i, q := range rows {
			if q.Hidden {
				rows[i] = q.redacted()
			}
		}
		s.publish(ctx, room, "qa.update", QAUpdate{Questions: rows})
	}
	for room, ids := range ps {
		list := make([]int64, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		var polls []Poll
		if err := s.DB.WithContext(ctx).Where("id IN ?", list).Order("id").Find(&polls).Error; err != nil {
			return err
		}
		if err := s.tally(ctx, polls); err != nil {
			return err
		}
		for _, p := range polls {
			s.publish(ctx, room, "poll.tally", Tally{PollID: p.ID, Counts: p.Counts, Total: p.Total})
		}
	}
	return nil
}

// Channel is the live channel type of briefing rooms, for the hub to Define. Public rooms
// admit anonymous readers; registered and invite-only rooms admit their registrants; hosts
// always; removed attendees never. Nobody publishes from the browser: every action goes
// through an HTTP route that checks and stores it, then the server publishes.
func (s *Service) Channel() live.ChannelType {
	return live.ChannelType{
		Name:       ChannelType,
		Rights:     s.rights,
		History:    500,
		HistoryTTL: 24 * time.Hour,
		Presence:   true,
		ListLimit:  100,
	}
}

func (s *Service) rights(id live.Identity, key string) live.Rights {
	bid, err := strconv.ParseInt(key, 10, 64)
	if err != nil || bid <= 0 {
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var p *web.Principal
	if !id.Anonymous() {
		p = &web.Principal{UserID: id.UserID, Name: id.Name, Role: web.Role(id.Role), ZoneID: id.ZoneID, EnterpriseID: id.EnterpriseID}
	}
	b, err := s.Get(ctx, bid)
	if err != nil {
		return 0
	}
	a, err := s.access(ctx, b, p)
	if err != nil || !a.view() || !a.enter() {
		return 0
	}
	return live.CanJoin
}
