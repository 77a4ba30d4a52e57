package assessment

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"zonefair/app/errs"
)

// goldenTree and goldenZones are a small example worked by hand in TestComputeGolden; the
// server tests run the same example through the API.
func goldenTree() Tree {
	return Tree{Categories: []Category{
		{Code: "a", NameZh: "甲", NameEn: "A", Weight: 60, Indicators: []Indicator{
			{Code: "a1", NameZh: "甲一", NameEn: "A1", Unit: "count", Weight: 50, Direction: HigherBetter, Method: MinMax, Min: 0, Max: 100},
			{Code: "a2", NameZh: "甲二", NameEn: "A2", Unit: "count", Weight: 50, Direction: LowerBetter, Method: MinMax, Min: 0, Max: 100},
		}},
		{Code: "b", NameZh: "乙", NameEn: "B", Weight: 40, Indicators: []Indicator{
			{Code: "b1", NameZh: "乙一", NameEn: "B1", Unit: "count", Weight: 50, Direction: HigherBetter, Method: Target, Target: 10, Min: 0, Max: 100},
			{Code: "b2", NameZh: "乙二", NameEn: "B2", Unit: "count", Weight: 50, Direction: HigherBetter, Method: ZScore, Min: 0, Max: 100},
		}},
	}}
}

func goldenZones() []ZoneValues {
	return []ZoneValues{
		{ZoneID: 1, Values: map[string]float64{"a1": 10, "a2": 5, "b1": 5, "b2": 1}},
		{ZoneID: 2, Values: map[string]float64{"a1": 20, "a2": 15, "b1": 10, "b2": 2}},
		{ZoneID: 3, Values: map[string]float64{"a1": 30, "a2": 10, "b1": 20, "b2": 3}},
		{ZoneID: 4, Values: map[string]float64{"a1": 30}}, // incomplete: not ranked
	}
}

// TestComputeGolden checks the engine against the example worked by hand:
//
//	a1 min-max over 10..30:           zone1 0, zone2 50, zone3 100
//	a2 min-max, lower better, 5..15:  zone1 100, zone2 0, zone3 50
//	b1 target 10, capped at 100:      zone1 50, zone2 100, zone3 100
//	b2 z-score, mean 2, sd √(2/3):    z = ∓1.224745 → 37.75255, 50, 62.24745
//	A = (a1+a2)/2:                    50, 25, 75
//	B = (b1+b2)/2:                    43.876275, 75, 81.123725
//	composite = 0.6·A + 0.4·B:        47.55051, 45, 77.44949 → ranks 2, 3, 1
func TestComputeGolden(t *testing.T) {
	if err := goldenTree().Check(); err != nil {
		t.Fatalf("golden tree invalid: %v", err)
	}
	r := Compute(goldenTree(), goldenZones())
	want := []struct {
		zone       int64
		rank       int
		composite  float64
		categories []float64
	}{
		{3, 1, 77.44949, []float64{75, 81.123725}},
		{1, 2, 47.55051, []float64{50, 43.876275}},
		{2, 3, 45, []float64{25, 75}},
	}
	if len(r.Scores) != len(want) || len(r.Incomplete) != 1 || r.Incomplete[0] != 4 {
		t.Fatalf("got %d scores, incomplete %v", len(r.Scores), r.Incomplete)
	}
	for i, w := range want {
		s := r.Scores[i]
		if s.ZoneID != w.zone || s.Rank != w.rank || !near(s.Composite, w.composite) {
			t.Errorf("place %d: zone %d rank %d composite %.6f, want zone %d rank %d composite %.6f", i, s.ZoneID, s.Rank, s.Composite, w.zone, w.rank, w.composite)
		}
		for c := range w.categories {
			if !near(s.Categories[c], w.categories[c]) {
				t.Errorf("zone %d category %d: %.6f, want %.6f", s.ZoneID, c, s.Categories[c], w.categories[c])
			}
		}
	}
	if got := r.Scores[1].Indicators; !near(got[3], 37.75255) || got[1] != 100 || got[0] != 0 {
		t.Errorf("zone 1 indicator scores %v", got)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-5 }

func TestComputeTiesAndWeights(t *testing.T) {
	tree := goldenTree()
	zones := []ZoneValues{
		{ZoneID: 7, Values: map[string]float64{"a1": 1, "a2": 1, "b1": 1, "b2": 1}},
		{ZoneID: 5, Values: map[string]float64{"a1": 1, "a2": 1, "b1": 1, "b2": 1}},
	}
	r := Compute(tree, zones)
	if r.Scores[0].Rank != 1 || r.Scores[1].Rank != 1 || r.Scores[0].ZoneID != 5 {
		t.Fatalf("equal zones: %+v", r.Scores)
	}
	// Moving weight to category B reorders the golden example: zone 2 overtakes zone 1.
	heavy, err := tree.WithCategoryWeights(map[string]float64{"a": 20, "b": 80})
	if err != nil {
		t.Fatal(err)
	}
	r = Compute(heavy, goldenZones())
	if r.Scores[1].ZoneID != 2 || r.Scores[2].ZoneID != 1 {
		t.Fatalf("heavier B: order %d %d %d", r.Scores[0].ZoneID, r.Scores[1].ZoneID, r.Scores[2].ZoneID)
	}
	if _, err := tree.WithCategoryWeights(map[string]float64{"nope": 10}); err == nil {
		t.Fatal("unknown category accepted")
	}
}

func TestTreeCheck(t *testing.T) {
	if err := Edition2021().Check(); err != nil {
		t.Fatalf("2021 edition: %v", err)
	}
	bad := Edition2021()
	bad.Categories[0].Weight = 40
	bad.Categories[2].Indicators[0].Weight = 10
	bad.Categories[3].Indicators[0].Unit = "furlongs"
	err := bad.Check()
	if err == nil {
		t.Fatal("bad weights accepted")
	}
	msg := fmt.Sprint(err)
	if msg == "" {
		t.Fatal("empty error")
	}
	fields := map[string]string{}
	for _, f := range errsFields(err) {
		fields[f.Field] = f.Param
	}
	if fields["categories"] != "110" || fields["categories.2.indicators"] != "70" || fields["categories.3.indicators.0.unit"] != "furlongs" {
		t.Fatalf("fields %v", fields)
	}
}

// benchTree is 5 categories × 10 indicators, every method and direction.
func benchTree() Tree {
	var t Tree
	methods := []Method{MinMax, ZScore, Target}
	for c := range 5 {
		cat := Category{Code: fmt.Sprintf("c%d", c), NameZh: "类", NameEn: "C", Weight: 20}
		for i := range 10 {
			dir := HigherBetter
			if i%4 == 3 {
				dir = LowerBetter
			}
			cat.Indicators = append(cat.Indicators, Indicator{Code: fmt.Sprintf("c%di%d", c, i), NameZh: "指标", NameEn: "I", Unit: "count",
				Weight: 10, Direction: dir, Method: methods[i%3], Target: 50, Min: 0, Max: 1000})
		}
		t.Categories = append(t.Categories, cat)
	}
	return t
}

// BenchmarkComputeTenYears scores 230 zones × 50 indicators for 10 years per iteration.
func BenchmarkComputeTenYears(b *testing.B) {
	tree := benchTree()
	rng := rand.New(rand.NewPCG(1, 2))
	years := make([][]ZoneValues, 10)
	for y := range years {
		for z := range 230 {
			v := map[string]float64{}
			for _, ind := range tree.Indicators() {
				v[ind.Code] = rng.Float64() * 1000
			}
			years[y] = append(years[y], ZoneValues{ZoneID: int64(z + 1), Values: v})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, zones := range years {
			if r := Compute(tree, zones); len(r.Scores) != 230 {
				b.Fatal("lost zones")
			}
		}
	}
}

func errsFields(err error) []errs.FieldError {
	var e *errs.Error
	if !errors.As(err, &e) {
		return nil
	}
	return e.Fields
}
