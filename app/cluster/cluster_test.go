package cluster_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"zonefair/app/cluster"
	"zonefair/app/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	cluster.RemoveBinary()
	os.Exit(code)
}

// liveBench enables the anonymous bench:* channels: the live tests use them as the busy room,
// so that hundreds of publications need no accounts; they run on the same hub, Redis backend,
// offsets and recovery as briefing rooms.
var liveBench = []string{"ZONEFAIR_LIVE_BENCH=true"}

func joined(t *testing.T, subs []*subscriber) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for _, s := range subs {
		for {
			if epoch, _ := s.position(); epoch != "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("subscribers did not join")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

func followMany(t *testing.T, base, ch string, n int) []*subscriber {
	subs := make([]*subscriber, n)
	for i := range subs {
		subs[i] = follow(t, base, ch)
	}
	joined(t, subs)
	return subs
}

func checkDelivery(t *testing.T, subs []*subscriber, wantReconnects bool) {
	t.Helper()
	reconnects := 0
	for i, s := range subs {
		s.mu.Lock()
		if s.gaps != 0 || s.dups != 0 || s.refused != 0 || s.resets != 0 {
			t.Errorf("subscriber %d: %d gaps, %d duplicates, %d unrecovered resumes, %d resets", i, s.gaps, s.dups, s.refused, s.resets)
		}
		reconnects += s.reconnects
		s.mu.Unlock()
	}
	if wantReconnects && reconnects == 0 {
		t.Error("no subscriber had to reconnect: the fault missed them")
	}
	if !wantReconnects && reconnects != 0 {
		t.Errorf("%d reconnects: clients should have kept their connections", reconnects)
	}
}

// TestInstanceKilledMidBriefing: one of two instances dies while a room is busy; its clients
// reconnect through the proxy to the survivor and resume from their offsets, and nobody sees a
// gap or a duplicate.
func TestInstanceKilledMidBriefing(t *testing.T) {
	c := cluster.Start(t, cluster.Options{DatabaseURL: testenv.PostgresURL(t), RedisURL: cluster.SharedRedisURL(t), Env: liveBench})
	const ch = "bench:briefing-killed"
	subs := followMany(t, c.URL(), ch, 16)
	if c.Proxy.Served(0) == 0 || c.Proxy.Served(1) == 0 {
		t.Fatalf("the proxy did not spread connections: %d / %d", c.Proxy.Served(0), c.Proxy.Served(1))
	}
	pub := publish(t, c.URL(), ch, 10*time.Millisecond)
	time.Sleep(time.Second)
	c.Kill(1)
	time.Sleep(2 * time.Second)
	pub.stop()
	final := pub.acked.Load()
	if final < 100 {
		t.Fatalf("only %d publications acknowledged", final)
	}
	settle(t, subs, final, 30*time.Second)
	checkDelivery(t, subs, true)
	t.Logf("%d publications, %d refused while the instance died", pub.ok.Load(), pub.failed.Load())

	c.Restart(1)
	late := follow(t, c.URL(), ch)
	joined(t, []*subscriber{late})
}

// TestRedisRestartMidBriefing: Redis dies for a few seconds under a busy room. Clients stay
// connected to their instance, /readyz reports the outage on every instance and recovers with
// Redis, and afterwards every client has every publication once, in order.
func TestRedisRestartMidBriefing(t *testing.T) {
	redis := cluster.StartRedis(t)
	c := cluster.Start(t, cluster.Options{DatabaseURL: testenv.PostgresURL(t), RedisURL: redis.URL, Env: liveBench})
	const ch = "bench:briefing-redis"
	subs := followMany(t, c.URL(), ch, 12)
	pub := publish(t, c.URL(), ch, 15*time.Millisecond)
	time.Sleep(time.Second)

	redis.Stop()
	for i, in := range c.Instances {
		waitStatus(t, in.URL+"/readyz", 503, 10*time.Second, func(body string) bool {
			return strings.Contains(body, `"live_state"`) && !strings.Contains(body, `"live_state":"ok"`)
		}, i)
	}
	time.Sleep(2 * time.Second)
	redis.Start()
	for i, in := range c.Instances {
		waitStatus(t, in.URL+"/readyz", 200, 30*time.Second, nil, i)
	}
	time.Sleep(time.Second)
	pub.stop()
	final := pub.acked.Load()
	settle(t, subs, final, 30*time.Second)
	checkDelivery(t, subs, false)
	if pub.failed.Load() == 0 {
		t.Error("no publication was refused during the outage: Redis was not really down")
	}
	t.Logf("%d publications acknowledged, %d refused with unavailable during the outage", pub.ok.Load(), pub.failed.Load())
}

func waitStatus(t *testing.T, url string, want int, within time.Duration, body func(string) bool, instance int) {
	t.Helper()
	deadline := time.Now().Add(within)
	var last string
	for time.Now().Before(deadline) {
		status, b, err := cluster.Get(url)
		if err == nil && status == want && (body == nil || body(b)) {
			return
		}
		last = b
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("instance %d: %s did not answer %d within %s (last: %s)", instance, url, want, within, last)
}
