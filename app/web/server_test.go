package web

import (
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
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
