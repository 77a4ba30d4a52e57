package jobfair

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"zonefair/app/textsearch"
)

// Index answers job searches from a textsearch.Index of every job: its search terms (from
// job_terms), its filterable attributes as facet values and its dates and salary as keys.
// Before each search the index reads the one-row search sequence and loads only the jobs
// written since it last looked, so every instance answers from the database's current state.
// The rows of a result page are read from the database by id: the index keeps no job's text.
type Index struct {
	db *gorm.DB

	sync sync.Mutex // one catch-up at a time

	warming atomic.Bool // Warm was asked for: readiness waits for the first load
	loaded  atomic.Bool // a catch-up has completed: the index holds every job

	// mu orders searches after whole catch-ups: a search sees the jobs and the fairs of one
	// sequence.
	mu     sync.RWMutex
	engine *textsearch.Index
	fairs  map[int64]fairSpan
	cityEn map[string]string // lower-cased English city name → Chinese city name

	snapshot snapshotter
	rowCache rowCache
}

// rowCache keeps recently read jobs with their majors, so a job page or a result page read
// again needs no query: a kept row is used while the index holds the job at the search
// sequence the row was written at.
type rowCache struct {
	mu   sync.Mutex
	rows map[int64]*Job
}

// rowCacheSize bounds the rows kept (about 1 KB each).
const rowCacheSize = 20000

func (c *rowCache) get(id int64) (*Job, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	j, ok := c.rows[id]
	return j, ok
}

func (c *rowCache) put(jobs []Job) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rows == nil {
		c.rows = map[int64]*Job{}
	}
	for i := range jobs {
		if len(c.rows) >= rowCacheSize {
			n := 0
			for id := range c.rows { // Go's map order is random: forget a tenth at random
				delete(c.rows, id)
				if n++; n >= rowCacheSize/10 {
					break
				}
			}
		}
		j := jobs[i].clone()
		c.rows[j.ID] = &j
	}
}

// The dimensions a job is filtered, faceted and kept visible by.
const (
	dimZone = iota
	dimProvince
	dimRegion
	dimCity
	dimCategory
	dimDegree
	dimSalary
	dimMajor // the only one with several values per job
	dimFair
	dimEnterprise
	dimPublished
	ndims
)

// The keys a job is ordered and bounded by.
const (
	keyDate     = iota // published at, Unix nanoseconds; 0 when never published
	keySalary          // the best salary offered
	keyDeadline        // YYYYMMDD
	keySeq             // the search sequence the job was written at
	nkeys
)

// engineConfig: dates in buckets of six hours, salaries of 500 yuan, deadlines of a day; the
// sequence is never ordered by.
var engineConfig = textsearch.Config{Dims: ndims, KeyWidths: []uint64{uint64(6 * time.Hour), 500, 1, 1 << 62}}

type fairSpan struct{ start, end time.Time }

func newIndex(g *gorm.DB) *Index {
	return &Index{db: g, engine: textsearch.New(engineConfig), fairs: map[int64]fairSpan{}, cityEn: map[string]string{}}
}

// catchUp loads the jobs written since the index last looked.
func (ix *Index) catchUp(ctx context.Context) error {
	if err := ix.update(ctx); err != nil {
		return err
	}
	ix.loaded.Store(true)
	return nil
}

// loadChunk is how many jobs a catch-up reads and applies at a time, so a first load of a
// million jobs never holds them all, their terms and their majors in memory at once.
const loadChunk = 20000

func (ix *Index) update(ctx context.Context) error {
	if t := ix.snapshot.tried; t != nil {
		select {
		case <-t:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	seq, err := currentSeq(ctx, ix.db)
	if err != nil {
		return err
	}
	if ix.sequence() >= seq {
		return nil
	}
	ix.sync.Lock()
	defer ix.sync.Unlock()
	from := ix.sequence()
	if from >= seq {
		return nil
	}
	// The reads share one snapshot so a job is never seen with another version's majors or terms.
	var opts *sql.TxOptions
	if ix.db.Dialector.Name() == "postgres" {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return ix.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var fairs []Fair
		if err := tx.Find(&fairs).Error; err != nil {
			return err
		}
		var after int64
		for {
			var rows []Job
			if err := tx.Where("search_seq > ? AND search_seq <= ? AND id > ?", from, seq, after).Order("id").Limit(loadChunk).Find(&rows).Error; err != nil {
				return err
			}
			last := len(rows) < loadChunk
			b, err := ix.batch(ctx, tx, rows)
			if err != nil {
				return err
			}
			ix.mu.Lock()
			for _, j := range rows {
				if j.CityEn != "" {
					ix.cityEn[strings.ToLower(j.CityEn)] = j.CityZh
				}
			}
			if last {
				for _, f := range fairs {
					ix.fairs[f.ID] = fairSpan{f.StartsAt, f.EndsAt}
				}
				ix.engine.Apply(b, seq)
			} else {
				ix.engine.Apply(b, 0) // the sequence is reached with the last chunk only
			}
			ix.mu.Unlock()
			if last {
				return nil
			}
			after = rows[len(rows)-1].ID
		}
	}, opts)
}

// batch turns rows into documents with their majors and terms.
func (ix *Index) batch(ctx context.Context, tx *gorm.DB, rows []Job) (*textsearch.Batch, error) {
	b := &textsearch.Batch{}
	if len(rows) == 0 {
		return b, nil
	}
	// By the ids read, in slices: a subquery on the sequence would let the planner scan the
	// whole terms table for a few changed jobs.
	const perQuery = 5000
	byJob := map[int64][]string{}
	for from := 0; from < len(rows); from += perQuery {
		ids := make([]int64, 0, perQuery)
		for _, j := range rows[from:min(from+perQuery, len(rows))] {
			ids = append(ids, j.ID)
		}
		var majors []jobMajor
		if err := tx.Where("job_id IN ?", ids).Find(&majors).Error; err != nil {
			return nil, err
		}
		for _, m := range majors {
			byJob[m.JobID] = append(byJob[m.JobID], m.Major)
		}
	}
	for i := range rows {
		b.Add(jobDoc(&rows[i], byJob[rows[i].ID]))
	}
	for from := 0; from < len(rows); from += perQuery {
		ids := make([]int64, 0, perQuery)
		for _, j := range rows[from:min(from+perQuery, len(rows))] {
			ids = append(ids, j.ID)
		}
		if err := scanTerms(ctx, tx, ids, b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// scanTerms adds the terms of jobs ids to b.
func scanTerms(ctx context.Context, tx *gorm.DB, ids []int64, b *textsearch.Batch) error {
	trows, err := tx.WithContext(ctx).Table("job_terms").Select("job_id, term, weight").Where("job_id IN ?", ids).Rows()
	if err != nil {
		return err
	}
	defer trows.Close()
	var (
		job  int64
		term sql.RawBytes
		w    int16
	)
	for trows.Next() {
		if err := trows.Scan(&job, &term, &w); err != nil {
			return err
		}
		b.Term(job, term, w)
	}
	return trows.Err()
}

// jobDoc is what the index keeps of j, with its majors.
func jobDoc(j *Job, majors []string) textsearch.Doc {
	d := textsearch.Doc{ID: j.ID, Values: make([][]string, ndims), Keys: make([]uint64, nkeys)}
	one := func(dim int, v string) { d.Values[dim] = []string{v} }
	one(dimZone, itoa(j.ZoneID))
	one(dimProvince, j.Province)
	one(dimRegion, j.Region)
	one(dimCity, j.CityZh)
	one(dimCategory, j.Category)
	one(dimDegree, j.Degree)
	one(dimSalary, salaryBand(j.SalaryMin))
	d.Values[dimMajor] = slices.Compact(slices.Sorted(slices.Values(majors)))
	one(dimFair, itoa(j.FairID))
	if j.EnterpriseID != nil {
		one(dimEnterprise, itoa(*j.EnterpriseID))
	}
	if j.Status == JobPublished {
		one(dimPublished, "1")
	}
	if j.PublishedAt != nil && !j.PublishedAt.IsZero() {
		d.Keys[keyDate] = uint64(max(j.PublishedAt.UnixNano(), 1))
	}
	d.Keys[keySalary] = uint64(max(j.SalaryMax, j.SalaryMin, 0))
	d.Keys[keyDeadline] = uint64(max(dayNumber(j.Deadline), 0))
	d.Keys[keySeq] = uint64(max(j.SearchSeq, 0))
	return d
}

// sequence is the search sequence the index has caught up to.
func (ix *Index) sequence() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.engine.Seq()
}

// nextChange is the first moment after now at which what a search answers may change with
// time alone: the next midnight in China (deadlines) or the next opening or closing of a fair.
// ix.mu must be held.
func (ix *Index) nextChange(now time.Time) time.Time {
	c := now.In(China)
	next := time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, China)
	for _, f := range ix.fairs {
		for _, t := range [2]time.Time{f.start, f.end} {
			if t.After(now) && t.Before(next) {
				next = t
			}
		}
	}
	return next
}

// fairSpans returns the dates of the fairs of jobs as of the last catch-up (zero when unknown).
func (ix *Index) fairSpans(jobs []Job) map[int64]fairSpan {
	spans := make(map[int64]fairSpan, 1)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, j := range jobs {
		spans[j.FairID] = ix.fairs[j.FairID]
	}
	return spans
}

// stored returns the jobs of ids the index holds, with their majors, in the order of ids, and
// the search sequence the index was at: kept rows when current, the others read from the
// table (those may be newer than the index; fresh catches the index up then).
func (s *Store) stored(ctx context.Context, ids []int64) ([]Job, int64, error) {
	ix := s.index
	ix.mu.RLock()
	eng := ix.engine
	seq := eng.Seq()
	ix.mu.RUnlock()
	out := make([]Job, 0, len(ids))
	var missing []int64
	for _, id := range ids {
		at, held := eng.Key(id, keySeq)
		if !held {
			continue
		}
		if j, ok := ix.rowCache.get(id); ok && uint64(j.SearchSeq) == at {
			out = append(out, j.clone())
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, seq, nil
	}
	read, err := s.rows(ctx, missing)
	if err != nil {
		return nil, 0, err
	}
	ix.rowCache.put(read)
	byID := make(map[int64]Job, len(read)+len(out))
	for _, j := range append(out, read...) {
		byID[j.ID] = j
	}
	out = out[:0]
	for _, id := range ids {
		if j, ok := byID[id]; ok {
			out = append(out, j)
		}
	}
	return out, seq, nil
}

// rows reads the jobs of ids with their majors, in the order of ids; ids that do not exist
// are left out.
func (s *Store) rows(ctx context.Context, ids []int64) ([]Job, error) {
	out := make([]Job, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var jobs []Job
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&jobs).Error; err != nil {
		return nil, err
	}
	var majors []jobMajor
	if err := s.db.WithContext(ctx).Where("job_id IN ?", ids).Order("major").Find(&majors).Error; err != nil {
		return nil, err
	}
	byJob := map[int64][]string{}
	for _, m := range majors {
		byJob[m.JobID] = append(byJob[m.JobID], m.Major)
	}
	at := make(map[int64]*Job, len(jobs))
	for i := range jobs {
		at[jobs[i].ID] = &jobs[i]
	}
	for _, id := range ids {
		if j, ok := at[id]; ok {
			j.Majors = byJob[id]
			if j.Majors == nil {
				j.Majors = []string{}
			}
			out = append(out, *j)
		}
	}
	return out, nil
}
