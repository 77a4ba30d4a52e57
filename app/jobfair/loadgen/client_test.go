package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func newTestClient(t *testing.T, h http.Handler) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	hc, err := NewHTTPClient(srv.URL, 2)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{Base: srv.URL, HTTP: hc}, srv
}

// TestDoContract: JSON bodies, the session cookie and CSRF token, decoding of 2xx and error
// answers, and no redirect followed.
func TestDoContract(t *testing.T) {
	var elsewhere atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/auth/login", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "" || r.Header.Get("X-CSRF-Token") != "" {
			t.Errorf("login sent cookie %q, token %q", r.Header.Get("Cookie"), r.Header.Get("X-CSRF-Token"))
		}
		var in map[string]string
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in["email"] != "a@b.test" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("login body %v (%v), content type %q", in, err, r.Header.Get("Content-Type"))
		}
		http.SetCookie(w, &http.Cookie{Name: "other", Value: "x"})
		http.SetCookie(w, &http.Cookie{Name: "zf_session", Value: "s1", Path: "/", HttpOnly: true})
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"user":{"id":7},"csrfToken":"tok"}`)
	})
	mux.HandleFunc("GET /item", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "zf_session=s1" || r.Header.Get("X-CSRF-Token") != "" || r.Header.Get("Accept-Language") != "en" || r.Header.Get("Content-Type") != "" {
			t.Errorf("GET headers %v", r.Header)
		}
		io.WriteString(w, `{"id":42,"name":"工程师"}`)
	})
	mux.HandleFunc("POST /chat", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-CSRF-Token") != "tok" || r.Header.Get("Content-Type") != "" || r.ContentLength > 0 {
			t.Errorf("POST without body: headers %v, length %d", r.Header, r.ContentLength)
		}
		http.SetCookie(w, &http.Cookie{Name: "zf_session", Value: "s2"})
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("PUT /closed", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "zf_session=s2" || r.Header.Get("X-CSRF-Token") != "tok" {
			t.Errorf("PUT headers %v", r.Header)
		}
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, `{"error":{"code":"job_closed","message":"closed"}}`)
	})
	mux.HandleFunc("GET /moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	mux.HandleFunc("/elsewhere", func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) })
	c, _ := newTestClient(t, mux)
	ctx := context.Background()

	if err := c.Login(ctx, "a@b.test", "pw"); err != nil || c.UserID != 7 {
		t.Fatalf("login: %v, user %d", err, c.UserID)
	}
	var item struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	if status, err := c.Do(ctx, http.MethodGet, "/item", nil, &item); status != 200 || err != nil || item.ID != 42 || item.Name != "工程师" {
		t.Errorf("GET /item: %d %v %+v", status, err, item)
	}
	if status, err := c.Do(ctx, http.MethodPost, "/chat", nil, nil); status != 201 || err != nil {
		t.Errorf("POST /chat: %d %v", status, err)
	}
	var apiErr APIError
	if status, err := c.Do(ctx, http.MethodPut, "/closed", map[string]int{"n": 1}, &apiErr); status != 409 || err != nil || apiErr.Error.Code != "job_closed" {
		t.Errorf("PUT /closed: %d %v %+v", status, err, apiErr)
	}
	if status, err := c.Do(ctx, http.MethodGet, "/moved", nil, nil); status != 302 || err != nil || elsewhere.Load() != 0 {
		t.Errorf("GET /moved: %d %v, redirect followed %d times", status, err, elsewhere.Load())
	}
	var bad struct{ ID int64 }
	if status, err := c.Do(ctx, http.MethodGet, "/moved", nil, &bad); status != 302 || err != nil {
		t.Errorf("GET /moved decoding: %d %v", status, err)
	}
}

// TestDoTimeout: a hung request ends at the context's deadline with status 0; a context
// already done sends nothing.
func TestDoTimeout(t *testing.T) {
	release := make(chan struct{})
	var hits atomic.Int64
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	status, err := c.Do(ctx, http.MethodGet, "/hang", nil, nil)
	if status != 0 || !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("hung request: %d %v after %s", status, err, time.Since(start))
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	before := hits.Load()
	if status, err := c.Do(done, http.MethodPost, "/x", nil, nil); status != 0 || !errors.Is(err, context.Canceled) || hits.Load() != before {
		t.Errorf("done context: %d %v, %d requests sent", status, err, hits.Load()-before)
	}
}

// TestDoIdleConnectionClosed: a pooled connection the site closed while idle does not fail the
// next request, even a POST, and that request reaches the site once.
func TestDoIdleConnectionClosed(t *testing.T) {
	var posts atomic.Int64
	c, srv := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
	}))
	ctx := context.Background()
	for range 3 {
		if status, err := c.Do(ctx, http.MethodGet, "/", nil, nil); status != 200 || err != nil {
			t.Fatalf("GET: %d %v", status, err)
		}
	}
	srv.CloseClientConnections()
	time.Sleep(50 * time.Millisecond) // for the close to arrive
	if status, err := c.Do(ctx, http.MethodPost, "/apply", map[string]string{"coverNote": "x"}, nil); status != 200 || err != nil || posts.Load() != 1 {
		t.Errorf("POST after the idle connection closed: %d %v, %d received", status, err, posts.Load())
	}
}

// TestDoNoResend: a POST whose connection dies after it was sent fails; it is not sent again.
func TestDoNoResend(t *testing.T) {
	var posts atomic.Int64
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	status, err := c.Do(context.Background(), http.MethodPost, "/apply", map[string]string{"coverNote": "x"}, nil)
	if status != 0 || err == nil || posts.Load() != 1 {
		t.Errorf("POST on a dying connection: %d %v, received %d times", status, err, posts.Load())
	}
}

// TestDoAnswerLimit: an answer beyond 8 MiB is an error, not a decoded value.
func TestDoAnswerLimit(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `"`+strings.Repeat("x", maxAnswer)+`"`)
	}))
	var s string
	if _, err := c.Do(context.Background(), http.MethodGet, "/big", nil, &s); err == nil || s != "" {
		t.Errorf("9 MiB answer: %v, decoded %d bytes", err, len(s))
	}
}

// TestFromOwnAddress: a graduate's connections leave from its own loopback address when the
// site is on this machine; elsewhere the shared pool is used.
func TestFromOwnAddress(t *testing.T) {
	var from atomic.Value
	c, srv := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		from.Store(host)
	}))
	own := FromOwnAddress(c.HTTP, srv.URL, 253)
	if own == c.HTTP {
		t.Fatal("a site on this machine got the shared pool")
	}
	g := &Client{Base: srv.URL, HTTP: own}
	if status, err := g.Do(context.Background(), http.MethodGet, "/", nil, nil); status != 200 || err != nil {
		t.Fatalf("GET: %d %v", status, err)
	}
	if got := from.Load(); got != "127.1.1.4" {
		t.Errorf("request came from %v; want 127.1.1.4", got)
	}
	if FromOwnAddress(c.HTTP, "http://zonefair.example:8080", 3) != c.HTTP {
		t.Error("a remote site got a pool of its own")
	}
}
