// Package loadgen is the job-fair-day load generator (`zonefair bench jobfair`): graduates
// search, open and apply to jobs and chat at booths while employers work through their
// applicants, against any base URL (one instance, or a load balancer in front of several).
// It reports requests per second, p50/p99 latency per endpoint and the error rate, and
// afterwards checks against the database that it holds exactly the applications the generator
// was answered 2xx for: none lost, none duplicated, none it was not told about.
package loadgen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Config is one run.
type Config struct {
	BaseURL     string
	DatabaseURL string // postgres://… or sqlite:PATH; empty skips the database check
	Graduates   int    // accounts registered for the run
	Workers     int    // graduates acting at once
	Employers   int    // employer workers (zone staff and enterprise staff alternately)
	Duration    time.Duration
	ApplyShare  float64 // share of graduate actions that are applications
	// Employer logins (demo accounts of `zonefair seed-demo`) and their password.
	StaffEmail, EnterpriseEmail, EmployerPassword string
	// Started, when set, is called as the measured run begins, after every account is ready
	// (fault tests time their faults from it).
	Started func()
}

func (c *Config) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.BaseURL, "url", "http://127.0.0.1:8080", "base URL of the site (an instance or the load balancer)")
	fs.StringVar(&c.DatabaseURL, "database", "", "the site's database (postgres://… or sqlite:PATH) to check the applications against; empty skips the check")
	fs.IntVar(&c.Graduates, "graduates", 12, "graduate accounts to register; against a site on this machine each uses a loopback address of its own, so the per-address limits (registration 20 per hour) count them apart")
	fs.IntVar(&c.Workers, "workers", 16, "graduate requests in flight at once")
	fs.IntVar(&c.Employers, "employers", 2, "employer workers moving applications and answering chat")
	fs.DurationVar(&c.Duration, "duration", 20*time.Second, "how long to run")
	fs.Float64Var(&c.ApplyShare, "apply", 0.15, "share of graduate actions that are applications")
	fs.StringVar(&c.StaffEmail, "staff", "staff.suzhou@zonefair.test", "zone staff login")
	fs.StringVar(&c.EnterpriseEmail, "enterprise", "hr.enterprise@zonefair.test", "enterprise staff login")
	fs.StringVar(&c.EmployerPassword, "password", "Zonefair-demo-2026", "employer password (the demo accounts' by default)")
}

// Run is `zonefair bench jobfair [flags]`.
func Run(ctx context.Context, args []string, out io.Writer) error {
	var c Config
	fs := flag.NewFlagSet("bench jobfair", flag.ContinueOnError)
	fs.SetOutput(out)
	c.flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	rep, err := Bench(ctx, c, out)
	if err != nil {
		return err
	}
	rep.Print(out)
	if !rep.Clean() {
		return errors.New("the database does not hold exactly the acknowledged applications")
	}
	return nil
}

// Bench prepares the accounts, runs the load and checks the database.
func Bench(ctx context.Context, c Config, log io.Writer) (*Report, error) {
	if c.Workers < 1 || c.Graduates < 1 || c.Duration <= 0 {
		return nil, errors.New("want -workers ≥ 1, -graduates ≥ 1 and a positive -duration")
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	hc, err := NewHTTPClient(c.BaseURL, c.Workers+c.Employers)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "preparing %d graduates and %d employer workers on %s\n", c.Graduates, c.Employers, c.BaseURL)
	w, err := prepare(ctx, c, hc)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "%d open jobs; running for %s\n", len(w.jobs), c.Duration)
	if c.Started != nil {
		c.Started()
	}
	rep := w.run(ctx, c)
	rep.settle(ctx, w)
	if c.DatabaseURL != "" {
		if err := rep.verify(ctx, c.DatabaseURL, w.userIDs()); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

type job struct{ id, fair, zone int64 }

type world struct {
	grads     []*Client
	staff     []*Client
	jobs      []job
	applied   sync.Map // pair → struct{}: attempted
	chatsOpen sync.Map // graduate user id → conversation id
}

func (w *world) userIDs() []int64 {
	ids := make([]int64, len(w.grads))
	for i, g := range w.grads {
		ids[i] = g.UserID
	}
	return ids
}

// registering is how many registrations the generator has in flight at once.
const registering = 8

var majors = []string{"computer-science", "electronic-engineering", "materials", "finance", "automation"}

func prepare(ctx context.Context, c Config, hc *fasthttp.HostClient) (*world, error) {
	w := &world{}
	run := fmt.Sprintf("%x", time.Now().UnixNano())
	w.grads = make([]*Client, c.Graduates)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		slots = make(chan struct{}, max(1, min(c.Workers, registering)))
	)
	// Registrations run side by side: each hashes a password on the site, which bounds how many
	// it works on at once; more in flight would only queue there, and time out on a busy machine.
	for i := range c.Graduates {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			g := &Client{Base: c.BaseURL, HTTP: FromOwnAddress(hc, c.BaseURL, i)}
			email := fmt.Sprintf("lg-%s-%d@loadgen.test", run, i)
			err := g.Register(ctx, email, "load-generator-password", fmt.Sprintf("Graduate %d", i))
			if err != nil {
				err = fmt.Errorf("register graduate %d: %w (registration allows 20 per hour per client address)", i, err)
			} else {
				profile := map[string]any{"school": "Load Test University", "major": majors[i%len(majors)], "degree": "master", "graduationYear": 2026, "skills": "Go, SQL"}
				err = g.Must(ctx, http.MethodPut, "/api/v1/graduate/profile", profile, nil)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = err
			}
			w.grads[i] = g
		}()
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	for i := range c.Employers {
		e := &Client{Base: c.BaseURL, HTTP: hc}
		email := c.StaffEmail
		if i%2 == 1 {
			email = c.EnterpriseEmail
		}
		if err := e.Login(ctx, email, c.EmployerPassword); err != nil {
			return nil, fmt.Errorf("employer %s: %w", email, err)
		}
		w.staff = append(w.staff, e)
	}
	for page := 1; ; page++ {
		var res struct {
			Items []struct {
				ID     int64 `json:"id"`
				FairID int64 `json:"fairId"`
				ZoneID int64 `json:"zoneId"`
			} `json:"items"`
			Total int `json:"total"`
		}
		if err := w.grads[0].Must(ctx, http.MethodGet, fmt.Sprintf("/api/v1/jobs?pageSize=100&page=%d", page), nil, &res); err != nil {
			return nil, err
		}
		for _, j := range res.Items {
			w.jobs = append(w.jobs, job{j.ID, j.FairID, j.ZoneID})
		}
		if len(res.Items) == 0 || len(w.jobs) >= res.Total {
			break
		}
	}
	if len(w.jobs) == 0 {
		return nil, errors.New("no open job to apply to: load the demo data (`zonefair seed-demo` or ZONEFAIR_DEMO=true)")
	}
	return w, nil
}

func (w *world) run(ctx context.Context, c Config) *Report {
	rep := newReport()
	ctx, cancel := context.WithTimeout(ctx, c.Duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	var next atomic.Int64
	for range c.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				g := w.grads[int(next.Add(1))%len(w.grads)]
				backOff(ctx, w.graduateStep(ctx, g, c, rep))
			}
		}()
	}
	for i, e := range w.staff {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				backOff(ctx, w.employerStep(ctx, e, i%2 == 0, rep))
			}
		}()
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	return rep
}

// backOff pauses a worker whose request was refused for overload (429, 503, 507) or not
// answered, as a browser honouring Retry-After does, instead of hammering a site in trouble.
func backOff(ctx context.Context, status int) {
	if status == 0 || status == http.StatusTooManyRequests || status >= 503 {
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (w *world) graduateStep(ctx context.Context, g *Client, c Config, rep *Report) int {
	r := rand.Float64()
	j := w.jobs[rand.IntN(len(w.jobs))]
	switch {
	case r < c.ApplyShare:
		return rep.apply(ctx, g, j.id)
	case r < c.ApplyShare+0.03:
		return w.chat(ctx, g, j, rep)
	case r < c.ApplyShare+0.05:
		return rep.timed(ctx, "GET /graduate/applications", func() (int, error) {
			return g.Do(ctx, http.MethodGet, "/api/v1/graduate/applications", nil, nil)
		})
	case r < 0.35+c.ApplyShare:
		return rep.timed(ctx, "GET /jobs/:id", func() (int, error) {
			return g.Do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/jobs/%d", j.id), nil, nil)
		})
	default:
		q := randomSearch()
		return rep.timed(ctx, "GET /jobs (search)", func() (int, error) {
			return g.Do(ctx, http.MethodGet, "/api/v1/jobs"+q, nil, nil)
		})
	}
}

func (w *world) chat(ctx context.Context, g *Client, j job, rep *Report) int {
	conv, ok := w.chatsOpen.Load(g.UserID)
	if !ok {
		var cv struct {
			ID int64 `json:"id"`
		}
		status := rep.timed(ctx, "POST /booths/:zone/chat", func() (int, error) {
			return g.Do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/fairs/%d/booths/%d/chat", j.fair, j.zone), nil, &cv)
		})
		if status/100 != 2 {
			return status
		}
		conv = cv.ID
		w.chatsOpen.Store(g.UserID, conv)
	}
	return rep.timed(ctx, "POST /chat/:id/messages", func() (int, error) {
		return g.Do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/chat/conversations/%d/messages", conv), map[string]string{"body": "您好，请问这个岗位还招人吗？ Is this position still open?"}, nil)
	})
}

// pipeline is where the employer workers move an application next.
var pipeline = map[string]string{"submitted": "viewed", "viewed": "interview", "interview": "offer"}

func (w *world) employerStep(ctx context.Context, e *Client, chats bool, rep *Report) int {
	if chats && rand.IntN(3) == 0 {
		var convs struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		status := rep.timed(ctx, "GET /chat/conversations", func() (int, error) {
			return e.Do(ctx, http.MethodGet, "/api/v1/chat/conversations?limit=20", nil, &convs)
		})
		if status/100 == 2 && len(convs.Items) > 0 {
			id := convs.Items[rand.IntN(len(convs.Items))].ID
			status = rep.timed(ctx, "POST /chat/:id/messages", func() (int, error) {
				return e.Do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/chat/conversations/%d/messages", id), map[string]string{"body": "欢迎投递简历！ Please apply."}, nil)
			})
		}
		return status
	}
	var page struct {
		Items []struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		} `json:"items"`
	}
	status := rep.timed(ctx, "GET /employer/applications", func() (int, error) {
		return e.Do(ctx, http.MethodGet, "/api/v1/employer/applications?pageSize=50&page=1", nil, &page)
	})
	if status/100 != 2 {
		return status
	}
	for _, a := range slices.Backward(page.Items) {
		if to, ok := pipeline[a.Status]; ok && rand.IntN(2) == 0 {
			return rep.timed(ctx, "POST /applications/:id/status", func() (int, error) {
				return e.Do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/applications/%d/status", a.ID), map[string]string{"status": to}, nil)
			})
		}
	}
	return status
}
