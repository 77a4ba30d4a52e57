package textsearch

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// model is the reference the index must agree with: every document as written, searched by
// a plain pass over all of them.
type model struct {
	docs  map[int64]Doc
	terms map[int64]map[string]int16
}

// write gives ix and m the same random documents under ids, as the write of sequence seq; with
// repeats, some terms are given again at a lower weight, which the index must ignore.
func (m *model) write(ix *Index, r *rand.Rand, ids []int64, seq int64, repeats bool) {
	var b Batch
	for _, id := range ids {
		d, terms := randomDoc(r, id)
		m.docs[id], m.terms[id] = d, terms
		b.Add(d)
		for term, w := range terms {
			b.Term(id, []byte(term), w)
			if repeats && r.IntN(4) == 0 {
				b.Term(id, []byte(term), 1)
			}
		}
	}
	ix.Apply(&b, seq)
}

func (m *model) search(q Query) Result {
	type hit struct {
		id    int64
		score int
	}
	var hits []hit
	counts := map[int]map[string]int{}
	for _, d := range q.Count {
		counts[d] = map[string]int{}
	}
	has := func(d Doc, dim int, v string) bool { return slices.Contains(d.Values[dim], v) }
	for id, d := range m.docs {
		ok := true
		for _, c := range q.Must {
			if !slices.ContainsFunc(c.Values, func(v string) bool { return has(d, c.Dim, v) }) {
				ok = false
			}
		}
		for _, b := range q.AtLeast {
			if d.Keys[b.Key] < b.Min {
				ok = false
			}
		}
		score := 0
		for _, tk := range q.Tokens {
			best := int16(0)
			for term, w := range m.terms[id] {
				if term == tk.Term || (tk.Prefix && term >= tk.Term && term < tk.Hi) || (tk.Stem != "" && term == tk.Stem) {
					best = max(best, w)
				}
			}
			if best == 0 {
				ok = false
			}
			score += int(best)
		}
		if !ok {
			continue
		}
		failed := map[int]bool{}
		for _, f := range q.Filters {
			if (f.Value != "" && !has(d, f.Dim, f.Value)) || (f.Bound != nil && d.Keys[f.Bound.Key] < f.Bound.Min) {
				failed[f.Dim] = true
			}
		}
		for _, dim := range q.Count {
			others := len(failed)
			if failed[dim] {
				others--
			}
			if others == 0 {
				for _, v := range d.Values[dim] {
					counts[dim][v]++
				}
			}
		}
		if len(failed) == 0 {
			hits = append(hits, hit{id, score})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if q.Relevance && len(q.Tokens) > 0 && a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		for _, k := range q.Keys {
			if x, y := m.docs[a.id].Keys[k], m.docs[b.id].Keys[k]; x != y {
				return cmp.Compare(y, x)
			}
		}
		return cmp.Compare(b.id, a.id)
	})
	out := Result{Total: len(hits), Counts: counts, IDs: []int64{}}
	for _, h := range hits[min(q.Offset, len(hits)):min(q.Offset+q.Limit, len(hits))] {
		out.IDs = append(out.IDs, h.id)
	}
	return out
}

var (
	testVocab = []string{"会计", "计师", "机械", "械设", "工程", "程师", "计", "a", "ab", "abc", "acc", "account", "accountant", "java", "jav", "sap", "销售", "~account", "~engin"}
	testDims  = [][]string{{"jiangsu", "beijing", "anhui"}, {"finance", "it", "sales", "law"}, {"x", "y", "z", "w"}}
)

func randomDoc(r *rand.Rand, id int64) (Doc, map[string]int16) {
	d := Doc{ID: id, Values: make([][]string, len(testDims)), Keys: []uint64{uint64(r.IntN(5000)), uint64(r.IntN(50) * 1000), uint64(r.IntN(3))}}
	for i, vs := range testDims {
		d.Values[i] = []string{vs[r.IntN(len(vs))]}
	}
	if r.IntN(2) == 0 { // a second value in the last dimension
		d.Values[2] = append(d.Values[2], testDims[2][r.IntN(4)])
		d.Values[2] = slices.Compact(slices.Sorted(slices.Values(d.Values[2])))
	}
	terms := map[string]int16{}
	for range r.IntN(7) {
		terms[testVocab[r.IntN(len(testVocab))]] = []int16{1, 2, 3, 4, 8}[r.IntN(5)]
	}
	return d, terms
}

func testQueries(r *rand.Rand) []Query {
	tok := func(term string, prefix bool, stem string) Token {
		t := Token{Term: term, Prefix: prefix, Stem: stem}
		if prefix {
			t.Hi = Successor(term)
		}
		return t
	}
	tokens := [][]Token{nil, {tok("会计", false, "")}, {tok("会计", false, ""), tok("计师", false, "")},
		{tok("a", true, "")}, {tok("acc", true, "~account"), tok("工程", false, "")}, {tok("accountants", true, "~account")},
		{tok("计", true, "")}, {tok("zzz", false, "")}, {tok("jav", true, ""), tok("sap", false, "")}}
	var out []Query
	for range 60 {
		q := Query{Tokens: tokens[r.IntN(len(tokens))], Count: []int{0, 1, 2}, Limit: 1 + r.IntN(30), Offset: r.IntN(3) * 10}
		q.Relevance = r.IntN(2) == 0
		q.Keys = [][]int{{0}, {1, 0}, nil}[r.IntN(3)]
		if r.IntN(2) == 0 {
			q.Must = []Cond{{Dim: 2, Values: []string{"x", "y"}}}
		}
		if r.IntN(2) == 0 {
			q.AtLeast = []Bound{{Key: 2, Min: 1}}
		}
		for d, vs := range testDims {
			if r.IntN(3) == 0 {
				q.Filters = append(q.Filters, Filter{Dim: d, Value: append(vs, "nowhere")[r.IntN(len(vs)+1)]})
			}
		}
		if r.IntN(3) == 0 {
			q.Filters = append(q.Filters, Filter{Dim: 1, Bound: &Bound{Key: 1, Min: uint64(r.IntN(50000))}})
		}
		out = append(out, q)
	}
	return out
}

var testConfig = Config{Dims: len(testDims), KeyWidths: []uint64{250, 3000, 1}}

// The index answers every query as a pass over every document would, also after documents
// are written again, and after a snapshot is written and read back.
func TestIndexMatchesAPassOverEveryDocument(t *testing.T) {
	for _, small := range []int{20000, 5} {
		t.Run(fmt.Sprintf("smallHits=%d", small), func(t *testing.T) {
			defer func(was int) { smallHits = was }(smallHits)
			smallHits = small
			testIndexMatches(t)
		})
	}
}

func testIndexMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	m := &model{docs: map[int64]Doc{}, terms: map[int64]map[string]int16{}}
	ix := New(testConfig)
	write := func(ids []int64, seq int64) { m.write(ix, r, ids, seq, true) }
	var all []int64
	for id := int64(1); id <= 600; id++ {
		all = append(all, id*3)
	}
	write(all, 1)
	queries := testQueries(r)
	check := func(ix *Index, round string) {
		t.Helper()
		for i, q := range queries {
			got, want := ix.Search(q), m.search(q)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s, query %d %+v:\n got %v\nwant %v", round, i, q, got, want)
			}
		}
	}
	check(ix, "first load")
	for round := 1; round <= 15; round++ {
		changed := slices.Clone(all[r.IntN(400):][:r.IntN(60)])
		changed = append(changed, int64(5000+round)) // a new document
		all = append(all, int64(5000+round))
		write(changed, int64(1+round))
		check(ix, fmt.Sprintf("round %d", round))
	}
	if ix.Len() != len(all) || ix.Seq() != 16 {
		t.Fatalf("holds %d documents at %d, want %d at 16", ix.Len(), ix.Seq(), len(all))
	}
	var buf bytes.Buffer
	if err := ix.WriteSnapshot(&buf, "test/1", []byte("extra")); err != nil {
		t.Fatal(err)
	}
	back, extra, err := ReadSnapshot(bytes.NewReader(buf.Bytes()), testConfig, "test/1")
	if err != nil || string(extra) != "extra" {
		t.Fatalf("%q, %v", extra, err)
	}
	if back.Seq() != 16 || back.Len() != len(all) {
		t.Fatalf("snapshot holds %d documents at %d", back.Len(), back.Seq())
	}
	check(back, "read from a snapshot")
	// Terms are written in the order of their names (so reading sorts nothing): every term, in order.
	if len(back.text.pending) != 0 || len(back.text.sorted) != len(back.text.names) ||
		!slices.IsSortedFunc(back.text.sorted, func(a, b int32) int { return strings.Compare(back.text.names[a], back.text.names[b]) }) {
		t.Fatalf("terms read from a snapshot: %d sorted, %d pending of %d", len(back.text.sorted), len(back.text.pending), len(back.text.names))
	}
	// Written again after loading, the documents are caught up in place.
	ix = back
	write(all[:50], 17)
	check(ix, "snapshot caught up")
}

// A snapshot that is cut, damaged, of another kind or of another configuration is refused.
func TestDamagedSnapshotsAreRefused(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ix := New(testConfig)
	var b Batch
	for id := int64(1); id <= 200; id++ {
		d, terms := randomDoc(r, id)
		b.Add(d)
		for term, w := range terms {
			b.Term(id, []byte(term), w)
		}
	}
	ix.Apply(&b, 5)
	var buf bytes.Buffer
	if err := ix.WriteSnapshot(&buf, "test/1", []byte("extra")); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	if _, _, err := ReadSnapshot(bytes.NewReader(good), testConfig, "test/1"); err != nil {
		t.Fatalf("the good snapshot: %v", err)
	}
	cases := map[string]func() ([]byte, Config, string){
		"cut":          func() ([]byte, Config, string) { return good[:len(good)/2], testConfig, "test/1" },
		"no checksum":  func() ([]byte, Config, string) { return good[:len(good)-4], testConfig, "test/1" },
		"trailing":     func() ([]byte, Config, string) { return append(slices.Clone(good), 0), testConfig, "test/1" },
		"other kind":   func() ([]byte, Config, string) { return good, testConfig, "test/2" },
		"other config": func() ([]byte, Config, string) { return good, Config{Dims: 3, KeyWidths: []uint64{1, 2, 3}}, "test/1" },
		"empty":        func() ([]byte, Config, string) { return nil, testConfig, "test/1" },
		"older format": func() ([]byte, Config, string) {
			b := slices.Clone(good)
			b[1+len(snapshotMagic)] = 0 // the format version
			return b, testConfig, "test/1"
		},
	}
	for i := 0; i < len(good); i += 1 + len(good)/97 {
		cases[fmt.Sprintf("byte %d flipped", i)] = func() ([]byte, Config, string) {
			b := slices.Clone(good)
			b[i] ^= 0x5a
			return b, testConfig, "test/1"
		}
	}
	for name, f := range cases {
		data, cfg, kind := f()
		if _, _, err := ReadSnapshot(bytes.NewReader(data), cfg, kind); !errors.Is(err, ErrSnapshot) {
			t.Errorf("%s: %v, want %v", name, err, ErrSnapshot)
		}
	}
	if !strings.Contains(string(good[:20]), snapshotMagic) {
		t.Errorf("snapshot does not start with its magic")
	}
}

// Searches asking the same at once, after each write, all get the answer a pass over every
// document gives (one of them evaluates it, the others wait for it).
func TestConcurrentSearchesShareOneEvaluation(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	m := &model{docs: map[int64]Doc{}, terms: map[int64]map[string]int16{}}
	ix := New(testConfig)
	write := func(ids []int64, seq int64) { m.write(ix, r, ids, seq, false) }
	var all []int64
	for id := int64(1); id <= 400; id++ {
		all = append(all, id)
	}
	write(all, 1)
	queries := testQueries(r)
	for round := range 3 {
		if round > 0 {
			write(all[round*20:round*20+30], int64(round+1))
		}
		want := make([]string, len(queries))
		for i, q := range queries {
			want[i] = fmt.Sprint(m.search(q))
		}
		var wg sync.WaitGroup
		errs := make(chan string, 16*len(queries))
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i, q := range queries {
					if got := fmt.Sprint(ix.Search(q)); got != want[i] {
						errs <- fmt.Sprintf("round %d, query %d: got %s, want %s", round, i, got, want[i])
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Fatal(e)
		}
	}
}
