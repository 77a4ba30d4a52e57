package loadgen

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"zonefair/app/db"
)

// pair is one graduate's application to one job.
type pair struct{ user, job int64 }

type endpoint struct {
	samples  []time.Duration
	ok       int64 // 2xx
	refused  int64 // 4xx: the request was answered and turned down (409 job closed, 429 …)
	failed   int64 // 5xx or no answer
	statuses map[int]int64
}

// Report is what a run measured and, after verify, what the database holds.
type Report struct {
	Elapsed time.Duration
	mu      sync.Mutex
	eps     map[string]*endpoint
	// Applications: acknowledged with 2xx, and attempts whose outcome is unknown (5xx or no
	// answer) until settle retries them.
	acked     map[pair]bool
	uncertain map[pair]bool
	// Filled by verify.
	Checked               bool
	InDB, Lost, Phantom   int
	Duplicates, Unsettled int
}

func newReport() *Report {
	return &Report{eps: map[string]*endpoint{}, acked: map[pair]bool{}, uncertain: map[pair]bool{}}
}

// timed runs one request, records its latency and outcome under name and returns its status.
func (r *Report) timed(ctx context.Context, name string, do func() (int, error)) int {
	start := time.Now()
	status, err := do()
	d := time.Since(start)
	if err != nil && ctx.Err() != nil {
		return status // cut off by the end of the run: not a failure of the site
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.eps[name]
	if e == nil {
		e = &endpoint{statuses: map[int]int64{}}
		r.eps[name] = e
	}
	e.samples = append(e.samples, d)
	e.statuses[status]++
	switch {
	case err == nil && status/100 == 2:
		e.ok++
	case err == nil && status/100 == 4:
		e.refused++
	default:
		e.failed++
	}
	return status
}

func (r *Report) apply(ctx context.Context, g *Client, jobID int64) int {
	p := pair{g.UserID, jobID}
	status := r.timed(ctx, "POST /jobs/:id/apply", func() (int, error) {
		return g.Do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/jobs/%d/apply", jobID), map[string]string{"coverNote": "Load test application"}, nil)
	})
	r.record(p, status)
	return status
}

func (r *Report) record(p pair, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case status/100 == 2:
		r.acked[p] = true
		delete(r.uncertain, p)
	case status/100 == 4:
		// Answered and refused: nothing was stored (job closed, deadline passed, limited).
	case !r.acked[p]:
		r.uncertain[p] = true
	}
}

// settle retries every application whose outcome is unknown until the site answers (for up to
// 90 s), as a browser would: applying is idempotent, so a retry either finds the stored
// application (200) or stores it (201).
func (r *Report) settle(ctx context.Context, w *world) {
	users := map[int64]*Client{}
	for _, g := range w.grads {
		users[g.UserID] = g
	}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		todo := make([]pair, 0, len(r.uncertain))
		for p := range r.uncertain {
			todo = append(todo, p)
		}
		r.mu.Unlock()
		if len(todo) == 0 {
			return
		}
		for _, p := range todo {
			status, err := users[p.user].Do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/jobs/%d/apply", p.job), map[string]string{"coverNote": "Load test application"}, nil)
			if err != nil {
				status = 0
			}
			r.record(p, status)
		}
		time.Sleep(time.Second)
	}
}

// verify compares the applications of the run's graduates in the database with those
// acknowledged.
func (r *Report) verify(ctx context.Context, databaseURL string, users []int64) error {
	o := db.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if p, ok := strings.CutPrefix(databaseURL, "sqlite:"); ok {
		o.SQLitePath = p
	} else {
		o.Postgres, o.URL = true, databaseURL
	}
	g, err := db.Open(ctx, o)
	if err != nil {
		return err
	}
	defer db.Close(g)
	var rows []struct {
		JobID  int64
		UserID int64
		N      int
	}
	err = g.WithContext(ctx).Raw("SELECT job_id, user_id, COUNT(*) AS n FROM applications WHERE user_id IN ? GROUP BY job_id, user_id", users).Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("read applications: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Checked = true
	seen := map[pair]bool{}
	for _, row := range rows {
		p := pair{row.UserID, row.JobID}
		seen[p] = true
		r.InDB += row.N
		if row.N > 1 {
			r.Duplicates += row.N - 1
		}
		if !r.acked[p] {
			r.Phantom++
		}
	}
	for p := range r.acked {
		if !seen[p] {
			r.Lost++
		}
	}
	r.Unsettled = len(r.uncertain)
	return nil
}

// Clean reports whether the database held exactly the acknowledged applications (true when
// it was not checked).
func (r *Report) Clean() bool {
	return !r.Checked || (r.Lost == 0 && r.Phantom == 0 && r.Duplicates == 0 && r.Unsettled == 0)
}

// Acked is how many distinct applications were acknowledged with 2xx.
func (r *Report) Acked() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.acked)
}

// Totals are the run's request counts over every endpoint.
func (r *Report) Totals() (requests, failed int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.eps {
		requests += int64(len(e.samples))
		failed += e.failed
	}
	return requests, failed
}

// Rate is the requests per second of one endpoint.
func (r *Report) Rate(name string) float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.eps[name]; e != nil && r.Elapsed > 0 {
		return float64(len(e.samples)) / r.Elapsed.Seconds()
	}
	return 0
}

// Print writes the per-endpoint table and the database check.
func (r *Report) Print(out io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.eps))
	for n := range r.eps {
		names = append(names, n)
	}
	sort.Strings(names)
	secs := r.Elapsed.Seconds()
	fmt.Fprintf(out, "\n%-32s %9s %8s %8s %8s %7s %7s  statuses\n", "endpoint", "requests", "req/s", "p50 ms", "p99 ms", "4xx", "errors")
	var total, failed int64
	for _, n := range names {
		e := r.eps[n]
		slices.Sort(e.samples)
		total += int64(len(e.samples))
		failed += e.failed
		var st []string
		for code, c := range e.statuses {
			st = append(st, fmt.Sprintf("%d×%d", code, c))
		}
		sort.Strings(st)
		fmt.Fprintf(out, "%-32s %9d %8.1f %8.1f %8.1f %7d %7d  %s\n", n, len(e.samples), float64(len(e.samples))/secs,
			ms(quantile(e.samples, 0.50)), ms(quantile(e.samples, 0.99)), e.refused, e.failed, strings.Join(st, " "))
	}
	rate := 0.0
	if total > 0 {
		rate = 100 * float64(failed) / float64(total)
	}
	fmt.Fprintf(out, "%-32s %9d %8.1f   error rate %.3f%% over %s\n", "total", total, float64(total)/secs, rate, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(out, "applications acknowledged (2xx): %d\n", len(r.acked))
	if r.Checked {
		fmt.Fprintf(out, "database: %d applications of the run's graduates; lost %d, not acknowledged %d, duplicated %d, outcome unknown %d\n",
			r.InDB, r.Lost, r.Phantom, r.Duplicates, r.Unsettled)
	} else {
		fmt.Fprintln(out, "database not checked (pass -database)")
	}
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Count is how many requests of the run were answered with status (0: no answer).
func (r *Report) Count(status int) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var n int64
	for _, e := range r.eps {
		n += e.statuses[status]
	}
	return n
}
