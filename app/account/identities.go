package account

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"zonefair/app/livestate"
)

// accountsVersion is the shared version every change to what a principal is made of (a user's
// name, role, zone, enterprise or province; an enterprise or zone edited or removed, which
// changes its users through their foreign keys) bumps, so that instances keep identities they
// read until it moves.
const accountsVersion = "accounts"

// Versions are the shared versions the account store checks, for a request to read ahead with
// its session (Sessions.Watch).
var Versions = []string{accountsVersion}

// Bounds on the identities an instance keeps: a change made outside the instances (SQL by
// hand, a restore) is seen within identitiesFor, and no more than maxIdentities are kept.
const (
	identitiesFor = 10 * time.Second
	maxIdentities = 100_000
)

// identities keeps the identities (what identity reads) of recent callers, as of one accounts
// version.
type identities struct {
	mu      sync.Mutex
	version int64
	users   map[int64]keptIdentity
}

type keptIdentity struct {
	u    User
	read time.Time
}

// get returns user id's identity as of accounts version version, if kept.
func (c *identities) get(id, version int64) (User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		c.version, c.users = version, nil
		return User{}, false
	}
	k, ok := c.users[id]
	if !ok || time.Since(k.read) >= identitiesFor {
		return User{}, false
	}
	return k.u, true
}

// put keeps u, read from the database after accounts version version was read: kept only
// while that is still the version, so an identity read before a change is never kept past it.
func (c *identities) put(u User, version int64, read time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return
	}
	if c.users == nil || len(c.users) >= maxIdentities {
		c.users = make(map[int64]keptIdentity)
	}
	c.users[u.ID] = keptIdentity{u, read}
}

// forget drops every kept identity.
func (c *identities) forget() {
	c.mu.Lock()
	c.users = nil
	c.mu.Unlock()
}

// ShareVersions lets s keep the identities it reads while the shared accounts version, read
// with each request's session, does not move (a shared store when instances run side by side).
// Call it before s serves.
func (s *Store) ShareVersions(v livestate.Versions, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	s.versions, s.log = v, log
}

// AccountsChanged tells every instance to read identities again; the store calls it after
// changing a user, and the zone store after editing or removing a zone or an enterprise.
func (s *Store) AccountsChanged(ctx context.Context) {
	if s.versions == nil {
		return
	}
	if _, err := s.versions.Bump(context.WithoutCancel(ctx), accountsVersion); err != nil {
		// The others keep what they read for at most identitiesFor; this instance at once
		// forgets.
		s.log.Warn("could not tell the other instances an account changed", "err", err)
	}
	s.ids.forget()
}

// kept returns user id's identity without a database read (hit) when the request carries the
// accounts version (read with its session) and s kept the identity as of that version; version
// and ok say whether an identity read instead may be kept.
func (s *Store) kept(ctx context.Context, id int64) (u User, hit bool, version int64, ok bool) {
	if s.versions == nil {
		return User{}, false, 0, false
	}
	v, ok := livestate.VersionsFrom(ctx, accountsVersion)
	if !ok {
		// Without the version nothing kept can be trusted to be current: drop it, so that a
		// change made while the shared store was away is not answered from before it.
		s.ids.forget()
		return User{}, false, 0, false
	}
	u, hit = s.ids.get(id, v[0])
	return u, hit, v[0], true
}
