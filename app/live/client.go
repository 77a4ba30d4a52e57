package live

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

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

	sock net.Conn        // the socket under ws, read once while the handler runs (see socket)
	raw  syscall.RawConn // the socket, for the flusher's writes that do not wait; nil: writer only
	fl   *flusher

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
	_ = c.sock.Close()
}

// socket is the connection's own socket. The server hands the handler a wrapper whose Close
// does nothing (it closes the socket itself once the handler returns), so cutting a connection
// before that, from its writer or from the hub, must close the socket underneath: otherwise the
// client is left connected to a reader that no writer answers. The server forgets the socket
// when the handler returns, so it is read once, while the handler runs, and kept (client.sock):
// the hub may still cut a connection whose handler is just returning.
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
