package jobfair

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// Index answers searches. Text is matched against job_terms held in memory as an inverted
// index; the filterable attributes of every job sit in memory as small integers, so filters,
// facet counts, sorting and paging cost nanoseconds per job instead of one GROUP BY per facet.
// Before each search the index reads the one-row search sequence and loads only the jobs
// written since it last looked, so every instance answers from the database's current state.
type Index struct {
	db *gorm.DB

	sync sync.Mutex // one catch-up at a time

	warming atomic.Bool // Warm was asked for: readiness waits for the first load
	loaded  atomic.Bool // a catch-up has completed: the index holds every job

	mu   sync.RWMutex
	seq  int64
	jobs map[int64]*entry
	// rows holds every job as stored at seq, with its majors, so that result pages and job
	// pages need no read of their own; never modified, only replaced, so a reader may copy
	// one out under the read lock.
	rows map[int64]*Job
	// byDate holds a copy of every entry, newest first, side by side in memory so a scan
	// over all jobs reads memory in order; it is rebuilt, never modified, when jobs change, so
	// a search may keep pointers into it after letting go of the lock.
	byDate   []entry
	at       map[int64]int32 // job id → position in byDate
	bySalary []int32         // positions in byDate, best paid first
	fairs    map[int64]fairSpan
	dicts    [ndims]dict
	cityEn   map[string]int32 // lower-cased English city name → city id
	text     textIndex
}

// The dimensions an entry is filtered and faceted by.
const (
	dimZone = iota
	dimProvince
	dimRegion
	dimCity
	dimCategory
	dimDegree
	dimSalary
	dimMajor // the only one with several values per job
	ndims
)

// dict numbers the distinct values of one dimension.
type dict struct {
	ids  map[string]int32
	vals []string
}

func (d *dict) id(v string) int32 {
	if id, ok := d.ids[v]; ok {
		return id
	}
	if d.ids == nil {
		d.ids = map[string]int32{}
	}
	id := int32(len(d.vals))
	d.ids[v], d.vals = id, append(d.vals, v)
	return id
}

type fairSpan struct{ start, end time.Time }

// entry is what the index keeps of a job.
type entry struct {
	id, fair, zone, enterprise int64
	v                          [dimMajor]int32
	majors                     []int32
	published                  bool
	deadline                   int32 // YYYYMMDD, so the open check compares numbers, not strings
	salary                     int
	publishedAt                time.Time
}

func newIndex(g *gorm.DB) *Index {
	return &Index{db: g, jobs: map[int64]*entry{}, rows: map[int64]*Job{}, fairs: map[int64]fairSpan{}, cityEn: map[string]int32{}, text: newTextIndex()}
}

// catchUp loads the jobs written since the index last looked.
func (ix *Index) catchUp(ctx context.Context) error {
	if err := ix.update(ctx); err != nil {
		return err
	}
	ix.loaded.Store(true)
	return nil
}

func (ix *Index) update(ctx context.Context) error {
	seq, err := currentSeq(ctx, ix.db)
	if err != nil {
		return err
	}
	ix.mu.RLock()
	fresh := ix.seq >= seq
	ix.mu.RUnlock()
	if fresh {
		return nil
	}
	ix.sync.Lock()
	defer ix.sync.Unlock()
	ix.mu.RLock()
	from := ix.seq
	ix.mu.RUnlock()
	if from >= seq {
		return nil
	}
	var (
		rows   []Job
		majors []jobMajor
		fairs  []Fair
		terms  termBatch
	)
	// The reads share one snapshot so a job is never seen with another version's majors or terms.
	var opts *sql.TxOptions
	if ix.db.Dialector.Name() == "postgres" {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	err = ix.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("search_seq > ? AND search_seq <= ?", from, seq).Find(&rows).Error; err != nil {
			return err
		}
		changed := tx.Model(&Job{}).Select("id").Where("search_seq > ? AND search_seq <= ?", from, seq)
		if err := tx.Where("job_id IN (?)", changed).Find(&majors).Error; err != nil {
			return err
		}
		if terms, err = loadTerms(ctx, tx, from, seq); err != nil {
			return err
		}
		return tx.Find(&fairs).Error
	}, opts)
	if err != nil {
		return err
	}
	byJob := map[int64][]string{}
	for _, m := range majors {
		byJob[m.JobID] = append(byJob[m.JobID], m.Major)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, f := range fairs {
		ix.fairs[f.ID] = fairSpan{f.StartsAt, f.EndsAt}
	}
	d := &ix.dicts
	// When every written job already had a place and keeps its date and salary, the orders
	// stay as they are and only the changed entries are replaced in a copy; anything else
	// sorts again.
	inPlace := true
	for i := range rows {
		j := &rows[i]
		e := &entry{id: j.ID, fair: j.FairID, zone: j.ZoneID, published: j.Status == JobPublished, deadline: dayNumber(j.Deadline), salary: max(j.SalaryMax, j.SalaryMin)}
		e.v[dimZone] = d[dimZone].id(itoa(j.ZoneID))
		e.v[dimProvince] = d[dimProvince].id(j.Province)
		e.v[dimRegion] = d[dimRegion].id(j.Region)
		e.v[dimCity] = d[dimCity].id(j.CityZh)
		e.v[dimCategory] = d[dimCategory].id(j.Category)
		e.v[dimDegree] = d[dimDegree].id(j.Degree)
		e.v[dimSalary] = d[dimSalary].id(salaryBand(j.SalaryMin))
		for _, m := range byJob[j.ID] {
			e.majors = append(e.majors, d[dimMajor].id(m))
		}
		if j.CityEn != "" {
			ix.cityEn[strings.ToLower(j.CityEn)] = e.v[dimCity]
		}
		if j.EnterpriseID != nil {
			e.enterprise = *j.EnterpriseID
		}
		if j.PublishedAt != nil {
			e.publishedAt = *j.PublishedAt
		}
		if old, ok := ix.jobs[j.ID]; !ok || old.salary != e.salary || !old.publishedAt.Equal(e.publishedAt) {
			inPlace = false
		}
		ix.jobs[j.ID] = e
		j.Majors = slices.Sorted(slices.Values(byJob[j.ID]))
		if j.Majors == nil {
			j.Majors = []string{}
		}
		row := *j // not a pointer into rows, which would keep the whole batch alive
		ix.rows[j.ID] = &row
	}
	changedIDs := make([]int64, len(rows))
	for i := range rows {
		changedIDs[i] = rows[i].ID
	}
	ix.text.apply(changedIDs, terms)
	switch {
	case len(rows) == 0:
	case inPlace:
		byDate := slices.Clone(ix.byDate)
		for i := range rows {
			byDate[ix.at[rows[i].ID]] = *ix.jobs[rows[i].ID]
		}
		ix.byDate = byDate
	default:
		ptrs := make([]*entry, 0, len(ix.jobs))
		for _, e := range ix.jobs {
			ptrs = append(ptrs, e)
		}
		slices.SortFunc(ptrs, newestFirst)
		byDate, at, bySalary := make([]entry, len(ptrs)), make(map[int64]int32, len(ptrs)), make([]int32, len(ptrs))
		for i, e := range ptrs {
			byDate[i], at[e.id], bySalary[i] = *e, int32(i), int32(i)
		}
		slices.SortStableFunc(bySalary, func(a, b int32) int { return cmp.Compare(byDate[b].salary, byDate[a].salary) })
		ix.byDate, ix.at, ix.bySalary = byDate, at, bySalary
	}
	ix.seq = seq
	return nil
}

// stored returns copies of the jobs among ids the index holds, in the order of ids, as they
// were stored when the index last caught up, and the search sequence it caught up to; ids it
// does not hold are left out.
func (ix *Index) stored(ids []int64) ([]Job, int64) {
	out := make([]Job, 0, len(ids))
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, id := range ids {
		if j, ok := ix.rows[id]; ok {
			out = append(out, j.clone())
		}
	}
	return out, ix.seq
}

// sequence is the search sequence the index has caught up to.
func (ix *Index) sequence() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.seq
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

// dayNumber turns a date "2026-07-31" into 20260731; anything else is 0, before every day.
func dayNumber(date string) int32 {
	if len(date) != 10 || date[4] != '-' || date[7] != '-' {
		return 0
	}
	var n int32
	for i := range len(date) {
		c := date[i]
		if c == '-' {
			continue
		}
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int32(c-'0')
	}
	return n
}

func newestFirst(a, b *entry) int {
	return cmp.Or(b.publishedAt.Compare(a.publishedAt), cmp.Compare(b.id, a.id))
}

// Query is a job search.
type Query struct {
	Q            string `query:"q" validate:"max=200"`
	FairID       int64  `query:"fairId" validate:"gte=0"`
	ZoneID       int64  `query:"zoneId" validate:"gte=0"`
	EnterpriseID int64  `query:"enterpriseId" validate:"gte=0"`
	Province     string `query:"province" validate:"max=40"`
	Region       string `query:"region" validate:"max=20"`
	City         string `query:"city" validate:"max=100"`
	Category     string `query:"category" validate:"max=40"`
	Degree       string `query:"degree" validate:"omitempty,oneof=associate bachelor master doctorate"`
	Salary       string `query:"salary" validate:"max=20"`
	MinSalary    int    `query:"minSalary" validate:"gte=0,lte=1000000"`
	Major        string `query:"major" validate:"max=40"`
	Sort         string `query:"sort" validate:"omitempty,oneof=relevance date salary"`
	Page         int    `query:"page" validate:"omitempty,gte=1,lte=10000"`
	PageSize     int    `query:"pageSize" validate:"omitempty,gte=1,lte=100"`
}

// Facets count the open jobs per value of each filter, each with the other filters applied.
type Facets struct {
	Zone     map[int64]int  `json:"zone"`
	Province map[string]int `json:"province"`
	Region   map[string]int `json:"region"`
	City     map[string]int `json:"city"`
	Category map[string]int `json:"category"`
	Degree   map[string]int `json:"degree"`
	Salary   map[string]int `json:"salary"`
	Major    map[string]int `json:"major"`
}

// Results is one page of a search.
type Results struct {
	Items    []Job  `json:"items"`
	Total    int    `json:"total"`
	Page     int    `json:"page"`
	PageSize int    `json:"pageSize"`
	Sort     string `json:"sort" enum:"relevance,date,salary"`
	Facets   Facets `json:"facets"`
}

// Filter values: noFilter passes everything, noMatch nothing (a value no job has).
const (
	noFilter int32 = -1
	noMatch  int32 = -2
)

// plan is a query translated into the index's numbers.
type plan struct {
	want      [ndims]int32
	minSalary int
	fair      int64
	ent       int64
	today     int32
	open      map[int64]bool
	counts    [ndims][]int32

	lastFair int64 // most entries share a fair: remember the last answer
	lastOpen bool
}

func (ix *Index) plan(q Query, now time.Time) *plan {
	p := &plan{minSalary: q.MinSalary, fair: q.FairID, ent: q.EnterpriseID, today: dayNumber(Today(now)), open: map[int64]bool{}}
	for id, f := range ix.fairs {
		p.open[id] = phase(now, f.start, f.end) == PhaseOpen
	}
	set := func(dim int, v string) {
		p.want[dim] = noFilter
		if v == "" {
			return
		}
		id, ok := ix.dicts[dim].ids[v]
		if !ok && dim == dimCity {
			id, ok = ix.cityEn[strings.ToLower(v)]
		}
		if !ok {
			id = noMatch
		}
		p.want[dim] = id
	}
	zone := ""
	if q.ZoneID != 0 {
		zone = itoa(q.ZoneID)
	}
	set(dimZone, zone)
	set(dimProvince, q.Province)
	set(dimRegion, q.Region)
	set(dimCity, q.City)
	set(dimCategory, q.Category)
	set(dimDegree, q.Degree)
	set(dimSalary, q.Salary)
	set(dimMajor, q.Major)
	for d := range p.counts {
		p.counts[d] = make([]int32, len(ix.dicts[d].vals))
	}
	return p
}

// failed returns the bit mask of filters e does not pass.
func (p *plan) failed(e *entry) uint {
	var m uint
	for d := range dimMajor {
		if w := p.want[d]; w != noFilter && e.v[d] != w {
			m |= 1 << d
		}
	}
	if p.minSalary > 0 && e.salary < p.minSalary {
		m |= 1 << dimSalary
	}
	if w := p.want[dimMajor]; w != noFilter && !slices.Contains(e.majors, w) {
		m |= 1 << dimMajor
	}
	return m
}

// consider counts e in the facets and reports whether it is a hit.
func (p *plan) consider(e *entry) bool {
	if e.fair != p.lastFair {
		p.lastFair, p.lastOpen = e.fair, p.open[e.fair]
	}
	if !e.published || !p.lastOpen || e.deadline < p.today || (p.fair != 0 && e.fair != p.fair) || (p.ent != 0 && e.enterprise != p.ent) {
		return false
	}
	m := p.failed(e)
	if m != 0 && m&(m-1) != 0 {
		return false
	}
	// With every filter passed the entry counts in all facets; with exactly one failed, only
	// in that one's.
	for d := range dimMajor {
		if m == 0 || m == 1<<d {
			p.counts[d][e.v[d]]++
		}
	}
	if m == 0 || m == 1<<dimMajor {
		for _, mj := range e.majors {
			p.counts[dimMajor][mj]++
		}
	}
	return m == 0
}

func (ix *Index) facets(p *plan) Facets {
	named := func(d int) map[string]int {
		out := map[string]int{}
		for id, n := range p.counts[d] {
			if n > 0 {
				out[ix.dicts[d].vals[id]] += int(n)
			}
		}
		return out
	}
	f := Facets{Zone: map[int64]int{}, Province: named(dimProvince), Region: named(dimRegion), City: named(dimCity),
		Category: named(dimCategory), Degree: named(dimDegree), Salary: named(dimSalary), Major: named(dimMajor)}
	for z, n := range named(dimZone) {
		id, _ := strconv.ParseInt(z, 10, 64)
		f.Zone[id] = n
	}
	return f
}

type hit struct {
	e     *entry
	score int
}

// normal is q with its defaults filled in, so that queries asking the same differently
// compare equal.
func (q Query) normal() Query {
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PageSize == 0 {
		q.PageSize = 20
	}
	q.Q = strings.TrimSpace(q.Q)
	if q.Sort == "" {
		q.Sort = "relevance"
		if q.Q == "" {
			q.Sort = "date"
		}
	}
	return q
}

// Search returns one page of open jobs matching q, with facet counts.
func (s *Store) Search(ctx context.Context, q Query, now time.Time) (Results, error) {
	res, _, err := s.search(ctx, q.normal(), now, nil)
	return res, err
}

// searchedAt is what a search read: the index at search sequence seq, with its fairs' hours
// and the jobs' deadlines applying as they do until until.
type searchedAt struct {
	seq   int64
	until time.Time
}

// search is Search of a normal q, through fresh or, when the caller read them, with the shared
// versions v; it also says what the search read (the items it was last made with).
func (s *Store) search(ctx context.Context, q Query, now time.Time, v []int64) (Results, searchedAt, error) {
	tokens := searchTokens(q.Q)
	var (
		out Results
		at  searchedAt
	)
	read := func() ([]Job, int64) {
		var ids []int64
		out, ids, at = s.index.search(q, tokens, now)
		// The page's rows may be newer than the search; the search's sequence is the one to check.
		jobs, _ := s.index.stored(ids)
		return jobs, at.seq
	}
	var (
		items []Job
		err   error
	)
	if v != nil {
		items, err = s.fromVersions(ctx, now, v, read)
	} else {
		items, err = s.fresh(ctx, now, read)
	}
	if err != nil {
		return out, at, err
	}
	out.Items = items
	return out, at, nil
}

// search finds the page of q in the index as it is, and returns it without its items, the ids
// of its items and what it read.
func (ix *Index) search(q Query, tokens []token, now time.Time) (Results, []int64, searchedAt) {
	text := len(tokens) > 0
	out := Results{Page: q.Page, PageSize: q.PageSize, Sort: q.Sort, Items: []Job{}}
	var hits []hit
	ix.mu.RLock()
	at := searchedAt{seq: ix.seq, until: ix.nextChange(now)}
	p := ix.plan(q, now)
	switch {
	case text:
		for _, m := range ix.text.match(tokens) {
			if i, ok := ix.at[m.job]; ok && p.consider(&ix.byDate[i]) {
				hits = append(hits, hit{&ix.byDate[i], m.score})
			}
		}
	case q.Sort == "salary":
		for _, i := range ix.bySalary {
			if e := &ix.byDate[i]; p.consider(e) {
				hits = append(hits, hit{e, 0})
			}
		}
	default:
		for i := range ix.byDate {
			if e := &ix.byDate[i]; p.consider(e) {
				hits = append(hits, hit{e, 0})
			}
		}
	}
	out.Facets = ix.facets(p)
	ix.mu.RUnlock()
	if text {
		var less func(a, b hit) int
		switch q.Sort {
		case "relevance":
			less = func(a, b hit) int { return cmp.Or(cmp.Compare(b.score, a.score), newestFirst(a.e, b.e)) }
		case "date":
			less = func(a, b hit) int { return newestFirst(a.e, b.e) }
		default:
			less = func(a, b hit) int { return cmp.Or(cmp.Compare(b.e.salary, a.e.salary), newestFirst(a.e, b.e)) }
		}
		sortPrefix(hits, q.Page*q.PageSize, less)
	}
	out.Total = len(hits)
	from := min((q.Page-1)*q.PageSize, len(hits))
	to := min(from+q.PageSize, len(hits))
	ids := make([]int64, 0, to-from)
	for _, h := range hits[from:to] {
		ids = append(ids, h.e.id)
	}
	return out, ids, at
}

// openCounts are open jobs per zone and enterprise of a fair, from the index.
type openCounts struct {
	total      int
	zone       map[int64]int
	enterprise map[int64]int
}

func (s *Store) openCounts(ctx context.Context, fairID int64, now time.Time) (openCounts, error) {
	out := openCounts{zone: map[int64]int{}, enterprise: map[int64]int{}}
	ix := s.index
	if err := ix.catchUp(ctx); err != nil {
		return out, err
	}
	today := dayNumber(Today(now))
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	f, ok := ix.fairs[fairID]
	if !ok || phase(now, f.start, f.end) != PhaseOpen {
		return out, nil
	}
	for i := range ix.byDate {
		if e := &ix.byDate[i]; e.fair == fairID && e.published && e.deadline >= today {
			out.total++
			out.zone[e.zone]++
			if e.enterprise != 0 {
				out.enterprise[e.enterprise]++
			}
		}
	}
	return out, nil
}

// sortPrefix puts the k smallest hits, in order, at the front of hits; the rest stay
// unordered. Only the requested page needs ordering, and a bounded heap costs n·log k where a
// full sort of tens of thousands of hits costs n·log n.
func sortPrefix(hits []hit, k int, cmp func(a, b hit) int) {
	if k <= 0 || k*4 >= len(hits) {
		slices.SortFunc(hits, cmp)
		return
	}
	// hits[:k] is a max-heap (by cmp) of the best k seen so far.
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= k {
				return
			}
			if r := l + 1; r < k && cmp(hits[r], hits[l]) > 0 {
				l = r
			}
			if cmp(hits[l], hits[i]) <= 0 {
				return
			}
			hits[i], hits[l] = hits[l], hits[i]
			i = l
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for j := k; j < len(hits); j++ {
		if cmp(hits[j], hits[0]) < 0 {
			hits[0], hits[j] = hits[j], hits[0]
			down(0)
		}
	}
	slices.SortFunc(hits[:k], cmp)
}
