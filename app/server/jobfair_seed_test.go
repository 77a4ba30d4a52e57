package server_test

import (
	"context"
	"testing"
	"time"

	"zonefair/app/account"
	"zonefair/app/actor"

	"gorm.io/gorm"

	"zonefair/app/jobfair"
	"zonefair/app/seed"
	"zonefair/app/zone"
)

// TestDemoJobFair: the demo has one open fair across every seeded zone with bilingual jobs a
// Chinese search finds, and the demo graduate's applications; seeding again adds nothing.
func TestDemoJobFair(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background() // g is a copy of the seeded demo
		var jobs1 int64
		g.Model(&jobfair.Job{}).Count(&jobs1)
		if _, err := seed.Demo(ctx, g); err != nil {
			t.Fatal(err)
		}
		store := jobfair.NewStore(g, zone.NewStore(g), account.NewStore(g))
		now := time.Now()
		fairs, err := store.Fairs(ctx, now)
		if err != nil || len(fairs) != 1 || fairs[0].Phase != jobfair.PhaseOpen || len(fairs[0].ZoneIDs) != len(zone.DemoZones) {
			t.Fatalf("fairs: %+v, %v", fairs, err)
		}
		var jobs2 int64
		g.Model(&jobfair.Job{}).Count(&jobs2)
		if jobs1 < 60 || jobs1 != jobs2 {
			t.Fatalf("jobs: %d, then %d after a second seed", jobs1, jobs2)
		}
		for _, q := range []string{"会计", "机械", "engineer", "Java 开发"} {
			res, err := store.Search(ctx, jobfair.Query{Q: q}, now)
			if err != nil || res.Total == 0 {
				t.Errorf("search %q: %d hits, %v", q, res.Total, err)
			}
		}
		var grad struct{ ID int64 }
		g.Table("users").Where("email = ?", "graduate@zonefair.test").Scan(&grad)
		apps, err := store.Mine(ctx, grad.ID)
		if err != nil || len(apps) != 3 {
			t.Fatalf("demo applications: %+v, %v", apps, err)
		}
		var ent struct{ ID, ZoneID, EnterpriseID int64 }
		g.Table("users").Where("email = ?", "hr.enterprise@zonefair.test").Scan(&ent)
		page, err := store.Applicants(ctx, &actor.Actor{Role: actor.RoleEnterprise, ZoneID: ent.ZoneID, EnterpriseID: ent.EnterpriseID}, jobfair.ApplicantQuery{})
		if err != nil || page.Total == 0 {
			t.Fatalf("the demo enterprise has no applicants: %+v, %v", page, err)
		}
		statuses := map[string]int{}
		for _, a := range apps {
			statuses[a.Status]++
		}
		if statuses["interview"] != 1 {
			t.Fatalf("statuses: %v", statuses)
		}
	})
}
