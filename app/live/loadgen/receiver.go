package loadgen

import (
	"encoding/binary"
	"errors"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/fasthttp/websocket"
)

// pollEvery is how long a receive loop rests when no socket is ready. Latency is taken when a
// message is read, so resting can only make the measured latency longer, by at most this much.
const pollEvery = time.Millisecond

// receivers read every reading client's socket from a few polling loops rather than from a
// goroutine per connection. The generator shares the machine with the servers it measures,
// and a goroutine per client has every delivery wake a thread, schedule a reader, read twice
// (the second time only to learn that the socket is empty) and park again: several
// microseconds of CPU per delivery, taken from the servers under test. A loop that collects
// whatever is ready every millisecond reads each message once and is not woken per message.
// The websocket handshake and the join go through the websocket library; the loops then own
// the socket.
type receivers struct {
	loops []*loop
	mu    sync.Mutex
	next  int
	stop  chan struct{}
}

type loop struct {
	epfd  int
	mu    sync.Mutex
	conns map[int]*rconn
}

// rconn is one reading client's socket in a loop.
type rconn struct {
	fd      int
	cl      *client
	done    chan struct{}
	pending []byte // the start of a frame that has not fully arrived
	code    int    // the server's close code, 1006 until a close frame arrives
	reason  string
}

func newReceivers(st *stats) (*receivers, error) {
	r := &receivers{stop: make(chan struct{})}
	for range runtime.GOMAXPROCS(0) {
		epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
		if err != nil {
			r.close()
			return nil, err
		}
		l := &loop{epfd: epfd, conns: map[int]*rconn{}}
		r.loops = append(r.loops, l)
		go l.run(st, r.stop)
	}
	return r, nil
}

// dial connects cl and sends its join; its messages then arrive through cl.handle, and done is
// closed when the connection ends. It returns a function that cuts the connection.
func (r *receivers) dial(cl *client, join []byte, done chan struct{}) (cut func(), err error) {
	ws, _, err := websocket.DefaultDialer.Dial(cl.url, nil)
	if err != nil {
		return nil, err
	}
	defer ws.Close() // the loop reads a duplicate of the socket
	if err := ws.WriteMessage(websocket.TextMessage, join); err != nil {
		return nil, err
	}
	// The server sends nothing before the join reply and the library has read nothing past the
	// handshake, so the socket holds the whole stream from here on.
	raw, ok := ws.NetConn().(syscall.Conn)
	if !ok {
		return nil, errors.New("not a socket")
	}
	rc, err := raw.SyscallConn()
	if err != nil {
		return nil, err
	}
	fd := -1
	if cerr := rc.Control(func(s uintptr) { fd, err = syscall.Dup(int(s)) }); cerr != nil {
		return nil, cerr
	}
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(fd)
	if err := syscall.SetNonblock(fd, true); err != nil {
		_ = syscall.Close(fd)
		return nil, err
	}
	r.mu.Lock()
	l := r.loops[r.next%len(r.loops)]
	r.next++
	r.mu.Unlock()
	c := &rconn{fd: fd, cl: cl, done: done, code: 1006}
	l.mu.Lock()
	l.conns[fd] = c
	l.mu.Unlock()
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(fd)}
	if err := syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		l.drop(c)
		return nil, err
	}
	// Shutting the socket down makes it ready, and its loop closes it: a descriptor is never
	// closed under a loop's feet, and once closed (its number perhaps reused) it is no longer in
	// the loop's table.
	return func() {
		l.mu.Lock()
		if l.conns[fd] == c {
			_ = syscall.Shutdown(fd, syscall.SHUT_RDWR)
		}
		l.mu.Unlock()
	}, nil
}

// close cuts every connection and ends the loops.
func (r *receivers) close() {
	for _, l := range r.loops {
		l.mu.Lock()
		for _, c := range l.conns {
			_ = syscall.Shutdown(c.fd, syscall.SHUT_RDWR)
		}
		l.mu.Unlock()
	}
	close(r.stop)
}

func (l *loop) drop(c *rconn) {
	l.mu.Lock()
	delete(l.conns, c.fd)
	l.mu.Unlock()
	_ = syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, c.fd, nil)
	_ = syscall.Close(c.fd)
	c.cl.ended(c.code, c.reason)
	close(c.done)
}

// pong answers the server's keep-alive ping: a masked, empty pong frame.
var pong = []byte{0x8A, 0x80, 0, 0, 0, 0}

func (l *loop) run(st *stats, stop chan struct{}) {
	defer syscall.Close(l.epfd)
	events := make([]syscall.EpollEvent, 1024)
	buf := make([]byte, 128<<10)
	for {
		n, err := syscall.EpollWait(l.epfd, events, 0)
		if err != nil && !errors.Is(err, syscall.EINTR) {
			return
		}
		if n <= 0 {
			select {
			case <-stop:
				l.mu.Lock()
				left := len(l.conns)
				l.mu.Unlock()
				if left == 0 {
					return
				}
			default:
			}
			time.Sleep(pollEvery)
			continue
		}
		now := time.Now().UnixNano()
		for _, ev := range events[:n] {
			l.mu.Lock()
			c := l.conns[int(ev.Fd)]
			l.mu.Unlock()
			if c == nil {
				continue
			}
			// One read per readiness; what is left is reported again (level-triggered).
			k, err := syscall.Read(c.fd, buf)
			if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
				continue
			}
			if err != nil || k == 0 || !c.frames(buf[:k], now, st) {
				l.drop(c)
			}
		}
	}
}

// frames takes the bytes just read and hands every complete text message to the client; it
// reports false when the connection is to end (a close frame, whose code and reason it keeps, or
// a frame a bench client never gets).
func (c *rconn) frames(b []byte, now int64, st *stats) bool {
	if len(c.pending) > 0 {
		c.pending = append(c.pending, b...)
		b = c.pending
	}
	for {
		size, hdr, ok := frameSize(b)
		if !ok || len(b) < hdr+size {
			break // the rest of the frame has not arrived
		}
		fin, op := b[0]&0x80 != 0, b[0]&0x0f
		if b[1]&0x80 != 0 {
			return false // servers do not mask
		}
		payload := b[hdr : hdr+size]
		b = b[hdr+size:]
		switch {
		case op == 0x1 && fin:
			c.cl.handle(payload, now, st)
		case op == 0x9:
			if _, err := syscall.Write(c.fd, pong); err != nil {
				return false
			}
			st.pings.Add(1)
		case op == 0xA:
		case op == 0x8:
			if len(payload) >= 2 {
				c.code, c.reason = int(binary.BigEndian.Uint16(payload)), string(payload[2:])
			}
			return false
		default:
			return false // close, binary or fragmented
		}
	}
	c.pending = append(c.pending[:0], b...) // may overlap b: copy moves it down safely
	return true
}

// frameSize reads a server frame's payload length and header length, once enough has arrived.
func frameSize(b []byte) (size, hdr int, ok bool) {
	if len(b) < 2 {
		return 0, 0, false
	}
	switch n := int(b[1] & 0x7f); n {
	case 126:
		if len(b) < 4 {
			return 0, 0, false
		}
		return int(binary.BigEndian.Uint16(b[2:])), 4, true
	case 127:
		if len(b) < 10 {
			return 0, 0, false
		}
		return int(binary.BigEndian.Uint64(b[2:])), 10, true
	default:
		return n, 2, true
	}
}
