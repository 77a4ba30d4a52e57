package briefing

import (
	"context"
	"strconv"
	"sync"
	"time"

	"zonefair/app/actor"
	"zonefair/app/live"
)

// coalescer collects what changed in each room's Q&A and polls between flushes, so a burst of
// votes becomes one update per room rather than one message per vote.
type coalescer struct {
	mu        sync.Mutex
	questions map[int64]map[int64]struct{} // briefing → questions new or moderated
	votes     map[int64]map[int64]struct{} // briefing → questions with new votes
	polls     map[int64]map[int64]struct{} // briefing → poll ids
}

func newCoalescer() *coalescer {
	return &coalescer{questions: map[int64]map[int64]struct{}{}, votes: map[int64]map[int64]struct{}{}, polls: map[int64]map[int64]struct{}{}}
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

func (c *coalescer) vote(room, id int64) {
	c.mu.Lock()
	mark(c.votes, room, id)
	c.mu.Unlock()
}

func (c *coalescer) poll(room, id int64) {
	c.mu.Lock()
	mark(c.polls, room, id)
	c.mu.Unlock()
}

func (c *coalescer) take() (qs, vs, ps map[int64]map[int64]struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	qs, vs, ps = c.questions, c.votes, c.polls
	c.questions, c.votes, c.polls = map[int64]map[int64]struct{}{}, map[int64]map[int64]struct{}{}, map[int64]map[int64]struct{}{}
	return qs, vs, ps
}

func keys(m map[int64]struct{}) []int64 {
	out := make([]int64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	return out
}

// QAUpdate is the payload of "qa.update": the current state of every question that is new or
// was answered, pinned or hidden since the last update. Pages merge them by id; hidden
// questions arrive as {id, hidden: true} without their text.
type QAUpdate struct {
	Questions []Question `json:"questions"`
}

// QAVotes is the payload of "qa.votes": the vote counts of the questions upvoted since the
// last update, question id → votes. Counts are read from the database, so they include votes
// taken by every instance; pages re-sort by them.
type QAVotes struct {
	Votes map[int64]int `json:"votes"`
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
	qs, vs, ps := s.dirty.take()
	for room, ids := range vs {
		for id := range qs[room] {
			delete(ids, id) // the full question goes out anyway
		}
		if len(ids) == 0 {
			continue
		}
		rows, err := s.Store.QuestionVotes(ctx, keys(ids))
		if err != nil {
			return err
		}
		out := QAVotes{Votes: map[int64]int{}}
		for _, q := range rows {
			if !q.Hidden {
				out.Votes[q.ID] = q.Votes
			}
		}
		s.publish(ctx, room, "qa.votes", out)
	}
	for room, ids := range qs {
		rows, err := s.Store.QuestionsByID(ctx, keys(ids))
		if err != nil {
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
		polls, err := s.Store.PollsByID(ctx, keys(ids))
		if err != nil {
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
	var p *actor.Actor
	if !id.Anonymous() {
		p = &actor.Actor{UserID: id.UserID, Name: id.Name, Role: actor.Role(id.Role), ZoneID: id.ZoneID, EnterpriseID: id.EnterpriseID}
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
