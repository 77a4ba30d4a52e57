package live

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// NewRedisBackend returns a Backend that keeps history, presence and tickets in Redis and carries
// publications between instances over Redis pub/sub. prefix namespaces every key and channel.
func NewRedisBackend(client *redis.Client, prefix string) Backend {
	return &redisBackend{c: client, p: prefix, probe: 2 * time.Second}
}

type redisBackend struct {
	c     *redis.Client
	p     string
	probe time.Duration // how often each node checks its pub/sub connection end to end
}

// publishScript assigns the offset, appends to the capped stream and publishes in one step, so
// the order of offsets, history and live delivery is the same everywhere.
var publishScript = redis.NewScript(`
local e = redis.call('hget', KEYS[2], 'e')
if not e then
  e = ARGV[5]
  redis.call('del', KEYS[1])
  redis.call('hset', KEYS[2], 'e', e, 'o', 0)
end
local o = redis.call('hincrby', KEYS[2], 'o', 1)
local size = tonumber(ARGV[2])
if size > 0 then
  redis.call('xadd', KEYS[1], 'MAXLEN', size, o .. '-1', 'd', ARGV[1])
end
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('expire', KEYS[2], ttl)
  if size > 0 then redis.call('expire', KEYS[1], ttl) end
end
redis.call('publish', ARGV[4], 'p' .. o .. ',' .. e .. ',' .. ARGV[1])
return {o, e}
`)

var topScript = redis.NewScript(`
local e = redis.call('hget', KEYS[2], 'e')
if not e then
  e = ARGV[1]
  redis.call('del', KEYS[1])
  redis.call('hset', KEYS[2], 'e', e, 'o', 0)
end
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('expire', KEYS[2], ttl)
  redis.call('expire', KEYS[1], ttl)
end
return {redis.call('hget', KEYS[2], 'o'), e}
`)

func (b *redisBackend) Attach(ctx context.Context, r Receiver) (Node, error) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	n := &redisNode{b: b, id: newEpoch() + newEpoch(), r: r, chans: map[string]int{},
		waiters: map[string][]chan struct{}{}, pres: map[string]bool{}, cancel: cancel,
		done: make(chan struct{})}
	n.ttl.Store(int64(time.Minute))
	go n.run(ctx)
	return n, nil
}

type redisNode struct {
	b      *redisBackend
	id     string
	r      Receiver
	ttl    atomic.Int64
	cancel context.CancelFunc
	done   chan struct{}

	// order keeps SUBSCRIBE and UNSUBSCRIBE commands in the order of the reference counts: without
	// it, a room going away could send its UNSUBSCRIBE after its successor's SUBSCRIBE, and
	// Redis would stop routing the channel to a node whose room still has clients.
	order sync.Mutex

	mu      sync.Mutex
	chans   map[string]int // channels this node wants (room references); resubscribed after every reconnect
	ps      *redis.PubSub  // nil while disconnected
	waiters map[string][]chan struct{}
	pres    map[string]bool

	healthy   atomic.Bool
	lastProbe atomic.Int64
}

func (n *redisNode) ID() string { return n.id }

func (n *redisNode) key(ch, suffix string) string { return n.b.p + "{" + ch + "}:" + suffix }
func (n *redisNode) wire(ch string) string        { return n.b.p + "c:" + ch }
func (n *redisNode) probeWire() string            { return n.b.p + "probe:" + n.id }

func unavailable(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrUnavailable, err)
}

// run keeps one pub/sub connection alive. It never hands work that could block to anyone: the
// hub's Deliver only enqueues. A connection that stops echoing probes is replaced.
func (n *redisNode) run(ctx context.Context) {
	defer close(n.done)
	go n.probeLoop(ctx)
	first := true
	backoff := 50 * time.Millisecond
	for ctx.Err() == nil {
		if n.session(ctx, first) {
			first = false
			backoff = 50 * time.Millisecond
		}
		n.healthy.Store(false)
		select {
		case <-ctx.Done():
		case <-time.After(backoff/2 + rand.N(backoff)):
		}
		backoff = min(backoff*2, 2*time.Second)
	}
}

// session runs one pub/sub connection until it fails; it reports whether it ever got going.
func (n *redisNode) session(ctx context.Context, first bool) (started bool) {
	ps := n.b.c.Subscribe(ctx)
	defer ps.Close()
	n.mu.Lock()
	keys := []string{n.probeWire()}
	for ch := range n.chans {
		keys = append(keys, n.wire(ch))
	}
	n.ps = ps
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		if n.ps == ps {
			n.ps = nil
		}
		n.mu.Unlock()
	}()
	// A channel unsubscribed meanwhile may be subscribed here again: its publications then
	// find no room and are ignored.
	if err := ps.Subscribe(ctx, keys...); err != nil {
		return false
	}
	timeout := 3 * n.b.probe
	for {
		msg, err := ps.ReceiveTimeout(ctx, timeout)
		if err != nil {
			return started
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind != "subscribe" {
				continue
			}
			if m.Channel == n.probeWire() {
				started = true
				n.lastProbe.Store(time.Now().UnixNano())
				n.healthy.Store(true)
				if !first {
					n.r.Resync()
				}
				continue
			}
			n.confirm(m.Channel)
		case *redis.Message:
			if m.Channel == n.probeWire() {
				n.lastProbe.Store(time.Now().UnixNano())
				continue
			}
			n.dispatch(m)
		}
		if time.Since(time.Unix(0, n.lastProbe.Load())) > timeout {
			return started
		}
	}
}

func (n *redisNode) confirm(wire string) {
	ch := strings.TrimPrefix(wire, n.b.p+"c:")
	n.mu.Lock()
	ws := n.waiters[ch]
	delete(n.waiters, ch)
	n.mu.Unlock()
	for _, w := range ws {
		close(w)
	}
}

func (n *redisNode) dispatch(m *redis.Message) {
	ch, ok := strings.CutPrefix(m.Channel, n.b.p+"c:")
	if !ok || m.Payload == "" {
		return
	}
	switch m.Payload[0] {
	case 'n':
		n.r.Notice(ch, []byte(m.Payload[1:]))
	case 'p':
		off, rest, ok1 := strings.Cut(m.Payload[1:], ",")
		epoch, payload, ok2 := strings.Cut(rest, ",")
		o, err := strconv.ParseUint(off, 10, 64)
		if !ok1 || !ok2 || err != nil {
			return
		}
		n.r.Deliver(Publication{Channel: ch, Offset: o, Epoch: epoch, Payload: []byte(payload)})
	}
}

// probeLoop publishes to the node's own probe channel; the read loop must see each probe come
// back, which proves the subscription is alive rather than assuming it.
func (n *redisNode) probeLoop(ctx context.Context) {
	t := time.NewTicker(n.b.probe)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, n.b.probe)
			n.b.c.Publish(pctx, n.probeWire(), "1")
			cancel()
		}
	}
}

func (n *redisNode) Ready(context.Context) error {
	if !n.healthy.Load() || time.Since(time.Unix(0, n.lastProbe.Load())) > 3*n.b.probe {
		return fmt.Errorf("%w: redis pub/sub is not delivering", ErrUnavailable)
	}
	return nil
}

func (n *redisNode) Subscribe(ctx context.Context, ch string) error {
	w := make(chan struct{})
	n.order.Lock()
	n.mu.Lock()
	ps := n.ps
	if ps == nil || !n.healthy.Load() {
		n.mu.Unlock()
		n.order.Unlock()
		return ErrUnavailable
	}
	// Counting references lets a room that is going away unsubscribe late without cutting off
	// its successor.
	n.chans[ch]++
	n.waiters[ch] = append(n.waiters[ch], w)
	n.mu.Unlock()
	err := ps.Subscribe(ctx, n.wire(ch))
	n.order.Unlock()
	if err != nil {
		return unavailable(err)
	}
	// Only the confirmation proves that Redis will route later publishes to this node.
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-w:
		return nil
	case <-t.C:
		return fmt.Errorf("%w: subscribe %s not confirmed", ErrUnavailable, ch)
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (n *redisNode) Unsubscribe(ctx context.Context, ch string) error {
	n.order.Lock()
	defer n.order.Unlock()
	n.mu.Lock()
	if n.chans[ch]--; n.chans[ch] > 0 {
		n.mu.Unlock()
		return nil
	}
	delete(n.chans, ch)
	ps := n.ps
	n.mu.Unlock()
	if ps == nil {
		return nil
	}
	return unavailable(ps.Unsubscribe(ctx, n.wire(ch)))
}

func (n *redisNode) Publish(ctx context.Context, ch string, payload []byte, s Stream) (Position, error) {
	res, err := publishScript.Run(ctx, n.b.c, []string{n.key(ch, "s"), n.key(ch, "m")},
		payload, s.Size, int64(s.TTL/time.Second), n.wire(ch), newEpoch()).Slice()
	if err != nil {
		return Position{}, unavailable(err)
	}
	return scriptPosition(res)
}

func scriptPosition(res []any) (Position, error) {
	if len(res) != 2 {
		return Position{}, fmt.Errorf("live: unexpected script reply %v", res)
	}
	var off uint64
	switch v := res[0].(type) {
	case int64:
		off = uint64(v)
	case string:
		o, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return Position{}, fmt.Errorf("live: bad offset %q", v)
		}
		off = o
	}
	e, _ := res[1].(string)
	return Position{Offset: off, Epoch: e}, nil
}

func (n *redisNode) Notify(ctx context.Context, ch string, frame []byte) error {
	return unavailable(n.b.c.Publish(ctx, n.wire(ch), append([]byte{'n'}, frame...)).Err())
}

func (n *redisNode) History(ctx context.Context, ch string, after uint64, epoch string, limit int) ([]Publication, Position, error) {
	if limit <= 0 {
		limit = 1 << 20
	}
	var meta *redis.SliceCmd
	var xr *redis.XMessageSliceCmd
	_, err := n.b.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		meta = p.HMGet(ctx, n.key(ch, "m"), "e", "o")
		xr = p.XRangeN(ctx, n.key(ch, "s"), "("+strconv.FormatUint(after, 10)+"-1", "+", int64(limit))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, Position{}, unavailable(err)
	}
	var top Position
	if v := meta.Val(); len(v) == 2 {
		top.Epoch, _ = v[0].(string)
		if s, ok := v[1].(string); ok {
			top.Offset, _ = strconv.ParseUint(s, 10, 64)
		}
	}
	if epoch != "" && epoch != top.Epoch {
		return nil, top, ErrUnrecoverable
	}
	if after >= top.Offset {
		return nil, top, nil
	}
	out := make([]Publication, 0, len(xr.Val()))
	for _, m := range xr.Val() {
		id, _, _ := strings.Cut(m.ID, "-")
		o, _ := strconv.ParseUint(id, 10, 64)
		d, _ := m.Values["d"].(string)
		out = append(out, Publication{Channel: ch, Offset: o, Epoch: top.Epoch, Payload: []byte(d)})
	}
	if len(out) == 0 || out[0].Offset != after+1 {
		return nil, top, ErrUnrecoverable
	}
	return out, top, nil
}

func (n *redisNode) Top(ctx context.Context, ch string, s Stream) (Position, error) {
	res, err := topScript.Run(ctx, n.b.c, []string{n.key(ch, "s"), n.key(ch, "m")},
		newEpoch(), int64(s.TTL/time.Second)).Slice()
	if err != nil {
		return Position{}, unavailable(err)
	}
	return scriptPosition(res)
}

func (n *redisNode) PresenceAdd(ctx context.Context, ch, member string, info []byte) error {
	n.mu.Lock()
	n.pres[ch] = true
	n.mu.Unlock()
	ttl := time.Duration(n.ttl.Load())
	h := n.key(ch, "p:"+n.id)
	_, err := n.b.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, h, member, info)
		p.PExpire(ctx, h, ttl)
		p.ZAdd(ctx, n.key(ch, "pn"), redis.Z{Score: float64(time.Now().Add(ttl).UnixMilli()), Member: n.id})
		p.PExpire(ctx, n.key(ch, "pn"), 2*ttl)
		return nil
	})
	return unavailable(err)
}

func (n *redisNode) PresenceRemove(ctx context.Context, ch, member string) error {
	return unavailable(n.b.c.HDel(ctx, n.key(ch, "p:"+n.id), member).Err())
}

func (n *redisNode) PresenceRefresh(ctx context.Context, chans []string, ttl time.Duration) error {
	n.ttl.Store(int64(ttl))
	if len(chans) == 0 {
		return nil
	}
	score := float64(time.Now().Add(ttl).UnixMilli())
	_, err := n.b.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, ch := range chans {
			p.PExpire(ctx, n.key(ch, "p:"+n.id), ttl)
			p.ZAdd(ctx, n.key(ch, "pn"), redis.Z{Score: score, Member: n.id})
			p.PExpire(ctx, n.key(ch, "pn"), 2*ttl)
		}
		return nil
	})
	return unavailable(err)
}

func (n *redisNode) Presence(ctx context.Context, ch string, list bool) (int, [][]byte, error) {
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	nodes, err := n.b.c.ZRangeByScore(ctx, n.key(ch, "pn"), &redis.ZRangeBy{Min: now, Max: "+inf"}).Result()
	if err != nil {
		return 0, nil, unavailable(err)
	}
	lens := make([]*redis.IntCmd, len(nodes))
	vals := make([]*redis.StringSliceCmd, len(nodes))
	_, err = n.b.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range nodes {
			if list {
				vals[i] = p.HVals(ctx, n.key(ch, "p:"+id))
			} else {
				lens[i] = p.HLen(ctx, n.key(ch, "p:"+id))
			}
		}
		return nil
	})
	if err != nil {
		return 0, nil, unavailable(err)
	}
	count := 0
	var out [][]byte
	for i := range nodes {
		if !list {
			count += int(lens[i].Val())
			continue
		}
		for _, v := range vals[i].Val() {
			out = append(out, []byte(v))
		}
	}
	if list {
		count = len(out)
	}
	return count, out, nil
}

func (n *redisNode) PutTicket(ctx context.Context, id string, data []byte, ttl time.Duration) error {
	return unavailable(n.b.c.Set(ctx, n.b.p+"t:"+id, data, ttl).Err())
}

func (n *redisNode) TakeTicket(ctx context.Context, id string) ([]byte, error) {
	b, err := n.b.c.GetDel(ctx, n.b.p+"t:"+id).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrTicket
	}
	if err != nil {
		return nil, unavailable(err)
	}
	return b, nil
}

func (n *redisNode) Close(ctx context.Context, crash bool) error {
	n.cancel()
	n.mu.Lock()
	if n.ps != nil {
		// A blocked read does not watch the context; closing the connection ends it.
		_ = n.ps.Close()
	}
	n.mu.Unlock()
	<-n.done
	if crash {
		return nil
	}
	n.mu.Lock()
	chans := make([]string, 0, len(n.pres))
	for ch := range n.pres {
		chans = append(chans, ch)
	}
	n.mu.Unlock()
	_, err := n.b.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, ch := range chans {
			p.Del(ctx, n.key(ch, "p:"+n.id))
			p.ZRem(ctx, n.key(ch, "pn"), n.id)
		}
		return nil
	})
	return unavailable(err)
}
