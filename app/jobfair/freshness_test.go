package jobfair

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
	"zonefair/app/livestate"
	"zonefair/app/zone"
)

// sharing returns a Store on g, as one instance has, that shares versions v with others.
func sharing(g *gorm.DB, v livestate.Versions) *Store {
	s := testStore(g)
	s.ShareVersions(v, nil)
	return s
}

// fixture fills g with n jobs and returns them with versions as shared by instances.
func fixture(t *testing.T, g *gorm.DB, n int) (*benchData, livestate.Versions) {
	t.Helper()
	d, err := generate(context.Background(), g, n)
	if err != nil {
		t.Fatal(err)
	}
	shared := livestate.NewMemory()
	t.Cleanup(func() { _ = shared.Close() })
	return d, shared.Versions
}

// published is a job published now at the fixture's fair, in its first zone, open until
// deadline.
func published(d *benchData, zh, en string, deadline string) Job {
	pub := time.Now().UTC()
	return Job{FairID: d.fairID, ZoneID: d.zones[0], Title: zh, TitleEn: en, Category: Categories[0].Code,
		Degree: Degrees[0].Code, Headcount: 1, Deadline: deadline, Status: JobPublished, PublishedAt: &pub}
}

// Two instances share the versions (as they share Redis): a job written on one is in the other's
// next search and job page, a renamed zone reads renamed at once, and reads between changes
// run no statement at all. Searches go through the kept pages, as the search route's do.
func TestSharedVersionsKeepInstancesFresh(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		d, v := fixture(t, g, 30)
		counted, count := dbtest.Counting(g)
		a, b := sharing(g, v), sharing(counted, v)
		now := time.Now().UTC()
		search := func(q string) Results {
			t.Helper()
			res, _ := searchPage(t, b, Query{Q: q}, now)
			return res
		}

		// The first read goes through the database, the second fills the names cache.
		before := search("").Total
		search("")
		if _, err := b.Job(ctx, d.jobs[0], now); err != nil {
			t.Fatal(err)
		}
		n := count.Load()
		if again := search(""); again.Total != before || len(again.Items) == 0 || again.Items[0].ZoneNameEn == "" {
			t.Fatalf("search again: %d jobs (first %d), first item %+v", again.Total, before, again.Items)
		}
		if _, err := b.Job(ctx, d.jobs[0], now); err != nil {
			t.Fatal(err)
		}
		if ran := count.Load() - n; ran != 0 {
			t.Errorf("reads with nothing changed ran %d statements, want 0", ran)
		}

		j := published(d, "量子测控工程师", "Quantum control engineer", Today(now.AddDate(0, 0, 10)))
		if err := a.SaveJob(ctx, &j); err != nil {
			t.Fatal(err)
		}
		if got := search("量子"); got.Total != 1 || got.Items[0].ID != j.ID {
			t.Errorf("search on the other instance right after the write: %+v", got)
		}
		if got := search("").Total; got != before+1 {
			t.Errorf("all jobs: %d, want %d", got, before+1)
		}

		zones := zone.NewStore(g)
		zones.Renamed = a.NamesChanged
		renamed := "Renamed Quantum ETDZ"
		if err := zones.Update(ctx, d.zones[0], zone.Patch{NameEn: &renamed}); err != nil {
			t.Fatal(err)
		}
		got, err := b.Job(ctx, j.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if got.ZoneNameEn != renamed || got.EmployerEn != renamed {
			t.Errorf("after the rename the job reads zone %q, employer %q; want %q", got.ZoneNameEn, got.EmployerEn, renamed)
		}
		// The page found before the rename is not answered again.
		if res := search("量子"); res.Total != 1 || res.Items[0].ZoneNameEn != renamed {
			t.Errorf("after the rename the search reads %+v; want zone %q", res.Items, renamed)
		}
	})
}

// A write that does not raise the shared version (another program on the same database, or a
// version lost with Redis) is seen within the recheck bound, through the database.
func TestWritesOutsideTheInstancesAreSeen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		d, v := fixture(t, g, 5)
		b := sharing(g, v)
		now := time.Now().UTC()
		if _, err := b.Job(ctx, d.jobs[0], now); err != nil {
			t.Fatal(err)
		}
		outside := testStore(g) // shares nothing
		j, err := outside.Job(ctx, d.jobs[0], now)
		if err != nil {
			t.Fatal(err)
		}
		j.Title = "改写的岗位"
		if err := outside.SaveJob(ctx, &j); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(recheckEvery + 10*time.Second)
		for {
			got, err := b.Job(ctx, j.ID, now)
			if err != nil {
				t.Fatal(err)
			}
			if got.Title == j.Title {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the job still reads %q %s after the write", got.Title, recheckEvery+10*time.Second)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// brokenVersions is a shared store that is down; it counts the calls tried on it.
type brokenVersions struct{ tries atomic.Int64 }

var errDown = errors.New("versions store down")

func (b *brokenVersions) Get(context.Context, ...string) ([]int64, error) {
	b.tries.Add(1)
	return nil, errDown
}

func (b *brokenVersions) Raise(context.Context, string, int64) error {
	b.tries.Add(1)
	return errDown
}

func (b *brokenVersions) Bump(context.Context, string) (int64, error) {
	b.tries.Add(1)
	return 0, errDown
}

// With the shared versions down every read goes through the database and stays current, and
// the store is tried again only now and then.
func TestReadsStayFreshWithVersionsDown(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		d, _ := fixture(t, g, 5)
		down := &brokenVersions{}
		a, b := sharing(g, &brokenVersions{}), sharing(g, down)
		now := time.Now().UTC()
		for range 20 {
			if _, err := b.Job(ctx, d.jobs[0], now); err != nil {
				t.Fatal(err)
			}
		}
		// Not every read waits for the store to fail: one tries it, the rest go on until
		// recheckEvery has passed (the test's reads take far less).
		if n := down.tries.Load(); n < 1 || n > 2 {
			t.Errorf("20 reads with the store down tried it %d times, want 1 (2 if the reads took over %s)", n, recheckEvery)
		}
		j, err := a.Job(ctx, d.jobs[1], now)
		if err != nil {
			t.Fatal(err)
		}
		j.Title = "版本服务宕机时的修改"
		if err := a.SaveJob(ctx, &j); err != nil {
			t.Fatal(err)
		}
		if got, err := b.Job(ctx, j.ID, now); err != nil || got.Title != j.Title {
			t.Errorf("read right after the write: %q, %v; want %q", got.Title, err, j.Title)
		}
	})
}

// countedVersions counts the reads that reach the shared store.
type countedVersions struct {
	livestate.Versions
	gets atomic.Int64
}

func (c *countedVersions) Get(ctx context.Context, names ...string) ([]int64, error) {
	c.gets.Add(1)
	return c.Versions.Get(ctx, names...)
}

// A request that read the versions with its session (livestate.WithVersions) does not read them
// again, and still catches up with a write they show.
func TestVersionsReadWithTheSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		d, v := fixture(t, g, 5)
		counted := &countedVersions{Versions: v}
		a, b := sharing(g, v), sharing(g, counted)
		now := time.Now().UTC()
		for range 2 { // through the database, then from the versions
			if _, err := b.Job(ctx, d.jobs[0], now); err != nil {
				t.Fatal(err)
			}
		}
		j, err := a.Job(ctx, d.jobs[1], now)
		if err != nil {
			t.Fatal(err)
		}
		j.Title = "随会话读取版本"
		if err := a.SaveJob(ctx, &j); err != nil {
			t.Fatal(err)
		}
		current, err := v.Get(ctx, Versions...)
		if err != nil {
			t.Fatal(err)
		}
		gets := counted.gets.Load()
		got, err := b.Job(livestate.WithVersions(ctx, Versions, current), j.ID, now)
		if err != nil || got.Title != j.Title {
			t.Errorf("read with the versions in its context: %q, %v; want %q", got.Title, err, j.Title)
		}
		if n := counted.gets.Load() - gets; n != 0 {
			t.Errorf("the read asked the store for the versions %d times, want 0", n)
		}
	})
}
