// Package server assembles the HTTP application from the capability packages: it builds each
// package's handlers from the stores and live state it is given and registers every route.
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/config"
	"zonefair/app/db"
	"zonefair/app/livestate"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// Deps is everything the application is built from; cmd creates each once.
type Deps struct {
	Config   *config.Config
	DB       *gorm.DB
	State    *livestate.State
	Log      *slog.Logger
	Registry *prometheus.Registry
	Frontend fs.FS // the built frontend; nil serves no pages
	// Ready lists extra readiness checks (e.g. live fan-out), by name.
	Ready map[string]func(context.Context) error
}

// App is the assembled application.
type App struct {
	Fiber    *fiber.App
	Router   *web.Router
	Sessions *account.Sessions
}

// New builds the application and registers every route.
func New(d Deps) (*App, error) {
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	f := web.NewApp(web.Options{Logger: d.Log, BodyLimit: d.Config.BodyLimit, Registry: d.Registry})
	r := web.NewRouter(f)

	users := account.NewStore(d.DB)
	zones := zone.NewStore(d.DB)
	sessions := &account.Sessions{Store: d.State.Sessions, Users: users, TTL: 14 * 24 * time.Hour, Secure: d.Config.SecureCookies(), Log: d.Log}
	f.Use(sessions.Middleware())

	health := &health{db: d.DB, state: d.State, extra: d.Ready}
	r.Handle(web.Route{Method: "GET", Path: "/healthz", Tag: "operations", Summary: "Liveness: the process answers", Access: web.Public, Response: Status{}, Handler: health.alive})
	r.Handle(web.Route{Method: "GET", Path: "/readyz", Tag: "operations", Summary: "Readiness: database and live state reachable (503 with reasons otherwise)", Access: web.Public, Response: Status{}, Handler: health.ready})
	d.Registry.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	metrics := adaptor.HTTPHandler(promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{}))
	r.Handle(web.Route{Method: "GET", Path: "/metrics", Tag: "operations", Summary: "Prometheus metrics", Access: web.Public, Produces: "text/plain", Handler: metrics})
	r.Handle(web.Route{Method: "GET", Path: "/api/openapi.json", Tag: "operations", Summary: "This document", Access: web.Public, Produces: "application/json", Handler: func(c *fiber.Ctx) error {
		doc, err := r.OpenAPI()
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(doc)
	}})

	(&account.Handlers{Users: users, Sessions: sessions, Limiter: d.State.Limiter, Log: d.Log}).Routes(r)
	(&account.Invitations{DB: d.DB, Zones: zones, Users: users, Sessions: sessions, BaseURL: d.Config.BaseURL}).Routes(r)
	(&zone.Handlers{Store: zones, UploadDir: filepath.Join(d.Config.DataDir, "uploads")}).Routes(r)

	if d.Frontend != nil {
		if err := web.MountFrontend(f, d.Frontend); err != nil {
			return nil, err
		}
	}
	return &App{Fiber: f, Router: r, Sessions: sessions}, nil
}

// Status is the body of /healthz and /readyz.
type Status struct {
	Status string            `json:"status" enum:"ok,unavailable"`
	Checks map[string]string `json:"checks,omitempty"`
}

type health struct {
	db    *gorm.DB
	state *livestate.State
	extra map[string]func(context.Context) error
}

func (h *health) alive(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(Status{Status: "ok"})
}

func (h *health) ready(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	checks := map[string]func(context.Context) error{
		"database":   func(ctx context.Context) error { return db.Ping(ctx, h.db) },
		"live_state": h.state.Ping,
	}
	for name, f := range h.extra {
		checks[name] = f
	}
	out, status := Status{Status: "ok", Checks: map[string]string{}}, fiber.StatusOK
	for name, check := range checks {
		if err := check(ctx); err != nil {
			out.Checks[name] = err.Error()
			out.Status, status = "unavailable", fiber.StatusServiceUnavailable
		} else {
			out.Checks[name] = "ok"
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(out)
}
