package live

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestOrderingUnderConcurrentPublishers(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		a, b := startHub(t, e.backend, nil), startHub(t, e.backend, nil)
		ch := "room:order"
		subA, subB := dial(t, a, "1:ann:"), dial(t, b, "2:bob:")
		start := subA.join(ch).Off
		subB.join(ch)
		const pubs, each = 4, 50
		var wg sync.WaitGroup
		for i := range pubs {
			srv := a
			if i%2 == 1 {
				srv = b
			}
			p := dial(t, srv, fmt.Sprintf("%d:p%d:", 10+i, i))
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range each {
					p.send(map[string]any{"op": "pub", "ch": ch, "kind": "chat", "data": map[string]int{"p": i, "j": j}})
				}
			}()
		}
		wg.Wait()
		total := uint64(pubs * each)
		for _, s := range []*tclient{subA, subB} {
			eventually(t, "all publications", func() bool { return len(s.pubs(ch)) >= int(total) })
		}
		pa, pb := subA.pubs(ch), subB.pubs(ch)
		checkSequence(t, "hub A", pa, start+1, start+total)
		checkSequence(t, "hub B", pb, start+1, start+total)
		for i := range pa {
			if pa[i].raw != pb[i].raw {
				t.Fatalf("offset %d differs between hubs: %s vs %s", pa[i].Off, pa[i].raw, pb[i].raw)
			}
		}
		// Each publisher's own messages keep their order.
		last := map[int]int{}
		for _, p := range pa {
			var d struct{ P, J int }
			_ = json.Unmarshal(p.Data, &d)
			if prev, ok := last[d.P]; ok && d.J != prev+1 {
				t.Fatalf("publisher %d: %d after %d", d.P, d.J, prev)
			}
			last[d.P] = d.J
		}
	})
}

func TestRecoveryAfterMissedWindow(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		s := startHub(t, e.backend, nil)
		ch := "room:recover"
		ctx := context.Background()
		c := dial(t, s, "1:ann:")
		j := c.join(ch)
		for i := range 5 {
			_, err := s.h.Publish(ctx, ch, "chat", map[string]int{"n": i})
			must(t, err)
		}
		eventually(t, "first five", func() bool { return len(c.pubs(ch)) == 5 })
		last := c.pubs(ch)[4].Off
		_ = c.ws.Close()
		<-c.gone
		for i := range 10 {
			_, err := s.h.Publish(ctx, ch, "chat", map[string]int{"n": 5 + i})
			must(t, err)
		}
		c2 := dial(t, s, "1:ann:")
		r := c2.call(map[string]any{"op": "join", "ch": ch, "since": map[string]any{"off": last, "epoch": j.Epoch}})
		if r.Error != nil || r.Recovered == nil || !*r.Recovered {
			t.Fatalf("join with since: %+v", r)
		}
		_, err := s.h.Publish(ctx, ch, "chat", map[string]int{"n": 15})
		must(t, err)
		eventually(t, "missed and live", func() bool { return len(c2.pubs(ch)) >= 11 })
		checkSequence(t, "resumed", c2.pubs(ch), last+1, last+11)

		// Beyond the retained history (50) the client is told to reload.
		for i := range 60 {
			_, err := s.h.Publish(ctx, ch, "chat", map[string]int{"n": 100 + i})
			must(t, err)
		}
		c3 := dial(t, s, "1:ann:")
		r = c3.call(map[string]any{"op": "join", "ch": ch, "since": map[string]any{"off": last, "epoch": j.Epoch}})
		if r.Error != nil || r.Recovered == nil || *r.Recovered {
			t.Fatalf("join beyond history should not recover: %+v", r)
		}
		// Publications still in flight to the hub may follow live, but nothing before the join
		// position is replayed.
		for _, p := range c3.pubs(ch) {
			if p.Off <= r.Off {
				t.Fatalf("unrecoverable join replayed offset %d (join position %d)", p.Off, r.Off)
			}
		}
	})
}

func TestEpochChange(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		s := startHub(t, e.backend, nil)
		ch := "room:epoch"
		ctx := context.Background()
		c := dial(t, s, "1:ann:")
		j := c.join(ch)
		_, err := s.h.Publish(ctx, ch, "chat", "before")
		must(t, err)
		e.forget(ch)
		off, err := s.h.Publish(ctx, ch, "chat", "after")
		must(t, err)
		if off != 1 {
			t.Fatalf("offset after history loss = %d, want 1", off)
		}
		reset := c.waitFor("reset", func(f tframe) bool { return f.T == "reset" && f.Ch == ch })
		if reset.Epoch == j.Epoch || reset.Epoch == "" {
			t.Fatalf("reset epoch %q, old %q", reset.Epoch, j.Epoch)
		}
		c.waitFor("publication in the new epoch", func(f tframe) bool {
			return f.T == "pub" && f.Off == 1 && string(f.Data) == `"after"`
		})
		c2 := dial(t, s, "1:ann:")
		r := c2.call(map[string]any{"op": "join", "ch": ch, "since": map[string]any{"off": 1, "epoch": j.Epoch}})
		if r.Recovered == nil || *r.Recovered || r.Epoch != reset.Epoch {
			t.Fatalf("join with the old epoch: %+v", r)
		}
	})
}

func TestPresenceAcrossHubs(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		a, b := startHub(t, e.backend, nil), startHub(t, e.backend, nil)
		ch := "room:presence"
		ann, bob := dial(t, a, "1:ann:"), dial(t, b, "2:bob:")
		ann.join(ch)
		bob.join(ch)
		ann.waitFor("bob's join event", func(f tframe) bool {
			return f.T == "join" && strings.Contains(string(f.Member), `"name":"bob"`)
		})
		list := func(c *tclient) tframe {
			r := c.call(map[string]any{"op": "presence", "ch": ch})
			if r.Error != nil || r.N == nil {
				t.Fatalf("presence: %+v", r)
			}
			return r
		}
		p := list(ann)
		if *p.N != 2 || len(p.Members) != 2 {
			t.Fatalf("presence on hub A: n=%d members=%d, want 2 and 2", *p.N, len(p.Members))
		}
		ann.waitFor("count 2", func(f tframe) bool { return f.T == "count" && f.N != nil && *f.N == 2 })

		// Hub B dies without cleaning up: its members expire.
		b.h.crash()
		eventually(t, "bob to expire", func() bool { return *list(ann).N == 1 })
		ann.waitFor("count 1", func(f tframe) bool { return f.T == "count" && f.N != nil && *f.N == 1 })
	})
}

func TestLargeRoomGetsCountsNotEvents(t *testing.T) {
	b := NewMemoryBackend()
	s := startHub(t, b, nil)
	s.h.Define(ChannelType{Name: "hall", Rights: func(Identity, string) Rights { return CanJoin },
		Presence: true, ListLimit: 3})
	first := dial(t, s, "1:u1:")
	first.join("hall:x")
	for i := 2; i <= 6; i++ {
		dial(t, s, fmt.Sprintf("%d:u%d:", i, i)).join("hall:x")
	}
	first.waitFor("count 6", func(f tframe) bool { return f.T == "count" && f.N != nil && *f.N == 6 })
	if n := first.count(func(f tframe) bool { return f.T == "join" }); n > 3 {
		t.Fatalf("got %d join events in a room listed up to 3", n)
	}
	r := first.call(map[string]any{"op": "presence", "ch": "hall:x"})
	if r.N == nil || *r.N != 6 || r.Members != nil {
		t.Fatalf("large room presence should be a bare count: %+v", r)
	}
}

func TestSlowConsumerIsolation(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		s := startHub(t, e.backend, func(o *Options) { o.QueueBytes, o.WriteTimeout = 64<<10, time.Second })
		ch := "room:slow"
		fast := dial(t, s, "1:fast:")
		fast.join(ch)
		joinStalled(t, s, ch) // joins, then never reads again
		big := strings.Repeat("x", 8<<10)
		const n = 800 // 6.4 MB: more than the socket buffers (at most 4 MiB here) plus the 64 KiB queue
		ctx := context.Background()
		// Publish in steps a reading client keeps up with; the slow one falls further behind.
		for i := range n {
			_, err := s.h.Publish(ctx, ch, "chat", map[string]any{"i": i, "pad": big})
			must(t, err)
			if i%4 == 3 {
				eventually(t, "fast client to keep up", func() bool { return len(fast.pubs(ch)) == i+1 })
			}
		}
		eventually(t, "slow consumer disconnect", func() bool {
			return s.counter("zonefair_live_disconnects_total", "4009") == 1
		})
		if got := s.counter("zonefair_live_disconnects_total", ""); got != 1 {
			t.Fatalf("%v disconnects, want only the slow one", got)
		}
		// Its writer gave up on the stalled socket: the socket is closed, not left to a reader
		// waiting for the keep-alive to expire.
		eventually(t, "the slow consumer's connection to end", func() bool {
			return s.counter("zonefair_live_connections", "") == 1
		})
	})
}

func TestAuthorizationPerChannelType(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		s := startHub(t, e.backend, func(o *Options) { o.EnableBench = false })
		s.h.Define(ChannelType{Name: "staff", Rights: func(id Identity, key string) Rights {
			if id.Role == "zone_staff" {
				return CanJoin | CanPublish
			}
			return 0
		}})
		anon := dial(t, s, "")
		user := dial(t, s, "5:eve:investor")
		host := dial(t, s, "9:hal:host")
		staff := dial(t, s, "7:sam:zone_staff")
		code := func(c *tclient, req map[string]any) string {
			r := c.call(req)
			if r.Error == nil {
				return "ok"
			}
			return r.Error.Code
		}
		cases := []struct {
			name string
			c    *tclient
			req  map[string]any
			want string
		}{
			{"anonymous reads a public room", anon, map[string]any{"op": "join", "ch": "room:a"}, "ok"},
			{"anonymous cannot publish", anon, map[string]any{"op": "pub", "ch": "room:a", "kind": "chat", "data": 1}, "forbidden"},
			{"member publishes", user, map[string]any{"op": "pub", "ch": "room:a", "kind": "chat", "data": 1}, "ok"},
			{"member cannot moderate", user, map[string]any{"op": "kick", "ch": "room:a", "user": 9}, "forbidden"},
			{"member cannot publish mod kinds", user, map[string]any{"op": "pub", "ch": "room:a", "kind": "mod.delete", "data": 1}, "forbidden"},
			{"anonymous cannot join a user channel", anon, map[string]any{"op": "join", "ch": "user:5"}, "unauthorized"},
			{"no one joins another user's channel", user, map[string]any{"op": "join", "ch": "user:6"}, "forbidden"},
			{"a user joins their own channel", user, map[string]any{"op": "join", "ch": "user:5"}, "ok"},
			{"clients cannot publish to user channels", user, map[string]any{"op": "pub", "ch": "user:5", "kind": "x", "data": 1}, "forbidden"},
			{"staff channel refuses others", user, map[string]any{"op": "join", "ch": "staff:1"}, "forbidden"},
			{"staff channel admits staff", staff, map[string]any{"op": "join", "ch": "staff:1"}, "ok"},
			{"bench is off unless enabled", anon, map[string]any{"op": "join", "ch": "bench:1"}, "not_found"},
			{"unknown type", user, map[string]any{"op": "join", "ch": "nope:1"}, "not_found"},
			{"bad channel name", user, map[string]any{"op": "join", "ch": "room:<x>"}, "not_found"},
			{"bad kind", user, map[string]any{"op": "pub", "ch": "room:a", "kind": "<b>", "data": 1}, "invalid_input"},
		}
		for _, tc := range cases {
			if got := code(tc.c, tc.req); got != tc.want {
				t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
			}
		}

		// Server notifications reach the user's own channel.
		_, err := s.h.Publish(context.Background(), UserChannel(5), "notice", map[string]string{"text": "hi"})
		must(t, err)
		user.waitFor("notification", func(f tframe) bool { return f.Ch == "user:5" && f.Kind == "notice" })

		// A moderator's kick removes the user from the room on every hub.
		host.join("room:a")
		user.join("room:a")
		if got := code(host, map[string]any{"op": "kick", "ch": "room:a", "user": 5}); got != "ok" {
			t.Fatalf("host kick: %s", got)
		}
		user.waitFor("kick notice", func(f tframe) bool { return f.Kind == "mod.kick" })
		eventually(t, "user removed", func() bool { return user.call(map[string]any{"op": "leave", "ch": "room:a"}).Error != nil })
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// deliveries records what a node delivers, by channel.
type deliveries struct {
	mu  sync.Mutex
	got map[string]int
	ch  chan string
}

func (d *deliveries) Deliver(p Publication) {
	d.mu.Lock()
	d.got[p.Channel]++
	d.mu.Unlock()
	d.ch <- p.Channel
}
func (d *deliveries) Notice(string, []byte) {}
func (d *deliveries) Resync()               {}

// A room going away while its successor opens (the last client left, another joined at once)
// must not unsubscribe the successor: whatever order the two run in, the channel keeps being
// delivered to the node.
func TestSuccessorRoomStaysSubscribed(t *testing.T) {
	eachBackend(t, func(t *testing.T, e env) {
		ctx := context.Background()
		d := &deliveries{got: map[string]int{}, ch: make(chan string, 16)}
		n, err := e.backend.Attach(ctx, d)
		must(t, err)
		t.Cleanup(func() { _ = n.Close(context.Background(), true) })
		eventually(t, "node ready", func() bool { return n.Ready(ctx) == nil })
		for i := range 100 {
			ch := fmt.Sprintf("room:succ-%d", i)
			must(t, n.Subscribe(ctx, ch)) // the room going away
			var wg sync.WaitGroup
			wg.Add(2)
			run := func(f func(context.Context, string) error) {
				defer wg.Done()
				if err := f(ctx, ch); err != nil {
					t.Error(err)
				}
			}
			go run(n.Unsubscribe)
			go run(n.Subscribe) // its successor
			wg.Wait()
			_, err := n.Publish(ctx, ch, []byte(`{"kind":"x","data":1}`), Stream{Size: 10, TTL: time.Minute})
			must(t, err)
			select {
			case got := <-d.ch:
				if got != ch {
					t.Fatalf("delivered %s, want %s", got, ch)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("round %d: the successor of a closed room receives nothing", i)
			}
			must(t, n.Unsubscribe(ctx, ch))
		}
	})
}
