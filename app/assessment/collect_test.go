package assessment

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/actor"
	"zonefair/app/db/dbtest"
	"zonefair/app/errs"
	"zonefair/app/zone"
)

// TestSubmissionListsAndRankingNames: each caller lists the submissions they may see — a
// zone's staff their zone's, province staff their province's, admins all, others none —
// newest year first, then by zone name, each with its zone's names and place and how far it
// is filled; a ranking names and places every zone it ranks.
func TestSubmissionListsAndRankingNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		zs := zone.NewStore(g)
		beta := zone.Zone{Slug: "beta", NameZh: "贝塔园区", NameEn: "Beta Park", Province: "jiangsu", Region: "east"}
		alpha := zone.Zone{Slug: "alpha", NameZh: "阿尔法园区", NameEn: "Alpha Park", Province: "jiangsu", Region: "east"}
		xian := zone.Zone{Slug: "xian", NameZh: "西安经开区", NameEn: "Xi'an ETDZ", Province: "shaanxi", Region: "west"}
		for _, z := range []*zone.Zone{&beta, &alpha, &xian} {
			if err := zs.Create(ctx, z); err != nil {
				t.Fatal(err)
			}
		}
		s := &Service{Store: NewStore(g), Zones: zs, Now: func() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }}
		if err := s.Store.EnsureDefault(ctx, s.now()); err != nil {
			t.Fatal(err)
		}
		v, err := s.Store.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		values := func(scale float64) map[string]float64 {
			m := map[string]float64{}
			for _, ind := range v.Indicators() {
				val := ind.Min + (ind.Max-ind.Min)*scale
				if u, _ := UnitByCode(ind.Unit); u.Integer {
					val = math.Trunc(val)
				}
				m[ind.Code] = val
			}
			return m
		}
		for i, z := range []zone.Zone{beta, alpha, xian} {
			if err := s.LoadApproved(ctx, z.ID, 2024, values(0.1+0.2*float64(i)), "ministry"); err != nil {
				t.Fatal(err)
			}
		}
		for _, z := range []zone.Zone{xian, beta} {
			if err := s.LoadAt(ctx, z.ID, 2025, values(0.5), z.NameEn, StatusSubmitted); err != nil {
				t.Fatal(err)
			}
		}

		type item struct {
			year int
			zone int64
		}
		list := func(p *actor.Actor, f SubmissionFilter) ([]item, error) {
			subs, err := s.List(ctx, p, f)
			var out []item
			for _, sub := range subs {
				out = append(out, item{sub.Year, sub.ZoneID})
				z := map[int64]zone.Zone{beta.ID: beta, alpha.ID: alpha, xian.ID: xian}[sub.ZoneID]
				if sub.ZoneNameEn != z.NameEn || sub.ZoneNameZh != z.NameZh || sub.Province != z.Province || sub.Region != z.Region ||
					sub.Total == 0 || sub.Filled != sub.Total || sub.Returned != 0 {
					t.Errorf("submission %+v of zone %+v", sub, z)
				}
			}
			return out, err
		}
		admin := &actor.Actor{UserID: 1, Role: actor.RoleAdmin}
		for _, c := range []struct {
			who  string
			p    *actor.Actor
			f    SubmissionFilter
			want []item
		}{
			{"admin", admin, SubmissionFilter{}, []item{{2025, beta.ID}, {2025, xian.ID}, {2024, alpha.ID}, {2024, beta.ID}, {2024, xian.ID}}},
			{"admin, submitted", admin, SubmissionFilter{Status: StatusSubmitted}, []item{{2025, beta.ID}, {2025, xian.ID}}},
			{"admin, one zone", admin, SubmissionFilter{ZoneID: alpha.ID}, []item{{2024, alpha.ID}}},
			{"Jiangsu", &actor.Actor{UserID: 2, Role: actor.RoleProvince, Province: "jiangsu"}, SubmissionFilter{}, []item{{2025, beta.ID}, {2024, alpha.ID}, {2024, beta.ID}}},
			{"Jiangsu, 2024", &actor.Actor{UserID: 2, Role: actor.RoleProvince, Province: "jiangsu"}, SubmissionFilter{Year: 2024}, []item{{2024, alpha.ID}, {2024, beta.ID}}},
			{"a province without zones", &actor.Actor{UserID: 3, Role: actor.RoleProvince, Province: "xizang"}, SubmissionFilter{}, nil},
			{"Beta's staff", &actor.Actor{UserID: 4, Role: actor.RoleZoneStaff, ZoneID: beta.ID}, SubmissionFilter{}, []item{{2025, beta.ID}, {2024, beta.ID}}},
			{"Beta's staff naming another zone", &actor.Actor{UserID: 4, Role: actor.RoleZoneStaff, ZoneID: beta.ID}, SubmissionFilter{ZoneID: xian.ID}, nil},
		} {
			got, err := list(c.p, c.f)
			if err != nil || len(got) != len(c.want) {
				t.Errorf("%s: %v, %v; want %v", c.who, got, err, c.want)
				continue
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("%s: %v, want %v", c.who, got, c.want)
					break
				}
			}
		}
		for _, p := range []*actor.Actor{{UserID: 5, Role: actor.RoleInvestor}, nil} {
			if _, err := s.List(ctx, p, SubmissionFilter{}); !errors.Is(err, errs.ErrForbidden) {
				t.Errorf("%+v listing submissions: %v", p, err)
			}
		}

		rk, err := s.Publish(ctx, admin, PublishRequest{VersionID: v.ID, Year: 2024})
		if err != nil || len(rk.Zones) != 3 {
			t.Fatalf("the 2024 ranking: %+v, %v", rk.Zones, err)
		}
		for _, z := range rk.Zones {
			want := map[int64]zone.Zone{beta.ID: beta, alpha.ID: alpha, xian.ID: xian}[z.ZoneID]
			if z.Slug != want.Slug || z.NameEn != want.NameEn || z.NameZh != want.NameZh || z.Province != want.Province || z.Region != want.Region {
				t.Errorf("ranked zone %+v, want the names and place of %+v", z, want)
			}
		}
		stored, err := s.Published(ctx, rk.PublicationID)
		if err != nil || len(stored.Zones) != 3 || stored.Zones[0].NameEn != rk.Zones[0].NameEn {
			t.Fatalf("the stored ranking: %+v, %v", stored.Zones, err)
		}
		_, err = s.Publish(ctx, admin, PublishRequest{VersionID: v.ID, Year: 2024})
		var e *errs.Error
		if !errors.As(err, &e) || e.Key != "assessment.ranking_published" {
			t.Fatalf("publishing a year twice: %v", err)
		}
	})
}
