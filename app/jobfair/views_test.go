package jobfair

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
)

// A view counted in memory reaches the database within the flush interval even when no
// further view comes to write it: otherwise the last visitors of a quiet instance stayed out
// of the fair's figures, and out of analytics read on another instance, indefinitely.
func TestCountedViewsAreWrittenWithoutAnotherVisit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		now := time.Now().UTC()
		f := Fair{NameZh: "测试招聘会", NameEn: "Test fair", StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}
		if err := g.Create(&f).Error; err != nil {
			t.Fatal(err)
		}
		v := newViewCounter(g)
		v.every = 100 * time.Millisecond
		v.record(now, f.ID, 0, 0, "a-visitor")
		deadline := time.Now().Add(5 * time.Second)
		for {
			var views, visitors int64
			if err := g.Table("fair_page_views").Where("fair_id = ?", f.ID).Select("COALESCE(SUM(views), 0)").Scan(&views).Error; err != nil {
				t.Fatal(err)
			}
			if err := g.Table("fair_visitors").Where("fair_id = ?", f.ID).Count(&visitors).Error; err != nil {
				t.Fatal(err)
			}
			if views == 1 && visitors == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after 5 s: %d views and %d visitors stored, want 1 and 1", views, visitors)
			}
			time.Sleep(20 * time.Millisecond)
		}
		// Nothing is left pending, and a second view is written the same way.
		v.record(now, f.ID, 0, 0, "a-visitor")
		deadline = time.Now().Add(5 * time.Second)
		for {
			var views int64
			if err := g.Table("fair_page_views").Where("fair_id = ?", f.ID).Select("COALESCE(SUM(views), 0)").Scan(&views).Error; err != nil {
				t.Fatal(err)
			}
			if views == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after 5 s: %d views stored, want 2", views)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// FlushViews, called when the server stops, writes what is counted at once instead of losing it
// with the process.
func TestFlushViewsWritesWhatIsPending(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		f := Fair{NameZh: "测试招聘会", NameEn: "Test fair", StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}
		if err := g.Create(&f).Error; err != nil {
			t.Fatal(err)
		}
		s := testStore(g)
		s.views.every = time.Hour // no timer or later view would write them
		for _, who := range []string{"first", "second", "first"} {
			s.views.record(now, f.ID, 0, 0, who)
		}
		if err := s.FlushViews(ctx); err != nil {
			t.Fatal(err)
		}
		var views, visitors int64
		if err := g.Table("fair_page_views").Where("fair_id = ?", f.ID).Select("COALESCE(SUM(views), 0)").Scan(&views).Error; err != nil {
			t.Fatal(err)
		}
		if err := g.Table("fair_visitors").Where("fair_id = ?", f.ID).Count(&visitors).Error; err != nil {
			t.Fatal(err)
		}
		if views != 3 || visitors != 2 {
			t.Fatalf("after FlushViews: %d views and %d visitors stored, want 3 and 2", views, visitors)
		}
	})
}
