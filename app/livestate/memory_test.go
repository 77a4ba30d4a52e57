package livestate

import (
	"context"
	"testing"
	"time"
)

func TestJanitorEvictsExpired(t *testing.T) {
	st := newMemory(5 * time.Millisecond)
	defer st.Close()
	ctx := context.Background()
	m := (*memory)(st.Sessions.(*memSessions))
	now := time.Now()
	if err := st.Sessions.Put(ctx, "short", Session{UserID: 1, ExpiresAt: now.Add(50 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	if err := st.Sessions.Put(ctx, "long", Session{UserID: 2, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Limiter.Allow(ctx, "fast", Limit{Events: 1, Per: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Limiter.Allow(ctx, "slow", Limit{Events: 1, Per: time.Hour}); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(10 * time.Second)
	for {
		m.mu.Lock()
		_, sess := m.sessions["short"]
		_, user := m.byUser[1]
		_, rate := m.tat["fast"]
		n, nr := len(m.sessions), len(m.tat)
		m.mu.Unlock()
		if !sess && !user && !rate {
			if n != 1 || nr != 1 {
				t.Fatalf("janitor left %d sessions and %d counters, want 1 and 1", n, nr)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("janitor never evicted the expired session and counter")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCloseStopsJanitor(t *testing.T) {
	st := newMemory(time.Millisecond)
	m := (*memory)(st.Sessions.(*memSessions))
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-m.done:
	default:
		t.Fatal("janitor still running after Close")
	}
	if err := st.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}
