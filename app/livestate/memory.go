package livestate

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// janitorEvery is how often the in-process store drops expired entries. Reads already ignore
// expired entries; the janitor only bounds memory.
const janitorEvery = time.Minute

// NewMemory returns state kept in this process: sessions and counters are lost on restart
// and not shared with other instances. Close stops its janitor.
func NewMemory() *State {
	return newMemory(janitorEvery)
}

func newMemory(every time.Duration) *State {
	m := &memory{
		sessions: make(map[string]Session),
		byUser:   make(map[int64]map[string]struct{}),
		tat:      make(map[string]time.Time),
		versions: make(map[string]int64),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go m.janitor(every)
	var once sync.Once
	return &State{
		Sessions:    (*memSessions)(m),
		Limiter:     (*memLimiter)(m),
		Versions:    (*memVersions)(m),
		ReadRequest: readRequest((*memSessions)(m), (*memVersions)(m)),
		Ping:        func(context.Context) error { return nil },
		Close: func() error {
			once.Do(func() {
				close(m.stop)
				<-m.done
			})
			return nil
		},
		Kind: "memory",
	}
}

// memory guards sessions and counters with one mutex: every operation is a few map
// lookups, so finer locking would cost more than it saves.
type memory struct {
	mu       sync.Mutex
	sessions map[string]Session
	byUser   map[int64]map[string]struct{}
	// tat is each key's GCRA theoretical arrival time; a key whose tat has passed is
	// indistinguishable from a fresh one.
	tat      map[string]time.Time
	versions map[string]int64
	stop     chan struct{}
	done     chan struct{}
}

func (m *memory) janitor(every time.Duration) {
	defer close(m.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case now := <-t.C:
			m.evict(now)
		}
	}
}

func (m *memory) evict(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, s := range m.sessions {
		if !now.Before(s.ExpiresAt) {
			m.remove(k, s.UserID)
		}
	}
	for k, t := range m.tat {
		if !now.Before(t) {
			delete(m.tat, k)
		}
	}
}

// remove deletes one session; m.mu must be held.
func (m *memory) remove(key string, userID int64) {
	delete(m.sessions, key)
	keys := m.byUser[userID]
	delete(keys, key)
	if len(keys) == 0 {
		delete(m.byUser, userID)
	}
}

type memSessions memory

func (s *memSessions) Put(ctx context.Context, key string, sess Session) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !time.Now().Before(sess.ExpiresAt) {
		return fmt.Errorf("livestate: session for user %d expired at %s", sess.UserID, sess.ExpiresAt)
	}
	m := (*memory)(s)
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.sessions[key]; ok {
		m.remove(key, old.UserID)
	}
	m.sessions[key] = sess
	keys := m.byUser[sess.UserID]
	if keys == nil {
		keys = make(map[string]struct{})
		m.byUser[sess.UserID] = keys
	}
	keys[key] = struct{}{}
	return nil
}

func (s *memSessions) Get(ctx context.Context, key string) (Session, error) {
	if err := ctx.Err(); err != nil {
		return Session{}, err
	}
	m := (*memory)(s)
	m.mu.Lock()
	defer m.mu.Unlock()
	sess, ok := m.sessions[key]
	if !ok || !time.Now().Before(sess.ExpiresAt) {
		return Session{}, ErrNotFound
	}
	return sess, nil
}

func (s *memSessions) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m := (*memory)(s)
	m.mu.Lock()
	defer m.mu.Unlock()
	if sess, ok := m.sessions[key]; ok {
		m.remove(key, sess.UserID)
	}
	return nil
}

func (s *memSessions) DeleteUser(ctx context.Context, userID int64, keep string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m := (*memory)(s)
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.byUser[userID] {
		if k != keep {
			m.remove(k, userID)
		}
	}
	return nil
}

type memLimiter memory

// Allow follows the same GCRA arithmetic as the Redis script so both behave alike.
func (l *memLimiter) Allow(ctx context.Context, key string, lim Limit) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if err := lim.validate(); err != nil {
		return Result{}, err
	}
	interval := lim.interval()
	now := time.Now()
	m := (*memory)(l)
	m.mu.Lock()
	defer m.mu.Unlock()
	tat := m.tat[key]
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(interval)
	diff := now.Sub(next.Add(-interval * time.Duration(lim.Events)))
	if diff < 0 {
		return Result{RetryAfter: -diff}, nil
	}
	m.tat[key] = next
	return Result{Allowed: true, Remaining: int(diff / interval)}, nil
}

func (l *memLimiter) Reset(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m := (*memory)(l)
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.tat, key)
	return nil
}

type memVersions memory

func (v *memVersions) Get(ctx context.Context, names ...string) ([]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]int64, len(names))
	v.mu.Lock()
	defer v.mu.Unlock()
	for i, n := range names {
		out[i] = v.versions[n]
	}
	return out, nil
}

func (v *memVersions) Raise(ctx context.Context, name string, to int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.versions[name] = max(v.versions[name], to)
	return nil
}

func (v *memVersions) Bump(ctx context.Context, name string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.versions[name]++
	return v.versions[name], nil
}
