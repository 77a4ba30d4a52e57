package project

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/db/dbtest"
	"zonefair/app/zone"
)

// storeFixture makes a zone and returns a Store with functions that make the n-th investor
// and a project of the zone; name keeps their slugs and emails apart from other tests'.
func storeFixture(t *testing.T, g *gorm.DB, name string) (*Store, zone.Zone, func(n int) int64, func(title string) int64) {
	t.Helper()
	ctx := context.Background()
	s := NewStore(g)
	z := zone.Zone{Slug: name + "-zone", NameZh: "本区", NameEn: "Home Zone", Province: "jiangsu", Region: "east"}
	if err := zone.NewStore(g).Create(ctx, &z); err != nil {
		t.Fatal(err)
	}
	investor := func(n int) int64 {
		u := account.User{Email: fmt.Sprintf("%s-inv%d@example.test", name, n), Name: fmt.Sprintf("Investor %d", n), Role: "investor", Locale: "en"}
		if err := account.NewStore(g).Create(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	project := func(title string) int64 {
		pr := Project{ZoneID: z.ID, TitleZh: title, TitleEn: title, Industry: "equipment", Currency: "CNY", Status: Open}
		if err := s.CreateProject(ctx, &pr); err != nil {
			t.Fatal(err)
		}
		return pr.ID
	}
	return s, z, investor, project
}

// TestFollowers counts every follower of each project in the same query that tells which
// projects the caller follows: a project followed by others only counts them and is not the
// caller's, one nobody follows is absent, and nobody (0) follows none.
func TestFollowers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		s, _, investor, project := storeFixture(t, g, "followers")
		users := []int64{investor(1), investor(2), investor(3)}
		ids := []int64{project("mine"), project("theirs"), project("nobody's")}
		me, now := users[0], time.Now()
		for _, f := range []struct{ project, user int64 }{{ids[0], me}, {ids[0], users[1]}, {ids[1], users[1]}, {ids[1], users[2]}} {
			if err := s.SetFollow(ctx, f.project, f.user, true, now); err != nil {
				t.Fatal(err)
			}
		}
		counts, mine, err := s.Followers(ctx, ids, me)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[int64]int{ids[0]: 2, ids[1]: 2}; !maps.Equal(counts, want) {
			t.Errorf("counts %v, want %v", counts, want)
		}
		if want := map[int64]bool{ids[0]: true}; !maps.Equal(mine, want) {
			t.Errorf("followed by the caller %v, want %v", mine, want)
		}
		if _, mine, err := s.Followers(ctx, ids, 0); err != nil || len(mine) != 0 {
			t.Errorf("nobody follows %v, %v", mine, err)
		}
	})
}
