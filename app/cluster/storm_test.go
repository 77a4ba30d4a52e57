package cluster_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"zonefair/app/cluster"
	"zonefair/app/jobfair/loadgen"
	"zonefair/app/testenv"
)

var demo = []string{"ZONEFAIR_DEMO=true"}

// TestPostgresCutDuringApplicationStorm: every connection to PostgreSQL is cut, and new ones
// refused, for three seconds while graduates apply through the proxy onto two instances.
// Requests either succeed or fail cleanly (503, never 500); retried applications land once;
// the database ends up with exactly the applications acknowledged; the instances recover by
// themselves.
func TestPostgresCutDuringApplicationStorm(t *testing.T) {
	pgURL := testenv.PostgresURL(t)
	u, err := url.Parse(pgURL)
	testenv.Must(t, err)
	fault := cluster.NewFaultProxy(t, u.Host)
	c := cluster.Start(t, cluster.Options{DatabaseURL: fault.Via(t, pgURL), RedisURL: cluster.SharedRedisURL(t), Env: demo})

	ctx := context.Background()
	cut := make(chan struct{})
	// The outage starts 3 s into the storm, once every account is ready, and lasts 3 s.
	started := func() {
		go func() {
			defer close(cut)
			time.Sleep(3 * time.Second)
			fault.Cut()
			time.Sleep(3 * time.Second)
			fault.Restore()
		}()
	}
	var log bytes.Buffer
	rep, err := loadgen.Bench(ctx, loadgen.Config{
		BaseURL: c.URL(), DatabaseURL: pgURL, Graduates: 10, Workers: 12, Employers: 2,
		Duration: 10 * time.Second, ApplyShare: 0.5, Started: started,
		StaffEmail: "staff.suzhou@zonefair.test", EnterpriseEmail: "hr.enterprise@zonefair.test", EmployerPassword: "Zonefair-demo-2026",
	}, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	<-cut
	rep.Print(&log)
	t.Log(log.String())
	if n := rep.Count(500); n != 0 {
		t.Errorf("%d requests answered 500 during the outage; want 503", n)
	}
	if rep.Count(503) == 0 {
		t.Error("no request was answered 503: the database was never out")
	}
	if rep.Acked() < 20 {
		t.Errorf("only %d applications acknowledged", rep.Acked())
	}
	if !rep.Clean() {
		t.Errorf("database does not match the acknowledged applications: lost %d, unacknowledged %d, duplicated %d, unknown %d",
			rep.Lost, rep.Phantom, rep.Duplicates, rep.Unsettled)
	}
	for i, in := range c.Instances {
		waitStatus(t, in.URL+"/readyz", 200, 20*time.Second, nil, i)
	}
}

// knob reads a whole number from the environment, for full-size runs of a CI-sized test.
func knob(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestJobFairDayThroughTheProxy is the load generator scaled down for CI: graduates and
// employers on two instances behind the proxy, on PostgreSQL and Redis; no request fails and
// the database holds exactly the applications acknowledged. ZONEFAIR_JOBFAIR_DAY_GRADUATES,
// _WORKERS and _SECONDS make it full size (BENCHMARKS.md).
//
// ZONEFAIR_JOBFAIR_DAY_PROFILES=DIR also writes a CPU profile of each instance over the
// measured run to DIR/instance-N.pprof (profile the proxy and generator with go test
// -cpuprofile).
func TestJobFairDayThroughTheProxy(t *testing.T) {
	pgURL := testenv.PostgresURL(t)
	profiles := os.Getenv("ZONEFAIR_JOBFAIR_DAY_PROFILES")
	c := cluster.Start(t, cluster.Options{DatabaseURL: pgURL, RedisURL: cluster.SharedRedisURL(t), Env: demo, Profiling: profiles != ""})
	duration := time.Duration(knob("ZONEFAIR_JOBFAIR_DAY_SECONDS", 8)) * time.Second
	var (
		log      bytes.Buffer
		profiled sync.WaitGroup
	)
	started := func() {
		t.Logf("measured run starts at %.2f (Unix seconds)", float64(time.Now().UnixMilli())/1000)
		if profiles != "" {
			for _, in := range c.Instances {
				profiled.Add(1)
				go func() {
					defer profiled.Done()
					if err := cluster.CPUProfile(in, duration-time.Second, filepath.Join(profiles, fmt.Sprintf("instance-%d.pprof", in.Index))); err != nil {
						t.Errorf("profile instance %d: %v", in.Index, err)
					}
				}()
			}
		}
	}
	rep, err := loadgen.Bench(context.Background(), loadgen.Config{
		BaseURL: c.URL(), DatabaseURL: pgURL, Graduates: knob("ZONEFAIR_JOBFAIR_DAY_GRADUATES", 8),
		Workers: knob("ZONEFAIR_JOBFAIR_DAY_WORKERS", 8), Employers: 2,
		Duration: duration, ApplyShare: 0.15, Started: started,
		StaffEmail: "staff.suzhou@zonefair.test", EnterpriseEmail: "hr.enterprise@zonefair.test", EmployerPassword: "Zonefair-demo-2026",
	}, &log)
	profiled.Wait()
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	rep.Print(&log)
	t.Log(log.String())
	requests, failed := rep.Totals()
	if requests < 200 || failed != 0 {
		t.Errorf("%d requests, %d failed", requests, failed)
	}
	for _, name := range []string{"GET /jobs (search)", "GET /jobs/:id", "POST /jobs/:id/apply", "GET /employer/applications"} {
		if rep.Rate(name) == 0 {
			t.Errorf("no %s request was made", name)
		}
	}
	if rep.Acked() == 0 || !rep.Clean() {
		t.Errorf("%d applications acknowledged; database: lost %d, unacknowledged %d, duplicated %d, unknown %d",
			rep.Acked(), rep.Lost, rep.Phantom, rep.Duplicates, rep.Unsettled)
	}
	if c.Proxy.Served(0) < requests/4 || c.Proxy.Served(1) < requests/4 {
		t.Errorf("the proxy did not spread the load: %d / %d", c.Proxy.Served(0), c.Proxy.Served(1))
	}
	var kept, searched float64
	for _, in := range c.Instances {
		k, s := searchPages(t, in)
		kept, searched = kept+k, searched+s
	}
	t.Logf("searches answered with a kept page: %.0f of %.0f (%.1f %%)", kept, kept+searched, 100*kept/max(kept+searched, 1))
	if kept == 0 {
		t.Error("no search was answered with a kept page")
	}
}

// searchPages reads from in's metrics how many searches it answered with a kept page and how
// many it searched for.
func searchPages(t *testing.T, in *cluster.Instance) (kept, searched float64) {
	t.Helper()
	res, err := http.Get(in.URL + "/metrics")
	testenv.Must(t, err)
	defer res.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	testenv.Must(t, err)
	for _, m := range families["zonefair_job_search_pages_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			switch {
			case l.GetName() != "answer":
			case l.GetValue() == "kept":
				kept = m.GetCounter().GetValue()
			case l.GetValue() == "searched":
				searched = m.GetCounter().GetValue()
			}
		}
	}
	return kept, searched
}
