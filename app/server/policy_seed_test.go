package server_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/monitor"
	"zonefair/app/policy"
	"zonefair/app/seed"
)

// TestDemoPoliciesAndMonitoring: the demo has a dozen published policies in every state,
// two zone packages, two years of monthly figures for the key zones and a drop alert told to
// the ministry and Jiangsu; seeding again adds nothing.
func TestDemoPoliciesAndMonitoring(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, g *gorm.DB) {
		// A copy of the seeded demo: seeding again adds nothing.
		if _, err := seed.Demo(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		var ps []policy.Policy
		g.Where("status = ?", policy.Published).Find(&ps)
		states := map[string]int{}
		day := policy.Today(time.Now())
		for _, p := range ps {
			states[policy.StateOn(p.EffectiveOn, p.ExpiresOn, day)]++
		}
		if len(ps) < 12 || states[policy.Expired] < 2 || states[policy.Upcoming] < 1 || states[policy.Current] < 8 {
			t.Fatalf("%d demo policies by state: %v", len(ps), states)
		}
		var packages, terms int64
		g.Table("policy_packages").Count(&packages)
		g.Table("policy_terms").Count(&terms)
		if packages != 2 || terms == 0 {
			t.Fatalf("%d packages, %d search terms", packages, terms)
		}
		var reports int64
		g.Model(&monitor.Report{}).Count(&reports)
		if reports != 8*24-2 {
			t.Fatalf("%d monthly reports, want %d", reports, 8*24-2)
		}
		var alerts []monitor.Alert
		g.Find(&alerts)
		if len(alerts) != 1 || alerts[0].Kind != monitor.KindDrop || alerts[0].Indicator != "exports" || *alerts[0].ChangePct > -20 {
			t.Fatalf("demo alerts: %+v", alerts)
		}
		var told int64
		g.Table("notifications n").Joins("JOIN users u ON u.id = n.user_id").Where("n.kind = ? AND u.email IN ?", monitor.KindAlert, []string{"admin@zonefair.test", "province.jiangsu@zonefair.test"}).Count(&told)
		if told != 2 {
			t.Fatalf("the demo alert was told %d times, want 2", told)
		}
	})
}
