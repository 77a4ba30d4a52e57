package server_test

import (
	"context"
	"fmt"
	"testing"

	"zonefair/app/actor"

	"gorm.io/gorm"

	"zonefair/app/seed"
	"zonefair/app/signing"
)

// TestDemoSigning: the demo has a template and one agreement sent by the demo zone's staff to
// the demo investor, waiting for the zone; seeding again adds nothing.
func TestDemoSigning(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		// A copy of the seeded demo: seeding again adds nothing.
		if _, err := seed.Demo(ctx, g); err != nil {
			t.Fatal(err)
		}
		var as []signing.Agreement
		if err := g.Find(&as).Error; err != nil || len(as) != 1 {
			t.Fatalf("agreements: %d, %v", len(as), err)
		}
		var staff, investor struct{ ID int64 }
		g.Table("users").Where("email = ?", "staff.suzhou@zonefair.test").Scan(&staff)
		g.Table("users").Where("email = ?", "investor@zonefair.test").Scan(&investor)
		d, err := signing.NewStore(g).Detail(ctx, &actor.Actor{UserID: investor.ID, Role: actor.RoleInvestor}, as[0].ID, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != signing.StatusSent || len(d.OriginalSHA256) != 64 || len(d.Recipients) != 2 || d.Recipients[0].UserID != staff.ID || d.Me == nil || d.Me.YourTurn {
			t.Fatalf("demo agreement: %+v", d)
		}
		store := signing.NewStore(g)
		key := fmt.Sprint(as[0].ID)
		if !store.CanWatch(ctx, &actor.Actor{UserID: investor.ID, Role: actor.RoleInvestor}, key) ||
			store.CanWatch(ctx, &actor.Actor{UserID: 999999, Role: actor.RoleInvestor}, key) || store.CanWatch(ctx, &actor.Actor{UserID: investor.ID, Role: actor.RoleInvestor}, "x") {
			t.Fatal("live channel rights: a party must watch, nobody else")
		}
		if len(d.Fields) != 6 || d.PageCount < 3 {
			t.Fatalf("demo fields %d, pages %d", len(d.Fields), d.PageCount)
		}
	})
}
