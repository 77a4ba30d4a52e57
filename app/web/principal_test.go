package web

import (
	"errors"
	"log/slog"
	"net/http/httptest"
	"testing"

	"zonefair/app/actor"

	"github.com/gofiber/fiber/v2"
)

// A session's account is read only when the request needs it: before every route that checks
// its caller or changes something, and on a public page only if the page asks — and a page
// that asked when the account could not be read fails as if it had never started.
func TestDeferredPrincipal(t *testing.T) {
	var (
		loads int
		fail  error
		gone  bool
	)
	app := NewApp(Options{Logger: slog.New(slog.DiscardHandler), BodyLimit: 1 << 20})
	app.Use(func(c *fiber.Ctx) error {
		if c.Get("X-Session") != "" {
			DeferPrincipal(c, 7, func() (*Principal, error) {
				loads++
				if fail != nil || gone {
					return nil, fail
				}
				return &Principal{Actor: actor.Actor{UserID: 7, Role: RoleGraduate}}, nil
			})
		}
		return c.Next()
	})
	r := NewRouter(app)
	r.Handle(Route{Method: "GET", Path: "/search", Access: Public, Handler: func(c *fiber.Ctx) error {
		return c.JSON(CallerID(c))
	}})
	r.Handle(Route{Method: "GET", Path: "/page", Access: Public, Handler: func(c *fiber.Ctx) error {
		if p := CurrentPrincipal(c); p != nil {
			return c.SendString("graduate")
		}
		return c.SendString("anonymous")
	}})
	r.Handle(Route{Method: "POST", Path: "/public-post", Access: Public, Handler: func(c *fiber.Ctx) error { return c.SendString("ok") }})
	r.Handle(Route{Method: "GET", Path: "/mine", Access: Roles(RoleGraduate), Handler: func(c *fiber.Ctx) error { return c.SendString("ok") }})

	do := func(method, path string, session bool) (int, string) {
		t.Helper()
		req := httptest.NewRequest(method, path, nil)
		if session {
			req.Header.Set("X-Session", "1")
		}
		res, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		var b [64]byte
		n, _ := res.Body.Read(b[:])
		return res.StatusCode, string(b[:n])
	}
	check := func(method, path string, wantStatus int, wantBody string, wantLoads int) {
		t.Helper()
		loads = 0
		status, body := do(method, path, true)
		if status != wantStatus || (wantBody != "" && body != wantBody) || loads != wantLoads {
			t.Errorf("%s %s: %d %q after %d account reads; want %d %q after %d", method, path, status, body, loads, wantStatus, wantBody, wantLoads)
		}
	}
	check("GET", "/search", 200, "7", 0)
	check("GET", "/page", 200, "graduate", 1)
	check("POST", "/public-post", 200, "ok", 1)
	check("GET", "/mine", 200, "ok", 1)
	if status, _ := do("GET", "/mine", false); status != 401 {
		t.Errorf("anonymous /mine: %d", status)
	}

	gone = true // the account was removed: the session is no one's
	check("GET", "/page", 200, "anonymous", 1)
	check("GET", "/mine", 401, "", 1)

	gone, fail = false, errors.New("database is out")
	check("GET", "/search", 200, "7", 0)
	check("GET", "/page", 500, "", 1)
	check("GET", "/mine", 500, "", 1)
	check("POST", "/public-post", 500, "", 1)
}
