package jobfair

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"zonefair/app/textsearch"
)

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
	tokens := textsearch.SearchTokens(q.Q)
	var (
		out Results
		at  searchedAt
	)
	read := func() ([]Job, int64, error) {
		var ids []int64
		out, ids, at = s.index.search(q, tokens, now)
		// The page's rows may be newer than the search; the search's sequence is the one to check.
		jobs, _, err := s.stored(ctx, ids)
		return jobs, at.seq, err
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

// search finds the page of q in the index as it is, and returns it without its items, the ids
// of its items and what it read.
func (ix *Index) search(q Query, tokens []textsearch.Token, now time.Time) (Results, []int64, searchedAt) {
	out := Results{Page: q.Page, PageSize: q.PageSize, Sort: q.Sort, Items: []Job{}}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	eng := ix.engine
	at := searchedAt{seq: eng.Seq(), until: ix.nextChange(now)}
	tq := textsearch.Query{Tokens: tokens, Must: ix.visible(now, q.FairID), AtLeast: []textsearch.Bound{{Key: keyDeadline, Min: uint64(max(dayNumber(Today(now)), 0))}},
		Count: []int{dimZone, dimProvince, dimRegion, dimCity, dimCategory, dimDegree, dimSalary, dimMajor}, Offset: (q.Page - 1) * q.PageSize, Limit: q.PageSize}
	if q.EnterpriseID != 0 {
		tq.Must = append(tq.Must, textsearch.Cond{Dim: dimEnterprise, Values: []string{itoa(q.EnterpriseID)}})
	}
	filter := func(dim int, v string) {
		if v != "" {
			tq.Filters = append(tq.Filters, textsearch.Filter{Dim: dim, Value: v})
		}
	}
	if q.ZoneID != 0 {
		filter(dimZone, itoa(q.ZoneID))
	}
	filter(dimProvince, q.Province)
	filter(dimRegion, q.Region)
	city := q.City
	if zh, ok := ix.cityEn[strings.ToLower(city)]; ok && !eng.Has(dimCity, city) {
		city = zh
	}
	filter(dimCity, city)
	filter(dimCategory, q.Category)
	filter(dimDegree, q.Degree)
	filter(dimSalary, q.Salary)
	if q.MinSalary > 0 {
		tq.Filters = append(tq.Filters, textsearch.Filter{Dim: dimSalary, Bound: &textsearch.Bound{Key: keySalary, Min: uint64(q.MinSalary)}})
	}
	filter(dimMajor, q.Major)
	switch q.Sort {
	case "relevance":
		tq.Relevance, tq.Keys = true, []int{keyDate}
	case "salary":
		tq.Keys = []int{keySalary, keyDate}
	default:
		tq.Keys = []int{keyDate}
	}
	res := eng.Search(tq)
	out.Total = res.Total
	named := func(d int) map[string]int {
		if m := res.Counts[d]; m != nil {
			return m
		}
		return map[string]int{}
	}
	out.Facets = Facets{Zone: map[int64]int{}, Province: named(dimProvince), Region: named(dimRegion), City: named(dimCity),
		Category: named(dimCategory), Degree: named(dimDegree), Salary: named(dimSalary), Major: named(dimMajor)}
	for z, n := range res.Counts[dimZone] {
		id, _ := strconv.ParseInt(z, 10, 64)
		out.Facets.Zone[id] = n
	}
	return out, res.IDs, at
}

// visible is the condition of a job a search may show: published, in a fair open now (fair,
// when not 0); its deadline not passed is a bound of its own. ix.mu must be held.
func (ix *Index) visible(now time.Time, fair int64) []textsearch.Cond {
	open := []string{}
	for id, f := range ix.fairs {
		if (fair == 0 || id == fair) && phase(now, f.start, f.end) == PhaseOpen {
			open = append(open, itoa(id))
		}
	}
	slices.Sort(open) // one order, so equal queries are cached as one
	return []textsearch.Cond{{Dim: dimPublished, Values: []string{"1"}}, {Dim: dimFair, Values: open}}
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
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	res := ix.engine.Search(textsearch.Query{Must: ix.visible(now, fairID), AtLeast: []textsearch.Bound{{Key: keyDeadline, Min: uint64(max(dayNumber(Today(now)), 0))}},
		Count: []int{dimZone, dimEnterprise}})
	out.total = res.Total
	for v, n := range res.Counts[dimZone] {
		id, _ := strconv.ParseInt(v, 10, 64)
		out.zone[id] = n
	}
	for v, n := range res.Counts[dimEnterprise] {
		id, _ := strconv.ParseInt(v, 10, 64)
		out.enterprise[id] = n
	}
	return out, nil
}
