package jobfair

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2/simplelru"
)

// pagesBytes bounds the memory the encoded search pages an instance keeps may take.
const pagesBytes = 32 << 20

// page is one search answer as sent, with what it depends on: the search sequence of the
// index and the names version it was read at, and the span of the service's clock in which
// the deadlines and fair hours it applied stay as they were.
type page struct {
	body        []byte
	seq, names  int64
	from, until time.Time
	made        time.Time // wall clock: a page is forgotten after namesFor, as the names are
}

// pageCache keeps encoded search pages, least recently used first out, so the searches a fair
// day repeats (the first page of all jobs, the popular words) are answered without searching
// and encoding again. A page is only served while the index and the names are still those it
// was made from, so an answer from it is the answer a new search would give.
type pageCache struct {
	mu            sync.Mutex
	lru           *lru.LRU[Query, *page]
	bytes, budget int

	hits, misses atomic.Int64
}

// newPageCache returns a cache that keeps at most budget bytes of pages.
func newPageCache(budget int) *pageCache {
	c := &pageCache{budget: budget}
	// The count is no real bound (pages are small); bytes are.
	c.lru, _ = lru.NewLRU[Query, *page](1<<20, func(_ Query, p *page) { c.bytes -= len(p.body) })
	return c
}

// get returns the page kept for q when it still holds at index sequence seq, names version
// names and time now.
func (c *pageCache) get(q Query, seq, names int64, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	p, ok := c.lru.Get(q)
	c.mu.Unlock()
	if ok && p.seq == seq && p.names == names && !now.Before(p.from) && now.Before(p.until) && time.Since(p.made) < namesFor {
		return p.body, true
	}
	return nil, false
}

// put keeps p as the page of q. q's strings are copied: those of a query bound from a request
// point into the connection's buffer, which the next request on it overwrites — a key changed
// in the map would break the cache.
func (c *pageCache) put(q Query, p *page) {
	if len(p.body) > c.budget/16 {
		return // one huge page must not push out many
	}
	q = q.owned()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Remove(q) // Add would replace a page without counting its bytes out
	c.lru.Add(q, p)
	c.bytes += len(p.body)
	for c.bytes > c.budget {
		c.lru.RemoveOldest()
	}
}

// owned is q with strings of its own.
func (q Query) owned() Query {
	for _, s := range []*string{&q.Q, &q.Province, &q.Region, &q.City, &q.Category, &q.Degree, &q.Salary, &q.Major, &q.Sort} {
		*s = strings.Clone(*s)
	}
	return q
}

// Counts returns how many searches were answered from kept pages and how many were not.
func (c *pageCache) Counts() (hits, misses int64) { return c.hits.Load(), c.misses.Load() }

// SearchPage is Search encoded as JSON. Pages read with the shared versions (see
// ShareVersions) are kept and served again while nothing they depend on has changed: no job
// or fair written, no employer renamed, no deadline or fair opening or closing passed.
func (s *Store) SearchPage(ctx context.Context, q Query, now time.Time) ([]byte, error) {
	q = q.normal()
	v, shared := s.shared(ctx)
	if shared {
		if seq := s.index.sequence(); seq >= v[0] {
			if body, ok := s.pages.get(q, seq, v[1], now); ok {
				s.pages.hits.Add(1)
				return body, nil
			}
		}
	}
	s.pages.misses.Add(1)
	res, at, err := s.search(ctx, q, now, v) // v is nil unless shared
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(res)
	if err == nil && shared {
		s.pages.put(q, &page{body: body, seq: at.seq, names: v[1], from: now, until: at.until, made: time.Now()})
	}
	return body, err
}

// PageCounts returns how many searches SearchPage answered from kept pages, and how many it
// searched for.
func (s *Store) PageCounts() (hits, misses int64) { return s.pages.Counts() }
