package jobfair

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"
	"unsafe"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
)

// searchPage searches s for q as the search route does and decodes the answer.
func searchPage(t *testing.T, s *Store, q Query, now time.Time) (Results, []byte) {
	t.Helper()
	body, err := s.SearchPage(context.Background(), q, now)
	if err != nil {
		t.Fatal(err)
	}
	var res Results
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return res, body
}

// A search asked again with nothing changed is answered with the page kept from the first
// time, byte for byte and without a statement; a page asked differently but meaning the same
// (defaults spelt out) is the same page; and its answer is the one Search gives.
func TestKeptPagesAnswerRepeatedSearches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		_, v := fixture(t, g, 40)
		counted, count := dbtest.Counting(g)
		s := sharing(counted, v)
		now := time.Now().UTC()

		searchPage(t, s, Query{Q: "engineer"}, now) // through the database: the index is checked
		first, body := searchPage(t, s, Query{Q: "engineer"}, now)
		n := count.Load()
		kept0, _ := s.PageCounts()
		again, body2 := searchPage(t, s, Query{Q: " engineer ", Page: 1, PageSize: 20, Sort: "relevance"}, now)
		if !bytes.Equal(body, body2) {
			t.Errorf("the same search answered differently:\n%s\n%s", body, body2)
		}
		if kept, _ := s.PageCounts(); kept != kept0+1 {
			t.Errorf("kept pages used %d times, want %d", kept, kept0+1)
		}
		if ran := count.Load() - n; ran != 0 {
			t.Errorf("a kept page ran %d statements", ran)
		}
		direct, err := s.Search(context.Background(), Query{Q: "engineer"}, now)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(direct)
		if !bytes.Equal(body2, want) {
			t.Errorf("kept page differs from Search:\n%s\n%s", body2, want)
		}
		if first.Total == 0 || again.Total != first.Total {
			t.Errorf("totals %d then %d", first.Total, again.Total)
		}
	})
}

// What a search answers changes with the clock alone when a fair closes or a deadline passes:
// a kept page is not served past either.
func TestKeptPagesFollowTheClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		d, v := fixture(t, g, 10)
		s := sharing(g, v)
		now := time.Now().UTC()
		all, _ := searchPage(t, s, Query{}, now)
		if all.Total == 0 {
			t.Fatal("no open job in the fixture")
		}

		last := published(d, "末日岗位", "Last day job", Today(now))
		if err := s.SaveJob(ctx, &last); err != nil {
			t.Fatal(err)
		}
		today, _ := searchPage(t, s, Query{Q: "末日"}, now)
		again, _ := searchPage(t, s, Query{Q: "末日"}, now.Add(time.Second))
		if today.Total != 1 || again.Total != 1 {
			t.Fatalf("the job open until tonight: found %d, then %d", today.Total, again.Total)
		}
		c := now.In(China)
		tomorrow := time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 1, 0, China).UTC()
		if got, _ := searchPage(t, s, Query{Q: "末日"}, tomorrow); got.Total != 0 {
			t.Errorf("after midnight the job whose deadline passed is still found: %+v", got.Items)
		}

		var f Fair
		if err := g.First(&f, d.fairID).Error; err != nil {
			t.Fatal(err)
		}
		searchPage(t, s, Query{}, f.EndsAt.Add(-time.Minute)) // kept for the fair's last minute
		if got, _ := searchPage(t, s, Query{}, f.EndsAt.Add(time.Second)); got.Total != 0 {
			t.Errorf("after the fair closed a search still finds %d jobs", got.Total)
		}
		if got, _ := searchPage(t, s, Query{}, now); got.Total != all.Total+1 {
			t.Errorf("back at the start: %d jobs, want %d", got.Total, all.Total+1)
		}
	})
}

// Kept pages stay within their byte budget, the least recently used going first, and a
// replaced page is counted once.
func TestKeptPagesStayWithinTheirBudget(t *testing.T) {
	c := newPageCache(64 << 10)
	now := time.Now()
	keep := func(i int) {
		c.put(Query{Page: i}, &page{body: make([]byte, 4<<10), from: now, until: now.Add(time.Hour), made: time.Now()})
	}
	for i := 1; i <= 40; i++ {
		keep(i)
		keep(i) // replaced, not added
		if _, ok := c.get(Query{Page: 1}, 0, 0, now); !ok {
			t.Fatalf("the page used after every put was pushed out at %d", i)
		}
	}
	if c.bytes > c.budget || c.bytes != c.lru.Len()*(4<<10) {
		t.Errorf("%d bytes kept in %d pages, budget %d", c.bytes, c.lru.Len(), c.budget)
	}
	if _, ok := c.get(Query{Page: 2}, 0, 0, now); ok {
		t.Error("the least recently used page was kept over the budget")
	}
	if _, ok := c.get(Query{Page: 40}, 0, 0, now); !ok {
		t.Error("the newest page was not kept")
	}
	c.put(Query{Page: 99}, &page{body: make([]byte, 8<<10), until: now.Add(time.Hour), made: time.Now()})
	if _, ok := c.get(Query{Page: 99}, 0, 0, now); ok {
		t.Error("a page over a sixteenth of the budget was kept")
	}
	for _, stale := range []struct {
		name       string
		seq, names int64
		now        time.Time
	}{{"newer index", 1, 0, now}, {"renamed", 0, 1, now}, {"clock past until", 0, 0, now.Add(time.Hour)}, {"clock before from", 0, 0, now.Add(-time.Second)}} {
		if _, ok := c.get(Query{Page: 40}, stale.seq, stale.names, stale.now); ok {
			t.Errorf("%s: the page was served", stale.name)
		}
	}
}

// Searches and writes at once: every answer decodes and a job written is found by the searches
// that start after the write.
func TestKeptPagesUnderConcurrentSearchesAndWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		d, v := fixture(t, g, 30)
		s := sharing(g, v)
		now := time.Now().UTC()
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := range 200 {
					q := Query{Q: []string{"", "engineer", "工程师"}[(w+i)%3], Page: 1 + i%2}
					if _, err := s.SearchPage(ctx, q, now); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		for i := range 5 {
			j := published(d, fmt.Sprintf("并发岗位%d", i), "Concurrent engineer", Today(now.AddDate(0, 0, 10)))
			if err := s.SaveJob(ctx, &j); err != nil {
				t.Fatal(err)
			}
			if got, _ := searchPage(t, s, Query{Q: "Concurrent"}, now); got.Total != i+1 {
				t.Errorf("after %d writes a search finds %d", i+1, got.Total)
			}
		}
		wg.Wait()
	})
}

// A query bound from a request holds strings in the request's buffer, which the next request
// overwrites: the page kept for it is still found by the same query, and only by it.
func TestKeptPagesOwnTheirQueries(t *testing.T) {
	c := newPageCache(1 << 20)
	now := time.Now()
	buf := []byte("engineer")
	q := Query{Q: unsafe.String(&buf[0], len(buf))}
	c.put(q, &page{body: []byte(`{}`), until: now.Add(time.Hour), made: time.Now()})
	copy(buf, "designer")
	if _, ok := c.get(Query{Q: "engineer"}, 0, 0, now); !ok {
		t.Error("the page is lost once the request's buffer is reused")
	}
	if _, ok := c.get(Query{Q: "designer"}, 0, 0, now); ok {
		t.Error("another query is answered with the page")
	}
}
