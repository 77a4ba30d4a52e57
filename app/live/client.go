package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/fasthttp/websocket"
)

// maxBatch caps how many queued bytes the writer packs into one websocket message.
const maxBatch = 64 << 10

var newline = []byte{'\n'}

// client is one websocket connection. Its reader runs on the handler goroutine. What the hub's
// flushers cannot write without waiting is written by a writer goroutine of the connection's
// own, started when there is such work and ending when it is done: an idle connection holds
// no goroutine but its reader.
type client struct {
	h    *Hub
	ws   *websocket.Conn
	id   Identity
	conn string        // connection id, unique across nodes
	done chan struct{} // the connection's last writer finished

	raw syscall.RawConn // the socket, for the flusher's writes that do not wait; nil: writer only
	fl  *flusher

	mu      sync.Mutex
	writing bool   // a writer goroutine runs, or is about to
	ended   bool   // the last writer has finished: no other starts
	owner   uint8  // who writes to the socket now: ownNone, ownFlusher or ownWriter
	rest    []byte // the unwritten end of a message the flusher began; goes out first
	failed  bool   // a flusher's write failed: the writer ends the connection
	queue   [][]byte
	spare   [][]byte
	queued  int
	ping    bool
	pong    []byte // the payload of a ping the peer sent, to answer
	closed  bool
	code    int
	why     string
	rooms   map[string]*room

	tokens float64
	refill time.Time
}

// send queues a frame without blocking; a full queue disconnects the client as a slow consumer.
func (c *client) send(f []byte) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	if c.queued+len(f) > c.h.o.QueueBytes {
		c.closeLocked(CloseSlow, reason("slow", jitter(time.Second, 5*time.Second)))
		c.mu.Unlock()
		return false
	}
	c.queue = append(c.queue, f)
	c.queued += len(f)
	if c.owner == ownNone && c.raw != nil {
		c.owner = ownFlusher
		c.mu.Unlock()
		c.fl.add(c)
		return true
	}
	c.wakeLocked()
	c.mu.Unlock()
	return true
}

// handOver gives the socket to c's writer; the caller holds c.mu and owns the socket.
func (c *client) handOver() {
	c.owner = ownWriter
	c.wakeLocked()
}

// wakeLocked makes sure a writer looks at what c has to write: a running writer does before
// it stops, otherwise one is started. While a flusher owns the socket nothing is started: the
// flusher hands the socket over when the writer is needed. The caller holds c.mu.
func (c *client) wakeLocked() {
	if !c.writing && !c.ended && c.owner != ownFlusher {
		c.writing = true
		go c.writeLoop()
	}
}

// needsWriter reports whether the socket's next write is the writer's: the rest of a begun
// message, a control frame, or ending the connection. The caller holds c.mu.
func (c *client) needsWriter() bool {
	return len(c.rest) > 0 || c.ping || c.pong != nil || c.closed || c.failed
}

// answerPing queues the pong for a ping from the peer. The library would write it from the
// reader at once, possibly between the parts of a message the flusher began.
func (c *client) answerPing(data string) error {
	c.mu.Lock()
	c.pong = []byte(data)
	c.wakeLocked()
	c.mu.Unlock()
	return nil
}

// answerClose answers the peer's close, through the writer for the same reason: with an empty
// close frame when the peer gave no code, with a normal closure otherwise.
func (c *client) answerClose(code int, _ string) error {
	if code != websocket.CloseNoStatusReceived {
		code = websocket.CloseNormalClosure
	}
	c.close(code, "")
	return nil
}

func (c *client) pingSoon() {
	c.mu.Lock()
	c.ping = true
	c.wakeLocked()
	c.mu.Unlock()
}

func (c *client) close(code int, why string) {
	c.mu.Lock()
	c.closeLocked(code, why)
	c.mu.Unlock()
}

func (c *client) closeLocked(code int, why string) {
	if c.closed {
		return
	}
	c.closed, c.code, c.why = true, code, why
	if code == CloseSlow {
		// A slow consumer's backlog must not pin memory; other closes flush it first.
		clear(c.queue)
		c.queue, c.queued = nil, 0
	}
	c.h.m.disconnect(code)
	c.wakeLocked()
}

// kill drops the connection without a close handshake.
func (c *client) kill() {
	c.close(websocket.CloseGoingAway, "")
	_ = socket(c.ws).Close()
}

// socket is the connection's own socket. The server hands the handler a wrapper whose Close
// does nothing (it closes the socket itself once the handler returns), so cutting a connection
// before that, from its writer or from the hub, must close the socket underneath: otherwise the
// client is left connected to a reader that no writer answers.
func socket(ws *websocket.Conn) net.Conn {
	nc := ws.NetConn()
	if u, ok := nc.(interface{ UnsafeConn() net.Conn }); ok {
		return u.UnsafeConn()
	}
	return nc
}

func (c *client) forget(ch string) {
	c.mu.Lock()
	delete(c.rooms, ch)
	c.mu.Unlock()
}

// writeLoop writes what the flushers could not, and pings, pongs and the close, until the
// socket can go back to the flushers or the connection ends.
func (c *client) writeLoop() {
	// Data frames are framed here and written straight to the socket: the websocket library
	// would re-arm the deadline, lock and copy through a pooled buffer on every message, which
	// is a measurable share of a broadcast to thousands of clients. Only the socket's owner
	// writes, and the library is used for control frames only, so the two never interleave.
	w := writer{c: c, raw: socket(c.ws)}
	c.mu.Lock()
	for {
		if c.owner == ownFlusher {
			// The flusher hands the socket over when it needs a writer.
			c.writing = false
			c.mu.Unlock()
			return
		}
		c.owner = ownWriter
		rest, q, ping, pong, closed, code, why, failed := c.rest, c.queue, c.ping, c.pong, c.closed, c.code, c.why, c.failed
		c.rest, c.queue, c.spare, c.queued, c.ping, c.pong = nil, c.spare[:0], nil, 0, false, nil
		c.mu.Unlock()
		var err error
		if failed {
			err = net.ErrClosed
		}
		if err == nil {
			err = w.data(rest, q)
		}
		clear(q)
		if err == nil && ping {
			err = w.control(websocket.PingMessage, nil)
		}
		if err == nil && pong != nil {
			err = w.control(websocket.PongMessage, pong)
		}
		if err != nil {
			w.fail(err)
			c.finish()
			return
		}
		if closed {
			if code != 0 {
				w.closing(code, why)
			}
			c.finish()
			return
		}
		c.mu.Lock()
		if c.spare == nil && cap(q) <= 64 {
			c.spare = q
		}
		if len(c.queue) == 0 && !c.needsWriter() {
			// Caught up: the flushers write again until the socket is full next time. Their
			// writes never wait, so the socket goes back to them without a deadline: one left
			// behind would fail the first of their writes after it passed.
			w.disarm()
			c.owner, c.writing = ownNone, false
			c.mu.Unlock()
			return
		}
	}
}

// finish records that the connection's last writer is done.
func (c *client) finish() {
	c.mu.Lock()
	c.ended, c.writing = true, false
	c.mu.Unlock()
	close(c.done)
}

// writer is the state of a connection's writer goroutine between its writes.
type writer struct {
	c        *client
	raw      net.Conn
	hdr      [10]byte
	vec      [][]byte
	deadline time.Time   // the socket's write deadline; zero when none is set
	unsent   net.Buffers // what is left of a message whose write timed out
}

// arm makes sure the next write may wait WriteTimeout, and no longer. Moving the deadline once
// per half timeout gives every write at least half of it.
func (w *writer) arm() error {
	now := time.Now()
	if w.deadline.Sub(now) >= w.c.h.o.WriteTimeout/2 {
		return nil
	}
	w.deadline = now.Add(w.c.h.o.WriteTimeout)
	return w.raw.SetWriteDeadline(w.deadline)
}

// disarm clears the socket's write deadline before the socket goes back to the flushers.
func (w *writer) disarm() {
	if !w.deadline.IsZero() {
		w.deadline = time.Time{}
		_ = w.raw.SetWriteDeadline(time.Time{})
	}
}

// data writes the rest of a message a flusher began, then the queued frames, newline-separated,
// many per websocket message, which saves a syscall and a frame header per publication when a
// client is busy. One writev sends header and shared frames without copying them.
func (w *writer) data(rest []byte, q [][]byte) error {
	if len(rest) == 0 && len(q) == 0 {
		return nil
	}
	if err := w.arm(); err != nil {
		return err
	}
	if len(rest) > 0 {
		if err := w.write(net.Buffers{rest}); err != nil {
			return err
		}
	}
	for i := 0; i < len(q); {
		n, size := 0, 0
		for ; i+n < len(q) && (n == 0 || size+1+len(q[i+n]) <= maxBatch); n++ {
			if n > 0 {
				size++
			}
			size += len(q[i+n])
		}
		w.vec = append(w.vec[:0], appendHeader(w.hdr[:0], size))
		for j := i; j < i+n; j++ {
			if j > i {
				w.vec = append(w.vec, newline)
			}
			w.vec = append(w.vec, q[j])
		}
		i += n
		if err := w.write(w.vec); err != nil {
			return err
		}
	}
	clear(w.vec)
	if cap(w.vec) > 256 {
		w.vec = nil
	}
	return nil
}

// write writes one whole websocket message; when it fails, what it did not write is kept.
func (w *writer) write(msg net.Buffers) error {
	_, err := msg.WriteTo(w.raw) // WriteTo consumes msg as it writes
	if err != nil {
		w.unsent = msg
	}
	return err
}

// control writes a ping or a pong. The library sets the deadline it is given on the socket.
func (w *writer) control(typ int, data []byte) error {
	w.deadline = time.Now().Add(w.c.h.o.WriteTimeout)
	return w.c.ws.WriteControl(typ, data, w.deadline)
}

// fail ends the connection after a failed write. A write that waited the whole write timeout
// means the client stopped reading: it is closed as a slow consumer, and told so if the rest of
// the message in flight and the close frame still get through in a short grace period.
func (w *writer) fail(err error) {
	c := w.c
	if errors.Is(err, os.ErrDeadlineExceeded) {
		c.close(CloseSlow, reason("slow", jitter(time.Second, 5*time.Second)))
		c.mu.Lock()
		why := c.why
		c.mu.Unlock()
		grace := time.Now().Add(min(time.Second, c.h.o.WriteTimeout))
		if w.raw.SetWriteDeadline(grace) == nil {
			if _, err := w.unsent.WriteTo(w.raw); err == nil {
				_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(CloseSlow, why), grace)
			}
		}
	} else {
		c.close(websocket.CloseAbnormalClosure, "")
	}
	_ = socket(c.ws).Close()
}

// closing sends the close frame and lets the reader see the client's answer, or gives up shortly.
func (w *writer) closing(code int, why string) {
	_ = w.c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, why), time.Now().Add(time.Second))
	_ = w.c.ws.SetReadDeadline(time.Now().Add(time.Second))
}

func (c *client) readLoop() {
	// The size limit is checked here rather than by the library, which would answer an oversized
	// message itself, from this goroutine and without a reason.
	c.ws.SetReadLimit(0)
	alive := c.h.o.PingInterval + c.h.o.PongTimeout
	_ = c.ws.SetReadDeadline(time.Now().Add(alive))
	c.ws.SetPongHandler(func(string) error {
		return c.ws.SetReadDeadline(time.Now().Add(alive))
	})
	c.ws.SetPingHandler(c.answerPing)
	c.ws.SetCloseHandler(c.answerClose)
	for {
		typ, msg, err := c.read()
		if err != nil {
			var ne net.Error
			switch {
			case errors.Is(err, websocket.ErrReadLimit):
				c.close(CloseOversize, reason("too_big", 0))
				c.drain()
			case errors.As(err, &ne) && ne.Timeout():
				c.close(CloseTimeout, reason("timeout", jitter(0, time.Second)))
			}
			return
		}
		_ = c.ws.SetReadDeadline(time.Now().Add(alive))
		if typ != websocket.TextMessage {
			c.close(CloseInvalid, reason("binary", 0))
			c.drain()
			return
		}
		if !c.allow() {
			c.close(CloseRate, reason("rate", jitter(2*time.Second, 5*time.Second)))
			c.drain()
			return
		}
		c.handleAside(msg)
	}
}

// handleAside handles a request on a goroutine of its own and waits for it. Handling (decoding,
// joining, the backend) needs a deep stack, and a goroutine keeps the stack it once grew to:
// the reader, which spends a connection's life waiting for the next frame, stays shallow.
func (c *client) handleAside(msg []byte) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.handle(msg)
	}()
	wg.Wait()
}

// drain reads and drops what the client still sends after the server decided to close, until
// its close reply or for a second at most: a socket closed with unread data is reset, and the
// reset can reach the client before the close frame that says why.
func (c *client) drain() {
	_ = c.ws.SetReadDeadline(time.Now().Add(time.Second))
	for {
		_, r, err := c.ws.NextReader()
		if err != nil {
			return
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			return
		}
	}
}

// read returns the next message, or ErrReadLimit for one over MaxMessageSize, of which it reads
// no more than the limit.
func (c *client) read() (int, []byte, error) {
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return typ, nil, err
	}
	msg, err := io.ReadAll(io.LimitReader(r, c.h.o.MaxMessageSize+1))
	if err == nil && int64(len(msg)) > c.h.o.MaxMessageSize {
		err = websocket.ErrReadLimit
	}
	return typ, msg, err
}

// allow is a token bucket: Rate messages per second with bursts of Burst.
func (c *client) allow() bool {
	now := time.Now()
	c.tokens = min(float64(c.h.o.Burst), c.tokens+now.Sub(c.refill).Seconds()*c.h.o.Rate)
	c.refill = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

func (c *client) reply(f frame) {
	f.T = "reply"
	b, _ := json.Marshal(f)
	c.send(b)
}

func (c *client) fail(id uint64, code, msg string) {
	c.send(errorFrame(id, code, msg, 0))
}

func (c *client) handle(msg []byte) {
	var req request
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.DisallowUnknownFields()
	if !utf8.Valid(msg) || dec.Decode(&req) != nil || dec.More() {
		c.fail(req.ID, "invalid_input", "message is not a valid request object")
		return
	}
	ctx, cancel := context.WithTimeout(c.h.ctx, 10*time.Second)
	defer cancel()
	switch req.Op {
	case "ping":
		c.reply(frame{ID: req.ID})
	case "join":
		c.join(ctx, req)
	case "leave":
		c.leave(req)
	case "pub":
		c.publish(ctx, req)
	case "kick":
		c.kickUser(ctx, req)
	case "presence":
		c.presence(ctx, req)
	default:
		c.fail(req.ID, "invalid_input", "unknown op")
	}
}

func (c *client) room(ch string) *room {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rooms[ch]
}

func (c *client) join(ctx context.Context, req request) {
	t, key, err := c.h.channelType(req.Ch)
	if err != nil {
		c.fail(req.ID, "not_found", "no such channel")
		return
	}
	if t.rights(c.id, key)&CanJoin == 0 {
		code := "forbidden"
		if c.id.Anonymous() {
			code = "unauthorized"
		}
		c.fail(req.ID, code, "not allowed to join this channel")
		return
	}
	c.mu.Lock()
	_, dup := c.rooms[req.Ch]
	full := len(c.rooms) >= c.h.o.MaxChannels
	c.mu.Unlock()
	if dup {
		c.fail(req.ID, "conflict", "already joined")
		return
	}
	if full {
		c.fail(req.ID, "limit", "too many channels on one connection")
		return
	}
	r, err := c.h.acquire(ctx, req.Ch, t)
	if err != nil {
		c.h.log.Warn("live join failed", "channel", req.Ch, "err", err)
		c.send(errorFrame(req.ID, "unavailable", "channel temporarily unavailable", jitter(time.Second, 3*time.Second)))
		return
	}
	defer c.h.release(r)
	s := &sub{pending: true}
	r.mu.Lock()
	snap, epoch := r.last, r.epoch
	r.subs[c] = s
	r.mu.Unlock()
	c.mu.Lock()
	c.rooms[req.Ch] = r
	c.mu.Unlock()

	// Everything up to snap comes from history; everything after it was collected in s.buf.
	recovered := req.Since == nil
	var missed []Publication
	if req.Since != nil && req.Since.Epoch == epoch && req.Since.Off <= snap {
		recovered = true
		if req.Since.Off < snap {
			pubs, _, err := c.h.node.History(ctx, req.Ch, req.Since.Off, epoch, int(snap-req.Since.Off))
			missed, recovered = pubs, err == nil
		}
	}
	if t.Presence {
		c.h.presenceJoin(ctx, r, c)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.subs[c] != s {
		return // kicked meanwhile
	}
	c.reply(frame{ID: req.ID, Ch: req.Ch, Epoch: epoch, Off: &snap, Recovered: &recovered})
	for _, p := range missed {
		if p.Offset <= snap {
			c.send(pubFrame(p))
		}
	}
	for _, f := range s.buf {
		c.send(f)
	}
	s.pending, s.buf = false, nil
	if recovered && req.Since != nil {
		c.h.m.recoveries.Inc()
	}
}

func (c *client) leave(req request) {
	r := c.room(req.Ch)
	if r == nil {
		c.fail(req.ID, "not_found", "not joined")
		return
	}
	c.part(r)
	c.reply(frame{ID: req.ID, Ch: req.Ch})
}

// part removes the client from a room.
func (c *client) part(r *room) {
	r.mu.Lock()
	_, in := r.subs[c]
	delete(r.subs, c)
	r.mu.Unlock()
	c.forget(r.name)
	if in && r.t.Presence {
		c.h.presenceLeave(r, c)
	}
}

func (c *client) publish(ctx context.Context, req request) {
	t, key, err := c.h.channelType(req.Ch)
	if err != nil {
		c.fail(req.ID, "not_found", "no such channel")
		return
	}
	if !kindName.MatchString(req.Kind) {
		c.fail(req.ID, "invalid_input", "kind must match [a-z][a-z0-9_.-]{0,31}")
		return
	}
	need := CanPublish
	if strings.HasPrefix(req.Kind, "mod.") {
		need = CanModerate
	}
	if t.rights(c.id, key)&need == 0 {
		c.fail(req.ID, "forbidden", "not allowed to publish this kind here")
		return
	}
	if len(req.Data) == 0 {
		c.fail(req.ID, "invalid_input", "data is required")
		return
	}
	c.publishData(ctx, req, t, req.Kind, req.Data)
}

func (c *client) publishData(ctx context.Context, req request, t *ChannelType, kind string, data []byte) {
	// Compacting keeps frames newline-free; escaping <, > and & means that text is inert even if
	// a page were to misuse it as HTML. Pages still render it as text.
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		c.fail(req.ID, "invalid_input", "data is not valid JSON")
		return
	}
	var safe bytes.Buffer
	json.HTMLEscape(&safe, buf.Bytes())
	pos, err := c.h.node.Publish(ctx, req.Ch, payload(kind, c.id, safe.Bytes()), t.stream())
	if err != nil {
		c.send(errorFrame(req.ID, "unavailable", "publishing is temporarily unavailable", jitter(time.Second, 3*time.Second)))
		return
	}
	c.h.m.published.Inc()
	c.reply(frame{ID: req.ID, Ch: req.Ch, Off: &pos.Offset})
}

func (c *client) kickUser(ctx context.Context, req request) {
	t, key, err := c.h.channelType(req.Ch)
	if err != nil {
		c.fail(req.ID, "not_found", "no such channel")
		return
	}
	if t.rights(c.id, key)&CanModerate == 0 {
		c.fail(req.ID, "forbidden", "not a moderator of this channel")
		return
	}
	if req.User <= 0 {
		c.fail(req.ID, "invalid_input", "user is required")
		return
	}
	data, _ := json.Marshal(map[string]int64{"user": req.User})
	c.publishData(ctx, req, t, "mod.kick", data)
}

func (c *client) presence(ctx context.Context, req request) {
	r := c.room(req.Ch)
	if r == nil || !r.t.Presence {
		c.fail(req.ID, "not_found", "not joined to a channel with presence")
		return
	}
	// Count first: a large room's member list is never fetched.
	n, _, err := c.h.node.Presence(ctx, req.Ch, false)
	var members [][]byte
	if err == nil && n <= r.t.ListLimit {
		n, members, err = c.h.node.Presence(ctx, req.Ch, true)
	}
	if err != nil {
		c.send(errorFrame(req.ID, "unavailable", "presence is temporarily unavailable", jitter(time.Second, 3*time.Second)))
		return
	}
	f := frame{ID: req.ID, Ch: req.Ch, N: &n}
	if n <= r.t.ListLimit {
		f.Members = make([]json.RawMessage, 0, len(members))
		for _, m := range members {
			f.Members = append(f.Members, m)
		}
	}
	c.reply(f)
}

// appendHeader appends the header of a final, unmasked server text frame of n payload bytes
// (RFC 6455 section 5.2).
func appendHeader(b []byte, n int) []byte {
	b = append(b, 0x81)
	switch {
	case n < 126:
		return append(b, byte(n))
	case n <= 0xffff:
		return append(b, 126, byte(n>>8), byte(n))
	default:
		return append(b, 127, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}
