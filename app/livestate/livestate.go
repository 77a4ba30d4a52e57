// Package livestate owns the short-lived state every instance must agree on: login sessions
// and rate-limit counters. It has one in-process implementation for a single machine with no
// setup, and one on Redis so that any number of instances share the same state.
package livestate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrNotFound reports a session that does not exist or has expired.
var ErrNotFound = errors.New("livestate: not found")

// Session is what a login leaves behind on the server.
type Session struct {
	UserID    int64
	CSRFToken string
	IP        string
	UserAgent string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SessionStore keeps sessions until they expire.
type SessionStore interface {
	// Put stores s under key (the caller passes a hash of the opaque token, never the token)
	// until s.ExpiresAt. It replaces any session already under key and fails when s has
	// already expired.
	Put(ctx context.Context, key string, s Session) error
	// Get returns ErrNotFound when absent or expired.
	Get(ctx context.Context, key string) (Session, error)
	// Delete removes the session under key; deleting an absent session is not an error.
	Delete(ctx context.Context, key string) error
	// DeleteUser revokes every session of userID except the one under keep ("" keeps none).
	DeleteUser(ctx context.Context, userID int64, keep string) error
}

// Limit allows Events per Per on average, in bursts of up to Events (e.g. 5 per minute).
type Limit struct {
	Events int
	Per    time.Duration
}

func (l Limit) validate() error {
	if l.Events <= 0 || l.Per <= 0 {
		return fmt.Errorf("livestate: invalid limit of %d events per %s", l.Events, l.Per)
	}
	return nil
}

// interval is the time one event's allowance takes to come back.
func (l Limit) interval() time.Duration {
	return l.Per / time.Duration(l.Events)
}

// Result is the outcome of one Allow call.
type Result struct {
	Allowed bool
	// Remaining is how many more events would be allowed right now.
	Remaining int
	// RetryAfter is how long to wait before the next event is allowed; 0 when Allowed.
	RetryAfter time.Duration
}

// RateLimiter counts events per key with the generic cell rate algorithm (GCRA): a key
// starts with Events available and regains one every Per/Events.
type RateLimiter interface {
	// Allow records one event under key if l permits it.
	Allow(ctx context.Context, key string, l Limit) (Result, error)
	// Reset forgets every event recorded under key.
	Reset(ctx context.Context, key string) error
}

// Versions are named counters that only move forward, shared by every instance: a writer
// moves one after committing a change, and a reader compares it with the version its cache
// was built from to know, without asking the database, whether the cache is behind. A lost
// value (the store restarted) reads as 0; readers must treat any difference as a change.
type Versions interface {
	// Get returns the current values of names, in their order; 0 for one never moved.
	Get(ctx context.Context, names ...string) ([]int64, error)
	// Raise sets name to v unless it is at v or beyond already.
	Raise(ctx context.Context, name string, v int64) error
	// Bump adds one to name and returns the new value.
	Bump(ctx context.Context, name string) (int64, error)
}

// RequestState is what a request reads from live state before anything else: its session and
// the versions that tell whether this instance's caches are current.
type RequestState struct {
	Session Session
	// SessionErr is ErrNotFound when the session is absent or expired.
	SessionErr error
	// Versions holds the values of the names asked for; nil when they could not be read.
	Versions []int64
}

// State bundles what a process needs; cmd builds one and passes it in.
type State struct {
	Sessions SessionStore
	Limiter  RateLimiter
	Versions Versions
	// ReadRequest reads session key and the versions of names in one round trip to the
	// store (on Redis, one pipeline instead of two commands).
	ReadRequest func(ctx context.Context, key string, names []string) RequestState
	// Ping reports whether the backing store is reachable, for readiness checks.
	Ping func(context.Context) error
	// Close releases the backing store; call it once on shutdown.
	Close func() error
	// Kind is "memory" or "redis".
	Kind string
}

// readRequest is ReadRequest for a store where a round trip costs nothing.
func readRequest(sessions SessionStore, versions Versions) func(context.Context, string, []string) RequestState {
	return func(ctx context.Context, key string, names []string) RequestState {
		var r RequestState
		r.Session, r.SessionErr = sessions.Get(ctx, key)
		if v, err := versions.Get(ctx, names...); err == nil {
			r.Versions = v
		}
		return r
	}
}

type snapshotKey struct{}

type snapshot struct {
	names  []string
	values []int64
}

// WithVersions returns ctx carrying the values of names, read when the request began: readers
// in the request use them instead of asking the store again. A change committed before the
// request began is in them.
func WithVersions(ctx context.Context, names []string, values []int64) context.Context {
	return context.WithValue(ctx, snapshotKey{}, snapshot{names, values})
}

// VersionsFrom returns the values of names that ctx carries, if it carries all of them.
func VersionsFrom(ctx context.Context, names ...string) ([]int64, bool) {
	s, ok := ctx.Value(snapshotKey{}).(snapshot)
	if !ok || len(s.values) != len(s.names) {
		return nil, false
	}
	if len(names) <= len(s.names) && slices.Equal(s.names[:len(names)], names) {
		return s.values[:len(names)], true
	}
	out := make([]int64, len(names))
	for i, n := range names {
		j := slices.Index(s.names, n)
		if j < 0 {
			return nil, false
		}
		out[i] = s.values[j]
	}
	return out, true
}
