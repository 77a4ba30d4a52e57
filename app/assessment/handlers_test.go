package assessment

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"zonefair/app/actor"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/web"
)

// TestLogRefusals: a refused request is logged with who tried what; others are not.
func TestLogRefusals(t *testing.T) {
	var buf bytes.Buffer
	h := &Handlers{Service: &Service{Log: slog.New(slog.NewTextHandler(&buf, nil))}}
	app := fiber.New(fiber.Config{ErrorHandler: web.ErrorHandler(slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))})
	app.Use(func(c *fiber.Ctx) error {
		web.SetPrincipal(c, &web.Principal{Actor: actor.Actor{UserID: 42, Role: web.RoleProvince}})
		return c.Next()
	})
	app.Use("/api/v1/assessment", h.LogRefusals)
	app.Get("/api/v1/assessment/no", func(*fiber.Ctx) error { return errs.Forbidden() })
	app.Get("/api/v1/assessment/yes", func(c *fiber.Ctx) error { return c.SendString("ok") })
	for path, status := range map[string]int{"/api/v1/assessment/no": 403, "/api/v1/assessment/yes": 200} {
		res, err := app.Test(httptest.NewRequest("GET", path, nil))
		if err != nil || res.StatusCode != status {
			t.Fatalf("%s: %v %v", path, res.StatusCode, err)
		}
	}
	log := buf.String()
	if strings.Count(log, "request refused") != 1 || !strings.Contains(log, "user_id=42") || !strings.Contains(log, "role=province_staff") || !strings.Contains(log, "/api/v1/assessment/no") {
		t.Fatalf("log: %s", log)
	}
}
