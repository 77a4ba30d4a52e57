package seed

import (
	"context"
	"hash/fnv"
	"math"
	"time"

	"gorm.io/gorm"

	"zonefair/app/actor"
	"zonefair/app/assessment"
	"zonefair/app/zone"
)

// Demo assessment years: the first two are approved and published, so the later one shows the
// exit-warning list; the last is not yet published: the first zone's staff still have to report
// it, the zones in demoAwaiting wait for a reviewer, and the others are approved.
var demoAssessmentYears = []int{2023, 2024, 2025}

// demoAwaiting are the zones whose latest year waits for review: in Jiangsu (the demo province
// reviewer's) two for the province and one passed on to the ministry, and one in Shaanxi (the
// other province reviewer's).
var demoAwaiting = map[string]string{
	"kunshan-etdz": assessment.StatusSubmitted,
	"nanjing-etdz": assessment.StatusSubmitted,
	"nantong-etdz": assessment.StatusReviewed,
	"xian-etdz":    assessment.StatusSubmitted,
}

// demoAssessment loads the 2021 edition and plausible yearly values for the demo zones.
func demoAssessment(ctx context.Context, g *gorm.DB) error {
	svc := &assessment.Service{Store: assessment.NewStore(g), Zones: zone.NewStore(g)}
	if err := svc.Store.EnsureDefault(ctx, time.Now().UTC()); err != nil {
		return err
	}
	zones := zone.NewStore(g)
	admin := &actor.Actor{Role: actor.RoleAdmin, Name: "seed"}
	for _, year := range demoAssessmentYears {
		for i, dz := range zone.DemoZones {
			if year == demoAssessmentYears[len(demoAssessmentYears)-1] && i == 0 {
				continue
			}
			z, err := zones.BySlug(ctx, dz.Slug)
			if err != nil {
				return err
			}
			if status, ok := demoAwaiting[dz.Slug]; ok && year == demoAssessmentYears[len(demoAssessmentYears)-1] {
				if err := svc.LoadAt(ctx, z.ID, year, demoValues(i, dz.Slug, year), z.NameZh+" "+z.NameEn, status); err != nil {
					return err
				}
				continue
			}
			if err := svc.LoadApproved(ctx, z.ID, year, demoValues(i, dz.Slug, year), "商务部 Ministry of Commerce"); err != nil {
				return err
			}
		}
	}
	for _, year := range demoAssessmentYears[:2] {
		if err := svc.PublishIfMissing(ctx, admin, year); err != nil {
			return err
		}
	}
	return nil
}

// demoValues makes up a zone's figures for a year: larger for the zones listed first (the
// largest real ones), with a stable per-zone profile and a little yearly noise.
func demoValues(index int, slug string, year int) map[string]float64 {
	h := fnv.New64a()
	h.Write([]byte(slug))
	seed := h.Sum64()
	unit := func(k uint64) float64 { // stable pseudo-random number in [0, 1)
		x := seed ^ (k * 0x9E3779B97F4A7C15)
		x ^= x >> 33
		x *= 0xff51afd7ed558ccd
		x ^= x >> 33
		return float64(x%10000) / 10000
	}
	t := float64(year - 2023)
	noise := func(k uint64) float64 { return 0.9 + 0.2*unit(k*31+uint64(year)) }
	s := math.Max(0.35, 1.6-0.04*float64(index)+0.2*unit(1)) // scale
	open, innov, green := 0.5+unit(2), 0.5+unit(3), 0.5+unit(4)
	growth := 1 + 0.05*t
	r := func(v float64, digits int) float64 { p := math.Pow(10, float64(digits)); return math.Round(v*p) / p }
	return map[string]float64{
		assessment.CodeForeignInvestment: r(2+25*s*open*growth*noise(1), 2),
		assessment.CodeForeignTrade:      r(100+3000*s*open*growth*noise(2), 1),
		"foreign_enterprises":            math.Round(200 + 3000*s*open*noise(3)),
		"export_growth":                  r(-5+15*open*noise(4)+2*t, 1),
		"gdp":                            r(300+2500*s*growth*noise(5), 1),
		"tax_revenue":                    r(40+400*s*growth*noise(6), 1),
		"output_per_km2":                 r(10+60*s*noise(7), 2),
		"industrial_growth":              r(2+6*s*noise(8), 1),
		"rd_intensity":                   r(1+3*innov*noise(9), 2),
		"high_tech_enterprises":          math.Round(50 + 1500*s*innov*noise(10)),
		"invention_patents":              r(20+150*innov*noise(11), 1),
		"energy_per_output":              r(0.2+0.4/green*noise(12), 3),
		"water_per_output":               r(3+15/green*noise(13), 2),
		"wastewater_treated":             r(math.Min(100, 85+10*green*noise(14)), 1),
		"new_urban_jobs":                 math.Round(5000 + 60000*s*noise(15)),
		"cooperation_projects":           math.Round(5 + 30*(2.2-s)*noise(16)),
	}
}
