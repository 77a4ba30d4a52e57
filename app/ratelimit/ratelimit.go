// Package ratelimit caps how fast one account may apply to jobs, send booth chat messages and
// upload files, on top of the limits the capability packages set themselves (login,
// registration, briefing chat and questions). Counters live in the shared live state, so with
// Redis a limit holds across every instance behind the load balancer.
package ratelimit

import (
	"log/slog"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/livestate"
	"zonefair/app/web"
)

// Limits per account (per address for anonymous callers).
var (
	Apply  = livestate.Limit{Events: 30, Per: time.Minute}
	Chat   = livestate.Limit{Events: 20, Per: time.Minute}
	Upload = livestate.Limit{Events: 10, Per: time.Minute}
)

type rule struct {
	name   string
	method string
	path   *regexp.Regexp
	limit  livestate.Limit
}

// Middleware refuses a request over its route's limit with 429 and Retry-After, and logs it.
// Every route registered with Upload is limited as an upload; applying and booth chat have
// their own limits. It must be installed after the session middleware and before the routes;
// it reads the routes from r when the first request arrives.
func Middleware(r *web.Router, limiter livestate.RateLimiter, log *slog.Logger) fiber.Handler {
	var (
		once  sync.Once
		rules []rule
	)
	return func(c *fiber.Ctx) error {
		once.Do(func() { rules = compile(r.Routes()) })
		if c.Method() == fiber.MethodGet {
			return c.Next()
		}
		path := c.Path()
		for _, ru := range rules {
			if ru.method != c.Method() || !ru.path.MatchString(path) {
				continue
			}
			who := "ip:" + c.IP()
			p, err := web.ResolvePrincipal(c)
			if err != nil {
				return err
			}
			if p != nil {
				who = "user:" + strconv.FormatInt(p.UserID, 10)
			}
			res, err := limiter.Allow(c.UserContext(), "limit:"+ru.name+":"+who, ru.limit)
			if err != nil {
				return err
			}
			if !res.Allowed {
				secs := int(res.RetryAfter.Seconds() + 0.999)
				c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(secs, 1)))
				log.Warn("rate limited", "request_id", web.RequestID(c), "limit", ru.name, "who", who, "ip", c.IP(), "path", path)
				return errs.New(errs.ErrRateLimited, "rate_limited")
			}
			return c.Next()
		}
		return c.Next()
	}
}

var param = regexp.MustCompile(`:[A-Za-z]+`)

func pattern(p string) *regexp.Regexp {
	return regexp.MustCompile("^" + param.ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "/?$")
}

func compile(routes []web.Route) []rule {
	out := []rule{
		{"apply", fiber.MethodPost, pattern("/api/v1/jobs/:id/apply"), Apply},
		{"chat", fiber.MethodPost, pattern("/api/v1/chat/conversations/:id/messages"), Chat},
	}
	for _, rt := range routes {
		if rt.Upload {
			// One budget for every upload route: a flood spread over several routes is one flood.
			out = append(out, rule{"upload", rt.Method, pattern(rt.Path), Upload})
		}
	}
	return out
}
