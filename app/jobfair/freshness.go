package jobfair

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"zonefair/app/livestate"
)

// Shared versions that say, without a database read, whether this instance's index and names
// are behind: every job or fair write raises seqVersion to the search sequence it committed,
// and every rename of a zone or enterprise bumps namesVersion.
const (
	seqVersion   = "jobs.seq"
	namesVersion = "jobs.names"
)

// Versions are the shared versions a Store checks, for a request to read ahead with its
// session (account.Sessions.Watch).
var Versions = []string{seqVersion, namesVersion}

// Bounds on how long a change made outside the running instances (a seed run, a restore, a
// hand-made SQL update) or a version lost with the shared store can go unseen: a read through
// the database at least every recheckEvery, and names forgotten after namesFor.
const (
	recheckEvery = 2 * time.Second
	namesFor     = 30 * time.Second
)

// ShareVersions lets s tell from v, instead of a database read on every request, whether its
// index and the names of employers it caches are current (a shared store when instances run
// side by side), and logs what it cannot write (page views) to log. Call it before s serves.
func (s *Store) ShareVersions(v livestate.Versions, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	s.versions, s.log = v, log
	s.views.log = log
}

// nameCache holds the names of employers whose jobs were read from the index, as of one
// names version.
type nameCache struct {
	mu          sync.Mutex
	version     int64
	since       time.Time
	zones       map[int64]name
	enterprises map[int64]*name // nil: the enterprise no longer exists
}

// checkedAt is when a read last asked the database for the search sequence, in Unix
// nanoseconds.
type checkedAt struct{ atomic.Int64 }

func (c *checkedAt) recent(now time.Time) bool {
	return now.UnixNano()-c.Load() < int64(recheckEvery)
}

// due reports whether recheckEvery has passed since the last time due said so, and if so
// records now: one caller in recheckEvery gets true.
func (c *checkedAt) due(now time.Time) bool {
	last := c.Load()
	return now.UnixNano()-last >= int64(recheckEvery) && c.CompareAndSwap(last, now.UnixNano())
}

// shared returns the shared versions (seqVersion, namesVersion) when a read may rely on them
// instead of the database: they can be read and the index has been checked against the
// database recently.
func (s *Store) shared(ctx context.Context) ([]int64, bool) {
	if s.versions == nil || !s.checked.recent(time.Now()) {
		return nil, false
	}
	v, ok := livestate.VersionsFrom(ctx, Versions...)
	var err error
	if !ok {
		// While the store is away, one read in recheckEvery tries it again; the others go
		// straight to the database instead of each waiting for the store to fail.
		if s.versionsDown.Load() && !s.retried.due(time.Now()) {
			return nil, false
		}
		v, err = s.versions.Get(ctx, Versions...)
	}
	if s.versionsWork(err) != nil {
		return nil, false
	}
	return v, true
}

// fromVersions is fresh without a database read, given the shared versions v: the index
// catches up only when a writer has raised the sequence past it, and names come from the
// cache.
func (s *Store) fromVersions(ctx context.Context, now time.Time, v []int64, read func() ([]Job, int64, error)) ([]Job, error) {
	jobs, at, err := read()
	if err != nil {
		return nil, err
	}
	if at < v[0] {
		if err := s.index.catchUp(ctx); err != nil {
			return nil, err
		}
		if jobs, _, err = read(); err != nil {
			return nil, err
		}
	}
	nm, err := s.cachedNames(ctx, jobs, v[1])
	if err != nil {
		return nil, err
	}
	finish(jobs, nm, s.index.fairSpans(jobs), true, now)
	return jobs, nil
}

// cachedNames returns the names of the employers of jobs as of names version version,
// reading the ones the cache lacks in one query.
func (s *Store) cachedNames(ctx context.Context, jobs []Job, version int64) (names, error) {
	c := &s.names
	zoneIDs, entIDs := employers(jobs)
	out := names{zones: make(map[int64]name, len(zoneIDs)), enterprises: make(map[int64]name, len(entIDs))}
	var missZones, missEnts []int64
	c.mu.Lock()
	if c.version != version || c.zones == nil || time.Since(c.since) > namesFor {
		c.version, c.since, c.zones, c.enterprises = version, time.Now(), map[int64]name{}, map[int64]*name{}
	}
	for _, id := range zoneIDs {
		if n, ok := c.zones[id]; ok {
			out.zones[id] = n
		} else {
			missZones = append(missZones, id)
		}
	}
	for _, id := range entIDs {
		if n, ok := c.enterprises[id]; !ok {
			missEnts = append(missEnts, id)
		} else if n != nil {
			out.enterprises[id] = *n
		}
	}
	c.mu.Unlock()
	if len(missZones)+len(missEnts) == 0 {
		return out, nil
	}
	read, err := s.readNames(ctx, missZones, missEnts)
	if err != nil {
		return out, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Kept only while the cache is still of the version the names were read for: a reader
	// that saw an older version may have read names from before a rename.
	keep := c.version == version
	for _, id := range missZones {
		out.zones[id] = read.zones[id]
		if keep {
			c.zones[id] = read.zones[id]
		}
	}
	for _, id := range missEnts {
		n, ok := read.enterprises[id]
		if ok {
			out.enterprises[id] = n
		}
		if keep {
			if ok {
				c.enterprises[id] = &n
			} else {
				c.enterprises[id] = nil
			}
		}
	}
	return out, nil
}

// committed tells the other instances that the search sequence reached seq. A failure only
// delays them until their next database read.
func (s *Store) committed(ctx context.Context, seq int64) {
	if s.versions == nil {
		return
	}
	_ = s.versionsWork(s.versions.Raise(context.WithoutCancel(ctx), seqVersion, seq))
}

// NamesChanged tells every instance to read the names of zones and enterprises again; call it
// after renaming or removing one.
func (s *Store) NamesChanged(ctx context.Context) {
	if s.versions == nil {
		return
	}
	_, err := s.versions.Bump(context.WithoutCancel(ctx), namesVersion)
	_ = s.versionsWork(err)
}

// versionsWork returns err, logging only when the shared versions stop or start working, not
// once per request while their store is away; reads go through the database meanwhile.
func (s *Store) versionsWork(err error) error {
	down := err != nil
	if down {
		s.retried.Store(time.Now().UnixNano())
	}
	if s.versionsDown.Swap(down) != down {
		if down {
			s.log.Warn("shared versions unavailable; jobs are read through the database", "err", err)
		} else {
			s.log.Info("shared versions available again")
		}
	}
	return err
}
