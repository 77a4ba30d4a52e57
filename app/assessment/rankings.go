package assessment

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/sheet"
	"zonefair/app/web"
	"zonefair/app/zone"
)

type publicationRow struct {
	ID          int64
	VersionID   int64
	Year        int
	PublishedBy int64
	Result      string
	CreatedAt   time.Time
}

func (publicationRow) TableName() string { return "assessment_publications" }

// RankedZone is one zone's place and scores.
type RankedZone struct {
	ZoneID            int64     `json:"zoneId"`
	Slug              string    `json:"slug"`
	NameZh            string    `json:"nameZh"`
	NameEn            string    `json:"nameEn"`
	Province          string    `json:"province"`
	Region            string    `json:"region"`
	Rank              int       `json:"rank"`
	RegionRank        int       `json:"regionRank"`
	Composite         float64   `json:"composite"`
	Categories        []float64 `json:"categories"`
	Indicators        []float64 `json:"indicators"`
	ForeignInvestment float64   `json:"foreignInvestment"`
	ForeignTrade      float64   `json:"foreignTrade"`
}

// TopEntry is a place in a top-10 list by one reported figure.
type TopEntry struct {
	Rank   int     `json:"rank"`
	ZoneID int64   `json:"zoneId"`
	NameZh string  `json:"nameZh"`
	NameEn string  `json:"nameEn"`
	Value  float64 `json:"value"`
}

// RegionSummary is how a region's zones did.
type RegionSummary struct {
	Region   string  `json:"region"`
	Zones    int     `json:"zones"`
	Average  float64 `json:"average"`
	BestZone int64   `json:"bestZone"`
}

// ExitWarning is a zone in the bottom five two years running.
type ExitWarning struct {
	ZoneID       int64  `json:"zoneId"`
	NameZh       string `json:"nameZh"`
	NameEn       string `json:"nameEn"`
	Rank         int    `json:"rank"`
	PreviousRank int    `json:"previousRank"`
}

// CategoryRef names a category and its weight in a ranking.
type CategoryRef struct {
	Code   string  `json:"code"`
	NameZh string  `json:"nameZh"`
	NameEn string  `json:"nameEn"`
	Weight float64 `json:"weight"`
}

// IndicatorRef names an indicator of a ranking.
type IndicatorRef struct {
	Code     string  `json:"code"`
	Category string  `json:"category"`
	NameZh   string  `json:"nameZh"`
	NameEn   string  `json:"nameEn"`
	Unit     string  `json:"unit"`
	Weight   float64 `json:"weight"`
}

// Ranking is a year's scores under an index version: published (immutable, public) or a
// preview an admin computes, possibly with what-if weights.
type Ranking struct {
	PublicationID        int64           `json:"publicationId"`
	PublishedAt          *time.Time      `json:"publishedAt"`
	VersionID            int64           `json:"versionId"`
	VersionCode          string          `json:"versionCode"`
	VersionNameZh        string          `json:"versionNameZh"`
	VersionNameEn        string          `json:"versionNameEn"`
	Year                 int             `json:"year"`
	Categories           []CategoryRef   `json:"categories"`
	Indicators           []IndicatorRef  `json:"indicators"`
	Zones                []RankedZone    `json:"zones"`
	TopForeignInvestment []TopEntry      `json:"topForeignInvestment"`
	TopForeignTrade      []TopEntry      `json:"topForeignTrade"`
	Regions              []RegionSummary `json:"regions"`
	ExitWarnings         []ExitWarning   `json:"exitWarnings"`
	Unranked             int             `json:"unranked"`
}

// Publication lists a published ranking.
type Publication struct {
	ID          int64     `json:"id"`
	VersionID   int64     `json:"versionId"`
	VersionCode string    `json:"versionCode"`
	Year        int       `json:"year"`
	PublishedAt time.Time `json:"publishedAt"`
}

// PreviewRequest computes a year's ranking under a version, optionally with what-if category
// weights (by category code) that are not saved.
type PreviewRequest struct {
	VersionID int64              `json:"versionId" validate:"required,gte=1"`
	Year      int                `json:"year" validate:"required,gte=2000,lte=2100"`
	Weights   map[string]float64 `json:"weights,omitempty" validate:"omitempty,max=12,dive,gte=0,lte=100"`
}

// PublishRequest publishes a year's ranking under a published version.
type PublishRequest struct {
	VersionID int64 `json:"versionId" validate:"required,gte=1"`
	Year      int   `json:"year" validate:"required,gte=2000,lte=2100"`
}

// Compute ranks year's approved data under v (whose weights may be what-if ones).
func (s *Service) Compute(ctx context.Context, v Version, year int) (Ranking, error) {
	cur, err := s.Store.ApprovedValues(ctx, year)
	if err != nil {
		return Ranking{}, err
	}
	prev, err := s.Store.ApprovedValues(ctx, year-1)
	if err != nil {
		return Ranking{}, err
	}
	ids := make([]int64, 0, len(cur)+len(prev))
	for _, z := range slices.Concat(cur, prev) {
		ids = append(ids, z.ZoneID)
	}
	zs, err := s.Zones.RefsByID(ctx, ids)
	if err != nil {
		return Ranking{}, err
	}
	return buildRanking(v, year, Compute(v.Tree, cur), Compute(v.Tree, prev), cur, zs), nil
}

func buildRanking(v Version, year int, res, prev Result, values []ZoneValues, zs map[int64]zone.Ref) Ranking {
	rk := Ranking{VersionID: v.ID, VersionCode: v.Code, VersionNameZh: v.NameZh, VersionNameEn: v.NameEn, Year: year,
		Categories: []CategoryRef{}, Indicators: []IndicatorRef{}, Zones: []RankedZone{}, Regions: []RegionSummary{}, ExitWarnings: []ExitWarning{},
		Unranked: len(res.Incomplete)}
	for _, c := range v.Categories {
		rk.Categories = append(rk.Categories, CategoryRef{Code: c.Code, NameZh: c.NameZh, NameEn: c.NameEn, Weight: c.Weight})
		for _, ind := range c.Indicators {
			rk.Indicators = append(rk.Indicators, IndicatorRef{Code: ind.Code, Category: c.Code, NameZh: ind.NameZh, NameEn: ind.NameEn, Unit: ind.Unit, Weight: ind.Weight})
		}
	}
	byZone := map[int64]map[string]float64{}
	for _, z := range values {
		byZone[z.ZoneID] = z.Values
	}
	regionCount := map[string]int{}
	regions := map[string]*RegionSummary{}
	for _, sc := range res.Scores {
		z := zs[sc.ZoneID]
		regionCount[z.Region]++
		rz := RankedZone{ZoneID: sc.ZoneID, Slug: z.Slug, NameZh: z.NameZh, NameEn: z.NameEn, Province: z.Province, Region: z.Region,
			Rank: sc.Rank, RegionRank: regionCount[z.Region], Composite: round(sc.Composite), Categories: roundAll(sc.Categories), Indicators: roundAll(sc.Indicators),
			ForeignInvestment: byZone[sc.ZoneID][CodeForeignInvestment], ForeignTrade: byZone[sc.ZoneID][CodeForeignTrade]}
		rk.Zones = append(rk.Zones, rz)
		r := regions[z.Region]
		if r == nil {
			r = &RegionSummary{Region: z.Region, BestZone: sc.ZoneID}
			regions[z.Region] = r
		}
		r.Zones++
		r.Average += sc.Composite
	}
	for _, r := range regions {
		r.Average = round(r.Average / float64(r.Zones))
		rk.Regions = append(rk.Regions, *r)
	}
	sort.Slice(rk.Regions, func(i, j int) bool { return rk.Regions[i].Average > rk.Regions[j].Average })
	if _, ok := v.Indicator(CodeForeignInvestment); ok {
		rk.TopForeignInvestment = top(rk.Zones, func(z RankedZone) float64 { return z.ForeignInvestment })
	}
	if _, ok := v.Indicator(CodeForeignTrade); ok {
		rk.TopForeignTrade = top(rk.Zones, func(z RankedZone) float64 { return z.ForeignTrade })
	}
	if rk.TopForeignInvestment == nil {
		rk.TopForeignInvestment = []TopEntry{}
	}
	if rk.TopForeignTrade == nil {
		rk.TopForeignTrade = []TopEntry{}
	}
	prevRank := map[int64]int{}
	for _, sc := range prev.Scores {
		prevRank[sc.ZoneID] = sc.Rank
	}
	lastYear := BottomFive(prev)
	for _, id := range BottomFive(res) {
		if slices.Contains(lastYear, id) {
			z := zs[id]
			rank := 0
			for _, sc := range res.Scores {
				if sc.ZoneID == id {
					rank = sc.Rank
				}
			}
			rk.ExitWarnings = append(rk.ExitWarnings, ExitWarning{ZoneID: id, NameZh: z.NameZh, NameEn: z.NameEn, Rank: rank, PreviousRank: prevRank[id]})
		}
	}
	return rk
}

func top(zones []RankedZone, by func(RankedZone) float64) []TopEntry {
	sorted := slices.Clone(zones)
	sort.SliceStable(sorted, func(i, j int) bool { return by(sorted[i]) > by(sorted[j]) })
	out := []TopEntry{}
	for i, z := range sorted[:min(10, len(sorted))] {
		out = append(out, TopEntry{Rank: i + 1, ZoneID: z.ZoneID, NameZh: z.NameZh, NameEn: z.NameEn, Value: by(z)})
	}
	return out
}

// round keeps four decimals: scores are shown with two, and stored results stay readable.
func round(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func roundAll(vs []float64) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = round(v)
	}
	return out
}

// Preview computes a ranking for an admin, with what-if weights when given; nothing is saved.
func (s *Service) Preview(ctx context.Context, req PreviewRequest) (Ranking, error) {
	v, err := s.Store.Version(ctx, req.VersionID)
	if err != nil {
		return Ranking{}, err
	}
	if len(req.Weights) > 0 {
		if v.Tree, err = v.WithCategoryWeights(req.Weights); err != nil {
			return Ranking{}, err
		}
		if err := v.Check(); err != nil {
			return Ranking{}, err
		}
	}
	return s.Compute(ctx, v, req.Year)
}

// Publish computes and stores a year's ranking under a published version. A published ranking
// is never recomputed: later data or versions leave it as it is.
func (s *Service) Publish(ctx context.Context, p *actor.Actor, req PublishRequest) (Ranking, error) {
	v, err := s.Store.Version(ctx, req.VersionID)
	if err != nil {
		return Ranking{}, err
	}
	if v.Status != VersionPublished {
		return Ranking{}, errs.New(errs.ErrConflict, "assessment.version_draft")
	}
	rk, err := s.Compute(ctx, v, req.Year)
	if err != nil {
		return Ranking{}, err
	}
	if len(rk.Zones) == 0 {
		return Ranking{}, errs.New(errs.ErrConflict, "assessment.nothing_to_rank")
	}
	now := s.now()
	rk.PublishedAt = &now
	body, err := json.Marshal(rk)
	if err != nil {
		return Ranking{}, err
	}
	row := publicationRow{VersionID: v.ID, Year: req.Year, PublishedBy: p.UserID, Result: string(body), CreatedAt: now}
	if err := s.Store.AddPublication(ctx, &row); err != nil {
		return Ranking{}, err
	}
	rk.PublicationID = row.ID
	if s.Log != nil {
		s.Log.InfoContext(ctx, "assessment: ranking published", "publication_id", row.ID, "version", v.Code, "year", req.Year, "user_id", p.UserID)
	}
	return rk, nil
}

// Publications lists the published rankings, newest year first.
func (s *Service) Publications(ctx context.Context) ([]Publication, error) {
	return s.Store.Publications(ctx)
}

// Published returns published ranking id exactly as it was stored.
func (s *Service) Published(ctx context.Context, id int64) (Ranking, error) {
	row, err := s.Store.Publication(ctx, id)
	if err != nil {
		return Ranking{}, err
	}
	var rk Ranking
	if err := json.Unmarshal([]byte(row.Result), &rk); err != nil {
		return Ranking{}, err
	}
	rk.PublicationID = row.ID
	return rk, nil
}

// WriteCSV writes rk as a spreadsheet: one row per zone with its rank, composite and category
// scores.
func WriteCSV(w io.Writer, rk Ranking, l web.Locale) error {
	sw, err := sheet.NewWriter(w)
	if err != nil {
		return err
	}
	head := []string{"rank", "zone", "province", "region", "composite"}
	for _, c := range rk.Categories {
		name := c.NameEn
		if l == web.LocaleZh {
			name = c.NameZh
		}
		head = append(head, name+" ("+formatWeight(c.Weight)+"%)")
	}
	head = append(head, CodeForeignInvestment, CodeForeignTrade)
	if err := sw.Row(head...); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	for _, z := range rk.Zones {
		name := z.NameEn
		if l == web.LocaleZh {
			name = z.NameZh
		}
		row := []string{strconv.Itoa(z.Rank), name, z.Province, z.Region, f(z.Composite)}
		for _, c := range z.Categories {
			row = append(row, f(c))
		}
		row = append(row, strconv.FormatFloat(z.ForeignInvestment, 'f', -1, 64), strconv.FormatFloat(z.ForeignTrade, 'f', -1, 64))
		if err := sw.Row(row...); err != nil {
			return err
		}
	}
	return sw.Flush()
}
