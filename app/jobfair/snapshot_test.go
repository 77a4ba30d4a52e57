package jobfair

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
)

// An instance starting from its snapshot answers as one that loaded the tables: a stale
// snapshot is caught up from its sequence; a damaged one, one of another kind, one ahead of the
// database and one that misses jobs written without the sequence moving are not used.
func TestWarmFromSnapshot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx, now := context.Background(), time.Now().UTC()
		d, _ := fixture(t, g, 40)
		dir := t.TempDir()
		path := filepath.Join(dir, "jobs-search.idx")
		first := testStore(g)
		first.KeepSnapshots(dir)
		if err := first.Warm(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := first.SaveSnapshot(ctx); err != nil {
			t.Fatal(err)
		}
		saved, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Written after the snapshot: a new job and an edited one.
		j := published(d, "量子测控工程师", "Quantum control engineers", Today(now.AddDate(0, 0, 10)))
		if err := first.SaveJob(ctx, &j); err != nil {
			t.Fatal(err)
		}
		edited, err := first.Job(ctx, d.jobs[0], now)
		if err != nil {
			t.Fatal(err)
		}
		edited.Title, edited.TitleEn = "光刻工艺工程师", "Lithography engineer"
		if err := first.SaveJob(ctx, &edited); err != nil {
			t.Fatal(err)
		}
		want := func(s *Store, why string) {
			t.Helper()
			for q, n := range map[string]int{"": 41, "量子": 1, "quantum engineer": 1, "光刻": 1, "lithograph": 1} {
				res, err := s.Search(ctx, Query{Q: q}, now)
				if err != nil || res.Total != n {
					t.Errorf("%s: %q finds %d (%v), want %d", why, q, res.Total, err, n)
				}
			}
		}
		warm := func(snapshot []byte) *Store {
			t.Helper()
			if err := os.WriteFile(path, snapshot, 0o600); err != nil {
				t.Fatal(err)
			}
			s := testStore(g)
			s.KeepSnapshots(dir)
			if err := s.Warm(ctx, nil); err != nil {
				t.Fatal(err)
			}
			return s
		}
		s := warm(saved)
		if seq, err := currentSeq(ctx, g); err != nil || s.index.sequence() != seq {
			t.Errorf("caught up to %d, want %d (%v)", s.index.sequence(), seq, err)
		}
		want(s, "stale snapshot caught up")

		damaged := bytes.Clone(saved)
		damaged[len(damaged)/2] ^= 0xff
		want(warm(damaged), "damaged snapshot")
		want(warm(saved[:len(saved)/3]), "cut snapshot")
		older := bytes.Replace(bytes.Clone(saved), []byte(snapshotKind), []byte("jobs/0 terms/1"), 1)
		want(warm(older), "snapshot of an older release")

		// A job inserted by SQL with an old sequence number is not seen by a catch-up; the count
		// check makes the instance load the tables instead.
		if err := s.SaveSnapshot(ctx); err != nil {
			t.Fatal(err)
		}
		current, _ := os.ReadFile(path)
		sneaked := published(d, "手工插入岗位", "Inserted by hand", Today(now.AddDate(0, 0, 10)))
		sneaked.SearchSeq = 1
		if err := g.Omit("Majors").Create(&sneaked).Error; err != nil {
			t.Fatal(err)
		}
		res, err := warm(current).Search(ctx, Query{}, now)
		if err != nil || res.Total != 42 {
			t.Errorf("with a job written without the sequence moving: %d found (%v), want 42", res.Total, err)
		}

		// A snapshot of a database further along (another database, or a backup restored
		// over this one) holds jobs that are not there.
		kind := "sqlite"
		if g.Dialector.Name() == "postgres" {
			kind = "postgres"
		}
		other := dbtest.Open(t, kind)
		if _, err := generate(ctx, other, 5); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, current, 0o600); err != nil {
			t.Fatal(err)
		}
		elsewhere := testStore(other)
		elsewhere.KeepSnapshots(dir)
		if err := elsewhere.Warm(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if res, err := elsewhere.Search(ctx, Query{}, now); err != nil || res.Total != 5 {
			t.Errorf("a snapshot ahead of the database: %d jobs found (%v), want 5", res.Total, err)
		}
	})
}
