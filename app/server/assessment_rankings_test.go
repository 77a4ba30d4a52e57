package server_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/assessment"
	"zonefair/app/seed"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// goldenVersion is the small example worked by hand in app/assessment's engine test.
func goldenVersion() map[string]any {
	ind := func(code string, dir, method string, target float64) map[string]any {
		return map[string]any{"code": code, "nameZh": code, "nameEn": code, "unit": "count", "weight": 50, "direction": dir, "method": method, "target": target, "min": 0, "max": 100}
	}
	return map[string]any{"code": "golden", "nameZh": "示例", "nameEn": "Worked example", "categories": []map[string]any{
		{"code": "a", "nameZh": "甲", "nameEn": "A", "weight": 60, "indicators": []map[string]any{ind("a1", "higher", "minmax", 0), ind("a2", "lower", "minmax", 0)}},
		{"code": "b", "nameZh": "乙", "nameEn": "B", "weight": 40, "indicators": []map[string]any{ind("b1", "higher", "target", 10), ind("b2", "higher", "zscore", 0)}},
	}}
}

// reportApproved takes a zone's values through staff → province → ministry.
func reportApproved(e *env, zoneID int64, province string, year int, vals map[string]float64) {
	e.t.Helper()
	staff := e.assessUser(web.RoleZoneStaff, zoneID, "")
	reviewer := e.assessUser(web.RoleProvince, 0, province)
	var d assessment.Detail
	staff.do("POST", "/api/v1/assessment/submissions", map[string]any{"year": year}).want(200).json(&d)
	var in []map[string]any
	for code, v := range vals {
		in = append(in, map[string]any{"code": code, "value": v})
	}
	path := fmt.Sprintf("/api/v1/assessment/submissions/%d", d.ID)
	staff.do("PUT", path+"/values", map[string]any{"values": in}).want(200)
	staff.do("POST", path+"/submit", nil).want(200)
	reviewer.do("POST", path+"/approve", nil).want(200)
	e.as(web.RoleAdmin).do("POST", path+"/approve", nil).want(200)
}

// TestAssessmentGoldenThroughAPI publishes the hand-computed example through the API and
// checks the stored ranking against the hand computation.
func TestAssessmentGoldenThroughAPI(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.as(web.RoleAdmin)
		var v assessment.Version
		admin.do("POST", "/api/v1/assessment/versions", goldenVersion()).want(201).json(&v)
		if v.Status != assessment.VersionDraft {
			t.Fatalf("new version is %s", v.Status)
		}
		admin.do("POST", "/api/v1/assessment/rankings", map[string]any{"versionId": v.ID, "year": 2030}).want(409) // draft
		admin.do("POST", fmt.Sprintf("/api/v1/assessment/versions/%d/publish", v.ID), nil).want(200)
		admin.do("POST", fmt.Sprintf("/api/v1/assessment/versions/%d/publish", v.ID), nil).want(409)
		admin.do("DELETE", fmt.Sprintf("/api/v1/assessment/versions/%d", v.ID), nil).want(409)

		zoneC := zone.Zone{Slug: "zone-c", NameZh: "丙区", NameEn: "Zone C", Province: "hubei", Region: "central"}
		if err := zone.NewStore(e.db).Create(context.Background(), &zoneC); err != nil {
			t.Fatal(err)
		}
		reportApproved(e, e.zoneA.ID, e.zoneA.Province, 2030, map[string]float64{"a1": 10, "a2": 5, "b1": 5, "b2": 1})
		reportApproved(e, e.zoneB.ID, e.zoneB.Province, 2030, map[string]float64{"a1": 20, "a2": 15, "b1": 10, "b2": 2})
		reportApproved(e, zoneC.ID, zoneC.Province, 2030, map[string]float64{"a1": 30, "a2": 10, "b1": 20, "b2": 3})

		var rk assessment.Ranking
		admin.do("POST", "/api/v1/assessment/rankings", map[string]any{"versionId": v.ID, "year": 2030}).want(201).json(&rk)
		admin.do("POST", "/api/v1/assessment/rankings", map[string]any{"versionId": v.ID, "year": 2030}).want(409)
		e.anon().do("GET", fmt.Sprintf("/api/v1/assessment/rankings/%d", rk.PublicationID), nil).want(200).json(&rk)
		want := []struct {
			zone      int64
			composite float64
			a, b      float64
		}{{zoneC.ID, 77.4495, 75, 81.1237}, {e.zoneA.ID, 47.5505, 50, 43.8763}, {e.zoneB.ID, 45, 25, 75}}
		if len(rk.Zones) != 3 {
			t.Fatalf("%d zones ranked", len(rk.Zones))
		}
		for i, w := range want {
			z := rk.Zones[i]
			if z.ZoneID != w.zone || z.Rank != i+1 || math.Abs(z.Composite-w.composite) > 1e-4 || math.Abs(z.Categories[0]-w.a) > 1e-4 || math.Abs(z.Categories[1]-w.b) > 1e-4 {
				t.Errorf("place %d: %+v, want %+v", i+1, z, w)
			}
		}
		csv := e.anon().do("GET", fmt.Sprintf("/api/v1/assessment/rankings/%d/csv", rk.PublicationID), nil).want(200)
		if !strings.HasPrefix(string(csv.body), "\ufeffrank,zone") || !strings.Contains(string(csv.body), "1,Zone C,hubei,central,77.45") {
			t.Fatalf("csv %s", csv.body)
		}

		// What-if: the same data with category B weighted up reorders zones A and B, and is
		// not saved; weights that do not add up are refused with the sum.
		var what assessment.Ranking
		admin.do("POST", "/api/v1/assessment/preview", map[string]any{"versionId": v.ID, "year": 2030, "weights": map[string]float64{"a": 20, "b": 80}}).want(200).json(&what)
		if what.Zones[1].ZoneID != e.zoneB.ID || what.PublicationID != 0 {
			t.Fatalf("what-if order %+v", what.Zones)
		}
		res := admin.do("POST", "/api/v1/assessment/preview", map[string]any{"versionId": v.ID, "year": 2030, "weights": map[string]float64{"a": 70, "b": 50}}).want(400)
		if f := errorFields(res); !strings.Contains(f["categories"], "add up to 120") {
			t.Fatalf("weights message %v", f)
		}
		e.as(web.RoleProvince).do("POST", "/api/v1/assessment/preview", map[string]any{"versionId": v.ID, "year": 2030}).want(403)

		// A new version with other weights leaves the published ranking exactly as it was.
		before := e.anon().do("GET", fmt.Sprintf("/api/v1/assessment/rankings/%d", rk.PublicationID), nil).want(200).body
		heavier := goldenVersion()
		heavier["code"] = "golden-b"
		heavier["basedOnId"] = v.ID
		cats := heavier["categories"].([]map[string]any)
		cats[0]["weight"], cats[1]["weight"] = 20, 80
		var v2 assessment.Version
		admin.do("POST", "/api/v1/assessment/versions", heavier).want(201).json(&v2)
		admin.do("POST", fmt.Sprintf("/api/v1/assessment/versions/%d/publish", v2.ID), nil).want(200)
		var rk2 assessment.Ranking
		admin.do("POST", "/api/v1/assessment/rankings", map[string]any{"versionId": v2.ID, "year": 2030}).want(201).json(&rk2)
		after := e.anon().do("GET", fmt.Sprintf("/api/v1/assessment/rankings/%d", rk.PublicationID), nil).want(200).body
		if string(before) != string(after) || rk2.Zones[1].ZoneID != e.zoneB.ID {
			t.Fatal("publishing under a new version changed an old ranking")
		}
	})
}

// TestAssessmentVersionChecks: weights that do not add up and malformed trees are refused with
// a message naming the problem; only admins create versions; drafts are not public.
func TestAssessmentVersionChecks(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.as(web.RoleAdmin)
		bad := goldenVersion()
		cats := bad["categories"].([]map[string]any)
		cats[0]["weight"] = 50
		cats[1]["indicators"].([]map[string]any)[0]["weight"] = 30
		res := admin.do("POST", "/api/v1/assessment/versions", bad).want(400)
		f := errorFields(res)
		if !strings.Contains(f["categories"], "add up to 90") || !strings.Contains(f["categories.1.indicators"], "add up to 80") {
			t.Fatalf("messages %v", f)
		}
		admin.do("POST", "/api/v1/assessment/versions", `{"code":"x","nameZh":"x"`).want(400)
		admin.do("POST", "/api/v1/assessment/versions", map[string]any{"code": "2021", "nameZh": "重复", "nameEn": "Dup", "categories": goldenVersion()["categories"]}).want(409)
		e.as(web.RoleProvince).do("POST", "/api/v1/assessment/versions", goldenVersion()).want(403)
		e.as(web.RoleZoneStaff).do("POST", "/api/v1/assessment/versions", goldenVersion()).want(403)

		var draft assessment.Version
		admin.do("POST", "/api/v1/assessment/versions", goldenVersion()).want(201).json(&draft)
		e.anon().do("GET", fmt.Sprintf("/api/v1/assessment/versions/%d", draft.ID), nil).want(404)
		var cur assessment.Version
		e.anon().do("GET", "/api/v1/assessment/versions/current", nil).want(200).json(&cur)
		if cur.Code != assessment.Edition2021Code || len(cur.Categories) != 5 || cur.Categories[0].Weight != 30 {
			t.Fatalf("current version %+v", cur)
		}
		admin.do("DELETE", fmt.Sprintf("/api/v1/assessment/versions/%d", draft.ID), nil).want(204)
	})
}

// TestDemoAssessment: the demo publishes two years, the later with exit warnings, and leaves the
// first zone's latest year to report; seeding again adds nothing.
func TestDemoAssessment(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, g *gorm.DB) {
		// A copy of the seeded demo: seeding again adds nothing.
		if _, err := seed.Demo(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		svc := &assessment.Service{Store: assessment.NewStore(g), Zones: zone.NewStore(g)}
		pubs, err := svc.Publications(context.Background())
		if err != nil || len(pubs) != 2 || pubs[0].Year != 2024 || pubs[1].Year != 2023 {
			t.Fatalf("publications %+v %v", pubs, err)
		}
		rk, err := svc.Published(context.Background(), pubs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rk.Zones) != len(zone.DemoZones) || len(rk.ExitWarnings) == 0 || len(rk.TopForeignTrade) != 10 || len(rk.Regions) != 4 {
			t.Fatalf("2024: %d zones, %d warnings, %d top trade, %d regions", len(rk.Zones), len(rk.ExitWarnings), len(rk.TopForeignTrade), len(rk.Regions))
		}
		var n int64
		g.Table("assessment_submissions").Where("year = ?", 2025).Count(&n)
		if int(n) != len(zone.DemoZones)-1 {
			t.Fatalf("%d submissions for 2025", n)
		}
	})
}
