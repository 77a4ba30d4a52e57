package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"
)

// maxBacklog bounds publications held while a room fills a gap; beyond it the room drops them
// and reads them back from history instead.
const maxBacklog = 10000

// room is one channel on this hub: its local subscribers and its place in the stream. The stream
// position advances one offset at a time, so every subscriber sees the same gap-free order.
type room struct {
	h    *Hub
	name string
	t    *ChannelType
	init chan struct{} // closed once subscribed and positioned (or failed)
	err  error

	refs int       // joins in progress; guarded by the shard lock
	idle int       // sweeps seen empty; guarded by the shard lock
	kept time.Time // when the history's TTL was last renewed; only the presence loop uses it

	mu         sync.Mutex
	subs       map[*client]*sub
	synced     bool
	epoch      string
	last       uint64
	recovering bool
	backlog    []Publication
	count      int
}

// sub is one client in a room. While its join is being answered it is pending and collects the
// frames it must see after the join reply.
type sub struct {
	pending bool
	buf     [][]byte
	bytes   int
}

func (r *room) ready() bool {
	select {
	case <-r.init:
		return r.err == nil
	default:
		return false
	}
}

func (r *room) empty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.subs) == 0
}

// acquire returns the room for ch, creating and positioning it if needed; release must follow.
func (h *Hub) acquire(ctx context.Context, ch string, t *ChannelType) (*room, error) {
	s := h.shard(ch)
	s.mu.Lock()
	r := s.rooms[ch]
	create := r == nil
	if create {
		r = &room{h: h, name: ch, t: t, init: make(chan struct{}), subs: map[*client]*sub{}}
		s.rooms[ch] = r
	}
	r.refs++
	s.mu.Unlock()
	if create {
		r.err = r.open(ctx)
		close(r.init)
	}
	select {
	case <-r.init:
	case <-ctx.Done():
		h.release(r)
		return nil, ctx.Err()
	}
	if r.err != nil {
		h.release(r)
		return nil, r.err
	}
	return r, nil
}

func (h *Hub) release(r *room) {
	s := h.shard(r.name)
	s.mu.Lock()
	r.refs--
	failed := r.err != nil && r.refs == 0 && s.rooms[r.name] == r
	if failed {
		delete(s.rooms, r.name)
	}
	s.mu.Unlock()
}

func (r *room) open(ctx context.Context) error {
	if err := r.h.node.Subscribe(ctx, r.name); err != nil {
		return err
	}
	top, err := r.h.node.Top(ctx, r.name, r.t.stream())
	if err != nil {
		_ = r.h.node.Unsubscribe(context.WithoutCancel(ctx), r.name)
		return err
	}
	r.mu.Lock()
	r.epoch, r.last, r.synced = top.Epoch, top.Offset, true
	// Publications that raced with Top are in the backlog; sort them out through history.
	if len(r.backlog) > 0 && !r.recovering {
		r.recovering = true
		go r.recover()
	}
	r.mu.Unlock()
	return nil
}

func (r *room) close() {
	ctx, cancel := context.WithTimeout(r.h.ctx, 2*time.Second)
	defer cancel()
	_ = r.h.node.Unsubscribe(ctx, r.name)
}

func (r *room) deliver(p Publication) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.synced || r.recovering {
		r.hold(p)
		return
	}
	if !r.accept(p) {
		r.recovering = true
		go r.recover()
	}
}

func (r *room) hold(p Publication) {
	if len(r.backlog) >= maxBacklog {
		r.backlog = r.backlog[:0]
	}
	r.backlog = append(r.backlog, p)
}

// accept fans p out if it is the next offset; it reports false (keeping p) when offsets are
// missing before it. The caller holds r.mu.
func (r *room) accept(p Publication) bool {
	if p.Epoch != r.epoch {
		// The stream's history was lost at the source and offsets restarted.
		r.reset(p.Epoch, 0)
	}
	if p.Offset <= r.last {
		return true
	}
	if p.Offset > r.last+1 {
		r.hold(p)
		return false
	}
	r.last = p.Offset
	r.fanout(pubFrame(p))
	if bytes.HasPrefix(p.Payload, []byte(`{"kind":"mod.kick"`)) {
		r.kick(p.Payload)
	}
	return true
}

// reset tells subscribers that the history they hold is gone; they reload and continue from
// the new epoch at offset off.
func (r *room) reset(epoch string, off uint64) {
	r.epoch, r.last = epoch, off
	f, _ := json.Marshal(frame{T: "reset", Ch: r.name, Epoch: epoch, Off: &off})
	r.fanout(f)
}

// recover fills a gap (or checks after a backend reconnect) from history, then replays the
// backlog. It runs outside the backend's read loop, so a slow history read delays only this room.
func (r *room) recover() {
	delay := 100 * time.Millisecond
	for {
		r.mu.Lock()
		from, epoch := r.last, r.epoch
		r.mu.Unlock()
		ctx, cancel := context.WithTimeout(r.h.ctx, 5*time.Second)
		pubs, top, err := r.h.node.History(ctx, r.name, from, epoch, 0)
		cancel()
		if err != nil && !errors.Is(err, ErrUnrecoverable) {
			if r.h.ctx.Err() != nil || r.empty() {
				r.mu.Lock()
				r.recovering = false
				r.mu.Unlock()
				return
			}
			time.Sleep(delay)
			delay = min(2*delay, 2*time.Second)
			continue
		}
		if err != nil && top.Epoch == "" {
			// The channel is gone at the source (say Redis restarted empty): start its new epoch
			// now so clients are reset once, not again at the next publication.
			ctx, cancel := context.WithTimeout(r.h.ctx, 5*time.Second)
			if t, terr := r.h.node.Top(ctx, r.name, r.t.stream()); terr == nil {
				top = t
			}
			cancel()
		}
		r.mu.Lock()
		if err != nil {
			r.h.m.resets.Inc()
			if top.Epoch != r.epoch {
				// A new epoch: its history may still hold everything from offset 1.
				r.reset(top.Epoch, 0)
				r.mu.Unlock()
				continue
			}
			r.reset(top.Epoch, top.Offset)
		}
		for _, p := range pubs {
			r.accept(p)
		}
		backlog := r.backlog
		r.backlog = nil
		slices.SortStableFunc(backlog, func(a, b Publication) int {
			if a.Offset < b.Offset {
				return -1
			}
			if a.Offset > b.Offset {
				return 1
			}
			return 0
		})
		done := true
		for i, p := range backlog {
			if !r.accept(p) {
				r.backlog = append(r.backlog[:0], backlog[i+1:]...)
				done = false
				break
			}
		}
		if done && len(r.backlog) == 0 {
			r.recovering = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
	}
}

func (r *room) resync() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.synced && !r.recovering {
		r.recovering = true
		go r.recover()
	}
}

// fanout queues one serialized frame to every subscriber; the caller holds r.mu. Queueing never
// blocks: a client whose queue is full is disconnected instead.
func (r *room) fanout(f []byte) {
	n := 0
	for c, s := range r.subs {
		if s.pending {
			s.buf = append(s.buf, f)
			s.bytes += len(f)
			if s.bytes > r.h.o.QueueBytes {
				c.close(CloseSlow, reason("slow", jitter(time.Second, 5*time.Second)))
			}
			continue
		}
		if c.send(f) {
			n++
		}
	}
	r.h.m.deliveries.Add(float64(n))
}

func (r *room) kick(payload []byte) {
	var p struct {
		Data struct {
			User int64 `json:"user"`
		} `json:"data"`
	}
	if json.Unmarshal(payload, &p) != nil || p.Data.User == 0 {
		return
	}
	for c := range r.subs {
		if c.id.UserID == p.Data.User {
			delete(r.subs, c)
			c.forget(r.name)
			go r.h.presenceLeave(r, c)
		}
	}
}

func (r *room) setCount(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n == r.count {
		return
	}
	r.count = n
	f, _ := json.Marshal(frame{T: "count", Ch: r.name, N: &n})
	r.fanout(f)
}

func pubFrame(p Publication) []byte {
	b := make([]byte, 0, len(p.Payload)+len(p.Channel)+40)
	b = append(b, `{"t":"pub","ch":"`...)
	b = append(b, p.Channel...)
	b = append(b, `","off":`...)
	b = strconv.AppendUint(b, p.Offset, 10)
	b = append(b, ',')
	return append(b, p.Payload[1:]...)
}
