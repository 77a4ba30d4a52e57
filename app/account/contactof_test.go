package account

import (
	"context"
	"testing"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"zonefair/app/actor"
	"zonefair/app/db/dbtest"
	"zonefair/app/zone"
)

// NameOf and EmailOf let another package's query select, filter and sort by the user a row
// names, in that query.
func TestNameAndEmailOf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		s := NewStore(g)
		bo := User{Email: "Bo@example.test", Name: "Bo", Role: actor.RoleGraduate, Locale: "en"}
		al := User{Email: "al@example.test", Name: "Al", Role: actor.RoleGraduate, Locale: "en"}
		for _, u := range []*User{&bo, &al} {
			if err := s.Create(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		// Rows of another table holding user ids: here users themselves, seen under another name.
		uid := clause.Column{Table: "rows", Name: "id"}
		var got []struct {
			ID          int64
			Name, Email string
		}
		err := g.WithContext(ctx).Table("users AS rows").Select("rows.id, (?) AS name, (?) AS email", s.NameOf(uid), s.EmailOf(uid)).
			Where("rows.id IN ?", []int64{bo.ID, al.ID}).Where("LOWER((?)) LIKE ?", s.NameOf(uid), "%o%").
			Order(clause.OrderBy{Expression: clause.Expr{SQL: "(?) ASC", Vars: []any{s.NameOf(uid)}, WithoutParentheses: true}}).
			Scan(&got).Error
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != bo.ID || got[0].Name != "Bo" || got[0].Email != "bo@example.test" {
			t.Errorf("filtered by name: %+v", got)
		}
		got = nil
		err = g.WithContext(ctx).Table("users AS rows").Select("rows.id, (?) AS name", s.NameOf(uid)).
			Where("rows.id IN ?", []int64{bo.ID, al.ID}).
			Order(clause.OrderBy{Expression: clause.Expr{SQL: "(?) ASC", Vars: []any{s.NameOf(uid)}, WithoutParentheses: true}}).
			Scan(&got).Error
		if err != nil || len(got) != 2 || got[0].Name != "Al" || got[1].Name != "Bo" {
			t.Errorf("sorted by name: %+v, %v", got, err)
		}
	})
}

// EnterpriseStaff lists an enterprise's staff only: not its zone's staff, nor another
// enterprise's.
func TestEnterpriseStaff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		s, zones := NewStore(g), zone.NewStore(g)
		z := zone.Zone{Slug: "staff-zone", NameZh: "园区", NameEn: "Park", Province: "jiangsu", Region: "east"}
		if err := zones.Create(ctx, &z); err != nil {
			t.Fatal(err)
		}
		a, b := zone.Enterprise{ZoneID: z.ID, NameEn: "A"}, zone.Enterprise{ZoneID: z.ID, NameEn: "B"}
		for _, e := range []*zone.Enterprise{&a, &b} {
			if err := zones.CreateEnterprise(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		users := []User{
			{Email: "hr1@a.test", Name: "HR 1", Role: actor.RoleEnterprise, ZoneID: &z.ID, EnterpriseID: &a.ID},
			{Email: "hr2@a.test", Name: "HR 2", Role: actor.RoleEnterprise, ZoneID: &z.ID, EnterpriseID: &a.ID},
			{Email: "hr@b.test", Name: "HR B", Role: actor.RoleEnterprise, ZoneID: &z.ID, EnterpriseID: &b.ID},
			{Email: "staff@zone.test", Name: "Staff", Role: actor.RoleZoneStaff, ZoneID: &z.ID},
		}
		for i := range users {
			if err := s.Create(ctx, &users[i]); err != nil {
				t.Fatal(err)
			}
		}
		ids, err := s.EnterpriseStaff(ctx, a.ID)
		if err != nil || len(ids) != 2 || ids[0] != users[0].ID || ids[1] != users[1].ID {
			t.Errorf("enterprise A's staff = %v, %v; want %d, %d", ids, err, users[0].ID, users[1].ID)
		}
		none := zone.Enterprise{ZoneID: z.ID, NameEn: "C"}
		if err := zones.CreateEnterprise(ctx, &none); err != nil {
			t.Fatal(err)
		}
		if ids, err := s.EnterpriseStaff(ctx, none.ID); err != nil || ids == nil || len(ids) != 0 {
			t.Errorf("an enterprise without staff: %v, %v", ids, err)
		}
	})
}
