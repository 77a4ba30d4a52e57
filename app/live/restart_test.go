package live

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer runs a private redis-server so the test can kill and restart it without touching
// the shared one.
type redisServer struct {
	t    *testing.T
	bin  string
	port string
	cmd  *exec.Cmd
}

func startRedis(t *testing.T) *redisServer {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("skipping Redis restart test: redis-server is not on PATH")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	_ = ln.Close()
	s := &redisServer{t: t, bin: bin, port: port}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *redisServer) start() {
	s.cmd = exec.Command(s.bin, "--port", s.port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	must(s.t, s.cmd.Start())
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + s.port})
	defer c.Close()
	eventually(s.t, "redis-server to start", func() bool { return c.Ping(context.Background()).Err() == nil })
}

func (s *redisServer) stop() {
	if s.cmd != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
		s.cmd = nil
	}
}

func TestRedisRestartDuringPublishing(t *testing.T) {
	rs := startRedis(t)
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + rs.port, DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond, MaxRetries: -1})
	defer client.Close()
	b := &redisBackend{c: client, p: "zfr:", probe: 100 * time.Millisecond}
	pubHub, subHub := startHub(t, b, nil), startHub(t, b, nil)
	ch := "room:restart"
	sub := dial(t, subHub, "1:ann:")
	j := sub.join(ch)

	var mu sync.Mutex
	var phase atomic.Int32 // 0 before the crash, 1 after
	ok := map[int32][]uint64{}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			p := phase.Load()
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			off, err := pubHub.h.Publish(ctx, ch, "chat", i)
			cancel()
			if err == nil && phase.Load() == p {
				mu.Lock()
				ok[p] = append(ok[p], off)
				mu.Unlock()
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	successes := func(p int32) int {
		mu.Lock()
		defer mu.Unlock()
		return len(ok[p])
	}
	eventually(t, "publishing before the crash", func() bool { return successes(0) >= 30 })
	phase.Store(1)
	rs.stop()
	for _, s := range []*server{pubHub, subHub} {
		eventually(t, "readiness to report the outage", func() bool { return s.h.Ready(context.Background()) != nil })
	}
	rs.start()
	for _, s := range []*server{pubHub, subHub} {
		eventually(t, "readiness to recover", func() bool { return s.h.Ready(context.Background()) == nil })
	}
	eventually(t, "publishing after the restart", func() bool { return successes(1) >= 30 })
	close(stop)
	<-done

	mu.Lock()
	before, after := ok[0], ok[1]
	mu.Unlock()
	lastBefore, lastAfter := before[len(before)-1], after[len(after)-1]
	eventually(t, "every publication after the restart", func() bool {
		ps := sub.pubs(ch)
		return len(ps) > 0 && ps[len(ps)-1].Off >= lastAfter && sub.count(func(f tframe) bool { return f.T == "reset" }) > 0
	})

	// Old epoch: contiguous up to at least the last acknowledged offset; then a reset; then the
	// new epoch contiguous from 1.
	sub.mu.Lock()
	frames := append([]tframe(nil), sub.frames...)
	sub.mu.Unlock()
	var old, cur []tframe
	resets := 0
	newEpoch := ""
	var resetOff uint64
	for _, f := range frames {
		switch {
		case f.T == "reset" && f.Ch == ch:
			resets++
			newEpoch, resetOff = f.Epoch, f.Off
			cur = nil
		case f.T == "pub" && f.Ch == ch && resets == 0:
			old = append(old, f)
		case f.T == "pub" && f.Ch == ch:
			cur = append(cur, f)
		}
	}
	if newEpoch == j.Epoch || newEpoch == "" {
		t.Fatalf("reset to epoch %q after the restart (old %q)", newEpoch, j.Epoch)
	}
	// A publication acknowledged just before the kill may have died with Redis before reaching
	// the other instance (the publisher is serial, so only the last few); the reset covers them.
	// What arrived must still be gap-free.
	if len(old) == 0 || old[len(old)-1].Off+5 < lastBefore {
		t.Fatalf("before the crash: received %d publications, last acknowledged offset %d", len(old), lastBefore)
	}
	checkSequence(t, "before the crash", old, j.Off+1, old[len(old)-1].Off)
	// Everything after the reset's position arrives; acknowledged publications are all in it.
	checkSequence(t, "after the restart", cur, resetOff+1, cur[len(cur)-1].Off)
	if resetOff >= after[0] {
		t.Fatalf("reset skipped to %d past acknowledged offset %d", resetOff, after[0])
	}
	select {
	case <-sub.gone:
		t.Fatal("the subscriber was disconnected by the outage")
	default:
	}
	fmt.Fprintf(testWriter{t}, "acknowledged %d before and %d after; %d resets\n", len(before), len(after), resets)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }
