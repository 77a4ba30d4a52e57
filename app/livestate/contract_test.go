package livestate_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"zonefair/app/db/dbtest"
	"zonefair/app/livestate"
	"zonefair/app/testenv"
)

// backend builds a fresh State for one test; both implementations must pass the same suite.
type backend struct {
	name string
	open func(t testing.TB) *livestate.State
}

var backends = []backend{
	{"memory", func(t testing.TB) *livestate.State {
		st := livestate.NewMemory()
		t.Cleanup(func() { _ = st.Close() })
		return st
	}},
	{"redis", func(t testing.TB) *livestate.State {
		client, prefix := testenv.Redis(t)
		return openRedis(t, client, prefix)
	}},
	{"database-sqlite", func(t testing.TB) *livestate.State { return openDatabase(t, "sqlite") }},
	{"database-postgres", func(t testing.TB) *livestate.State { return openDatabase(t, "postgres") }},
}

// openDatabase is the state of an instance without Redis on a fresh migrated database of kind.
func openDatabase(t testing.TB, kind string) *livestate.State {
	st := livestate.NewDatabase(dbtest.Open(t, kind))
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// openRedis gives the State its own client, because State.Close closes it and testenv still
// needs its client to clean the prefix up.
func openRedis(t testing.TB, client *redis.Client, prefix string) *livestate.State {
	st := livestate.NewRedis(redis.NewClient(client.Options()), prefix)
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return st
}

func each(t *testing.T, f func(t *testing.T, st *livestate.State)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			f(t, b.open(t))
		})
	}
}

// eventually polls cond until it holds, failing after a generous deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func session(user int64, ttl time.Duration) livestate.Session {
	now := time.Now()
	return livestate.Session{
		UserID:    user,
		CSRFToken: "csrf-" + testenv.Name(""),
		IP:        "203.0.113.7",
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) 测试",
		CreatedAt: now,
		ExpiresAt: now.Add(ttl),
	}
}

func mustPut(t *testing.T, st *livestate.State, key string, s livestate.Session) {
	t.Helper()
	if err := st.Sessions.Put(context.Background(), key, s); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func present(t *testing.T, st *livestate.State, key string) bool {
	t.Helper()
	_, err := st.Sessions.Get(context.Background(), key)
	if err != nil && !errors.Is(err, livestate.ErrNotFound) {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return err == nil
}

func TestKind(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		if st.Kind != "memory" && st.Kind != "redis" && st.Kind != "database" {
			t.Errorf("Kind = %q", st.Kind)
		}
		if err := st.Ping(context.Background()); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})
}

func TestSessionRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		ctx := context.Background()
		want := session(42, time.Hour)
		mustPut(t, st, "k1", want)
		got, err := st.Sessions.Get(ctx, "k1")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got.UserID != want.UserID || got.CSRFToken != want.CSRFToken || got.IP != want.IP ||
			got.UserAgent != want.UserAgent || !got.CreatedAt.Equal(want.CreatedAt) ||
			!got.ExpiresAt.Equal(want.ExpiresAt) {
			t.Errorf("Get = %+v, want %+v", got, want)
		}

		replaced := session(42, time.Hour)
		mustPut(t, st, "k1", replaced)
		got, err = st.Sessions.Get(ctx, "k1")
		if err != nil || got.CSRFToken != replaced.CSRFToken {
			t.Errorf("after replacing: Get = %+v, %v; want CSRF %q", got, err, replaced.CSRFToken)
		}
	})
}

func TestSessionMissing(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		if _, err := st.Sessions.Get(context.Background(), "nope"); !errors.Is(err, livestate.ErrNotFound) {
			t.Errorf("Get(absent) error = %v, want ErrNotFound", err)
		}
	})
}

func TestSessionExpires(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		mustPut(t, st, "short", session(7, 300*time.Millisecond))
		mustPut(t, st, "long", session(7, time.Hour))
		eventually(t, "the short session expires", func() bool { return !present(t, st, "short") })
		if !present(t, st, "long") {
			t.Error("the long session expired together with the short one")
		}
	})
}

func TestSessionPutExpiredFails(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		err := st.Sessions.Put(context.Background(), "old", session(7, -time.Second))
		if err == nil {
			t.Fatal("Put of an expired session succeeded")
		}
		if present(t, st, "old") {
			t.Error("an expired session was stored")
		}
	})
}

func TestSessionDelete(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		ctx := context.Background()
		mustPut(t, st, "a", session(1, time.Hour))
		mustPut(t, st, "b", session(1, time.Hour))
		if err := st.Sessions.Delete(ctx, "a"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if present(t, st, "a") {
			t.Error("deleted session still readable")
		}
		if !present(t, st, "b") {
			t.Error("Delete removed another session of the same user")
		}
		if err := st.Sessions.Delete(ctx, "a"); err != nil {
			t.Errorf("Delete(absent) = %v, want nil", err)
		}
	})
}

func TestDeleteUser(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		ctx := context.Background()
		for _, k := range []string{"u1-a", "u1-b", "u1-c"} {
			mustPut(t, st, k, session(1, time.Hour))
		}
		mustPut(t, st, "u2-a", session(2, time.Hour))

		if err := st.Sessions.DeleteUser(ctx, 1, "u1-b"); err != nil {
			t.Fatalf("DeleteUser: %v", err)
		}
		for k, want := range map[string]bool{"u1-a": false, "u1-b": true, "u1-c": false, "u2-a": true} {
			if got := present(t, st, k); got != want {
				t.Errorf("after DeleteUser(1, keep u1-b): %s present = %v, want %v", k, got, want)
			}
		}

		if err := st.Sessions.DeleteUser(ctx, 1, ""); err != nil {
			t.Fatalf("DeleteUser: %v", err)
		}
		if present(t, st, "u1-b") {
			t.Error(`DeleteUser(1, "") kept a session`)
		}
		if !present(t, st, "u2-a") {
			t.Error("DeleteUser(1) removed user 2's session")
		}
		// A user whose sessions are all gone can log in again and be revoked again.
		mustPut(t, st, "u1-d", session(1, time.Hour))
		if err := st.Sessions.DeleteUser(ctx, 1, ""); err != nil || present(t, st, "u1-d") {
			t.Errorf("second revoke: err %v, session still present %v", err, present(t, st, "u1-d"))
		}
		if err := st.Sessions.DeleteUser(ctx, 99, ""); err != nil {
			t.Errorf("DeleteUser(user without sessions) = %v", err)
		}
	})
}

func TestAllowBurstThenDeny(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		ctx := context.Background()
		lim := livestate.Limit{Events: 5, Per: time.Minute}
		for i := range 5 {
			r, err := st.Limiter.Allow(ctx, "login:203.0.113.7", lim)
			if err != nil {
				t.Fatalf("Allow #%d: %v", i+1, err)
			}
			if !r.Allowed || r.Remaining != 4-i || r.RetryAfter != 0 {
				t.Errorf("Allow #%d = %+v, want allowed with %d remaining", i+1, r, 4-i)
			}
		}
		r, err := st.Limiter.Allow(ctx, "login:203.0.113.7", lim)
		if err != nil {
			t.Fatalf("Allow #6: %v", err)
		}
		// One event comes back every Per/Events = 12s.
		if r.Allowed || r.RetryAfter <= 0 || r.RetryAfter > 12*time.Second {
			t.Errorf("Allow #6 = %+v, want denied with 0 < RetryAfter <= 12s", r)
		}
		if r, _ := st.Limiter.Allow(ctx, "login:198.51.100.1", lim); !r.Allowed {
			t.Error("another key was limited by the first key's events")
		}
	})
}

func TestAllowRefills(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		ctx := context.Background()
		lim := livestate.Limit{Events: 2, Per: 2 * time.Second}
		for range 2 {
			if r, err := st.Limiter.Allow(ctx, "k", lim); err != nil || !r.Allowed {
				t.Fatalf("Allow = %+v, %v; want allowed", r, err)
			}
		}
		r, err := st.Limiter.Allow(ctx, "k", lim)
		if err != nil || r.Allowed {
			t.Fatalf("third Allow = %+v, %v; want denied", r, err)
		}
		eventually(t, "an event is allowed again", func() bool {
			r, err := st.Limiter.Allow(ctx, "k", lim)
			if err != nil {
				t.Fatalf("Allow: %v", err)
			}
			return r.Allowed
		})
	})
}

func TestAllowConcurrentNeverExceedsBurst(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		// One event per 6 minutes comes back: none can return while the test runs.
		lim := livestate.Limit{Events: 10, Per: time.Hour}
		var allowed, denied atomic.Int64
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				for range 4 {
					r, err := st.Limiter.Allow(context.Background(), "burst", lim)
					if err != nil {
						t.Errorf("Allow: %v", err)
						return
					}
					if r.Allowed {
						allowed.Add(1)
					} else {
						denied.Add(1)
						if r.RetryAfter <= 0 {
							t.Errorf("denied with RetryAfter %v", r.RetryAfter)
						}
					}
				}
			})
		}
		wg.Wait()
		if allowed.Load() != 10 || denied.Load() != 190 {
			t.Errorf("allowed %d, denied %d of 200; want 10 and 190", allowed.Load(), denied.Load())
		}
	})
}

func TestReset(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		ctx := context.Background()
		lim := livestate.Limit{Events: 1, Per: time.Hour}
		if r, _ := st.Limiter.Allow(ctx, "r", lim); !r.Allowed {
			t.Fatal("first Allow denied")
		}
		if r, _ := st.Limiter.Allow(ctx, "r", lim); r.Allowed {
			t.Fatal("second Allow allowed")
		}
		if err := st.Limiter.Reset(ctx, "r"); err != nil {
			t.Fatalf("Reset: %v", err)
		}
		if r, _ := st.Limiter.Allow(ctx, "r", lim); !r.Allowed {
			t.Error("Allow after Reset denied")
		}
		if err := st.Limiter.Reset(ctx, "never-used"); err != nil {
			t.Errorf("Reset(unused key) = %v", err)
		}
	})
}

func TestInvalidLimit(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		for _, lim := range []livestate.Limit{{}, {Events: 0, Per: time.Second}, {Events: 3}, {Events: -1, Per: time.Second}} {
			if _, err := st.Limiter.Allow(context.Background(), "x", lim); err == nil {
				t.Errorf("Allow with %+v succeeded", lim)
			}
		}
	})
}

func TestCanceledContext(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := st.Sessions.Get(ctx, "k"); !errors.Is(err, context.Canceled) {
			t.Errorf("Get with canceled context = %v", err)
		}
		if _, err := st.Limiter.Allow(ctx, "k", livestate.Limit{Events: 1, Per: time.Second}); !errors.Is(err, context.Canceled) {
			t.Errorf("Allow with canceled context = %v", err)
		}
		if _, err := st.Versions.Get(ctx, "k"); !errors.Is(err, context.Canceled) {
			t.Errorf("Versions.Get with canceled context = %v", err)
		}
	})
}

func TestVersions(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		ctx := context.Background()
		v := st.Versions
		got, err := v.Get(ctx, "a", "b")
		if err != nil || len(got) != 2 || got[0] != 0 || got[1] != 0 {
			t.Fatalf("fresh Get = %v, %v; want [0 0]", got, err)
		}
		if err := v.Raise(ctx, "a", 7); err != nil {
			t.Fatal(err)
		}
		if err := v.Raise(ctx, "a", 5); err != nil { // an older writer, late: no step back
			t.Fatal(err)
		}
		if n, err := v.Bump(ctx, "b"); err != nil || n != 1 {
			t.Fatalf("Bump = %d, %v; want 1", n, err)
		}
		if n, _ := v.Bump(ctx, "b"); n != 2 {
			t.Fatalf("second Bump = %d; want 2", n)
		}
		if got, _ := v.Get(ctx, "b", "a", "c"); !slices.Equal(got, []int64{2, 7, 0}) {
			t.Errorf("Get = %v; want [2 7 0]", got)
		}
	})
}

func TestVersionsConcurrentRaiseKeepsTheLargest(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				if err := st.Versions.Raise(ctx, "seq", int64(50-i)); err != nil {
					t.Error(err)
				}
				if _, err := st.Versions.Bump(ctx, "n"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got, _ := st.Versions.Get(ctx, "seq", "n"); !slices.Equal(got, []int64{50, 50}) {
			t.Errorf("after 50 concurrent raises and bumps Get = %v; want [50 50]", got)
		}
	})
}

// A request's session and versions come back together; a missing session still brings the
// versions, and the snapshot carried in a context answers only for the names it was read for.
func TestReadRequest(t *testing.T) {
	each(t, func(t *testing.T, st *livestate.State) {
		ctx := context.Background()
		mustPut(t, st, "k", session(42, time.Hour))
		if err := st.Versions.Raise(ctx, "seq", 9); err != nil {
			t.Fatal(err)
		}
		names := []string{"seq", "names"}
		r := st.ReadRequest(ctx, "k", names)
		if r.SessionErr != nil || r.Session.UserID != 42 || !slices.Equal(r.Versions, []int64{9, 0}) {
			t.Fatalf("ReadRequest = %+v", r)
		}
		r = st.ReadRequest(ctx, "absent", names)
		if !errors.Is(r.SessionErr, livestate.ErrNotFound) || !slices.Equal(r.Versions, []int64{9, 0}) {
			t.Errorf("ReadRequest of an absent session = %+v", r)
		}
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		if r := st.ReadRequest(canceled, "k", names); !errors.Is(r.SessionErr, context.Canceled) || r.Versions != nil {
			t.Errorf("ReadRequest with a canceled context = %+v", r)
		}

		carried := livestate.WithVersions(ctx, names, []int64{9, 0})
		if v, ok := livestate.VersionsFrom(carried, "seq", "names"); !ok || !slices.Equal(v, []int64{9, 0}) {
			t.Errorf("VersionsFrom = %v, %v", v, ok)
		}
		if v, ok := livestate.VersionsFrom(carried, "names", "seq"); !ok || !slices.Equal(v, []int64{0, 9}) {
			t.Errorf("VersionsFrom in another order = %v, %v", v, ok)
		}
		if v, ok := livestate.VersionsFrom(carried, "names"); !ok || !slices.Equal(v, []int64{0}) {
			t.Errorf("VersionsFrom of one = %v, %v", v, ok)
		}
		if _, ok := livestate.VersionsFrom(carried, "seq", "other"); ok {
			t.Error("a snapshot answered for a name it does not carry")
		}
		if _, ok := livestate.VersionsFrom(ctx, "seq", "names"); ok {
			t.Error("a context without a snapshot answered")
		}
	})
}

func TestRedisPrefixesNeverCollide(t *testing.T) {
	client, prefix := testenv.Redis(t)
	a := openRedis(t, client, prefix+"a:")
	b := openRedis(t, client, prefix+"b:")
	ctx := context.Background()

	mustPut(t, a, "same", session(1, time.Hour))
	if present(t, b, "same") {
		t.Error("a session put under one prefix is visible under another")
	}
	mustPut(t, b, "other", session(1, time.Hour))
	if err := b.Sessions.DeleteUser(ctx, 1, ""); err != nil {
		t.Fatal(err)
	}
	if !present(t, a, "same") {
		t.Error("DeleteUser under one prefix revoked a session under another")
	}

	if err := a.Versions.Raise(ctx, "jobs", 3); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Versions.Get(ctx, "jobs"); got[0] != 0 {
		t.Errorf("a version raised under one prefix reads %d under another", got[0])
	}

	lim := livestate.Limit{Events: 1, Per: time.Hour}
	if r, _ := a.Limiter.Allow(ctx, "login", lim); !r.Allowed {
		t.Fatal("first Allow under a denied")
	}
	if r, _ := b.Limiter.Allow(ctx, "login", lim); !r.Allowed {
		t.Error("events under one prefix counted against another")
	}

	// Every key either State wrote sits under the test's prefix.
	var keys []string
	iter := client.Scan(ctx, 0, "*"+strings.TrimSuffix(prefix, ":")+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		prefix + "a:sess:same": true, prefix + "a:user:1": true,
		prefix + "a:rate:login": true, prefix + "b:rate:login": true, prefix + "a:ver:jobs": true,
	}
	for _, k := range keys {
		if !want[k] {
			t.Errorf("unexpected key %q", k)
		}
		delete(want, k)
	}
	for k := range want {
		t.Errorf("missing key %q", k)
	}
}
