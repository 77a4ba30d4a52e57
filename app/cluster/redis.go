package cluster

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"zonefair/app/testenv"
)

// RedisServer is a private redis-server on its own port, for tests that stop and start Redis
// without disturbing the shared one other tests use.
type RedisServer struct {
	Addr string
	URL  string
	dir  string
	tb   testing.TB
	cmd  *exec.Cmd
	done chan struct{}
}

// StartRedis runs redis-server on a free port (skipping the test when it is not installed);
// it is stopped when the test ends. It persists every write to its append-only file before
// answering, as a production Redis holding live history should, so a restart comes back with
// the data acknowledged before the crash.
func StartRedis(tb testing.TB) *RedisServer {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		tb.Skip("skipping: redis-server is not installed")
	}
	addr := FreeAddr(tb)
	r := &RedisServer{Addr: addr, URL: "redis://" + addr + "/0", dir: tb.TempDir(), tb: tb}
	r.Start()
	tb.Cleanup(r.Stop)
	return r
}

// Start runs the server (again) and waits until it accepts connections.
func (r *RedisServer) Start() {
	r.tb.Helper()
	_, port, _ := net.SplitHostPort(r.Addr)
	cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always",
		"--dir", r.dir, "--logfile", filepath.Join(r.dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		r.tb.Fatalf("start redis-server: %v", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	r.cmd, r.done = cmd, done
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if c, err := net.DialTimeout("tcp", r.Addr, 200*time.Millisecond); err == nil {
			fmt.Fprint(c, "PING\r\n")
			buf := make([]byte, 16)
			_ = c.SetReadDeadline(time.Now().Add(time.Second))
			n, _ := c.Read(buf)
			c.Close()
			if strings.HasPrefix(string(buf[:n]), "+PONG") {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(r.dir, "redis.log"))
	r.tb.Fatalf("redis-server did not start on %s:\n%s", r.Addr, b)
}

// Stop ends the server at once (SIGKILL), as a crash would.
func (r *RedisServer) Stop() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	<-r.done
	r.cmd = nil
}

// SharedRedisURL is the shared test Redis (ZONEFAIR_TEST_REDIS_URL, skipping the test when it
// is unset) with a database number of its own, so this cluster's keys meet no other test's;
// its keys are deleted when the test ends.
func SharedRedisURL(tb testing.TB) string {
	tb.Helper()
	opts, err := redis.ParseURL(testenv.RedisURL(tb))
	if err != nil {
		tb.Fatalf("%s: %v", testenv.RedisEnv, err)
	}
	opts.DB = 1 + rand.IntN(15)
	client := redis.NewClient(opts)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		iter := client.Scan(ctx, 0, "zf:*", 1000).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		_ = client.Close()
	})
	u := &url.URL{Scheme: "redis", Host: opts.Addr, Path: fmt.Sprintf("/%d", opts.DB)}
	if opts.Password != "" {
		u.User = url.UserPassword(opts.Username, opts.Password)
	}
	return u.String()
}
