// The index and its queries in one file: over 500 lines because the bitmaps' invariants (the
// live set, slots, the cached results per version) are shared by every function here, and
// reading them side by side is what keeps a change to one from breaking another. The
// snapshot's format and the tokenizer are in files of their own.

package textsearch

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	roaring "github.com/RoaringBitmap/roaring/v2"
)

// Index is an in-memory search index over documents with text, facet values and numeric keys,
// held as compressed bitmaps (roaring): a term's postings, a facet value's documents and a
// range of a key's values are each a bitmap of slots, so a query costs bitmap intersections
// and the walk over the hits it returns, not a pass over every document it holds.
//
// A document lives in a slot, a small number; writing a document again gives it a new slot and
// takes the old one out of the live set, so writes are applied in place in a few microseconds
// and never copy or sort what the index holds. The old slot's bits stay in the bitmaps, unseen
// by queries (every query starts from the live set), until a snapshot leaves them out.
//
// Search and Apply may be called concurrently.
type Index struct {
	cfg Config

	mu      sync.RWMutex
	version uint64 // raised by every Apply: results cached under another are stale
	seq     int64  // the caller's sequence the index holds every document up to
	live    *roaring.Bitmap
	ids     []int64          // slot → document id
	slot    map[int64]uint32 // document id → its live slot
	keys    [][]uint64       // key → slot → value
	dims    []dim            // facet dimensions
	buckets []bucketed       // per key: its slots by bucket of values
	text    terms

	cacheMu sync.Mutex
	cacheAt uint64
	cache   map[string]*cached
}

// Config says what documents an Index holds: how many facet dimensions each has (values are
// strings, several per document allowed) and, per numeric key, the width of the buckets that
// serve ordering by it and ranges over it (a bucket should hold a few thousand documents).
type Config struct {
	Dims      int
	KeyWidths []uint64
}

// Doc is a document's facet values (per dimension) and keys (per key).
type Doc struct {
	ID     int64
	Values [][]string
	Keys   []uint64
}

type dim struct {
	ids  map[string]int32
	vals []string
	bm   []*roaring.Bitmap
}

func (d *dim) id(v string) int32 {
	if n, ok := d.ids[v]; ok {
		return n
	}
	n := int32(len(d.vals))
	d.ids[v], d.vals, d.bm = n, append(d.vals, v), append(d.bm, roaring.New())
	return n
}

type bucketed struct {
	width uint64
	bm    map[uint64]*roaring.Bitmap
	desc  []uint64 // bucket numbers, highest first
}

func (b *bucketed) add(v uint64, slot uint32) {
	n := v / b.width
	bm, ok := b.bm[n]
	if !ok {
		bm = roaring.New()
		b.bm[n] = bm
		i, _ := slices.BinarySearchFunc(b.desc, n, func(x, t uint64) int { return cmp.Compare(t, x) })
		b.desc = slices.Insert(b.desc, i, n)
	}
	bm.Add(slot)
}

// terms is the text part: per term, its postings by weight.
type terms struct {
	ids   map[string]int32
	names []string
	post  [][]level // term → postings per weight, highest weight first
	// sorted lists term numbers in term order, for prefix ranges; terms that arrived since it
	// was last merged wait in pending.
	sorted  []int32
	pending []int32
}

type level struct {
	w  int16
	bm *roaring.Bitmap
}

// New returns an empty index.
func New(cfg Config) *Index {
	ix := &Index{cfg: cfg, live: roaring.New(), slot: map[int64]uint32{}, keys: make([][]uint64, len(cfg.KeyWidths)),
		dims: make([]dim, cfg.Dims), buckets: make([]bucketed, len(cfg.KeyWidths)), text: terms{ids: map[string]int32{}}}
	for i := range ix.dims {
		ix.dims[i].ids = map[string]int32{}
	}
	for i, w := range cfg.KeyWidths {
		ix.buckets[i] = bucketed{width: max(w, 1), bm: map[uint64]*roaring.Bitmap{}}
	}
	return ix
}

// Batch is documents to write, with their terms. Terms are numbered locally as they come, so
// a large batch holds each distinct term once.
type Batch struct {
	docs  []Doc
	at    map[int64]int32
	names []string
	local map[string]int32
	rows  []termRow
}

type termRow struct {
	doc, term int32
	w         int16
}

// Add puts d in the batch, replacing the document with its id when written.
func (b *Batch) Add(d Doc) {
	if b.at == nil {
		b.at, b.local = map[int64]int32{}, map[string]int32{}
	}
	if i, ok := b.at[d.ID]; ok {
		b.docs[i] = d
		return
	}
	b.at[d.ID] = int32(len(b.docs))
	b.docs = append(b.docs, d)
}

// Term gives document id (added before) term with weight w (at least 1); a term given twice
// keeps its highest weight. Terms of documents not in the batch are ignored.
func (b *Batch) Term(id int64, term []byte, w int16) {
	d, ok := b.at[id]
	if !ok || w < 1 {
		return
	}
	n, ok := b.local[string(term)]
	if !ok {
		n = int32(len(b.names))
		t := string(term)
		b.local[t], b.names = n, append(b.names, t)
	}
	b.rows = append(b.rows, termRow{d, n, w})
}

// Len is the number of documents in the batch.
func (b *Batch) Len() int { return len(b.docs) }

// Apply writes the documents of b, and records that the index holds every document up to
// the caller's sequence seq.
func (ix *Index) Apply(b *Batch, seq int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	slots := make([]uint32, len(b.docs))
	for i := range b.docs {
		slots[i] = ix.put(&b.docs[i])
	}
	global := make([]int32, len(b.names))
	for i, name := range b.names {
		global[i] = ix.text.id(name)
	}
	// Rows come grouped by document or by term; either way adding them in order is cheap.
	for _, r := range b.rows {
		ix.text.add(global[r.term], slots[r.doc], r.w)
	}
	ix.text.merge(256)
	ix.seq = max(ix.seq, seq)
	if len(b.docs) > 0 {
		ix.version++
	}
}

// put gives d a new slot, retiring the one it had.
func (ix *Index) put(d *Doc) uint32 {
	if old, ok := ix.slot[d.ID]; ok {
		ix.live.Remove(old)
	}
	s := uint32(len(ix.ids))
	ix.ids = append(ix.ids, d.ID)
	ix.slot[d.ID] = s
	ix.live.Add(s)
	for k := range ix.keys {
		var v uint64
		if k < len(d.Keys) {
			v = d.Keys[k]
		}
		ix.keys[k] = append(ix.keys[k], v)
		ix.buckets[k].add(v, s)
	}
	for di := range ix.dims {
		if di >= len(d.Values) {
			break
		}
		for _, v := range d.Values[di] {
			dm := &ix.dims[di]
			dm.bm[dm.id(v)].Add(s)
		}
	}
	return s
}

func (t *terms) id(name string) int32 {
	if n, ok := t.ids[name]; ok {
		return n
	}
	n := int32(len(t.names))
	t.ids[name], t.names, t.post = n, append(t.names, name), append(t.post, nil)
	t.pending = append(t.pending, n)
	return n
}

// add puts slot in term n's postings at weight w, keeping only the highest weight: a slot is
// new when added, so it has no other weight yet unless this batch gave the term twice.
func (t *terms) add(n int32, slot uint32, w int16) {
	ls := t.post[n]
	for i := range ls {
		if ls[i].w == w {
			ls[i].bm.Add(slot)
			return
		}
	}
	i, _ := slices.BinarySearchFunc(ls, w, func(l level, w int16) int { return cmp.Compare(w, l.w) })
	t.post[n] = slices.Insert(ls, i, level{w, roaring.BitmapOf(slot)})
}

// merge sorts the pending terms into sorted once more than limit wait.
func (t *terms) merge(limit int) {
	if len(t.pending) <= limit {
		return
	}
	t.sorted, t.pending = mergeByName(t.names, t.sorted, t.pending), nil
}

// mergeByName returns the term numbers of sorted (in the order of their names) and pending (in
// any order; sorted in place) in the order of their names. A pending list already in order,
// as a snapshot's terms are read, is not sorted again.
func mergeByName(names []string, sorted, pending []int32) []int32 {
	byName := func(a, b int32) int { return strings.Compare(names[a], names[b]) }
	if !slices.IsSortedFunc(pending, byName) {
		slices.SortFunc(pending, byName)
	}
	if len(sorted) == 0 {
		return pending
	}
	out := make([]int32, 0, len(sorted)+len(pending))
	i, j := 0, 0
	for i < len(sorted) && j < len(pending) {
		if byName(sorted[i], pending[j]) <= 0 {
			out = append(out, sorted[i])
			i++
		} else {
			out = append(out, pending[j])
			j++
		}
	}
	return append(append(out, sorted[i:]...), pending[j:]...)
}

// matching lists the term numbers a token asks for: its term or every term in its prefix
// range, and its stem term.
func (t *terms) matching(tk Token) []int32 {
	var out []int32
	if !tk.Prefix {
		if n, ok := t.ids[tk.Term]; ok {
			out = append(out, n)
		}
	} else {
		lo := sort.Search(len(t.sorted), func(i int) bool { return t.names[t.sorted[i]] >= tk.Term })
		hi := lo + sort.Search(len(t.sorted)-lo, func(i int) bool { return t.names[t.sorted[lo+i]] >= tk.Hi })
		out = append(out, t.sorted[lo:hi]...)
		for _, n := range t.pending {
			if name := t.names[n]; name >= tk.Term && name < tk.Hi {
				out = append(out, n)
			}
		}
	}
	if tk.Stem != "" {
		if n, ok := t.ids[tk.Stem]; ok && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// levels are the postings of a token by weight, highest first: a document's weight for the
// token is the highest among the terms it has. The bitmaps may be the index's own: read only.
func (t *terms) levels(tk Token) []level {
	ns := t.matching(tk)
	switch len(ns) {
	case 0:
		return nil
	case 1:
		return t.post[ns[0]]
	}
	byW := map[int16][]*roaring.Bitmap{}
	for _, n := range ns {
		for _, l := range t.post[n] {
			byW[l.w] = append(byW[l.w], l.bm)
		}
	}
	out := make([]level, 0, len(byW))
	for w, bms := range byW {
		out = append(out, level{w, roaring.FastOr(bms...)})
	}
	slices.SortFunc(out, func(a, b level) int { return cmp.Compare(b.w, a.w) })
	return out
}

// union of a token's levels: the documents that have it.
func union(ls []level) *roaring.Bitmap {
	switch len(ls) {
	case 0:
		return roaring.New()
	case 1:
		return ls[0].bm
	}
	bms := make([]*roaring.Bitmap, len(ls))
	for i, l := range ls {
		bms[i] = l.bm
	}
	return roaring.FastOr(bms...)
}

// Seq is the caller's sequence the index holds every document up to.
func (ix *Index) Seq() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.seq
}

// Len is the number of documents the index holds.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.slot)
}

// Cond keeps documents having any of Values in dimension Dim (none: no document).
type Cond struct {
	Dim    int
	Values []string
}

// Bound keeps documents whose key Key is at least Min.
type Bound struct {
	Key int
	Min uint64
}

// Filter is a facet filter: documents with Value in dimension Dim (unless Value is "") and, when
// Bound is set, within it. Facet counts of dimension Dim leave its filters out, so they say
// how many documents each other value would find.
type Filter struct {
	Dim   int
	Value string
	Bound *Bound
}

// Query is a search: documents having every token, every Must condition and bound and every
// filter, ordered and paged.
type Query struct {
	Tokens  []Token
	Must    []Cond
	AtLeast []Bound
	Filters []Filter
	Count   []int // dimensions to count the values of
	// Order: by relevance (the sum over tokens of the highest weight of the terms a document
	// has), when Relevance is set and there are tokens, then by Keys, each highest first, then
	// by id, highest first.
	Relevance bool
	Keys      []int
	Offset    int
	Limit     int
}

// Result is a search's page of document ids, its number of hits and its facet counts: per
// counted dimension, value → number of documents.
type Result struct {
	IDs    []int64
	Total  int
	Counts map[int]map[string]int
}

type cached struct {
	ready chan struct{} // closed once the fields below are set

	mu    sync.Mutex
	pages map[string][]uint32 // order and depth → the first slots in that order

	hits   *roaring.Bitmap
	total  int
	counts map[int]map[string]int
	tokens [][]level
}

// key identifies what a query's hits and counts depend on.
func (q *Query) key() string {
	var b strings.Builder
	for _, t := range q.Tokens {
		b.WriteString(t.Term)
		if t.Prefix {
			b.WriteString("*" + t.Hi)
		}
		b.WriteString("~" + t.Stem + "\x00")
	}
	b.WriteString("\x01")
	for _, c := range q.Must {
		b.WriteString(strconv.Itoa(c.Dim) + "=" + strings.Join(c.Values, "\x02") + "\x00")
	}
	b.WriteString("\x01")
	for _, c := range q.AtLeast {
		b.WriteString(strconv.Itoa(c.Key) + ">" + strconv.FormatUint(c.Min, 10) + "\x00")
	}
	b.WriteString("\x01")
	for _, f := range q.Filters {
		b.WriteString(strconv.Itoa(f.Dim) + "=" + f.Value)
		if f.Bound != nil {
			b.WriteString(">" + strconv.Itoa(f.Bound.Key) + ":" + strconv.FormatUint(f.Bound.Min, 10))
		}
		b.WriteString("\x00")
	}
	b.WriteString("\x01")
	for _, d := range q.Count {
		b.WriteString(strconv.Itoa(d) + ",")
	}
	return b.String()
}

const cacheEntries = 256

// Search answers q.
func (ix *Index) Search(q Query) Result {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	c := ix.lookup(q)
	out := Result{Total: c.total, Counts: c.counts}
	k := q.Offset + q.Limit
	if k <= 0 || q.Offset >= c.total {
		out.IDs = []int64{}
		return out
	}
	relevance := q.Relevance && len(q.Tokens) > 0
	order := fmt.Sprint(relevance, q.Keys, k)
	c.mu.Lock()
	page, ok := c.pages[order]
	c.mu.Unlock()
	if !ok {
		if relevance {
			page = ix.byRelevance(c, q.Keys, k)
		} else {
			page = ix.byKeys(c.hits, q.Keys, k)
		}
		c.mu.Lock()
		if c.pages == nil || len(c.pages) >= 16 {
			c.pages = map[string][]uint32{}
		}
		c.pages[order] = page
		c.mu.Unlock()
	}
	page = page[min(q.Offset, len(page)):]
	out.IDs = make([]int64, len(page))
	for i, s := range page {
		out.IDs[i] = ix.ids[s]
	}
	return out
}

// lookup returns q's hits and counts, from the cache while the index has not changed.
func (ix *Index) lookup(q Query) *cached {
	key := q.key()
	ix.cacheMu.Lock()
	if ix.cacheAt != ix.version || ix.cache == nil {
		ix.cacheAt, ix.cache = ix.version, map[string]*cached{}
	}
	c, ok := ix.cache[key]
	if ok {
		ix.cacheMu.Unlock()
		<-c.ready
		return c
	}
	// Searches asking the same meanwhile wait for this evaluation instead of repeating it (32
	// clients asking a broad search at once after a write would otherwise each count its facets).
	// The caller holds ix.mu for reading, so the version cannot change before it is done.
	c = &cached{ready: make(chan struct{})}
	if len(ix.cache) >= cacheEntries {
		clear(ix.cache)
	}
	ix.cache[key] = c
	ix.cacheMu.Unlock()
	defer close(c.ready)
	e := ix.evaluate(q)
	c.hits, c.total, c.counts, c.tokens = e.hits, e.total, e.counts, e.tokens
	return c
}

func (ix *Index) evaluate(q Query) *cached {
	base := ix.live.Clone()
	for _, cond := range q.Must {
		dm := &ix.dims[cond.Dim]
		var bms []*roaring.Bitmap
		for _, v := range cond.Values {
			if n, ok := dm.ids[v]; ok {
				bms = append(bms, dm.bm[n])
			}
		}
		base.And(roaring.FastOr(bms...))
	}
	for _, b := range q.AtLeast {
		ix.bound(base, b)
	}
	c := &cached{}
	for _, tk := range q.Tokens {
		ls := ix.text.levels(tk)
		c.tokens = append(c.tokens, ls)
		if base.IsEmpty() {
			continue
		}
		base.And(union(ls))
	}
	// One bitmap per filtered dimension.
	var groups []int
	filt := map[int]*roaring.Bitmap{}
	for _, f := range q.Filters {
		g, ok := filt[f.Dim]
		if !ok {
			g = base.Clone()
			filt[f.Dim] = g
			groups = append(groups, f.Dim)
		}
		if f.Value != "" {
			dm := &ix.dims[f.Dim]
			if n, ok := dm.ids[f.Value]; ok {
				g.And(dm.bm[n])
			} else {
				g.Clear()
			}
		}
		if f.Bound != nil {
			ix.bound(g, *f.Bound)
		}
	}
	// hits: base within every filter; except(d): within every filter but d's.
	except := func(skip int) *roaring.Bitmap {
		var bms []*roaring.Bitmap
		for _, g := range groups {
			if g != skip {
				bms = append(bms, filt[g])
			}
		}
		switch len(bms) {
		case 0:
			return base
		case 1:
			return bms[0]
		}
		return roaring.FastAnd(bms...)
	}
	c.hits = except(-1)
	c.total = int(c.hits.GetCardinality())
	c.counts = make(map[int]map[string]int, len(q.Count))
	for _, d := range q.Count {
		within := c.hits
		if _, ok := filt[d]; ok {
			within = except(d)
		}
		m := map[string]int{}
		if !within.IsEmpty() {
			dm := &ix.dims[d]
			for n, bm := range dm.bm {
				if k := within.AndCardinality(bm); k > 0 {
					m[dm.vals[n]] = int(k)
				}
			}
		}
		c.counts[d] = m
	}
	return c
}

// bound keeps in bm the slots whose key b.Key is at least b.Min.
func (ix *Index) bound(bm *roaring.Bitmap, b Bound) {
	bk := &ix.buckets[b.Key]
	first := b.Min / bk.width
	var whole []*roaring.Bitmap
	var part *roaring.Bitmap
	for _, n := range bk.desc {
		if n < first {
			break
		}
		if n > first || b.Min%bk.width == 0 {
			whole = append(whole, bk.bm[n])
			continue
		}
		// The bucket holding Min: its slots one by one.
		part = roaring.New()
		keys := ix.keys[b.Key]
		in := roaring.And(bm, bk.bm[n])
		it := in.Iterator()
		for it.HasNext() {
			if s := it.Next(); keys[s] >= b.Min {
				part.Add(s)
			}
		}
	}
	if part != nil {
		whole = append(whole, part)
	}
	bm.And(roaring.FastOr(whole...))
}

// better reports whether slot a comes before slot b by keys, then id, highest first.
func (ix *Index) better(keys []int, a, b uint32) bool {
	for _, k := range keys {
		if x, y := ix.keys[k][a], ix.keys[k][b]; x != y {
			return x > y
		}
	}
	return ix.ids[a] > ix.ids[b]
}

// smallHits is how many hits are ordered by a pass over all of them; more are walked bucket
// by bucket from the top of the first key.
var smallHits = 20000

// byKeys returns the first k of hits in the order of keys.
func (ix *Index) byKeys(hits *roaring.Bitmap, keys []int, k int) []uint32 {
	less := func(a, b uint32) bool { return ix.better(keys, a, b) }
	if len(keys) == 0 || hits.GetCardinality() <= uint64(smallHits) {
		return topK(hits, k, less)
	}
	bk := &ix.buckets[keys[0]]
	var got []uint32
	for _, n := range bk.desc {
		in := roaring.And(hits, bk.bm[n])
		got = append(got, in.ToArray()...)
		if len(got) >= k {
			break
		}
	}
	slices.SortFunc(got, func(a, b uint32) int {
		if less(a, b) {
			return -1
		}
		if less(b, a) {
			return 1
		}
		return 0
	})
	return got[:min(k, len(got))]
}

var scorePool sync.Pool

// byRelevance returns the first k hits by score, then keys, then id.
func (ix *Index) byRelevance(c *cached, keys []int, k int) []uint32 {
	n := len(ix.ids)
	sp, _ := scorePool.Get().(*[]uint16)
	if sp == nil || len(*sp) < n {
		s := make([]uint16, n+n/8)
		sp = &s
	}
	score := *sp
	for _, ls := range c.tokens {
		assigned := roaring.New()
		for _, l := range ls {
			in := roaring.And(c.hits, l.bm)
			in.AndNot(assigned)
			it := in.ManyIterator()
			buf := make([]uint32, 256)
			for m := it.NextMany(buf); m > 0; m = it.NextMany(buf) {
				for _, s := range buf[:m] {
					score[s] += uint16(l.w)
				}
			}
			assigned.Or(in)
		}
	}
	page := topK(c.hits, k, func(a, b uint32) bool {
		if score[a] != score[b] {
			return score[a] > score[b]
		}
		return ix.better(keys, a, b)
	})
	it := c.hits.ManyIterator()
	buf := make([]uint32, 256)
	for m := it.NextMany(buf); m > 0; m = it.NextMany(buf) {
		for _, s := range buf[:m] {
			score[s] = 0
		}
	}
	scorePool.Put(sp)
	return page
}

// topK returns the first k slots of bm in the order of less, by a bounded heap.
func topK(bm *roaring.Bitmap, k int, less func(a, b uint32) bool) []uint32 {
	h := make([]uint32, 0, min(k, int(bm.GetCardinality())))
	// h is a heap whose root is the worst kept.
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			if r := l + 1; r < len(h) && less(h[l], h[r]) {
				l = r
			}
			if !less(h[i], h[l]) {
				return
			}
			h[i], h[l] = h[l], h[i]
			i = l
		}
	}
	up := func(i int) {
		for i > 0 {
			p := (i - 1) / 2
			if !less(h[p], h[i]) {
				return
			}
			h[i], h[p] = h[p], h[i]
			i = p
		}
	}
	it := bm.ManyIterator()
	buf := make([]uint32, 256)
	for m := it.NextMany(buf); m > 0; m = it.NextMany(buf) {
		for _, s := range buf[:m] {
			switch {
			case len(h) < k:
				h = append(h, s)
				up(len(h) - 1)
			case less(s, h[0]):
				h[0] = s
				down(0)
			}
		}
	}
	slices.SortFunc(h, func(a, b uint32) int {
		if less(a, b) {
			return -1
		}
		if less(b, a) {
			return 1
		}
		return 0
	})
	return h
}

// Has reports whether value v of dimension dim was ever written.
func (ix *Index) Has(dim int, v string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.dims[dim].ids[v]
	return ok
}

// Key returns key k of document id, and whether the index holds it.
func (ix *Index) Key(id int64, k int) (uint64, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s, ok := ix.slot[id]
	if !ok {
		return 0, false
	}
	return ix.keys[k][s], true
}
