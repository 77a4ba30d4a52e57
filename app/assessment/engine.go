package assessment

import (
	"math"
	"sort"
)

// ZoneValues is one zone's reported values for a year, by indicator code.
type ZoneValues struct {
	ZoneID int64
	Values map[string]float64
}

// Score is one zone's result under an index system.
type Score struct {
	ZoneID     int64
	Rank       int       // 1 is best; equal composites share a rank
	Composite  float64   // 0–100
	Categories []float64 // 0–100, one per category of the tree
	Indicators []float64 // normalised 0–100, one per Tree.Indicators()
}

// Result is a year's scores, best first, and the zones that could not be scored because a
// value is missing.
type Result struct {
	Scores     []Score
	Incomplete []int64
}

// tieEpsilon treats composites that differ only by floating-point noise as equal.
const tieEpsilon = 1e-9

// Compute scores zones under t. It is a pure function: the same tree and values always give the
// same result. Each indicator is normalised to 0–100 across the zones that reported every
// indicator; a category's score is the weighted mean of its indicators' scores, and the
// composite the weighted mean of the categories'.
func Compute(t Tree, zones []ZoneValues) Result {
	inds := t.Indicators()
	var res Result
	complete := make([]ZoneValues, 0, len(zones))
	for _, z := range zones {
		if hasAll(z, inds) {
			complete = append(complete, z)
		} else {
			res.Incomplete = append(res.Incomplete, z.ZoneID)
		}
	}
	n := len(complete)
	if n == 0 {
		return res
	}
	scores := make([]Score, n)
	for i, z := range complete {
		scores[i] = Score{ZoneID: z.ZoneID, Categories: make([]float64, len(t.Categories)), Indicators: make([]float64, len(inds))}
	}
	column := make([]float64, n)
	for k, ind := range inds {
		for i, z := range complete {
			column[i] = z.Values[ind.Code]
		}
		normalise(ind, column)
		for i := range scores {
			scores[i].Indicators[k] = column[i]
		}
	}
	for i := range scores {
		scores[i].Composite = aggregate(t, &scores[i])
	}
	sort.SliceStable(scores, func(a, b int) bool {
		if math.Abs(scores[a].Composite-scores[b].Composite) > tieEpsilon {
			return scores[a].Composite > scores[b].Composite
		}
		return scores[a].ZoneID < scores[b].ZoneID
	})
	for i := range scores {
		scores[i].Rank = i + 1
		if i > 0 && math.Abs(scores[i].Composite-scores[i-1].Composite) <= tieEpsilon {
			scores[i].Rank = scores[i-1].Rank
		}
	}
	res.Scores = scores
	return res
}

func hasAll(z ZoneValues, inds []Indicator) bool {
	for _, ind := range inds {
		v, ok := z.Values[ind.Code]
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// aggregate fills s.Categories from s.Indicators and returns the composite.
func aggregate(t Tree, s *Score) float64 {
	k, composite, total := 0, 0.0, 0.0
	for c, cat := range t.Categories {
		sum, weights := 0.0, 0.0
		for _, ind := range cat.Indicators {
			sum += ind.Weight * s.Indicators[k]
			weights += ind.Weight
			k++
		}
		if weights > 0 {
			s.Categories[c] = sum / weights
		}
		composite += cat.Weight * s.Categories[c]
		total += cat.Weight
	}
	if total == 0 {
		return 0
	}
	return composite / total
}

// normalise replaces the raw values in col by their 0–100 scores under ind's method.
func normalise(ind Indicator, col []float64) {
	lower := ind.Direction == LowerBetter
	switch ind.Method {
	case ZScore:
		mean, sd := meanSD(col)
		for i, v := range col {
			if sd == 0 {
				col[i] = 50
				continue
			}
			z := (v - mean) / sd
			if lower {
				z = -z
			}
			col[i] = clamp(50 + 10*z)
		}
	case Target:
		for i, v := range col {
			switch {
			case lower && v <= 0:
				col[i] = 100
			case lower:
				col[i] = clamp(ind.Target / v * 100)
			default:
				col[i] = clamp(v / ind.Target * 100)
			}
		}
	default: // MinMax
		lo, hi := col[0], col[0]
		for _, v := range col {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		for i, v := range col {
			switch {
			case hi == lo:
				col[i] = 100
			case lower:
				col[i] = (hi - v) / (hi - lo) * 100
			default:
				col[i] = (v - lo) / (hi - lo) * 100
			}
		}
	}
}

func meanSD(col []float64) (mean, sd float64) {
	for _, v := range col {
		mean += v
	}
	mean /= float64(len(col))
	for _, v := range col {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(col)))
}

func clamp(v float64) float64 { return math.Max(0, math.Min(100, v)) }

// BottomFive returns the zones in the last five places of r, worst last.
func BottomFive(r Result) []int64 {
	from := max(0, len(r.Scores)-5)
	out := make([]int64, 0, 5)
	for _, s := range r.Scores[from:] {
		out = append(out, s.ZoneID)
	}
	return out
}
