package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/go-pdf/fpdf"
	"github.com/prometheus/client_golang/prometheus"
	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/db/dbtest"
	"zonefair/app/live"
	"zonefair/app/livestate"
	"zonefair/app/server"
	"zonefair/app/testenv"
	"zonefair/app/web"
)

// liveEnv is an env whose application publishes through a real live hub, reachable over a
// websocket at wsURL. second, when set, is another instance on the same database and the same
// live backend, as two servers behind a load balancer would be.
type liveEnv struct {
	*env
	hub     *live.Hub
	wsURL   string
	second  *server.App
	wsURL2  string
	backend string
}

// eachLiveEnv runs f on SQLite and PostgreSQL with two instances whose hubs share the
// in-process backend, and again on PostgreSQL with each instance on its own connection to
// Redis, as separate processes would be, when ZONEFAIR_TEST_REDIS_URL is set.
func eachLiveEnv(t *testing.T, f func(t *testing.T, e *liveEnv)) {
	run := func(t *testing.T, g *gorm.DB, kind string, backends func() live.Backend) {
		state := livestate.NewMemory()
		t.Cleanup(func() { _ = state.Close() })
		e := &liveEnv{env: &env{t: t, db: g, state: state, users: map[web.Role]account.User{}}, backend: kind}
		e.addFixture()
		e.env.app, e.hub, e.wsURL = liveApp(t, g, backends(), state)
		e.second, _, e.wsURL2 = liveApp(t, g, backends(), state)
		f(t, e)
	}
	eachKind(t, func(t *testing.T, g *gorm.DB) {
		mem := live.NewMemoryBackend()
		run(t, g, "memory", func() live.Backend { return mem })
	})
	t.Run("postgres+redis", func(t *testing.T) {
		t.Parallel()
		client, prefix := testenv.Redis(t)
		g := dbtest.Open(t, "postgres")
		run(t, g, "redis", func() live.Backend { return live.NewRedisBackend(client, prefix) })
	})
}

func liveApp(t *testing.T, g *gorm.DB, backend live.Backend, state *livestate.State) (*server.App, *live.Hub, string) {
	t.Helper()
	cfg := testConfig(t, t.TempDir())
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub, err := live.New(live.Options{Backend: backend, Authenticate: server.LiveIdentity, Logger: quiet, Registerer: prometheus.NewRegistry(), Rate: 1000, Burst: 1000})
	if err != nil {
		t.Fatal(err)
	}
	app, err := server.New(server.Deps{Config: cfg, DB: g, State: state, Log: quiet, Live: hub})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Fiber.Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hub.Shutdown(ctx)
		_ = app.Fiber.ShutdownWithTimeout(time.Second)
	})
	return app, hub, "ws://" + ln.Addr().String() + "/api/v1/live/ws"
}

// on returns a client of the same user whose requests go to app (another instance).
func (c *client) on(app *server.App) *client {
	e := *c.e
	e.app = app
	return &client{e: &e, cookies: c.cookies, csrf: c.csrf, lang: c.lang}
}

// frame is one server → client websocket frame.
type frame struct {
	T     string          `json:"t"`
	ID    uint64          `json:"id"`
	Ch    string          `json:"ch"`
	Kind  string          `json:"kind"`
	Data  json.RawMessage `json:"data"`
	Error *struct {
		Code string `json:"code"`
	} `json:"error"`
}

// socket is one browser's live connection.
type socket struct {
	t      *testing.T
	conn   *websocket.Conn
	frames chan frame
	nextID uint64
}

// dial connects to the first instance's hub with c's session (anonymous when c has none).
func (e *liveEnv) dial(c *client) *socket { return e.dialURL(e.wsURL, c) }

// dial2 connects to the second instance's hub.
func (e *liveEnv) dial2(c *client) *socket { return e.dialURL(e.wsURL2, c) }

func (e *liveEnv) dialURL(url string, c *client) *socket {
	e.t.Helper()
	h := http.Header{}
	if tok := c.cookies["zf_session"]; tok != "" {
		h.Set("Cookie", "zf_session="+tok)
	}
	conn, _, err := websocket.DefaultDialer.Dial(url, h)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	s := &socket{t: e.t, conn: conn, frames: make(chan frame, 1000)}
	go func() {
		defer close(s.frames)
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			sc := bufio.NewScanner(bytes.NewReader(msg))
			sc.Buffer(make([]byte, 0, 1<<16), 1<<22)
			for sc.Scan() {
				var f frame
				if json.Unmarshal(sc.Bytes(), &f) == nil {
					s.frames <- f
				}
			}
		}
	}()
	e.t.Cleanup(func() { _ = conn.Close() })
	return s
}

func (s *socket) send(req map[string]any) uint64 {
	s.t.Helper()
	s.nextID++
	req["id"] = s.nextID
	if err := s.conn.WriteJSON(req); err != nil {
		s.t.Fatalf("send: %v", err)
	}
	return s.nextID
}

// reply waits for the reply to request id.
func (s *socket) reply(id uint64) frame {
	s.t.Helper()
	return s.until(func(f frame) bool { return f.T == "reply" && f.ID == id })
}

// join joins a channel and returns the reply (which may carry an error).
func (s *socket) join(ch string) frame {
	s.t.Helper()
	return s.reply(s.send(map[string]any{"op": "join", "ch": ch}))
}

// until returns the first frame matching ok, failing after a generous deadline.
func (s *socket) until(ok func(frame) bool) frame {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case f, open := <-s.frames:
			if !open {
				s.t.Fatal("connection closed while waiting")
			}
			if ok(f) {
				return f
			}
		case <-deadline:
			s.t.Fatal("timed out waiting for a frame")
		}
	}
}

// pub waits for the next publication of kind.
func (s *socket) pub(kind string) frame {
	s.t.Helper()
	return s.until(func(f frame) bool { return f.T == "pub" && f.Kind == kind })
}

// collect returns every publication up to and including the first of kind marker.
func (s *socket) collect(marker string) []frame {
	s.t.Helper()
	var out []frame
	s.until(func(f frame) bool {
		if f.T == "pub" {
			out = append(out, f)
		}
		return f.T == "pub" && f.Kind == marker
	})
	return out
}

// slides builds a valid PDF deck of n pages.
func slides(t *testing.T, n int) []byte {
	t.Helper()
	f := fpdf.New("L", "mm", "A4", "")
	f.SetFont("Helvetica", "", 32)
	for i := 1; i <= n; i++ {
		f.AddPage()
		f.Cell(40, 20, fmt.Sprintf("Slide %d", i))
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type briefingOut struct {
	ID          int64  `json:"id"`
	Phase       string `json:"phase"`
	Channel     string `json:"channel"`
	SlidesPages int    `json:"slidesPages"`
	Page        int    `json:"page"`
}

// schedule creates a briefing hosted by zone A's staff (or by admin for zone B) that runs
// from an hour ago to an hour ahead, with the given visibility.
func (e *env) schedule(c *client, visibility string, zoneID int64, over map[string]any) briefingOut {
	e.t.Helper()
	in := map[string]any{
		"titleZh": "苏州工业园区推介会", "titleEn": "Suzhou Industrial Park briefing",
		"startsAt": time.Now().UTC().Add(-time.Hour), "endsAt": time.Now().UTC().Add(time.Hour),
		"visibility": visibility, "zoneIds": []int64{zoneID},
		"registrationQuestions": []map[string]any{{"id": "budget", "labelZh": "投资预算", "labelEn": "Budget", "required": true}},
	}
	for k, v := range over {
		in[k] = v
	}
	var b briefingOut
	c.do("POST", "/api/v1/briefings", in).want(201).json(&b)
	return b
}

func bpath(id int64, rest string) string { return fmt.Sprintf("/api/v1/briefings/%d%s", id, rest) }

// register signs c up for briefing id.
func register(c *client, id int64) {
	c.e.t.Helper()
	c.do("POST", bpath(id, "/registration"), map[string]any{"answers": map[string]string{"budget": "USD 10M"}, "country": "Germany", "industry": "semiconductors"}).want(201)
}
