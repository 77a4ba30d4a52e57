package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"
)

// NewMemoryBackend returns a Backend that keeps everything in this process. Several hubs may
// attach to one, which is how the tests model several instances without Redis.
func NewMemoryBackend() Backend {
	return &memory{streams: map[string]*memStream{}, presence: map[string]map[*memNode]*memMembers{},
		tickets: map[string]memTicket{}}
}

type memory struct {
	mu       sync.Mutex
	streams  map[string]*memStream
	presence map[string]map[*memNode]*memMembers
	tickets  map[string]memTicket
	seq      atomic.Int64
}

type memStream struct {
	mu      sync.Mutex
	epoch   string
	top     uint64
	buf     []Publication
	expires time.Time
	nodes   map[*memNode]int // room references per node
}

type memMembers struct {
	m       map[string][]byte
	expires time.Time
}

type memTicket struct {
	data    []byte
	expires time.Time
}

type memNode struct {
	b   *memory
	id  string
	r   Receiver
	ttl atomic.Int64
}

func (b *memory) Attach(_ context.Context, r Receiver) (Node, error) {
	n := &memNode{b: b, id: "m" + itoa(uint64(b.seq.Add(1))), r: r}
	n.ttl.Store(int64(time.Minute))
	return n, nil
}

func (b *memory) stream(ch string) *memStream {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.streams[ch]
	if s == nil {
		s = &memStream{nodes: map[*memNode]int{}}
		b.streams[ch] = s
	}
	return s
}

// expire drops history and epoch once the stream has been idle for its TTL; the caller holds s.mu.
func (s *memStream) expire(now time.Time) {
	if s.epoch != "" && !s.expires.IsZero() && now.After(s.expires) {
		s.epoch, s.top, s.buf = "", 0, nil
	}
}

func (s *memStream) ensure(now time.Time, st Stream) {
	s.expire(now)
	if s.epoch == "" {
		s.epoch = newEpoch()
	}
	if st.TTL > 0 {
		s.expires = now.Add(st.TTL)
	}
}

// forget drops a channel's history as if it had expired; tests use it to force an epoch change.
func (b *memory) forget(ch string) {
	s := b.stream(ch)
	s.mu.Lock()
	s.epoch, s.top, s.buf = "", 0, nil
	s.mu.Unlock()
}

func (n *memNode) ID() string { return n.id }

func (n *memNode) Subscribe(_ context.Context, ch string) error {
	s := n.b.stream(ch)
	s.mu.Lock()
	s.nodes[n]++
	s.mu.Unlock()
	return nil
}

func (n *memNode) Unsubscribe(_ context.Context, ch string) error {
	s := n.b.stream(ch)
	s.mu.Lock()
	if s.nodes[n]--; s.nodes[n] <= 0 {
		delete(s.nodes, n)
	}
	s.mu.Unlock()
	return nil
}

func (n *memNode) Publish(_ context.Context, ch string, payload []byte, st Stream) (Position, error) {
	s := n.b.stream(ch)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensure(time.Now(), st)
	s.top++
	p := Publication{Channel: ch, Offset: s.top, Epoch: s.epoch, Payload: payload}
	if st.Size > 0 {
		s.buf = append(s.buf, p)
		if len(s.buf) > st.Size {
			s.buf = append(s.buf[:0:0], s.buf[len(s.buf)-st.Size:]...)
		}
	}
	// Delivering under the stream lock keeps every node's view in offset order; receivers
	// never block.
	for o := range s.nodes {
		o.r.Deliver(p)
	}
	return Position{Offset: p.Offset, Epoch: p.Epoch}, nil
}

func (n *memNode) Notify(_ context.Context, ch string, frame []byte) error {
	s := n.b.stream(ch)
	s.mu.Lock()
	defer s.mu.Unlock()
	for o := range s.nodes {
		o.r.Notice(ch, frame)
	}
	return nil
}

func (n *memNode) History(_ context.Context, ch string, after uint64, epoch string, limit int) ([]Publication, Position, error) {
	s := n.b.stream(ch)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(time.Now())
	top := Position{Offset: s.top, Epoch: s.epoch}
	if epoch != "" && epoch != s.epoch {
		return nil, top, ErrUnrecoverable
	}
	if after >= s.top {
		return nil, top, nil
	}
	if len(s.buf) == 0 || after+1 < s.buf[0].Offset {
		return nil, top, ErrUnrecoverable
	}
	from := after + 1 - s.buf[0].Offset
	out := s.buf[from:]
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return append([]Publication(nil), out...), top, nil
}

func (n *memNode) Top(_ context.Context, ch string, st Stream) (Position, error) {
	s := n.b.stream(ch)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensure(time.Now(), st)
	return Position{Offset: s.top, Epoch: s.epoch}, nil
}

func (n *memNode) members(ch string) *memMembers {
	byNode := n.b.presence[ch]
	if byNode == nil {
		byNode = map[*memNode]*memMembers{}
		n.b.presence[ch] = byNode
	}
	m := byNode[n]
	if m == nil {
		m = &memMembers{m: map[string][]byte{}}
		byNode[n] = m
	}
	return m
}

func (n *memNode) PresenceAdd(_ context.Context, ch, member string, info []byte) error {
	n.b.mu.Lock()
	defer n.b.mu.Unlock()
	m := n.members(ch)
	m.m[member] = info
	m.expires = time.Now().Add(time.Duration(n.ttl.Load()))
	return nil
}

func (n *memNode) PresenceRemove(_ context.Context, ch, member string) error {
	n.b.mu.Lock()
	defer n.b.mu.Unlock()
	if m := n.b.presence[ch][n]; m != nil {
		delete(m.m, member)
	}
	return nil
}

func (n *memNode) PresenceRefresh(_ context.Context, chans []string, ttl time.Duration) error {
	n.ttl.Store(int64(ttl))
	n.b.mu.Lock()
	defer n.b.mu.Unlock()
	exp := time.Now().Add(ttl)
	for _, ch := range chans {
		n.members(ch).expires = exp
	}
	return nil
}

func (n *memNode) Presence(_ context.Context, ch string, list bool) (int, [][]byte, error) {
	n.b.mu.Lock()
	defer n.b.mu.Unlock()
	now := time.Now()
	count := 0
	var out [][]byte
	for o, m := range n.b.presence[ch] {
		if now.After(m.expires) {
			delete(n.b.presence[ch], o)
			continue
		}
		count += len(m.m)
		if list {
			for _, info := range m.m {
				out = append(out, info)
			}
		}
	}
	return count, out, nil
}

func (n *memNode) PutTicket(_ context.Context, id string, data []byte, ttl time.Duration) error {
	n.b.mu.Lock()
	defer n.b.mu.Unlock()
	now := time.Now()
	for k, t := range n.b.tickets {
		if now.After(t.expires) {
			delete(n.b.tickets, k)
		}
	}
	n.b.tickets[id] = memTicket{data: data, expires: now.Add(ttl)}
	return nil
}

func (n *memNode) TakeTicket(_ context.Context, id string) ([]byte, error) {
	n.b.mu.Lock()
	defer n.b.mu.Unlock()
	t, ok := n.b.tickets[id]
	delete(n.b.tickets, id)
	if !ok || time.Now().After(t.expires) {
		return nil, ErrTicket
	}
	return t.data, nil
}

func (n *memNode) Ready(context.Context) error { return nil }

func (n *memNode) Close(_ context.Context, crash bool) error {
	n.b.mu.Lock()
	streams := make([]*memStream, 0, len(n.b.streams))
	for _, s := range n.b.streams {
		streams = append(streams, s)
	}
	if !crash {
		for _, byNode := range n.b.presence {
			delete(byNode, n)
		}
	}
	n.b.mu.Unlock()
	for _, s := range streams {
		s.mu.Lock()
		delete(s.nodes, n)
		s.mu.Unlock()
	}
	return nil
}

func newEpoch() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
