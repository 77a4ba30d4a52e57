package loadgen

import (
	"bytes"
	"context"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"zonefair/app/live"
	"zonefair/app/testenv"
)

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 501 * time.Millisecond, 0.99: 991 * time.Millisecond, 1: 1000 * time.Millisecond} {
		if got := h.quantile(q); got < want-time.Millisecond || got > want+time.Millisecond {
			t.Errorf("q%v = %v, want about %v", q, got, want)
		}
	}
}

// instance is one hub behind a websocket endpoint on a free port.
type instance struct {
	hub *live.Hub
	reg *prometheus.Registry
	url string
}

func startInstance(t *testing.T, b live.Backend, tune func(*live.Options)) *instance {
	t.Helper()
	reg := prometheus.NewRegistry()
	o := live.Options{Backend: b, EnableBench: true, Registerer: reg}
	if tune != nil {
		tune(&o)
	}
	h, err := live.New(o)
	testenv.Must(t, err)
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/ws", h.Handler())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	testenv.Must(t, err)
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.Shutdown(ctx)
		_ = app.Shutdown()
	})
	return &instance{hub: h, reg: reg, url: "ws://" + ln.Addr().String() + "/ws"}
}

// fastPings pings every 300 ms and allows a write 150 ms, so that even a short run spans
// several keep-alive cycles with quiet spells longer than the write timeout.
func fastPings(o *live.Options) {
	o.PingInterval, o.PongTimeout, o.WriteTimeout = 300*time.Millisecond, 2*time.Second, 150*time.Millisecond
}

func expectLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !regexp.MustCompile(w).MatchString(out) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestRunAgainstAHub(t *testing.T) {
	s := startInstance(t, live.NewMemoryBackend(), fastPings)
	var out bytes.Buffer
	err := Run(context.Background(), []string{"-url", s.url, "-clients", "50",
		"-rate", "20", "-warmup", "200ms", "-duration", "1500ms", "-drop", "20", "-drop-for", "300ms"}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	expectLines(t, out.String(),
		`connected 50/50 clients \(0 slow\)`,
		`order: 0 gaps, 0 duplicates`,
		`drop 20 clients for 300ms: 20 reconnected and recovered .* 0 failed; since the drop: 0 gaps, 0 duplicates`,
		`latency publish→receive: p50 [0-9.]+(µs|ms)`,
		`deliveries: [1-9][0-9]+ `,
		`connections held at the end: 50 of 50 readers, 2 of 2 publishers`,
		`keep-alive pings answered: [1-9][0-9]*`,
		`unplanned disconnects: 0\n`,
	)
}

// Connections the server closes during a run are reported one by one, with their close code,
// and fail the run.
func TestRunReportsLostConnections(t *testing.T) {
	s := startInstance(t, live.NewMemoryBackend(), fastPings)
	go func() {
		// Once everyone is in, the server tells every connection to re-authenticate.
		for s.connections() < 12 {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		s.hub.DisconnectUser(0)
	}()
	var out bytes.Buffer
	err := Run(context.Background(), []string{"-url", s.url, "-clients", "10", "-rate", "20",
		"-warmup", "100ms", "-duration", "1s"}, &out)
	if err == nil {
		t.Fatalf("a run that lost every connection succeeded:\n%s", out.String())
	}
	expectLines(t, out.String(),
		`connections held at the end: 0 of 10 readers`,
		`unplanned disconnects: 1[0-2]\n`,
		`client \d+: close 4001 \{"reason":"reauth"\}`,
	)
}

// connections reads the instance's open-connection gauge.
func (s *instance) connections() float64 {
	mfs, _ := s.reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() == "zonefair_live_connections" {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	return 0
}

// TestSoak holds 500 clients in one room for three minutes with the keep-alive shortened to 5 s
// (over 30 ping cycles, with writes going on long past each ping's 2 s write deadline), on
// one instance in process and on two instances sharing Redis: no connection may be lost, and
// every publication must arrive once and in order. ZONEFAIR_SOAK_DURATION changes the length;
// -short skips it.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test: skipped with -short")
	}
	duration := 3 * time.Minute
	if v := os.Getenv("ZONEFAIR_SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		testenv.Must(t, err)
		duration = d
	}
	const ping = 5 * time.Second
	timers := func(o *live.Options) {
		o.PingInterval, o.PongTimeout, o.WriteTimeout = ping, 5*time.Second, 2*time.Second
	}
	soak := func(t *testing.T, urls ...string) {
		var out bytes.Buffer
		err := Run(context.Background(), []string{"-url", strings.Join(urls, ","), "-clients", "500",
			"-rate", "5", "-warmup", "5s", "-duration", duration.String(), "-drop", "50", "-drop-for", "2s", "-dialers", "20"}, &out)
		t.Logf("soak of %v:\n%s", duration, out.String())
		if err != nil {
			t.Fatal(err)
		}
		expectLines(t, out.String(),
			`connected 500/500 clients`,
			`order: 0 gaps, 0 duplicates`,
			`since the drop: 0 gaps, 0 duplicates`,
			`connections held at the end: 500 of 500 readers, 1 of 1 publishers`,
			`unplanned disconnects: 0\n`,
		)
		m := regexp.MustCompile(`keep-alive pings answered: \d+, ([0-9.]+) per reader`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatal("no keep-alive figure")
		}
		want := float64(duration/ping) - 1
		if got, _ := strconv.ParseFloat(m[1], 64); got < want {
			t.Fatalf("%v pings per reader, want at least %v: the run did not span the keep-alive", got, want)
		}
	}
	t.Run("one instance", func(t *testing.T) {
		t.Parallel()
		soak(t, startInstance(t, live.NewMemoryBackend(), timers).url)
	})
	t.Run("two instances on redis", func(t *testing.T) {
		t.Parallel()
		client, prefix := testenv.Redis(t)
		a := startInstance(t, live.NewRedisBackend(client, prefix), timers)
		b := startInstance(t, live.NewRedisBackend(client, prefix), timers)
		soak(t, a.url, b.url)
	})
}
