package loadgen

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/live"
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

func TestRunAgainstAHub(t *testing.T) {
	h, err := live.New(live.Options{Backend: live.NewMemoryBackend(), EnableBench: true})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/ws", h.Handler())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = h.Shutdown(ctx)
		_ = app.Shutdown()
	}()

	var out bytes.Buffer
	err = Run(context.Background(), []string{"-url", "ws://" + ln.Addr().String() + "/ws", "-clients", "50",
		"-rate", "20", "-warmup", "200ms", "-duration", "1s", "-drop", "20", "-drop-for", "300ms"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`connected 50/50 clients \(0 slow\)`,
		`order: 0 gaps, 0 duplicates`,
		`drop 20 clients for 300ms: 20 reconnected and recovered .* 0 failed; since the drop: 0 gaps, 0 duplicates`,
		`latency publish→receive: p50 [0-9.]+(µs|ms)`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !regexp.MustCompile(`deliveries: [1-9][0-9]+ `).MatchString(out.String()) {
		t.Errorf("no deliveries:\n%s", out.String())
	}
}
