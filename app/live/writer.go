// The connection's own writer: what a flusher cannot write without waiting, pings and the close,
// written with a deadline, and how it hands the socket back.

package live

import (
	"errors"
	"net"
	"os"
	"time"

	"github.com/fasthttp/websocket"
)

// writeLoop writes what the flushers could not, and pings, pongs and the close, until the
// socket can go back to the flushers or the connection ends.
func (c *client) writeLoop() {
	// Data frames are framed here and written straight to the socket: the websocket library
	// would re-arm the deadline, lock and copy through a pooled buffer on every message, which
	// is a measurable share of a broadcast to thousands of clients. Only the socket's owner
	// writes, and the library is used for control frames only, so the two never interleave.
	w := writer{c: c, raw: c.sock}
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
	_ = c.sock.Close()
}

// closing sends the close frame and lets the reader see the client's answer, or gives up shortly.
func (w *writer) closing(code int, why string) {
	_ = w.c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, why), time.Now().Add(time.Second))
	_ = w.c.ws.SetReadDeadline(time.Now().Add(time.Second))
}
