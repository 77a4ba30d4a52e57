// Package web is Zonefair's HTTP plumbing: the fiber app with its middleware (request ids,
// structured logs, metrics, security headers, recovery), the route registry that ties each
// endpoint to its access rule and OpenAPI description, strict JSON binding, the one error
// shape, and serving the embedded frontend.
package web

import (
	"log/slog"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
)

// Options configure the fiber app.
type Options struct {
	Logger    *slog.Logger
	BodyLimit int
	Registry  prometheus.Registerer
	// TrustProxy names the load balancers whose X-Forwarded-For is believed.
	TrustProxy []string
	// ConnectSrc adds origins pages may fetch from besides their own (the video server's API,
	// which its browser client asks when a connection fails).
	ConnectSrc []string
}

// NewApp builds the fiber app with Zonefair's middleware in front of every route.
func NewApp(o Options) *fiber.App {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.BodyLimit == 0 {
		o.BodyLimit = 12 << 20
	}
	cfg := fiber.Config{
		AppName:               "zonefair",
		BodyLimit:             o.BodyLimit,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		ReadBufferSize:        8 << 10, // headers up to 8 KiB; held by every websocket, so kept small
		DisableStartupMessage: true,
		ErrorHandler:          ErrorHandler(o.Logger),
	}
	if len(o.TrustProxy) > 0 {
		cfg.EnableTrustedProxyCheck = true
		cfg.TrustedProxies = o.TrustProxy
		cfg.ProxyHeader = fiber.HeaderXForwardedFor
		// The first address in the header that parses; a malformed header falls back to the
		// connection's address.
		cfg.EnableIPValidation = true
	}
	app := fiber.New(cfg)
	app.Use(requestID)
	app.Use(observe(o.Logger, newHTTPMetrics(o.Registry)))
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		o.Logger.Error("panic", "request_id", RequestID(c), "path", c.Path(), "panic", e, "stack", string(debug.Stack()))
	}}))
	app.Use(helmet.New(helmet.Config{
		// A 101 Switching Protocols answer carries no document, and an open websocket keeps its
		// upgrade response in memory for its whole life: document headers there are pure cost.
		Next: isWebSocketUpgrade,
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self' 'unsafe-inline'; " +
			"script-src 'self'; connect-src " + strings.Join(append([]string{"'self'", "ws:", "wss:"}, o.ConnectSrc...), " ") + "; media-src 'self' blob: https:; frame-src https:; " +
			"font-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
		CrossOriginEmbedderPolicy: "unsafe-none",
		ReferrerPolicy:            "strict-origin-when-cross-origin",
		PermissionPolicy:          "camera=(self), microphone=(self), geolocation=()",
	}))
	app.Use(validUTF8)
	return app
}

func isWebSocketUpgrade(c *fiber.Ctx) bool {
	return strings.EqualFold(c.Get(fiber.HeaderUpgrade), "websocket")
}

const requestIDKey = "zonefair.request_id"

// requestID gives every request an id, echoed in X-Request-ID and in every log line. A
// well-formed id from a load balancer is kept so a request can be followed across hops.
func requestID(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if !wellFormedID(id) {
		id = uuid.NewString()
	}
	c.Locals(requestIDKey, id)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

func wellFormedID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// RequestID is the id of the current request.
func RequestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestIDKey).(string)
	return id
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "zonefair_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "zonefair_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.latency)
	}
	return m
}

// observe logs each request and records its metrics under the matched route pattern, so
// /api/v1/zones/1 and /api/v1/zones/2 count as one series.
func observe(log *slog.Logger, m *httpMetrics) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		if err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		status := c.Response().StatusCode()
		route := c.Route().Path
		if status == fiber.StatusNotFound && (route == "/" || route == "/*") && c.Path() != "/" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		method := stableMethod(c.Method())
		m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(route, method).Observe(elapsed.Seconds())
		level := slog.LevelInfo
		if route == "/healthz" || route == "/readyz" || route == "/metrics" || route == "/assets/*" {
			level = slog.LevelDebug
		}
		log.Log(c.UserContext(), level, "http",
			"request_id", RequestID(c), "method", c.Method(), "path", c.Path(), "route", route,
			"status", status, "duration_ms", float64(elapsed.Microseconds())/1000, "ip", c.IP())
		return nil
	}
}

// stableMethod is method as a string that outlives the request, for a metric label: the one
// fiber returns points into the connection's buffer, which the next request overwrites (a
// label kept from it turns from GET into something else). Methods fiber does not know are
// "OTHER", which also keeps made-up methods from multiplying the series.
func stableMethod(method string) string {
	if i := slices.Index(fiber.DefaultMethods, method); i >= 0 {
		return fiber.DefaultMethods[i]
	}
	return "OTHER"
}
