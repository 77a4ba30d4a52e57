package jobfair

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	byScore := func(a, b hit) int { return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.e.id, b.e.id)) }
	for _, n := range []int{0, 1, 5, 100, 1000} {
		for _, k := range []int{1, 3, 20, 2000} {
			hits := make([]hit, n)
			for i := range hits {
				hits[i] = hit{e: &entry{id: int64(i)}, score: r.IntN(50)}
			}
			want := slices.Clone(hits)
			slices.SortFunc(want, byScore)
			sortPrefix(hits, k, byScore)
			m := min(k, n)
			for i := range m {
				if hits[i].e.id != want[i].e.id {
					t.Fatalf("n=%d k=%d: position %d holds %d, want %d", n, k, i, hits[i].e.id, want[i].e.id)
				}
			}
		}
	}
}
