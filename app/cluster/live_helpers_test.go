package cluster_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
)

// subscriber is a live client that follows one channel through the proxy, reconnecting on any
// lost connection and resuming from its last offset, and counts gaps and duplicates.
type subscriber struct {
	t      *testing.T
	url    string
	origin string
	ch     string

	mu         sync.Mutex
	epoch      string
	last       uint64
	gaps, dups int
	resets     int
	reconnects int
	refused    int // resumes the server could not recover
	ws         *websocket.Conn
	stopped    bool
	done       chan struct{}
}

func wsURL(base string) string { return "ws" + strings.TrimPrefix(base, "http") + "/api/v1/live/ws" }

func follow(t *testing.T, base, ch string) *subscriber {
	t.Helper()
	s := &subscriber{t: t, url: wsURL(base), origin: base, ch: ch, done: make(chan struct{})}
	if err := s.connect(); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	go s.run()
	t.Cleanup(s.stop)
	return s
}

func (s *subscriber) connect() error {
	ws, _, err := websocket.DefaultDialer.Dial(s.url, http.Header{"Origin": {s.origin}})
	if err != nil {
		return err
	}
	req := map[string]any{"id": 1, "op": "join", "ch": s.ch}
	s.mu.Lock()
	if s.epoch != "" {
		req["since"] = map[string]any{"off": s.last, "epoch": s.epoch}
	}
	s.ws = ws
	s.mu.Unlock()
	b, _ := json.Marshal(req)
	if err := ws.WriteMessage(websocket.TextMessage, b); err != nil {
		ws.Close()
		return err
	}
	return nil
}

type liveFrame struct {
	T         string `json:"t"`
	ID        uint64 `json:"id"`
	Epoch     string `json:"epoch"`
	Off       uint64 `json:"off"`
	Recovered *bool  `json:"recovered"`
	Error     *struct {
		Code string `json:"code"`
	} `json:"error"`
}

func (s *subscriber) run() {
	defer close(s.done)
	for {
		s.mu.Lock()
		ws := s.ws
		s.mu.Unlock()
		s.read(ws)
		s.mu.Lock()
		stopped := s.stopped
		s.mu.Unlock()
		if stopped {
			return
		}
		// Reconnect with backoff; the proxy sends the new connection to a live instance.
		for attempt := 0; ; attempt++ {
			time.Sleep(time.Duration(50+attempt*50) * time.Millisecond)
			s.mu.Lock()
			stopped = s.stopped
			s.mu.Unlock()
			if stopped {
				return
			}
			if s.connect() == nil {
				s.mu.Lock()
				s.reconnects++
				s.mu.Unlock()
				break
			}
		}
	}
}

func (s *subscriber) read(ws *websocket.Conn) {
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		for _, line := range bytes.Split(msg, []byte("\n")) {
			var f liveFrame
			if err := json.Unmarshal(line, &f); err != nil {
				s.t.Errorf("frame is not JSON: %q", line)
				continue
			}
			s.mu.Lock()
			switch {
			case f.T == "reply" && f.ID == 1 && f.Error == nil:
				resumed := s.epoch != ""
				if !resumed || f.Recovered == nil || !*f.Recovered {
					if resumed {
						s.refused++
					}
					s.epoch, s.last = f.Epoch, f.Off
				}
			case f.T == "reply" && f.ID == 1:
				s.t.Logf("join refused: %s", line)
			case f.T == "reset":
				s.resets++
				s.epoch, s.last = f.Epoch, f.Off
			case f.T == "pub":
				switch {
				case f.Off == s.last+1:
					s.last = f.Off
				case f.Off <= s.last:
					s.dups++
				default:
					s.gaps++
					s.last = f.Off
				}
			}
			s.mu.Unlock()
		}
	}
}

func (s *subscriber) position() (string, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.epoch, s.last
}

func (s *subscriber) stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	ws := s.ws
	s.mu.Unlock()
	_ = ws.Close()
	<-s.done
}

func (s *subscriber) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("last=%d gaps=%d dups=%d resets=%d reconnects=%d unrecovered=%d", s.last, s.gaps, s.dups, s.resets, s.reconnects, s.refused)
}

// publisher publishes numbered messages to a channel through the proxy at a steady rate,
// reconnecting when its connection is lost, and records the offsets acknowledged to it.
type publisher struct {
	url, origin, ch string
	acked           atomic.Uint64 // highest acknowledged offset
	ok, failed      atomic.Int64
	stopc           chan struct{}
	done            chan struct{}
}

func publish(t *testing.T, base, ch string, every time.Duration) *publisher {
	p := &publisher{url: wsURL(base), origin: base, ch: ch, stopc: make(chan struct{}), done: make(chan struct{})}
	go p.run(every)
	t.Cleanup(p.stop)
	return p
}

func (p *publisher) stop() {
	select {
	case <-p.stopc:
	default:
		close(p.stopc)
	}
	<-p.done
}

func (p *publisher) run(every time.Duration) {
	defer close(p.done)
	var id uint64
	for {
		ws, _, err := websocket.DefaultDialer.Dial(p.url, http.Header{"Origin": {p.origin}})
		if err != nil {
			select {
			case <-p.stopc:
				return
			case <-time.After(100 * time.Millisecond):
				continue
			}
		}
		lost := make(chan struct{})
		go func() {
			defer close(lost)
			for {
				_, msg, err := ws.ReadMessage()
				if err != nil {
					return
				}
				for _, line := range bytes.Split(msg, []byte("\n")) {
					var f liveFrame
					if json.Unmarshal(line, &f) != nil || f.T != "reply" {
						continue
					}
					if f.Error != nil {
						p.failed.Add(1)
						continue
					}
					p.ok.Add(1)
					for {
						cur := p.acked.Load()
						if f.Off <= cur || p.acked.CompareAndSwap(cur, f.Off) {
							break
						}
					}
				}
			}
		}()
		tick := time.NewTicker(every)
	loop:
		for {
			select {
			case <-p.stopc:
				tick.Stop()
				_ = ws.Close()
				<-lost
				return
			case <-lost:
				break loop
			case <-tick.C:
				id++
				msg := fmt.Sprintf(`{"id":%d,"op":"pub","ch":%q,"kind":"bench","data":{"n":%d}}`, id, p.ch, id)
				if ws.WriteMessage(websocket.TextMessage, []byte(msg)) != nil {
					break loop
				}
			}
		}
		tick.Stop()
		_ = ws.Close()
	}
}

// settle waits until every subscriber has reached offset want.
func settle(t *testing.T, subs []*subscriber, want uint64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		behind := 0
		for _, s := range subs {
			if _, last := s.position(); last < want {
				behind++
			}
		}
		if behind == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	for i, s := range subs {
		t.Logf("subscriber %d: %s", i, s)
	}
	t.Fatalf("subscribers did not reach offset %d within %s", want, within)
}
