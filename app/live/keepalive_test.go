package live

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
)

// Keep-alive tests run with the engine's timers shortened through Options, and each lasts
// several of those timers: a connection is only proven to hold when it has lived through them.

// fastTimers pings every 400 ms and gives a write 150 ms: shorter than the quiet spells the
// tests leave after a ping, so a deadline left behind by one write would fail the next, yet
// long enough for a busy machine running the race detector.
func fastTimers(o *Options) {
	o.PingInterval, o.PongTimeout, o.WriteTimeout = 400*time.Millisecond, 2*time.Second, 150*time.Millisecond
}

// pinged dials as user and counts the server's pings, answering each as browsers do.
func pinged(t *testing.T, s *server, user string, answer bool) (*tclient, *atomic.Int32) {
	t.Helper()
	ws, _, err := dialRaw(s, user, nil)
	must(t, err)
	var pings atomic.Int32
	ws.SetPingHandler(func(data string) error {
		pings.Add(1)
		if !answer {
			return nil
		}
		return ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	return track(t, ws), &pings
}

// open fails the test if c's connection has ended.
func (c *tclient) open(what string) {
	c.t.Helper()
	select {
	case <-c.gone:
		c.t.Fatalf("%s: connection closed (code %d, %s)", what, c.code, c.reason)
	default:
	}
}

// A viewer of a busy room lives through many pings: every publication arrives once and in order,
// and requests between them are answered.
func TestTrafficBetweenPingsKeepsConnection(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		s := startHub(t, e.backend, fastTimers)
		ch := "room:busy"
		viewer, pings := pinged(t, s, "", true)
		viewer.join(ch)
		chatter, _ := pinged(t, s, "2:chatter:", true)
		chatter.join(ch)
		var sent uint64
		for pings.Load() < 8 {
			r := chatter.call(map[string]any{"op": "pub", "ch": ch, "kind": "chat", "data": map[string]int{"n": int(sent)}})
			if r.Error != nil {
				t.Fatalf("publish %d after %d pings: %+v", sent, pings.Load(), r.Error)
			}
			sent++
			if r := viewer.call(map[string]any{"op": "ping"}); r.Error != nil {
				t.Fatalf("ping: %+v", r.Error)
			}
			// A spell longer than the write timeout between messages.
			time.Sleep(200 * time.Millisecond)
			viewer.open("viewer")
			chatter.open("chatter")
		}
		eventually(t, "every publication", func() bool { return uint64(len(viewer.pubs(ch))) == sent })
		checkSequence(t, "viewer", viewer.pubs(ch), 1, sent)
		if n := s.counter("zonefair_live_disconnects_total", ""); n != 0 {
			t.Fatalf("%v disconnects during the run", n)
		}
	})
}

// An idle connection that answers pings survives them, and a request after a quiet spell longer
// than the write timeout is answered.
func TestIdleConnectionSurvivesPings(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		s := startHub(t, e.backend, fastTimers)
		c, pings := pinged(t, s, "", true)
		c.call(map[string]any{"op": "ping"})
		eventually(t, "six pings", func() bool {
			c.open("idle connection")
			return pings.Load() >= 6
		})
		time.Sleep(300 * time.Millisecond) // quiet for twice the write timeout after the last ping
		if r := c.call(map[string]any{"op": "ping"}); r.Error != nil {
			t.Fatalf("ping after a quiet spell: %+v", r.Error)
		}
		c.open("after the quiet spell")
	})
}

// A client that stops answering pings (and sends nothing) is dropped once the pong wait has
// passed after a ping, with close 4010 and its reason, and the drop is counted.
func TestUnansweredPingsDropConnection(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		s := startHub(t, e.backend, func(o *Options) {
			o.PingInterval, o.PongTimeout = 100*time.Millisecond, 200*time.Millisecond
		})
		start := time.Now()
		c, pings := pinged(t, s, "", false)
		code, why := c.closed()
		if code != CloseTimeout || !strings.Contains(why, `"reason":"timeout"`) {
			t.Fatalf("silent client closed with %d %q, want %d timeout", code, why, CloseTimeout)
		}
		if alive := time.Since(start); alive < 300*time.Millisecond || pings.Load() == 0 {
			t.Fatalf("dropped after %v and %d pings; the limit is one ping interval plus the pong wait", alive, pings.Load())
		}
		eventually(t, "the timeout to be counted", func() bool {
			return s.counter("zonefair_live_disconnects_total", "4010") == 1
		})
	})
}

// A reader that stalls with room left in its queue is still closed as a slow consumer once a
// write to it has waited the write timeout: close 4009, counted, and nobody else disconnected.
func TestStalledReaderIsClosedAsSlow(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		s := startHub(t, e.backend, func(o *Options) {
			o.QueueBytes, o.SendBuffer, o.WriteTimeout = 16<<20, 16<<10, 200*time.Millisecond
		})
		ch := "room:stall"
		reader := dial(t, s, "1:reader:")
		reader.join(ch)
		joinStalled(t, s, ch)
		pad := strings.Repeat("x", 4<<10)
		for i := 0; s.counter("zonefair_live_disconnects_total", "4009") == 0; i++ {
			if i == 2000 {
				t.Fatal("the stalled reader was never closed as slow")
			}
			_, err := s.h.Publish(context.Background(), ch, "chat", map[string]any{"i": i, "pad": pad})
			must(t, err)
			eventually(t, "the reading client to keep up", func() bool { return len(reader.pubs(ch)) == i+1 })
		}
		eventually(t, "the stalled connection to end", func() bool {
			return s.counter("zonefair_live_connections", "") == 1
		})
		if n := s.counter("zonefair_live_disconnects_total", ""); n != 1 {
			t.Fatalf("%v disconnects, want only the stalled reader's", n)
		}
		reader.open("reading client")
	})
}

// A message over the limit is refused with 1009 and the documented reason.
func TestOversizedMessageClosesWithReason(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		s := startHub(t, e.backend, func(o *Options) { o.MaxMessageSize = 1024 })
		c := dial(t, s, "1:big:")
		must(t, c.ws.WriteMessage(websocket.TextMessage, []byte(`{"op":"ping","kind":"`+strings.Repeat("a", 2000)+`"}`)))
		code, why := c.closed()
		if code != CloseOversize || !strings.Contains(why, `"reason":"too_big"`) {
			t.Fatalf("oversized message: close %d %q, want %d too_big", code, why, CloseOversize)
		}
		eventually(t, "the close to be counted", func() bool {
			return s.counter("zonefair_live_disconnects_total", "1009") == 1
		})
	})
}

// A room that has subscribers keeps its history past the idle TTL: a publication after a long
// quiet spell continues the same epoch instead of resetting everyone.
func TestQuietRoomWithSubscribersKeepsItsHistory(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		s := startHub(t, e.backend, nil)
		s.h.Define(ChannelType{Name: "brief", Rights: func(Identity, string) Rights { return CanJoin | CanPublish },
			History: 10, HistoryTTL: time.Second})
		ch := "brief:quiet"
		c := dial(t, s, "1:host:")
		joined := c.join(ch)
		r := c.call(map[string]any{"op": "pub", "ch": ch, "kind": "chat", "data": 1})
		time.Sleep(3 * time.Second) // three times the history's TTL, without a publication
		r2 := c.call(map[string]any{"op": "pub", "ch": ch, "kind": "chat", "data": 2})
		if r2.Off != r.Off+1 {
			t.Fatalf("after a quiet spell the next offset is %d, want %d", r2.Off, r.Off+1)
		}
		eventually(t, "both publications", func() bool { return len(c.pubs(ch)) == 2 })
		if n := c.count(func(f tframe) bool { return f.T == "reset" }); n != 0 {
			t.Fatalf("%d resets: the history of a room with subscribers expired", n)
		}
		late := dial(t, s, "2:late:")
		rj := late.call(map[string]any{"op": "join", "ch": ch, "since": map[string]any{"off": joined.Off, "epoch": joined.Epoch}})
		if rj.Recovered == nil || !*rj.Recovered {
			t.Fatalf("resume from before the quiet spell: %+v", rj)
		}
	})
}

// joinStalled dials a client that joins ch and then never reads: a small receive buffer stops
// the kernel from absorbing megabytes on its behalf. It returns once the hub has it in ch.
func joinStalled(t *testing.T, s *server, ch string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{NetDial: (&net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 8<<10)
		})
	}}).Dial}
	ws, _, err := d.Dial("ws"+strings.TrimPrefix(s.url, "http")+"/ws", nil)
	must(t, err)
	t.Cleanup(func() { _ = ws.Close() })
	req, _ := json.Marshal(map[string]any{"id": 1, "op": "join", "ch": ch})
	must(t, ws.WriteMessage(websocket.TextMessage, req))
	eventually(t, "the stalled client to join", func() bool {
		r := s.h.lookup(ch)
		return r != nil && func() bool { r.mu.Lock(); defer r.mu.Unlock(); return len(r.subs) == 2 }()
	})
	return ws
}
