package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/prometheus/client_golang/prometheus"
)

// Options configure a Hub. Zero limits take the defaults noted.
type Options struct {
	Backend        Backend // required
	Authenticate   Authenticator
	AllowedOrigins []string // browser origins allowed to connect besides the request's own host
	Logger         *slog.Logger
	Registerer     prometheus.Registerer
	// EnableBench defines the "bench" channel type (anyone may join and publish).
	EnableBench bool

	MaxMessageSize int64 // largest client message, default 16 KiB
	QueueBytes     int   // outbound queue cap per connection, default 1 MiB
	// SendBuffer caps the kernel's send buffer per connection (default 256 KiB; -1 leaves the
	// kernel's autotuning, which lets a stalled client pin megabytes before QueueBytes applies).
	SendBuffer       int
	Rate             float64       // client messages per second, default 20
	Burst            int           // default 40
	MaxChannels      int           // channels one connection may join, default 32
	PingInterval     time.Duration // default 25s
	PongTimeout      time.Duration // default 10s
	WriteTimeout     time.Duration // default 10s
	TicketTTL        time.Duration // default 30s
	PresenceInterval time.Duration // presence refresh and count updates, default 5s
	Shards           int           // default 16
}

func (o *Options) defaults() {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = 16 << 10
	}
	if o.QueueBytes <= 0 {
		o.QueueBytes = 1 << 20
	}
	if o.SendBuffer == 0 {
		o.SendBuffer = 256 << 10
	}
	if o.Rate <= 0 {
		o.Rate = 20
	}
	if o.Burst <= 0 {
		o.Burst = 40
	}
	if o.MaxChannels <= 0 {
		o.MaxChannels = 32
	}
	if o.Shards <= 0 {
		o.Shards = 16
	}
	def(&o.PingInterval, 25*time.Second)
	def(&o.PongTimeout, 10*time.Second)
	def(&o.WriteTimeout, 10*time.Second)
	def(&o.TicketTTL, 30*time.Second)
	def(&o.PresenceInterval, 5*time.Second)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Hub is the process's real-time engine: it holds the connections, routes publications to
// them and talks to the Backend. Create one per process with New.
type Hub struct {
	o      Options
	log    *slog.Logger
	node   Node
	m      *metrics
	seed   maphash.Seed
	shards []*shard
	pool   websocket.BufferPool
	flush  []*flusher

	tmu   sync.RWMutex
	types map[string]*ChannelType

	seq     atomic.Uint64
	closing atomic.Bool
	conns   sync.WaitGroup
	cancel  context.CancelFunc
	loops   sync.WaitGroup
	ctx     context.Context
}

type shard struct {
	mu      sync.Mutex
	rooms   map[string]*room
	clients map[*client]struct{}
}

// New starts a hub on the given backend.
func New(opts Options) (*Hub, error) {
	if opts.Backend == nil {
		return nil, errors.New("live: Options.Backend is required")
	}
	opts.defaults()
	ctx, cancel := context.WithCancel(context.Background())
	h := &Hub{o: opts, log: opts.Logger.With("component", "live"), seed: maphash.MakeSeed(),
		types: map[string]*ChannelType{}, cancel: cancel, ctx: ctx, pool: &sync.Pool{}}
	for range opts.Shards {
		h.shards = append(h.shards, &shard{rooms: map[string]*room{}, clients: map[*client]struct{}{}})
	}
	m, err := newMetrics(opts.Registerer, h)
	if err != nil {
		cancel()
		return nil, err
	}
	h.m = m
	node, err := opts.Backend.Attach(ctx, h)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("live: attach backend: %w", err)
	}
	h.node = node
	h.Define(userType())
	if opts.EnableBench {
		h.Define(benchType())
	}
	// Give a fresh Redis connection a moment so the first joins do not fail; a hub whose
	// Redis is down still starts and serves what it can.
	wait, stop := context.WithTimeout(ctx, 3*time.Second)
	for node.Ready(wait) != nil && wait.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	h.loops.Add(2)
	go h.presenceLoop()
	go h.pingLoop()
	// One flusher per core writes what broadcasts queue (see flusher).
	for range runtime.GOMAXPROCS(0) {
		f := newFlusher()
		h.flush = append(h.flush, f)
		h.loops.Add(1)
		go func() { defer h.loops.Done(); f.run(ctx.Done()) }()
	}
	return h, nil
}

// Define registers a channel type; it panics on a bad or duplicate name, which is a
// programming error.
func (h *Hub) Define(t ChannelType) {
	if !typeName.MatchString(t.Name) {
		panic("live: bad channel type name " + t.Name)
	}
	if t.History <= 0 {
		t.History = 100
	}
	if t.HistoryTTL <= 0 {
		t.HistoryTTL = time.Hour
	}
	if t.ListLimit <= 0 {
		t.ListLimit = 100
	}
	h.tmu.Lock()
	defer h.tmu.Unlock()
	if _, dup := h.types[t.Name]; dup {
		panic("live: channel type defined twice: " + t.Name)
	}
	h.types[t.Name] = &t
}

func (h *Hub) channelType(ch string) (*ChannelType, string, error) {
	typ, key, err := splitChannel(ch)
	if err != nil {
		return nil, "", err
	}
	h.tmu.RLock()
	t := h.types[typ]
	h.tmu.RUnlock()
	if t == nil {
		return nil, "", errChannel
	}
	return t, key, nil
}

// Publish sends a server-side publication (sender "system") to a channel and returns its offset.
func (h *Hub) Publish(ctx context.Context, channel, kind string, data any) (uint64, error) {
	t, _, err := h.channelType(channel)
	if err != nil {
		return 0, fmt.Errorf("live: publish to %q: %w", channel, err)
	}
	if !kindName.MatchString(kind) {
		return 0, fmt.Errorf("live: bad kind %q", kind)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return 0, fmt.Errorf("live: encode %s: %w", kind, err)
	}
	pos, err := h.node.Publish(ctx, channel, payload(kind, Identity{}, raw), t.stream())
	if err != nil {
		return 0, err
	}
	h.m.published.Inc()
	return pos.Offset, nil
}

// Ready reports an error while fan-out between instances (Redis) is degraded.
func (h *Hub) Ready(ctx context.Context) error { return h.node.Ready(ctx) }

// DisconnectUser closes every connection of a user (after logout or a role change) with
// CloseReauth, so their clients fetch a new ticket.
func (h *Hub) DisconnectUser(userID int64) {
	h.eachClient(func(c *client) {
		if c.id.UserID == userID {
			c.close(CloseReauth, reason("reauth", 0))
		}
	})
}

// Shutdown tells every client to reconnect (to another instance or after the restart), waits
// for the connections to drain until ctx ends, then detaches from the backend.
func (h *Hub) Shutdown(ctx context.Context) error {
	if h.closing.Swap(true) {
		return nil
	}
	h.eachClient(func(c *client) {
		c.close(CloseRestart, reason("restart", jitter(500*time.Millisecond, 5*time.Second)))
	})
	drained := make(chan struct{})
	go func() { h.conns.Wait(); close(drained) }()
	var err error
	select {
	case <-drained:
	case <-ctx.Done():
		err = fmt.Errorf("live: shutdown: %w", ctx.Err())
		h.eachClient(func(c *client) { c.kill() })
		<-drained
	}
	h.cancel()
	h.loops.Wait()
	cctx, stop := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer stop()
	if cerr := h.node.Close(cctx, false); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// crash stops the hub as a killed process would: connections drop and presence records are
// left to expire. Tests use it.
func (h *Hub) crash() {
	h.closing.Store(true)
	h.eachClient(func(c *client) { c.kill() })
	h.conns.Wait()
	h.cancel()
	h.loops.Wait()
	_ = h.node.Close(context.Background(), true)
}

func (h *Hub) shard(key string) *shard {
	return h.shards[maphash.String(h.seed, key)%uint64(len(h.shards))]
}

func (h *Hub) eachClient(f func(*client)) {
	for _, s := range h.shards {
		s.mu.Lock()
		cs := make([]*client, 0, len(s.clients))
		for c := range s.clients {
			cs = append(cs, c)
		}
		s.mu.Unlock()
		for _, c := range cs {
			f(c)
		}
	}
}

func (h *Hub) eachRoom(f func(*room)) {
	for _, s := range h.shards {
		s.mu.Lock()
		rs := make([]*room, 0, len(s.rooms))
		for _, r := range s.rooms {
			rs = append(rs, r)
		}
		s.mu.Unlock()
		for _, r := range rs {
			f(r)
		}
	}
}

func (h *Hub) lookup(ch string) *room {
	s := h.shard(ch)
	s.mu.Lock()
	r := s.rooms[ch]
	s.mu.Unlock()
	return r
}

// Deliver implements Receiver.
func (h *Hub) Deliver(p Publication) {
	if r := h.lookup(p.Channel); r != nil {
		r.deliver(p)
	}
}

// Notice implements Receiver.
func (h *Hub) Notice(ch string, frame []byte) {
	if r := h.lookup(ch); r != nil {
		r.mu.Lock()
		r.fanout(frame)
		r.mu.Unlock()
	}
}

// Resync implements Receiver: after the fan-out connection came back, every room checks
// history for what it missed.
func (h *Hub) Resync() {
	h.eachRoom(func(r *room) { r.resync() })
}

func (h *Hub) pingLoop() {
	defer h.loops.Done()
	t := time.NewTicker(h.o.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-t.C:
			h.eachClient(func(c *client) { c.pingSoon() })
		}
	}
}

// presenceLoop keeps this node's presence records alive, sends member counts when they change,
// and drops rooms nobody has joined for a full interval.
func (h *Hub) presenceLoop() {
	defer h.loops.Done()
	t := time.NewTicker(h.o.PresenceInterval)
	defer t.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-t.C:
		}
		var chans []string
		var rooms []*room
		h.eachRoom(func(r *room) {
			if r.t.Presence && r.ready() {
				chans = append(chans, r.name)
				rooms = append(rooms, r)
			}
		})
		ctx, cancel := context.WithTimeout(h.ctx, h.o.PresenceInterval)
		if err := h.node.PresenceRefresh(ctx, chans, 3*h.o.PresenceInterval); err != nil {
			h.log.Warn("presence refresh failed", "err", err)
		}
		for _, r := range rooms {
			if n, _, err := h.node.Presence(ctx, r.name, false); err == nil {
				r.setCount(n)
			}
		}
		cancel()
		h.keepHistory()
		h.sweep()
	}
}

// keepHistory renews the history of channels that have subscribers here, so that a briefing or
// a booth that stays quiet longer than its channel type's HistoryTTL does not lose its offsets
// and reset everyone at the next publication. Each room is renewed once a quarter of its TTL.
func (h *Hub) keepHistory() {
	now := time.Now()
	h.eachRoom(func(r *room) {
		if !r.ready() || r.empty() || now.Sub(r.kept) < r.t.HistoryTTL/4 {
			return
		}
		ctx, cancel := context.WithTimeout(h.ctx, h.o.PresenceInterval)
		top, err := h.node.Top(ctx, r.name, r.t.stream())
		cancel()
		if err != nil {
			return // the backend is down; Resync catches up when it is back
		}
		r.kept = now
		r.mu.Lock()
		lost := top.Epoch != r.epoch
		r.mu.Unlock()
		if lost {
			r.resync()
		}
	})
}

func (h *Hub) sweep() {
	for _, s := range h.shards {
		s.mu.Lock()
		var gone []*room
		for ch, r := range s.rooms {
			if r.refs == 0 && r.empty() {
				if r.idle++; r.idle > 1 {
					delete(s.rooms, ch)
					gone = append(gone, r)
				}
			} else {
				r.idle = 0
			}
		}
		s.mu.Unlock()
		for _, r := range gone {
			r.close()
		}
	}
}

func payload(kind string, from Identity, data []byte) []byte {
	b := make([]byte, 0, len(data)+len(kind)+64)
	b = append(b, `{"kind":"`...)
	b = append(b, kind...)
	b = append(b, `","from":`...)
	f, _ := json.Marshal(struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}{from.UserID, from.Name})
	b = append(b, f...)
	b = append(b, `,"data":`...)
	b = append(b, data...)
	return append(b, '}')
}
