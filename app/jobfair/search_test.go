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

// Deadlines compare as numbers in the same order as the dates; anything that is not a date
// sorts before every day, so a job without one is never shown as open.
func TestDayNumber(t *testing.T) {
	days := []string{"2025-12-31", "2026-01-01", "2026-07-09", "2026-07-31", "2027-01-01"}
	for i := 1; i < len(days); i++ {
		if dayNumber(days[i-1]) >= dayNumber(days[i]) {
			t.Errorf("%s does not come before %s", days[i-1], days[i])
		}
	}
	if dayNumber("2026-07-31") != 20260731 {
		t.Errorf("got %d", dayNumber("2026-07-31"))
	}
	for _, bad := range []string{"", "2026-7-31", "2026/07/31", "2026-0a-31", "20260731xx"} {
		if dayNumber(bad) != 0 {
			t.Errorf("%q gives %d", bad, dayNumber(bad))
		}
	}
}
