package jobfair

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// flushEvery bounds how long counted views wait in memory before a timer writes them, also on
// an instance nobody visits any more: its last counts must reach the fair's figures and the
// analytics read on another instance. Pages never write the counts themselves, so a page is
// never slower for it, nor refused because the write failed (the counts are kept and tried
// again).
const flushEvery = 5 * time.Second

type viewKey struct {
	fair, zone, job int64
	day             string
}

type visitKey struct {
	fair, zone int64
	day        string
	visitor    string
}

type pageView struct {
	FairID, ZoneID, JobID int64
	Day                   string
	Views                 int64
}

func (pageView) TableName() string { return "fair_page_views" }

type visitorRow struct {
	FairID, ZoneID int64
	Day, Visitor   string
}

func (visitorRow) TableName() string { return "fair_visitors" }

// viewCounter gathers page views and visitors in memory and writes them in one transaction at
// most every flushEvery, so browsing a fair costs no write per page. Several instances add
// their counts to the same rows; visitors are deduplicated by the table's key.
type viewCounter struct {
	db    *gorm.DB
	log   *slog.Logger
	every time.Duration

	mu       sync.Mutex
	views    map[viewKey]int64
	visitors map[visitKey]struct{}
	last     time.Time
	timer    *time.Timer // the pending write of what is counted, while one is pending
}

func newViewCounter(g *gorm.DB) *viewCounter {
	return &viewCounter{db: g, log: slog.Default(), every: flushEvery, views: map[viewKey]int64{}, visitors: map[visitKey]struct{}{}, last: time.Now()}
}

// record counts one view of a fair's home (zone 0), a booth (job 0) or a job by visitor.
func (v *viewCounter) record(now time.Time, fair, zone, job int64, visitor string) {
	day := Today(now)
	v.mu.Lock()
	defer v.mu.Unlock()
	v.views[viewKey{fair, zone, job, day}]++
	v.visitors[visitKey{fair, 0, day, visitor}] = struct{}{}
	if zone != 0 {
		v.visitors[visitKey{fair, zone, day, visitor}] = struct{}{}
	}
	v.scheduleLocked(max(0, v.every-time.Since(v.last)))
}

// scheduleLocked makes sure what is counted is written within d even if no view comes to
// write it. v.mu is held.
func (v *viewCounter) scheduleLocked(d time.Duration) {
	if v.timer == nil {
		v.timer = time.AfterFunc(d, v.flushLater)
	}
}

// flushLater is the timer's write. A failed one (the counts are kept) is tried again later.
func (v *viewCounter) flushLater() {
	v.mu.Lock()
	v.timer = nil
	v.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := v.flush(ctx); err != nil {
		v.log.Warn("job fair page views not written; they are kept and tried again", "err", err)
		v.mu.Lock()
		if len(v.views) > 0 || len(v.visitors) > 0 {
			v.scheduleLocked(v.every)
		}
		v.mu.Unlock()
	}
}

// FlushViews writes the page views counted since the last write; the server calls it when it
// stops, so the last seconds' views are not lost.
func (s *Store) FlushViews(ctx context.Context) error {
	v := s.views
	v.mu.Lock()
	if v.timer != nil {
		v.timer.Stop()
		v.timer = nil
	}
	v.mu.Unlock()
	return v.flush(ctx)
}

// flush writes what has been counted.
func (v *viewCounter) flush(ctx context.Context) error {
	v.mu.Lock()
	views, visitors := v.views, v.visitors
	v.views, v.visitors, v.last = map[viewKey]int64{}, map[visitKey]struct{}{}, time.Now()
	v.mu.Unlock()
	if len(views) == 0 && len(visitors) == 0 {
		return nil
	}
	rows := make([]pageView, 0, len(views))
	for k, n := range views {
		rows = append(rows, pageView{FairID: k.fair, ZoneID: k.zone, JobID: k.job, Day: k.day, Views: n})
	}
	vis := make([]visitorRow, 0, len(visitors))
	for k := range visitors {
		vis = append(vis, visitorRow{FairID: k.fair, ZoneID: k.zone, Day: k.day, Visitor: k.visitor})
	}
	// Every instance writes the rows in key order: two flushes touching the same rows in
	// different orders would deadlock on PostgreSQL, and one of them fail its page view.
	slices.SortFunc(rows, func(a, b pageView) int {
		return cmp.Or(cmp.Compare(a.FairID, b.FairID), cmp.Compare(a.ZoneID, b.ZoneID), cmp.Compare(a.JobID, b.JobID), cmp.Compare(a.Day, b.Day))
	})
	slices.SortFunc(vis, func(a, b visitorRow) int {
		return cmp.Or(cmp.Compare(a.FairID, b.FairID), cmp.Compare(a.ZoneID, b.ZoneID), cmp.Compare(a.Day, b.Day), cmp.Compare(a.Visitor, b.Visitor))
	})
	err := v.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "fair_id"}, {Name: "zone_id"}, {Name: "job_id"}, {Name: "day"}},
			DoUpdates: clause.Assignments(map[string]any{"views": gorm.Expr("fair_page_views.views + excluded.views")}),
		}).CreateInBatches(rows, 200).Error
		if err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(vis, 200).Error
	})
	if err != nil {
		// Put the counts back so a passing database hiccup loses nothing.
		v.mu.Lock()
		for k, n := range views {
			v.views[k] += n
		}
		for k := range visitors {
			v.visitors[k] = struct{}{}
		}
		v.mu.Unlock()
	}
	return err
}
