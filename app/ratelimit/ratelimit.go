// Package ratelimit caps how fast one account may apply to jobs, send booth chat messages and
// upload files, on top of the limits the capability packages set themselves (login,
// registration, briefing chat and questions). Counters live in the shared live state, so with
// Redis a limit holds across every instance behind the load balancer.
//
// A limit belongs to the route the request matched (web.Router.Guard), so every spelling of
// a path that reaches the route (other case, trailing slash, encoded characters) counts against
// the same budget.
package ratelimit

import (
	"log/slog"
	"strconv"
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

// rule is one budget: its name keys the counters, so routes sharing a name share a budget.
type rule struct {
	name  string
	limit livestate.Limit
}

// routed are the limits of single routes, by method and declared path.
var routed = map[[2]string]rule{
	{fiber.MethodPost, "/api/v1/jobs/:id/apply"}:                  {"apply", Apply},
	{fiber.MethodPost, "/api/v1/chat/conversations/:id/messages"}: {"chat", Chat},
}

// ruleFor is the budget of route rt, if any. Every route registered with Upload shares one:
// a flood spread over several upload routes is one flood.
func ruleFor(rt web.Route) (rule, bool) {
	if ru, ok := routed[[2]string{rt.Method, rt.Path}]; ok {
		return ru, true
	}
	if rt.Upload && rt.Method != fiber.MethodGet {
		return rule{"upload", Upload}, true
	}
	return rule{}, false
}

// Budget tells whether route rt is limited, under which budget name and to what.
func Budget(rt web.Route) (name string, limit livestate.Limit, ok bool) {
	ru, ok := ruleFor(rt)
	return ru.name, ru.limit, ok
}

// Guard is the router's guard (web.Router.Guard) that refuses a request over its route's limit
// with 429 and Retry-After, and logs it. The caller is the account, or the address for
// anonymous callers.
func Guard(limiter livestate.RateLimiter, log *slog.Logger) func(rt web.Route) fiber.Handler {
	return func(rt web.Route) fiber.Handler {
		ru, ok := ruleFor(rt)
		if !ok {
			return nil
		}
		return func(c *fiber.Ctx) error {
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
				log.Warn("rate limited", "request_id", web.RequestID(c), "limit", ru.name, "route", rt.Method+" "+rt.Path, "who", who, "ip", c.IP())
				return errs.New(errs.ErrRateLimited, "rate_limited")
			}
			return c.Next()
		}
	}
}
