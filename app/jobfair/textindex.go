package jobfair

import (
	"cmp"
	"context"
	"database/sql"
	"math/bits"
	"slices"
	"sort"
	"sync"

	"gorm.io/gorm"
)

// textIndex is job_terms held in memory as an inverted index: for every term, the jobs that
// have it and with what weight. The table stays the record every instance reads; each
// instance's copy is caught up with the rest of the index, so a text match costs a walk over
// the postings of the query's rarest term instead of a query per search.
type textIndex struct {
	ids   map[string]int32 // term → term number
	terms []string         // term number → term
	// sorted lists every term number in term order, for prefix ranges; nil when a new term
	// has arrived since it was last built.
	sorted []int32
	post   [][]posting // term number → postings, ordered by slot

	slot  map[int64]uint32 // job id → slot: a small number that never changes
	jobOf []int64          // slot → job id
	has   [][]int32        // slot → the job's term numbers, to take them out when it changes
}

type posting struct {
	slot uint32
	w    int16
}

func newTextIndex() textIndex {
	return textIndex{ids: map[string]int32{}, slot: map[int64]uint32{}}
}

// termBatch is rows of job_terms as read by loadTerms, with the terms numbered locally so a
// large read allocates each distinct term once.
type termBatch struct {
	terms []string
	rows  []termRow
}

type termRow struct {
	job  int64
	term int32 // into termBatch.terms
	w    int16
}

// loadTerms reads the terms of the jobs written in (from, to] — all of them when from is 0 —
// inside the caller's snapshot.
func loadTerms(ctx context.Context, tx *gorm.DB, from, to int64) (termBatch, error) {
	var b termBatch
	q := tx.WithContext(ctx).Table("job_terms").Select("job_id, term, weight")
	if from > 0 {
		q = q.Where("job_id IN (?)", tx.Model(&Job{}).Select("id").Where("search_seq > ? AND search_seq <= ?", from, to))
	}
	rows, err := q.Rows()
	if err != nil {
		return b, err
	}
	defer rows.Close()
	local := map[string]int32{}
	var term sql.RawBytes
	for rows.Next() {
		var r termRow
		if err := rows.Scan(&r.job, &term, &r.w); err != nil {
			return b, err
		}
		n, ok := local[string(term)]
		if !ok {
			n = int32(len(b.terms))
			t := string(term)
			local[t], b.terms = n, append(b.terms, t)
		}
		r.term = n
		b.rows = append(b.rows, r)
	}
	return b, rows.Err()
}

// apply replaces the terms of every job in changed with those in b.
func (t *textIndex) apply(changed []int64, b termBatch) {
	touched := map[int32]bool{}
	for _, id := range changed {
		s, ok := t.slot[id]
		if !ok {
			s = uint32(len(t.jobOf))
			t.slot[id], t.jobOf, t.has = s, append(t.jobOf, id), append(t.has, nil)
			continue
		}
		for _, n := range t.has[s] {
			p := t.post[n]
			if i, found := slices.BinarySearchFunc(p, s, func(x posting, s uint32) int { return cmp.Compare(x.slot, s) }); found {
				t.post[n] = slices.Delete(p, i, i+1)
			}
		}
		t.has[s] = t.has[s][:0]
	}
	global := make([]int32, len(b.terms))
	for i, term := range b.terms {
		n, ok := t.ids[term]
		if !ok {
			n = int32(len(t.terms))
			t.ids[term], t.terms, t.post = n, append(t.terms, term), append(t.post, nil)
			t.sorted = nil
		}
		global[i] = n
	}
	for _, r := range b.rows {
		s, ok := t.slot[r.job]
		if !ok { // a term row of a job that is not in changed: cannot happen within one snapshot
			continue
		}
		n := global[r.term]
		p := t.post[n]
		if len(p) > 0 && p[len(p)-1].slot > s {
			touched[n] = true
		}
		t.post[n] = append(p, posting{s, r.w})
		t.has[s] = append(t.has[s], n)
	}
	for n := range touched {
		slices.SortFunc(t.post[n], func(a, b posting) int { return cmp.Compare(a.slot, b.slot) })
	}
	if t.sorted == nil {
		t.sorted = make([]int32, len(t.terms))
		for i := range t.sorted {
			t.sorted[i] = int32(i)
		}
		slices.SortFunc(t.sorted, func(a, b int32) int { return compareStrings(t.terms[a], t.terms[b]) })
	}
}

// scored is a job that matches a text query, with the sum of its best weight per token.
type scored struct {
	job   int64
	score int
}

// match returns the jobs that have every token: an exact term, or for a prefix token any term
// in [term, hi), counting the best weight among those.
func (t *textIndex) match(tokens []token) []scored {
	lists := make([][]posting, len(tokens))
	for i, tk := range tokens {
		lists[i] = t.postings(tk)
		if len(lists[i]) == 0 {
			return nil
		}
	}
	// Start from the rarest token; every other one can only shrink the set.
	slices.SortFunc(lists, func(a, b []posting) int { return cmp.Compare(len(a), len(b)) })
	cur := make([]posting, len(lists[0]))
	copy(cur, lists[0])
	for _, l := range lists[1:] {
		cur = intersect(cur, l)
		if len(cur) == 0 {
			return nil
		}
	}
	out := make([]scored, len(cur))
	for i, p := range cur {
		out[i] = scored{t.jobOf[p.slot], int(p.w)}
	}
	return out
}

// postings of one token: those of its term or prefix range, and of its stem, with the best
// weight per job.
func (t *textIndex) postings(tk token) []posting {
	p := t.termPostings(tk)
	if tk.stem == "" {
		return p
	}
	n, ok := t.ids[tk.stem]
	if !ok {
		return p
	}
	return union(p, t.post[n])
}

// union merges two posting lists ordered by slot, keeping the best weight of a slot in both.
func union(a, b []posting) []posting {
	switch {
	case len(a) == 0:
		return b
	case len(b) == 0:
		return a
	}
	out := make([]posting, 0, max(len(a), len(b)))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].slot < b[j].slot:
			out = append(out, a[i])
			i++
		case a[i].slot > b[j].slot:
			out = append(out, b[j])
			j++
		default:
			out = append(out, posting{a[i].slot, max(a[i].w, b[j].w)})
			i, j = i+1, j+1
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// termPostings of one token's term; for a prefix, the union of every term in range with the
// best weight per job. While scoring, w holds the sum over tokens: at most 16 tokens × weight 8.
func (t *textIndex) termPostings(tk token) []posting {
	if !tk.prefix {
		if n, ok := t.ids[tk.term]; ok {
			return t.post[n]
		}
		return nil
	}
	lo := sort.Search(len(t.sorted), func(i int) bool { return t.terms[t.sorted[i]] >= tk.term })
	hi := lo + sort.Search(len(t.sorted)-lo, func(i int) bool { return t.terms[t.sorted[lo+i]] >= tk.hi })
	switch hi - lo {
	case 0:
		return nil
	case 1:
		return t.post[t.sorted[lo]]
	}
	// The union goes through an array indexed by slot: a pass over it yields the postings
	// already in slot order. Every weight is at least 1, so 0 marks a slot not seen.
	best := bestPool.Get().(*[]int16)
	if len(*best) < len(t.jobOf) {
		*best = make([]int16, len(t.jobOf))
	}
	b := (*best)[:len(t.jobOf)]
	n := 0
	for _, term := range t.sorted[lo:hi] {
		for _, p := range t.post[term] {
			if b[p.slot] == 0 {
				n++
			}
			b[p.slot] = max(b[p.slot], p.w)
		}
	}
	out := make([]posting, 0, n)
	for s, w := range b {
		if w > 0 {
			out = append(out, posting{uint32(s), w})
		}
	}
	clear(b)
	bestPool.Put(best)
	return out
}

var bestPool = sync.Pool{New: func() any { return new([]int16) }}

// intersect keeps the postings of cur that are also in l, adding l's weight. Both are ordered
// by slot; a short cur probes l by binary search, otherwise the two are merged.
func intersect(cur, l []posting) []posting {
	out := cur[:0]
	if len(cur)*bits.Len(uint(len(l))) < len(l) {
		for _, p := range cur {
			if i, ok := slices.BinarySearchFunc(l, p.slot, func(x posting, s uint32) int { return cmp.Compare(x.slot, s) }); ok {
				out = append(out, posting{p.slot, p.w + l[i].w})
			}
		}
		return out
	}
	j := 0
	for _, p := range cur {
		for j < len(l) && l[j].slot < p.slot {
			j++
		}
		if j < len(l) && l[j].slot == p.slot {
			out = append(out, posting{p.slot, p.w + l[j].w})
		}
	}
	return out
}
