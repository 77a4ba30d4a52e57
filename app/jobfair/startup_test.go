package jobfair

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
)

// A warming instance is not ready until its index holds every job; then it answers at once.
func TestWarmReportsLoadingUntilLoaded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		d, _ := fixture(t, g, 25)
		s := testStore(g)
		if err := s.IndexReady(context.Background()); err != nil {
			t.Fatalf("a store nobody warms: %v", err)
		}
		s.index.sync.Lock() // holds the load back until the check below
		done := make(chan error, 1)
		go func() { done <- s.Warm(context.Background(), nil) }()
		for !s.index.warming.Load() {
			time.Sleep(time.Millisecond)
		}
		if err := s.IndexReady(context.Background()); !errors.Is(err, errIndexLoading) {
			t.Fatalf("while loading: %v, want %v", err, errIndexLoading)
		}
		s.index.sync.Unlock()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if err := s.IndexReady(context.Background()); err != nil {
			t.Fatalf("after the load: %v", err)
		}
		res, err := s.Search(context.Background(), Query{}, time.Now())
		if err != nil || res.Total != len(d.jobs) {
			t.Fatalf("search after warming: %d jobs (%v), want %d", res.Total, err, len(d.jobs))
		}
	})
}
