// One benchmark client: its connection, what it counts of each message, and how it ends.

package loadgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fasthttp/websocket"
)

type client struct {
	n        int // its place in the list, to name it in reports
	st       *stats
	planned  atomic.Bool // the generator is dropping it on purpose
	joinedOK atomic.Bool // its last connection joined the room
	url      string
	slow     bool
	ws       *websocket.Conn // slow clients: dialled, joined, then never read
	cut      func()          // reading clients: cuts the connection the receive loops read
	rcv      *receivers
	joined   chan joinReply
	mu       sync.Mutex
	epoch    string
	last     uint64
	resume   bool // the pending join carries since
	done     chan struct{}
}

type joinReply struct {
	Epoch     string `json:"epoch"`
	Off       uint64 `json:"off"`
	Recovered *bool  `json:"recovered"`
	Error     *struct {
		Code string `json:"code"`
	} `json:"error"`
}

// slowDialer dials a client that never reads. A small receive buffer keeps the kernel from
// absorbing megabytes for it, so the server's queue limit is what it meets.
func slowDialer() *websocket.Dialer {
	return &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 2048, WriteBufferSize: 1024,
		NetDial: (&net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			return rc.Control(func(fd uintptr) {
				_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 8<<10)
			})
		}}).Dial}
}

// connect dials and joins, resuming from the client's position when it has one.
func (cl *client) connect(room string, st *stats) error {
	cl.joined = make(chan joinReply, 1)
	cl.done = make(chan struct{})
	req := map[string]any{"id": 1, "op": "join", "ch": room}
	cl.mu.Lock()
	cl.resume = cl.epoch != ""
	if cl.resume {
		req["since"] = map[string]any{"off": cl.last, "epoch": cl.epoch}
	}
	cl.mu.Unlock()
	b, _ := json.Marshal(req)
	if !cl.slow {
		cut, err := cl.rcv.dial(cl, b, cl.done)
		if err != nil {
			return err
		}
		cl.cut = cut
		return nil
	}
	ws, _, err := slowDialer().Dial(cl.url, nil)
	if err != nil {
		return err
	}
	cl.ws = ws
	if err := ws.WriteMessage(websocket.TextMessage, b); err != nil {
		_ = ws.Close()
		return err
	}
	// Read only the join reply, then never again.
	_, msg, err := ws.ReadMessage()
	if err != nil {
		return err
	}
	var r joinReply
	_ = json.Unmarshal(bytes.SplitN(msg, []byte("\n"), 2)[0], &r)
	cl.joined <- r
	close(cl.done)
	return nil
}

// kill drops the connection without a close handshake, as a network failure would.
func (cl *client) kill() {
	cl.planned.Store(true)
	if cl.cut != nil {
		cl.cut()
	} else if cl.ws != nil {
		_ = cl.ws.Close()
	}
}

// ended is told how a reading client's connection ended; one the generator did not drop is a
// loss.
func (cl *client) ended(code int, why string) {
	if !cl.planned.Load() {
		cl.st.lose(fmt.Sprintf("client %d", cl.n), code, why)
	}
}

// handle takes one websocket message, frames separated by newlines, received at now.
func (cl *client) handle(msg []byte, now int64, st *stats) {
	for len(msg) > 0 {
		line := msg
		if i := bytes.IndexByte(msg, '\n'); i >= 0 {
			line, msg = msg[:i], msg[i+1:]
		} else {
			msg = nil
		}
		if !bytes.HasPrefix(line, pubPrefix) {
			if bytes.HasPrefix(line, []byte(`{"t":"reply","id":1,`)) {
				var r joinReply
				_ = json.Unmarshal(line, &r)
				cl.mu.Lock()
				// A resumed join keeps its position: the missed publications follow.
				if r.Error == nil && !(cl.resume && r.Recovered != nil && *r.Recovered) {
					cl.epoch, cl.last = r.Epoch, r.Off
				}
				cl.mu.Unlock()
				cl.joined <- r
			} else if bytes.HasPrefix(line, []byte(`{"t":"reset"`)) {
				var r joinReply
				_ = json.Unmarshal(line, &r)
				cl.mu.Lock()
				cl.epoch, cl.last = r.Epoch, r.Off
				cl.mu.Unlock()
			}
			continue
		}
		off := number(line, offKey)
		cl.mu.Lock()
		switch {
		case off == cl.last+1:
			cl.last = off
		case off <= cl.last:
			st.dups.Add(1)
		default:
			st.gaps.Add(1)
			cl.last = off
		}
		cl.mu.Unlock()
		if st.measuring.Load() {
			st.deliveries.Add(1)
			if ts := number(line, tsKey); ts > 0 {
				st.hist.add(time.Duration(now - int64(ts)))
			}
		}
	}
}

func number(b, key []byte) uint64 {
	i := bytes.Index(b, key)
	if i < 0 {
		return 0
	}
	var n uint64
	for _, c := range b[i+len(key):] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + uint64(c-'0')
	}
	return n
}
