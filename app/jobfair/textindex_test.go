package jobfair

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The in-memory index answers exactly what the job_terms table would: every token matched
// (a prefix by any term in its range, counting the best weight), weights summed — also after
// jobs are re-indexed with other terms.
func TestTextIndexMatchesTheTable(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	vocab := []string{"会计", "计师", "机械", "械设", "工程", "程师", "a", "ab", "abc", "acc", "account", "accountant", "java", "jav", "sap", "销售"}
	table := map[int64]map[string]int16{} // the reference: job → term → weight
	ix := newTextIndex()
	reindex := func(ids []int64) {
		var b termBatch
		local := map[string]int32{}
		for _, id := range ids {
			terms := map[string]int16{}
			for range r.IntN(6) {
				terms[vocab[r.IntN(len(vocab))]] = int16(1 + r.IntN(8))
			}
			table[id] = terms
			for term, w := range terms {
				n, ok := local[term]
				if !ok {
					n = int32(len(b.terms))
					local[term], b.terms = n, append(b.terms, term)
				}
				b.rows = append(b.rows, termRow{job: id, term: n, w: w})
			}
		}
		r.Shuffle(len(b.rows), func(i, j int) { b.rows[i], b.rows[j] = b.rows[j], b.rows[i] })
		ix.apply(ids, b)
	}
	var all []int64
	for id := int64(1); id <= 300; id++ {
		all = append(all, id*3)
	}
	reindex(all)
	queries := [][]token{
		{{term: "会计"}},
		{{term: "会计"}, {term: "计师"}},
		{{term: "a", prefix: true, hi: successor("a")}},
		{{term: "acc", prefix: true, hi: successor("acc")}, {term: "工程"}},
		{{term: "jav", prefix: true, hi: successor("jav")}, {term: "sap"}, {term: "销售"}},
		{{term: "zzz"}},
		{{term: "机", prefix: true, hi: successor("机")}},
	}
	check := func(round int) {
		for _, q := range queries {
			want := map[int64]int{}
			for id, terms := range table {
				sum, all := 0, true
				for _, tk := range q {
					best := int16(-1)
					for term, w := range terms {
						if term == tk.term || (tk.prefix && strings.HasPrefix(term, tk.term)) {
							best = max(best, w)
						}
					}
					if best < 0 {
						all = false
						break
					}
					sum += int(best)
				}
				if all {
					want[id] = sum
				}
			}
			got := map[int64]int{}
			for _, m := range ix.match(q) {
				if _, dup := got[m.job]; dup {
					t.Fatalf("round %d %v: job %d twice", round, q, m.job)
				}
				got[m.job] = m.score
			}
			if len(got) != len(want) {
				t.Fatalf("round %d %v: %d matches, want %d", round, q, len(got), len(want))
			}
			for id, s := range want {
				if got[id] != s {
					t.Fatalf("round %d %v: job %d scores %d, want %d", round, q, id, got[id], s)
				}
			}
		}
	}
	check(0)
	for round := 1; round <= 20; round++ {
		changed := slices.Clone(all[r.IntN(200):][:r.IntN(40)])
		changed = append(changed, int64(1000+round)) // a new job
		all = append(all, int64(1000+round))
		slices.SortFunc(changed, func(a, b int64) int { return cmp.Compare(b, a) })
		reindex(changed)
		check(round)
	}
}
