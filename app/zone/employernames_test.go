package zone

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
)

// The names of zones and enterprises come in one query, whatever the number of ids; ids that
// do not exist are left out, and the two kinds of ids never mix.
func TestEmployerNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		s := NewStore(g)
		z := Zone{Slug: "names-zone", NameZh: "苏州工业园区", NameEn: "Suzhou Industrial Park", Province: "jiangsu", Region: "east"}
		if err := s.Create(ctx, &z); err != nil {
			t.Fatal(err)
		}
		e := Enterprise{ZoneID: z.ID, NameZh: "博世", NameEn: "Bosch", Industry: "equipment", Ownership: "foreign"}
		if err := s.CreateEnterprise(ctx, &e); err != nil {
			t.Fatal(err)
		}
		counted, n := dbtest.Counting(g)
		zones, ents, err := NewStore(counted).EmployerNames(ctx, []int64{z.ID, z.ID + 1000}, []int64{e.ID, e.ID + 1000})
		if err != nil {
			t.Fatal(err)
		}
		if got := n.Load(); got != 1 {
			t.Errorf("%d queries, want 1", got)
		}
		if len(zones) != 1 || zones[z.ID] != (Name{"苏州工业园区", "Suzhou Industrial Park"}) {
			t.Errorf("zones = %v", zones)
		}
		if len(ents) != 1 || ents[e.ID] != (Name{"博世", "Bosch"}) {
			t.Errorf("enterprises = %v", ents)
		}
		// Only zone ids: no enterprise is read.
		zones, ents, err = s.EmployerNames(ctx, []int64{z.ID}, nil)
		if err != nil || len(zones) != 1 || len(ents) != 0 {
			t.Errorf("zones only: %v, %v, %v", zones, ents, err)
		}
		n.Store(0)
		zones, ents, err = NewStore(counted).EmployerNames(ctx, nil, nil)
		if err != nil || len(zones)+len(ents) != 0 || n.Load() != 0 {
			t.Errorf("no ids: %v, %v, %v, %d queries", zones, ents, err, n.Load())
		}
	})
}

// Details gives zones with their industries and enterprises, in region, province and name
// order, in three queries.
func TestDetails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		s := NewStore(g)
		west := Zone{Slug: "details-west", NameZh: "西安高新区", NameEn: "Xi'an Hi-tech Zone", Province: "shaanxi", Region: "west", Industries: []string{"software", "aerospace"}}
		east := Zone{Slug: "details-east", NameZh: "昆山开发区", NameEn: "Kunshan ETDZ", Province: "jiangsu", Region: "east"}
		other := Zone{Slug: "details-other", NameZh: "其他", NameEn: "Other", Province: "jiangsu", Region: "east"}
		for _, z := range []*Zone{&west, &east, &other} {
			if err := s.Create(ctx, z); err != nil {
				t.Fatal(err)
			}
		}
		for _, e := range []Enterprise{{ZoneID: west.ID, NameEn: "Zeta", NameZh: "泽塔"}, {ZoneID: west.ID, NameEn: "Alpha", NameZh: "阿尔法"}, {ZoneID: other.ID, NameEn: "Elsewhere"}} {
			if err := s.CreateEnterprise(ctx, &e); err != nil {
				t.Fatal(err)
			}
		}
		counted, n := dbtest.Counting(g)
		got, err := NewStore(counted).Details(ctx, []int64{west.ID, east.ID, east.ID, 999999})
		if err != nil {
			t.Fatal(err)
		}
		if n.Load() != 3 {
			t.Errorf("%d queries, want 3", n.Load())
		}
		if len(got) != 2 || got[0].ID != east.ID || got[1].ID != west.ID {
			t.Fatalf("details = %+v", got)
		}
		if len(got[0].Enterprises) != 0 || got[0].Enterprises == nil || len(got[0].Industries) != 0 || got[0].Industries == nil || got[0].ProvinceEn == "" {
			t.Errorf("east = %+v", got[0])
		}
		w := got[1]
		if len(w.Enterprises) != 2 || w.Enterprises[0].NameEn != "Alpha" || w.Enterprises[1].NameEn != "Zeta" || w.EnterpriseCount != 2 {
			t.Errorf("west's enterprises = %+v (%d)", w.Enterprises, w.EnterpriseCount)
		}
		if len(w.Industries) != 2 || w.Industries[0] != "aerospace" || w.Industries[1] != "software" {
			t.Errorf("west's industries = %v", w.Industries)
		}
		if got, err := s.Details(ctx, nil); err != nil || got == nil || len(got) != 0 {
			t.Errorf("no ids: %v, %v", got, err)
		}
	})
}
