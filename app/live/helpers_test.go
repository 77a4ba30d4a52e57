package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"zonefair/app/testenv"
)

// env is one Backend implementation under the contract suite.
type env struct {
	backend Backend
	forget  func(ch string) // drops a channel's history as an expiry or a Redis flush would
}

// eachBackend runs f against the in-process backend and against real Redis.
func eachBackend(t *testing.T, f func(t *testing.T, e env)) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		b := NewMemoryBackend()
		f(t, env{backend: b, forget: func(ch string) { b.(*memory).forget(ch) }})
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		client, prefix := testenv.Redis(t)
		b := NewRedisBackend(client, prefix)
		f(t, env{backend: b, forget: func(ch string) {
			client.Del(context.Background(), prefix+"{"+ch+"}:s", prefix+"{"+ch+"}:m")
		}})
	})
}

// testAuth stands in for the session layer: the X-Test-User header is "id:name:role".
func testAuth(c *fiber.Ctx) (Identity, error) {
	v := c.Get("X-Test-User")
	if v == "" {
		return Identity{}, nil
	}
	parts := strings.SplitN(v, ":", 3)
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || len(parts) != 3 {
		return Identity{}, fiber.ErrUnauthorized
	}
	return Identity{UserID: id, Name: parts[1], Role: parts[2]}, nil
}

// roomType: anyone may read (anonymous too), members publish, role "host" moderates.
func roomType() ChannelType {
	return ChannelType{
		Name: "room",
		Rights: func(id Identity, _ string) Rights {
			r := CanJoin | CanPublish
			if id.Role == "host" {
				r |= CanModerate
			}
			return r
		},
		History:  50,
		Presence: true,
	}
}

type server struct {
	h   *Hub
	url string // http://127.0.0.1:port
	reg *prometheus.Registry
}

func startHub(t *testing.T, b Backend, tune func(*Options)) *server {
	t.Helper()
	reg := prometheus.NewRegistry()
	o := Options{Backend: b, Authenticate: testAuth, EnableBench: true, Registerer: reg,
		Rate: 10000, Burst: 10000, PresenceInterval: 100 * time.Millisecond}
	if tune != nil {
		tune(&o)
	}
	h, err := New(o)
	testenv.Must(t, err)
	h.Define(roomType())
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Post("/ticket", h.TicketHandler)
	app.Get("/ws", h.Handler())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	testenv.Must(t, err)
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.Shutdown(ctx)
		_ = app.ShutdownWithTimeout(time.Second)
	})
	return &server{h: h, url: "http://" + ln.Addr().String(), reg: reg}
}

func (s *server) counter(name, code string) float64 {
	mfs, _ := s.reg.Gather()
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			match := code == ""
			for _, l := range m.GetLabel() {
				if l.GetName() == "code" && l.GetValue() == code {
					match = true
				}
			}
			if match {
				total += m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	return total
}

type tframe struct {
	T         string            `json:"t"`
	ID        uint64            `json:"id"`
	Ch        string            `json:"ch"`
	Off       uint64            `json:"off"`
	Epoch     string            `json:"epoch"`
	Recovered *bool             `json:"recovered"`
	N         *int              `json:"n"`
	Members   []json.RawMessage `json:"members"`
	Member    json.RawMessage   `json:"member"`
	Error     *replyError       `json:"error"`
	Kind      string            `json:"kind"`
	From      struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"from"`
	Data json.RawMessage `json:"data"`
	raw  string
}

type tclient struct {
	t      *testing.T
	ws     *websocket.Conn
	seq    atomic.Uint64
	mu     sync.Mutex
	frames []tframe
	code   int
	reason string
	gone   chan struct{}
}

func dialRaw(s *server, user string, header http.Header) (*websocket.Conn, *http.Response, error) {
	if header == nil {
		header = http.Header{}
	}
	if user != "" {
		header.Set("X-Test-User", user)
	}
	return websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(s.url, "http")+"/ws", header)
}

// dial connects as user ("id:name:role", or "" for anonymous) and starts reading.
func dial(t *testing.T, s *server, user string) *tclient {
	t.Helper()
	ws, _, err := dialRaw(s, user, nil)
	testenv.Must(t, err)
	return track(t, ws)
}

func track(t *testing.T, ws *websocket.Conn) *tclient {
	c := &tclient{t: t, ws: ws, gone: make(chan struct{})}
	t.Cleanup(func() { _ = ws.Close() })
	go func() {
		defer close(c.gone)
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				var ce *websocket.CloseError
				c.mu.Lock()
				if errors.As(err, &ce) {
					c.code, c.reason = ce.Code, ce.Text
				} else {
					c.code = -1
				}
				c.mu.Unlock()
				return
			}
			for _, line := range strings.Split(string(msg), "\n") {
				var f tframe
				if err := json.Unmarshal([]byte(line), &f); err != nil {
					t.Errorf("server sent a frame that is not JSON: %q", line)
					continue
				}
				f.raw = line
				c.mu.Lock()
				c.frames = append(c.frames, f)
				c.mu.Unlock()
			}
		}
	}()
	return c
}

func (c *tclient) send(req map[string]any) uint64 {
	id := c.seq.Add(1)
	req["id"] = id
	b, _ := json.Marshal(req)
	if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		c.t.Fatalf("send: %v", err)
	}
	return id
}

// call sends a request and waits for its reply.
func (c *tclient) call(req map[string]any) tframe {
	c.t.Helper()
	id := c.send(req)
	return c.waitFor(fmt.Sprintf("reply %d", id), func(f tframe) bool { return f.T == "reply" && f.ID == id })
}

func (c *tclient) join(ch string) tframe {
	c.t.Helper()
	r := c.call(map[string]any{"op": "join", "ch": ch})
	if r.Error != nil {
		c.t.Fatalf("join %s: %+v", ch, r.Error)
	}
	return r
}

func (c *tclient) waitFor(what string, pred func(tframe) bool) tframe {
	c.t.Helper()
	var got tframe
	eventually(c.t, what, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, f := range c.frames {
			if pred(f) {
				got = f
				return true
			}
		}
		return false
	})
	return got
}

func (c *tclient) pubs(ch string) []tframe {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []tframe
	for _, f := range c.frames {
		if f.T == "pub" && f.Ch == ch {
			out = append(out, f)
		}
	}
	return out
}

func (c *tclient) count(pred func(tframe) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, f := range c.frames {
		if pred(f) {
			n++
		}
	}
	return n
}

func (c *tclient) closed() (int, string) {
	c.t.Helper()
	select {
	case <-c.gone:
	case <-time.After(10 * time.Second):
		c.t.Fatal("connection was not closed")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.code, c.reason
}

// eventually waits for cond, failing the test after 15 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkSequence asserts offsets from..to arrive exactly once and in order.
func checkSequence(t *testing.T, who string, pubs []tframe, from, to uint64) {
	t.Helper()
	if uint64(len(pubs)) != to-from+1 {
		t.Fatalf("%s: got %d publications, want %d (offsets %d..%d)", who, len(pubs), to-from+1, from, to)
	}
	for i, p := range pubs {
		if p.Off != from+uint64(i) {
			t.Fatalf("%s: publication %d has offset %d, want %d", who, i, p.Off, from+uint64(i))
		}
	}
}
