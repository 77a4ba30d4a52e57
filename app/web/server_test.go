package web

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// Pages get the document security headers; a websocket upgrade, whose response stays in memory
// for the connection's life, gets none of them.
func TestSecurityHeadersSkipWebSocketUpgrades(t *testing.T) {
	app := NewApp(Options{Logger: slog.New(slog.DiscardHandler), BodyLimit: 1 << 20})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("ok") })

	page, err := app.Test(httptest.NewRequest("GET", "/", nil))
	if err != nil {
		t.Fatal(err)
	}
	if page.Header.Get("Content-Security-Policy") == "" || page.Header.Get("X-Frame-Options") == "" {
		t.Fatalf("page lacks security headers: %v", page.Header)
	}

	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "WebSocket")
	up, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	if h := up.Header.Get("Content-Security-Policy"); h != "" {
		t.Fatalf("upgrade response carries Content-Security-Policy %q", h)
	}
	if up.Header.Get("X-Request-ID") == "" {
		t.Fatal("upgrade response lost its request id")
	}
}

// Behind a trusted load balancer the client's address comes from X-Forwarded-For; from anyone
// else the header is ignored, so a client cannot choose the address its limits count against.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	ip := func(trust []string, xff string) string {
		app := NewApp(Options{Logger: slog.New(slog.DiscardHandler), BodyLimit: 1 << 20, TrustProxy: trust})
		app.Get("/", func(c *fiber.Ctx) error { return c.SendString(c.IP()) })
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("X-Forwarded-For", xff)
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		return string(body)
	}
	// fiber's test connection comes from 0.0.0.0.
	if got := ip([]string{"0.0.0.0"}, "203.0.113.7"); got != "203.0.113.7" {
		t.Errorf("behind a trusted proxy: %q", got)
	}
	if got := ip([]string{"10.0.0.1"}, "203.0.113.7"); got == "203.0.113.7" {
		t.Error("X-Forwarded-For believed from an untrusted address")
	}
	if got := ip([]string{"0.0.0.0"}, "not an address"); got == "not an address" {
		t.Error("a malformed X-Forwarded-For was taken as the address")
	}
}

// An upload comes back with its name and content; a missing file is invalid, a larger one too
// large with the limit written for people.
func TestFormFile(t *testing.T) {
	app := NewApp(Options{Logger: slog.New(slog.DiscardHandler), BodyLimit: 1 << 20})
	app.Post("/", func(c *fiber.Ctx) error {
		name, body, err := FormFile(c, 2<<10)
		if err != nil {
			return err
		}
		return c.SendString(name + ":" + string(body))
	})
	post := func(field string, content []byte) (int, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		part, _ := w.CreateFormFile(field, "简历 résumé.pdf")
		_, _ = part.Write(content)
		_ = w.Close()
		req := httptest.NewRequest("POST", "/", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := post("file", []byte("hello")); code != 200 || body != "简历 résumé.pdf:hello" {
		t.Errorf("ok upload: %d %s", code, body)
	}
	if code, body := post("other", []byte("hello")); code != 400 || !strings.Contains(body, "file") {
		t.Errorf("missing file: %d %s", code, body)
	}
	// The limit is named in the summary and in the field's message.
	if code, body := post("file", bytes.Repeat([]byte("x"), 2<<10+1)); code != 413 || strings.Count(body, "(limit 2 KiB)") != 2 {
		t.Errorf("too large: %d %s", code, body)
	}
}

// Request metrics keep their labels as they were when counted: requests of different methods
// one after another on one kept-alive connection (whose buffer each overwrites) are counted
// per method, and the metrics page stays readable.
func TestRequestMetricsOverOneConnection(t *testing.T) {
	reg := prometheus.NewRegistry()
	app := NewApp(Options{Logger: slog.New(slog.DiscardHandler), BodyLimit: 1 << 20, Registry: reg})
	app.All("/x", func(c *fiber.Ctx) error { return c.SendString("ok") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })

	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	methods := []string{"GET", "DELETE", "PUT", "POST", "PATCH"}
	for i := range 50 {
		req, _ := http.NewRequest(methods[i%len(methods)], "http://"+ln.Addr().String()+"/x", strings.NewReader("body"))
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("metrics unreadable: %v", err)
	}
	counted := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "zonefair_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "method" {
					counted[l.GetValue()] += m.GetCounter().GetValue()
				}
			}
		}
	}
	for _, m := range methods {
		if counted[m] != 10 {
			t.Errorf("%s counted %v times, want 10 (all: %v)", m, counted[m], counted)
		}
	}
}
