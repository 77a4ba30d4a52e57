// Package assessment owns the zones' comprehensive development assessment: the versioned index
// system (weighted categories and indicators), the yearly data the zones report and its review
// (zone → province → ministry), the scoring engine, and the published rankings.
package assessment

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"zonefair/app/errs"
	"zonefair/app/web"
)

// Direction says whether a higher or a lower value of an indicator is better.
type Direction string

// The directions.
const (
	HigherBetter Direction = "higher"
	LowerBetter  Direction = "lower"
)

// Method is how an indicator's values are normalised to a 0–100 score across the zones.
type Method string

// The normalisation methods.
const (
	MinMax Method = "minmax" // linear between the year's worst (0) and best (100) value
	ZScore Method = "zscore" // 50 + 10·z, clamped to 0–100
	Target Method = "target" // value ÷ target (higher) or target ÷ value (lower), capped at 100
)

// Version status: a draft is edited and previewed, a published version is immutable.
const (
	VersionDraft     = "draft"
	VersionPublished = "published"
)

// Indicators the rankings single out (top 10 by foreign investment and by foreign trade).
const (
	CodeForeignInvestment = "foreign_investment_used"
	CodeForeignTrade      = "foreign_trade_total"
)

// Unit is what an indicator is measured in, with the rules every value in it obeys.
type Unit struct {
	Code        string
	NonNegative bool
	Integer     bool
}

// Units lists the units an indicator may use.
var Units = []Unit{
	{"usd_100m", true, false},         // 亿美元
	{"cny_100m", true, false},         // 亿元
	{"cny_100m_per_km2", true, false}, // 亿元/平方公里
	{"percent", false, false},
	{"count", true, true},
	{"persons", true, true},
	{"per_10k", true, false},         // per 10,000 employees
	{"tce_per_cny_10k", true, false}, // tonnes of standard coal per CNY 10,000 of output
	{"m3_per_cny_10k", true, false},  // cubic metres of water per CNY 10,000 of output
}

// UnitByCode returns the unit named code.
func UnitByCode(code string) (Unit, bool) {
	for _, u := range Units {
		if u.Code == code {
			return u, true
		}
	}
	return Unit{}, false
}

// Indicator is one measured quantity of the index system. Weight is its share (in percent) of
// its category; Min and Max bound the plausible values a zone may report.
type Indicator struct {
	Code      string    `json:"code" validate:"required,max=40"` // checked by Tree.Check: see validCode
	NameZh    string    `json:"nameZh" validate:"required,max=200,text"`
	NameEn    string    `json:"nameEn" validate:"required,max=200,text"`
	Unit      string    `json:"unit" validate:"required,max=30"`
	Weight    float64   `json:"weight" validate:"gt=0,lte=100"`
	Direction Direction `json:"direction" validate:"required,oneof=higher lower" enum:"higher,lower"`
	Method    Method    `json:"method" validate:"required,oneof=minmax zscore target" enum:"minmax,zscore,target"`
	Target    float64   `json:"target" validate:"gte=0"`
	Min       float64   `json:"min"`
	Max       float64   `json:"max"`
}

// Category is a top-level part of the index system; Weight is its share (in percent) of the
// composite score.
type Category struct {
	Code       string      `json:"code" validate:"required,max=40"` // checked by Tree.Check: see validCode
	NameZh     string      `json:"nameZh" validate:"required,max=200,text"`
	NameEn     string      `json:"nameEn" validate:"required,max=200,text"`
	Weight     float64     `json:"weight" validate:"gt=0,lte=100"`
	Indicators []Indicator `json:"indicators" validate:"required,min=1,max=60,dive"`
}

// Tree is an index system's categories with their indicators, in display order.
type Tree struct {
	Categories []Category `json:"categories" validate:"required,min=1,max=12,dive"`
}

// Version is one edition of the index system.
type Version struct {
	ID          int64      `json:"id"`
	Code        string     `json:"code"`
	NameZh      string     `json:"nameZh"`
	NameEn      string     `json:"nameEn"`
	Status      string     `json:"status" enum:"draft,published"`
	BasedOnID   *int64     `json:"basedOnId"`
	PublishedAt *time.Time `json:"publishedAt"`
	CreatedAt   time.Time  `json:"createdAt"`
	Tree
}

// weightTolerance absorbs decimal weights such as 33.33 + 33.33 + 33.34.
const weightTolerance = 0.01

// Check validates t beyond its tags: weights that add up to 100 at each level, known units,
// unique codes, sensible ranges and targets. Every problem is reported with its field path.
func (t Tree) Check() error {
	var fields []errs.FieldError
	add := func(field, key, param string) {
		fields = append(fields, errs.FieldError{Field: field, Key: key, Param: param})
	}
	codes := map[string]bool{}
	sum := 0.0
	for i, c := range t.Categories {
		sum += c.Weight
		path := fmt.Sprintf("categories.%d", i)
		if !validCode(c.Code) {
			add(path+".code", "assessment.code", c.Code)
		}
		if codes["c:"+c.Code] {
			add(path+".code", "assessment.duplicate_code", c.Code)
		}
		codes["c:"+c.Code] = true
		inner := 0.0
		for j, ind := range c.Indicators {
			inner += ind.Weight
			ip := fmt.Sprintf("%s.indicators.%d", path, j)
			if !validCode(ind.Code) {
				add(ip+".code", "assessment.code", ind.Code)
			}
			if codes[ind.Code] {
				add(ip+".code", "assessment.duplicate_code", ind.Code)
			}
			codes[ind.Code] = true
			if _, ok := UnitByCode(ind.Unit); !ok {
				add(ip+".unit", "assessment.unit", ind.Unit)
			}
			if !(ind.Min < ind.Max) || math.IsInf(ind.Min, 0) || math.IsInf(ind.Max, 0) {
				add(ip+".max", "assessment.range", "")
			}
			if ind.Method == Target && !(ind.Target > 0) {
				add(ip+".target", "assessment.target", "")
			}
		}
		if math.Abs(inner-100) > weightTolerance {
			add(path+".indicators", "assessment.indicator_weights", formatWeight(inner))
		}
	}
	if math.Abs(sum-100) > weightTolerance {
		add("categories", "assessment.category_weights", formatWeight(sum))
	}
	if len(fields) == 0 {
		return nil
	}
	return &errs.Error{Kind: errs.ErrInvalid, Key: "assessment.weights_invalid", Fields: fields}
}

func init() {
	web.AddMessages(map[string][2]string{
		"assessment.code": {"代码“%s”无效：只能使用小写字母、数字、下划线和连字符，并以字母或数字开头。", "The code “%s” is not valid: use lowercase letters, digits, underscores and hyphens, starting with a letter or digit."},
	})
}

// validCode reports whether s can be a category or indicator code: lowercase letters, digits,
// underscores and hyphens, starting with a letter or digit (the 2021 edition's codes, such as
// foreign_investment_used, are used in CSV templates and the published rankings).
func validCode(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case (r == '_' || r == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

func formatWeight(w float64) string { return strconv.FormatFloat(math.Round(w*100)/100, 'f', -1, 64) }

// Indicators lists every indicator of t in display order.
func (t Tree) Indicators() []Indicator {
	var out []Indicator
	for _, c := range t.Categories {
		out = append(out, c.Indicators...)
	}
	return out
}

// Indicator returns the indicator with code.
func (t Tree) Indicator(code string) (Indicator, bool) {
	for _, c := range t.Categories {
		for _, ind := range c.Indicators {
			if ind.Code == code {
				return ind, true
			}
		}
	}
	return Indicator{}, false
}

// WithCategoryWeights returns a copy of t with the categories' weights replaced by those in w
// (by category code); categories not in w keep theirs. An unknown code is an error.
func (t Tree) WithCategoryWeights(w map[string]float64) (Tree, error) {
	out := Tree{Categories: make([]Category, len(t.Categories))}
	copy(out.Categories, t.Categories)
	seen := 0
	for i := range out.Categories {
		if v, ok := w[out.Categories[i].Code]; ok {
			out.Categories[i].Weight = v
			seen++
		}
	}
	if seen != len(w) {
		return out, errs.Invalid("weights", "assessment.unknown_category")
	}
	return out, nil
}
