package live

import (
	"errors"
	"net"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Who may write to a client's socket at a given moment (client.owner). Exactly one party owns it
// while anything is written, so frames never interleave:
//   - nobody: the queue is empty and nothing is being written;
//   - a flusher: the hub's flushers write what is queued for many clients without blocking;
//   - the client's writer: the socket had no room (the client is behind), or a ping or a close
//     is due. Only the writer ever blocks on the socket, so a client that falls behind holds up
//     nobody but its own writer.
const (
	ownNone uint8 = iota
	ownFlusher
	ownWriter
)

// maxVec keeps one writev under the kernel's limit of 1024 buffers.
const maxVec = 1000

// flusher writes queued frames for the clients given to it, one non-blocking writev each. A
// broadcast to thousands of clients then wakes a flusher per core instead of a goroutine per
// client; waking those goroutines cost about a third of the server's time per delivery.
type flusher struct {
	mu    sync.Mutex
	dirty []*client
	spare []*client
	wake  chan struct{}

	hdrs []byte   // frame headers of the flush in progress
	vec  [][]byte // its buffers
	ends []int    // where each message ends in vec
}

func newFlusher() *flusher { return &flusher{wake: make(chan struct{}, 1)} }

// add hands c to the flusher; the caller has made the flusher c's owner.
func (f *flusher) add(c *client) {
	f.mu.Lock()
	f.dirty = append(f.dirty, c)
	first := len(f.dirty) == 1
	f.mu.Unlock()
	if first {
		select {
		case f.wake <- struct{}{}:
		default:
		}
	}
}

func (f *flusher) run(done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-f.wake:
		}
		f.mu.Lock()
		batch := f.dirty
		f.dirty, f.spare = f.spare[:0], nil
		f.mu.Unlock()
		for i, c := range batch {
			f.flush(c)
			batch[i] = nil
		}
		f.mu.Lock()
		if f.spare == nil && cap(batch) <= 1<<16 {
			f.spare = batch[:0]
		}
		f.mu.Unlock()
	}
}

// flush writes what c has queued as far as the socket takes it without waiting. Whatever the
// socket does not take, and any ping or close, goes to c's writer.
func (f *flusher) flush(c *client) {
	c.mu.Lock()
	if c.needsWriter() {
		c.handOver()
		c.mu.Unlock()
		return
	}
	q := c.queue
	c.queue, c.spare, c.queued = c.spare[:0], nil, 0
	c.mu.Unlock()

	f.frame(q)
	// Write message by message; stop at the first the socket does not take whole. What is left
	// is the unwritten part of that message (when it was begun) and the frames of the messages
	// after it, which the writer frames again.
	var err error
	var rest []byte
	var left [][]byte
	start, frames := 0, 0
	for _, end := range f.ends {
		msg := f.vec[start:end]
		var n int
		n, err = tryWritev(c.raw, msg)
		if err != nil {
			break
		}
		if n < size(msg) {
			if n > 0 {
				rest = tail(msg, n)
				frames += (end - start) / 2 // a message of k frames is 2k buffers
			}
			left = q[frames:]
			break
		}
		frames += (end - start) / 2
		start = end
	}
	clear(f.vec)
	f.vec = f.vec[:0]

	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case err != nil:
		c.failed = true
		c.handOver()
	case rest != nil || len(left) > 0:
		c.h.m.behind.Inc()
		c.rest = rest
		c.queue = append(append(make([][]byte, 0, len(left)+len(c.queue)), left...), c.queue...)
		for _, b := range left {
			c.queued += len(b)
		}
		c.handOver()
	case c.needsWriter():
		c.handOver()
	case len(c.queue) > 0:
		// More arrived meanwhile: stay the owner and come back to it after the others.
		defer f.add(c)
	default:
		c.owner = ownNone
	}
	clear(q)
	if c.spare == nil && cap(q) <= 64 {
		c.spare = q[:0]
	}
}

// frame lays q out as websocket messages of newline-separated frames, as the writer does, in
// f.vec, each message ending at the matching f.ends.
func (f *flusher) frame(q [][]byte) {
	f.hdrs, f.vec, f.ends = f.hdrs[:0], f.vec[:0], f.ends[:0]
	if cap(f.hdrs) < 10*len(q) {
		f.hdrs = make([]byte, 0, 10*len(q))
	}
	for i := 0; i < len(q); {
		n, sz := 0, 0
		for ; i+n < len(q) && (n == 0 || (sz+1+len(q[i+n]) <= maxBatch && 2*n+1 < maxVec)); n++ {
			if n > 0 {
				sz++
			}
			sz += len(q[i+n])
		}
		h := len(f.hdrs)
		f.hdrs = appendHeader(f.hdrs, sz) // capacity reserved above: earlier headers stay put
		f.vec = append(f.vec, f.hdrs[h:])
		for j := i; j < i+n; j++ {
			if j > i {
				f.vec = append(f.vec, newline)
			}
			f.vec = append(f.vec, q[j])
		}
		f.ends = append(f.ends, len(f.vec))
		i += n
	}
}

func size(v [][]byte) int {
	n := 0
	for _, b := range v {
		n += len(b)
	}
	return n
}

// tail copies what is left of v after its first skip bytes.
func tail(v [][]byte, skip int) []byte {
	out := make([]byte, 0, size(v)-skip)
	for _, b := range v {
		if skip >= len(b) {
			skip -= len(b)
			continue
		}
		out = append(out, b[skip:]...)
		skip = 0
	}
	return out
}

// tryWritev writes v to the socket once without waiting: a full socket buffer takes fewer bytes
// or none, which is not an error.
func tryWritev(rc syscall.RawConn, v [][]byte) (int, error) {
	var n int
	var err error
	if werr := rc.Write(func(fd uintptr) bool {
		n, err = unix.Writev(int(fd), v)
		return true
	}); werr != nil {
		return 0, werr
	}
	if errors.Is(err, unix.EAGAIN) {
		return 0, nil
	}
	if n < 0 {
		n = 0
	}
	return n, err
}

// rawConn is the socket's raw handle when it has one the flushers can write to.
func rawConn(nc net.Conn) syscall.RawConn {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}
