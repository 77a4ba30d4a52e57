// Package server assembles the HTTP application from the capability packages: it builds each
// package's handlers from the stores and live state it is given and registers every route.
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"path/filepath"
	"slices"
	"time"

	"zonefair/app/actor"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/assessment"
	"zonefair/app/briefing"
	"zonefair/app/config"
	"zonefair/app/db"
	"zonefair/app/jobfair"
	"zonefair/app/live"
	"zonefair/app/livestate"
	"zonefair/app/meeting"
	"zonefair/app/monitor"
	"zonefair/app/notify"
	"zonefair/app/policy"
	"zonefair/app/project"
	"zonefair/app/ratelimit"
	"zonefair/app/signing"
	"zonefair/app/video"
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
	// Live is the real-time hub; nil serves no websocket (tests of other capabilities).
	Live *live.Hub
	// Publisher delivers live publications; it defaults to Live, and nil publishes nothing.
	Publisher notify.Publisher
	// Mail sends email; nil keeps it in the outbox admins can read.
	Mail notify.Sender
	// SigningSender replaces the notify-backed sender of signing messages (tests record codes).
	SigningSender signing.Sender
	// Ready lists extra readiness checks (e.g. live fan-out), by name.
	Ready map[string]func(context.Context) error
}

// App is the assembled application.
type App struct {
	Fiber    *fiber.App
	Router   *web.Router
	Sessions *account.Sessions
	// Signing does the agreements' background work: cmd runs Signing.Run(ctx) for the life of
	// the process.
	Signing *signing.Service
	// Briefings does the rooms' background work (cmd runs Briefings.Run(ctx)) and defines their
	// live channel type (hub.Define(Briefings.Channel())).
	Briefings *briefing.Service
	// Meetings sends meeting reminders and clears lapsed queue places: cmd runs
	// Meetings.Run(ctx).
	Meetings *meeting.Service
	// Monitor raises alerts for late monitoring reports: cmd runs Monitor.Run(ctx).
	Monitor *monitor.Service
	// Fair counts job-fair page views in memory: cmd writes the last of them on shutdown
	// (Fair.Store.FlushViews).
	Fair *jobfair.Service
}

// New builds the application and registers every route.
func New(d Deps) (*App, error) {
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	if err := startProfiling(d.Log); err != nil {
		return nil, err
	}
	f := web.NewApp(web.Options{Logger: d.Log, BodyLimit: d.Config.BodyLimit, Registry: d.Registry, TrustProxy: d.Config.TrustedProxies,
		ConnectSrc: video.Origins(d.Config.LiveKitURL)})
	r := web.NewRouter(f)

	if d.Publisher == nil && d.Live != nil {
		d.Publisher = d.Live
	}
	users := account.NewStore(d.DB)
	zones := zone.NewStore(d.DB)
	jobs := jobfair.NewStore(d.DB, zones, users)
	jobs.ShareVersions(d.State.Versions, d.Log)
	users.ShareVersions(d.State.Versions, d.Log)
	zones.Renamed = jobs.NamesChanged
	zones.EnterpriseRemoved = users.AccountsChanged
	sessions := &account.Sessions{Store: d.State.Sessions, Users: users, TTL: 14 * 24 * time.Hour, Secure: d.Config.SecureCookies(), Log: d.Log,
		Read: d.State.ReadRequest, Watch: slices.Concat(jobfair.Versions, account.Versions)}
	f.Use(sessions.Middleware())
	r.Guard = ratelimit.Guard(d.State.Limiter, d.Log)

	health := &health{db: d.DB, state: d.State, extra: map[string]func(context.Context) error{"search_index": jobs.IndexReady}}
	for k, f := range d.Ready {
		health.extra[k] = f
	}
	if d.Live != nil {
		health.extra["live_fanout"] = d.Live.Ready
		r.Handle(web.Route{Method: "POST", Path: "/api/v1/live/ticket", Tag: "live", Summary: "A single-use ticket (30 s) for opening the websocket as yourself", Access: web.LoggedIn, Response: LiveTicket{}, Handler: d.Live.TicketHandler})
		r.Handle(web.Route{Method: "GET", Path: "/api/v1/live/ws", Tag: "live", Summary: "The real-time websocket (protocol in app/live/doc.go); anonymous callers may only read rooms that allow it", Access: web.Public, Produces: "application/json", Status: 101, Handler: d.Live.Handler()})
	}
	r.Handle(web.Route{Method: "GET", Path: "/healthz", Tag: "operations", Summary: "Liveness: the process answers", Access: web.Public, Response: Status{}, Handler: health.alive})
	r.Handle(web.Route{Method: "GET", Path: "/readyz", Tag: "operations", Summary: "Readiness: database and live state reachable (503 with reasons otherwise)", Access: web.Public, Response: Status{}, Handler: health.ready})
	d.Registry.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	for _, answer := range []string{"kept", "searched"} {
		d.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zonefair_job_search_pages_total",
			Help: "Job searches answered with a kept page, or searched and encoded", ConstLabels: prometheus.Labels{"answer": answer}},
			func() float64 {
				kept, searched := jobs.PageCounts()
				if answer == "kept" {
					return float64(kept)
				}
				return float64(searched)
			}))
	}
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

	accounts := &account.Handlers{Users: users, Sessions: sessions, Limiter: d.State.Limiter, Log: d.Log}
	if d.Live != nil {
		accounts.SessionsRevoked = d.Live.DisconnectUser
	}
	accounts.Routes(r)
	(&account.Invitations{Zones: zones, Users: users, Sessions: sessions, BaseURL: d.Config.BaseURL}).Routes(r)
	(&zone.Handlers{Store: zones, UploadDir: filepath.Join(d.Config.DataDir, "uploads")}).Routes(r)
	noticeStore := notify.NewStore(d.DB)
	notices := &notify.Service{Store: noticeStore, Pub: d.Publisher, Mail: d.Mail, Log: d.Log, Users: users, BaseURL: d.Config.BaseURL}
	// In a demo without SMTP, each user reads their own mail (sign-in codes, notices) on the site.
	(&notify.Handlers{Service: notices, Outbox: &notify.Outbox{Store: noticeStore}, Mailbox: d.Config.DemoOnEmpty && d.Mail == nil}).Routes(r)
	fair := &jobfair.Service{Store: jobs, Notify: notices, UploadDir: filepath.Join(d.Config.DataDir, "uploads"), BaseURL: d.Config.BaseURL}
	(&jobfair.Handlers{Service: fair}).Routes(r)
	seal, err := signing.LoadIdentity(d.Config.SigningKeyFile, d.Config.SigningCertFile, filepath.Join(d.Config.DataDir, "signing"))
	if err != nil {
		return nil, err
	}
	briefings := &briefing.Service{Store: briefing.NewStore(d.DB), Pub: d.Publisher, Notify: notices, Limiter: d.State.Limiter, UploadDir: filepath.Join(d.Config.DataDir, "uploads"), BaseURL: d.Config.BaseURL, Log: d.Log}
	projects := &project.Service{Store: project.NewStore(d.DB), Notify: notices, Briefings: briefings, Zones: zones, Users: users, Policies: policy.NewStore(d.DB), UploadDir: filepath.Join(d.Config.DataDir, "uploads"), BaseURL: d.Config.BaseURL}
	briefings.Zones, briefings.Projects, briefings.Users = zones, projects, users
	var signingSender signing.Sender = signing.Mailer{Service: notices, Users: users}
	if d.SigningSender != nil {
		signingSender = d.SigningSender
	}
	agreements := &signing.Service{Store: signing.NewStore(d.DB), Sealer: &signing.Sealer{Identity: seal, TSAURL: d.Config.TSAURL}, Sender: signingSender,
		Publisher: d.Publisher, Secret: []byte(d.Config.Secret), BaseURL: d.Config.BaseURL, Log: d.Log, Hooks: signing.NewHooks(d.Config.WebhooksAllowPrivate),
		Zones: zones, Projects: projects, Briefings: briefings, Users: users}
	if _, err := agreements.KeyLegacyTrails(context.Background()); err != nil {
		return nil, err
	}
	(&signing.Handlers{Store: agreements.Store, Service: agreements}).Routes(r)
	(&briefing.Handlers{Service: briefings}).Routes(r)
	(&project.Handlers{Service: projects}).Routes(r)
	meetings := &meeting.Service{Store: meeting.NewStore(d.DB), Notify: notices, Fair: jobs, Jobs: fair, Zones: zones, Users: users, Requests: projects.Store, Leads: projects,
		ICE: d.Config.ICEServers, BaseURL: d.Config.BaseURL, Log: d.Log}
	(&meeting.Handlers{Service: meetings}).Routes(r)
	videos := &video.Service{Store: video.NewStore(d.DB), Server: video.Server{URL: d.Config.LiveKitURL, APIKey: d.Config.LiveKitAPIKey, APISecret: d.Config.LiveKitAPISecret, RoomPrefix: d.Config.LiveKitRoomPrefix},
		Briefings: briefings, Meetings: meetings, Users: users, Pub: d.Publisher, Log: d.Log}
	(&video.Handlers{Service: videos}).Routes(r)
	if videos.Enabled() {
		health.extra["video"] = videos.Ready
	}
	video.Register(d.Registry, videos)
	(&policy.Handlers{Service: &policy.Service{Store: policy.NewStore(d.DB), Zones: zones, Notify: notices, Users: users, UploadDir: filepath.Join(d.Config.DataDir, "uploads"), BaseURL: d.Config.BaseURL}}).Routes(r)
	monitoring := &monitor.Service{Store: monitor.NewStore(d.DB), Zones: zones, Notify: notices, Users: users, Log: d.Log}
	(&monitor.Handlers{Service: monitoring}).Routes(r)
	assessments := &assessment.Service{Store: assessment.NewStore(d.DB), Zones: zones, Log: d.Log}
	if err := assessments.Store.EnsureDefault(context.Background(), time.Now().UTC()); err != nil {
		return nil, err
	}
	assessmentRoutes := &assessment.Handlers{Service: assessments}
	f.Use("/api/v1/assessment", assessmentRoutes.LogRefusals)
	assessmentRoutes.Routes(r)

	if d.Live != nil {
		d.Live.Define(briefings.Channel())
		d.Live.Define(agreementChannel(signing.NewStore(d.DB)))
		for _, t := range jobfair.ChatChannels() {
			d.Live.Define(t)
		}
		d.Live.Define(meetings.LiveChannel())
		d.Live.Define(meeting.QueueLiveChannel())
	}

	if d.Frontend != nil {
		if err := web.MountFrontend(f, d.Frontend); err != nil {
			return nil, err
		}
	}
	return &App{Fiber: f, Router: r, Sessions: sessions, Signing: agreements, Briefings: briefings, Meetings: meetings, Monitor: monitoring, Fair: fair}, nil
}

// agreementChannel carries an agreement's status changes to its parties ("agreement:<id>").
func agreementChannel(store *signing.Store) live.ChannelType {
	return live.ChannelType{Name: "agreement", History: 50, HistoryTTL: 24 * time.Hour,
		Rights: func(id live.Identity, key string) live.Rights {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			p := &actor.Actor{UserID: id.UserID, Role: actor.Role(id.Role), ZoneID: id.ZoneID, EnterpriseID: id.EnterpriseID}
			if store.CanWatch(ctx, p, key) {
				return live.CanJoin
			}
			return 0
		}}
}

// LiveTicket authenticates one websocket upgrade (?ticket=).
type LiveTicket struct {
	Ticket    string    `json:"ticket"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// LiveIdentity tells the live hub who is calling, from the session the account middleware
// resolved; callers without one are anonymous.
func LiveIdentity(c *fiber.Ctx) (live.Identity, error) {
	p, err := web.ResolvePrincipal(c)
	if err != nil {
		return live.Identity{}, err
	}
	if p == nil {
		return live.Identity{}, nil
	}
	return live.Identity{UserID: p.UserID, Name: p.Name, Role: string(p.Role), ZoneID: p.ZoneID, EnterpriseID: p.EnterpriseID}, nil
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
