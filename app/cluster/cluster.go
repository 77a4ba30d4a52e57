// Package cluster runs Zonefair's production topology as local processes for tests: several
// `zonefair serve` instances on PostgreSQL and Redis behind a round-robin reverse proxy, with
// the means to hurt them — kill and restart an instance, cut the database's connections
// (FaultProxy), stop and start a private Redis (RedisServer). Tests that need PostgreSQL and
// Redis are skipped, saying which variable to set, when ZONEFAIR_TEST_POSTGRES_URL or
// ZONEFAIR_TEST_REDIS_URL is not set.
package cluster

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var build struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// Binary builds cmd/zonefair once per test process and returns its path. It builds as the
// Makefile builds the binary and runs go vet (GO_BUILD_ENV, GO_BUILD_FLAGS), so that the three
// share the compiled packages in the build cache.
func Binary(tb testing.TB) string {
	tb.Helper()
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "zonefair-cluster-")
		if build.err != nil {
			return
		}
		build.path = filepath.Join(build.dir, "zonefair")
		cmd := exec.Command("go", "build", "-trimpath", "-o", build.path, "zonefair/cmd/zonefair")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			build.err = fmt.Errorf("go build zonefair: %v\n%s", err, out.String())
		}
	})
	if build.err != nil {
		tb.Fatal(build.err)
	}
	return build.path
}

// RemoveBinary deletes the binary Binary built; call it from TestMain after m.Run.
func RemoveBinary() {
	if build.dir != "" {
		_ = os.RemoveAll(build.dir)
	}
}

// Options describe a cluster.
type Options struct {
	// DatabaseURL is the PostgreSQL database every instance uses (e.g. testenv.PostgresURL, or a
	// FaultProxy's URL in front of it).
	DatabaseURL string
	// RedisURL is the shared live state.
	RedisURL string
	// Instances is how many `zonefair serve` processes to run (default 2).
	Instances int
	// Env adds settings (NAME=value) to every instance.
	Env []string
	// Profiling gives every instance a loopback listener of its own for Go's runtime profiles
	// (Instance.Pprof), which the proxy never routes to; ZONEFAIR_CLUSTER_PPROF=1 turns it on
	// for any test.
	Profiling bool
}

// Cluster is a running set of instances behind a proxy.
type Cluster struct {
	tb        testing.TB
	bin       string
	dataDir   string
	env       []string
	Instances []*Instance
	Proxy     *Proxy
}

// Instance is one `zonefair serve` process.
type Instance struct {
	Index int
	Addr  string // 127.0.0.1:port
	URL   string // http://127.0.0.1:port
	// Pprof is the instance's runtime profiles (http://127.0.0.1:port/debug/pprof/) when
	// ZONEFAIR_CLUSTER_PPROF is set, empty otherwise.
	Pprof string
	log   string
	mu    sync.Mutex
	cmd   *exec.Cmd
	done  chan struct{}
}

// Start runs the instances and the proxy and waits until every instance is ready. Everything
// is stopped when the test ends; instance logs are printed when it failed.
func Start(tb testing.TB, o Options) *Cluster {
	tb.Helper()
	if o.Instances == 0 {
		o.Instances = 2
	}
	c := &Cluster{tb: tb, bin: Binary(tb), dataDir: tb.TempDir()}
	backends := make([]string, o.Instances)
	for i := range o.Instances {
		addr := FreeAddr(tb)
		c.Instances = append(c.Instances, &Instance{Index: i, Addr: addr, URL: "http://" + addr, log: filepath.Join(c.dataDir, fmt.Sprintf("instance-%d.log", i))})
		backends[i] = "http://" + addr
	}
	c.Proxy = NewProxy(tb, backends)
	if o.Profiling || os.Getenv("ZONEFAIR_CLUSTER_PPROF") != "" {
		for _, in := range c.Instances {
			addr := FreeAddr(tb)
			in.Pprof = "http://" + addr + "/debug/pprof/"
			tb.Logf("instance %d (%s): runtime profiles at %s", in.Index, in.Addr, in.Pprof)
		}
	}
	c.env = append([]string{
		"ZONEFAIR_DATABASE_URL=" + o.DatabaseURL,
		"ZONEFAIR_REDIS_URL=" + o.RedisURL,
		// Instances share what a real deployment shares: the secret and the uploads volume.
		"ZONEFAIR_SECRET=cluster-test-secret-0123456789abcdefghijklmnop",
		"ZONEFAIR_DATA_DIR=" + filepath.Join(c.dataDir, "data"),
		"ZONEFAIR_BASE_URL=" + c.Proxy.URL,
		"ZONEFAIR_LOG_LEVEL=warn",
		"ZONEFAIR_SHUTDOWN_TIMEOUT=4s",
		// The proxy in front connects from here and names each client in X-Forwarded-For.
		"ZONEFAIR_TRUSTED_PROXIES=127.0.0.1",
	}, o.Env...)
	tb.Cleanup(func() {
		for _, in := range c.Instances {
			in.stop(syscall.SIGKILL)
		}
		if tb.Failed() {
			for _, in := range c.Instances {
				b, _ := os.ReadFile(in.log)
				// Errors first: under load, slow-query warnings can fill the tail.
				if errs := errorLines(b, 20); errs != "" {
					tb.Logf("instance %d errors (last 20):\n%s", in.Index, errs)
				}
				tb.Logf("instance %d log (last 4 KiB):\n%s", in.Index, tail(b, 4<<10))
			}
		}
	})
	// The first instance migrates and creates the shared signing key; the others then start
	// together.
	c.Restart(0)
	var wg sync.WaitGroup
	for i := 1; i < o.Instances; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.start(i)
		}()
	}
	wg.Wait()
	for i := 1; i < o.Instances; i++ {
		c.WaitReady(i, 60*time.Second)
	}
	return c
}

// URL is the proxy's address, where clients connect.
func (c *Cluster) URL() string { return c.Proxy.URL }

// Restart starts instance i (stopped or killed before) and waits until it is ready.
func (c *Cluster) Restart(i int) {
	c.tb.Helper()
	c.start(i)
	c.WaitReady(i, 60*time.Second)
}

func (c *Cluster) start(i int) {
	in := c.Instances[i]
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cmd != nil {
		c.tb.Errorf("instance %d is already running", i)
		return
	}
	logf, err := os.OpenFile(in.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		c.tb.Error(err)
		return
	}
	cmd := exec.Command(c.bin, "serve")
	cmd.Env = append(append(os.Environ(), c.env...), "ZONEFAIR_ADDR="+in.Addr)
	if in.Pprof != "" {
		cmd.Env = append(cmd.Env, "ZONEFAIR_DEBUG_PPROF_ADDR="+strings.TrimSuffix(strings.TrimPrefix(in.Pprof, "http://"), "/debug/pprof/"))
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		c.tb.Errorf("start instance %d: %v", i, err)
		return
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}()
	in.cmd, in.done = cmd, done
}

// WaitReady waits until instance i answers /readyz with 200.
func (c *Cluster) WaitReady(i int, timeout time.Duration) {
	c.tb.Helper()
	in := c.Instances[i]
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		in.mu.Lock()
		done := in.done
		in.mu.Unlock()
		if done == nil {
			c.tb.Fatalf("instance %d is not running", i)
		}
		select {
		case <-done:
			b, _ := os.ReadFile(in.log)
			c.tb.Fatalf("instance %d exited while starting:\n%s", i, tail(b, 4<<10))
		default:
		}
		status, body, err := Get(in.URL + "/readyz")
		if err == nil && status == http.StatusOK {
			return
		}
		last = fmt.Sprintf("%d %s %v", status, body, err)
		time.Sleep(100 * time.Millisecond)
	}
	c.tb.Fatalf("instance %d not ready after %s: %s", i, timeout, last)
}

// Kill ends instance i at once (SIGKILL), as a crash would.
func (c *Cluster) Kill(i int) { c.Instances[i].stop(syscall.SIGKILL) }

// Stop asks instance i to shut down gracefully (SIGTERM) and waits until it has.
func (c *Cluster) Stop(i int) { c.Instances[i].stop(syscall.SIGTERM) }

func (in *Instance) stop(sig syscall.Signal) {
	in.mu.Lock()
	cmd, done := in.cmd, in.done
	in.cmd, in.done = nil, nil
	in.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Log returns what instance i has written so far.
func (c *Cluster) Log(i int) string {
	b, _ := os.ReadFile(c.Instances[i].log)
	return string(b)
}

// FreeAddr returns a loopback address for a process started next to listen on. The port is
// free now and lies outside the kernel's range for ports it picks itself: a port from that
// range can be handed to another listener or an outgoing connection of a test running
// alongside before the process binds it, and a probe would then reach someone else's server.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	lo, hi := 10000, 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		var elo, ehi int
		if _, err := fmt.Sscan(string(b), &elo, &ehi); err == nil {
			if elo-1 > lo {
				hi = elo
			} else {
				lo, hi = ehi+1, 65536
			}
		}
	}
	for range 100 {
		if hi-lo < 1000 {
			break
		}
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", lo+rand.IntN(hi-lo)))
		if err != nil {
			continue
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

var probe = &http.Client{Timeout: 3 * time.Second}

// Get fetches url and returns its status and (short) body.
func Get(url string) (int, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	res, err := probe.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(http.MaxBytesReader(nil, res.Body, 64<<10))
	return res.StatusCode, strings.TrimSpace(b.String()), nil
}

// errorLines returns the last n lines of log b at level ERROR.
func errorLines(b []byte, n int) string {
	var out []string
	for line := range strings.Lines(string(b)) {
		if strings.Contains(line, "level=ERROR") || strings.Contains(line, `"level":"ERROR"`) {
			out = append(out, line)
		}
	}
	return strings.Join(out[max(0, len(out)-n):], "")
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// CPUProfile records instance in's CPU profile for d into file; the cluster must have been
// started with Options.Profiling.
func CPUProfile(in *Instance, d time.Duration, file string) error {
	if in.Pprof == "" {
		return fmt.Errorf("instance %d has no profiling listener (Options.Profiling)", in.Index)
	}
	secs := max(1, int(d.Seconds()))
	client := &http.Client{Timeout: d + 30*time.Second}
	res, err := client.Get(fmt.Sprintf("%sprofile?seconds=%d", in.Pprof, secs))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", in.Pprof, res.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := f.ReadFrom(res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
