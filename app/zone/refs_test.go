package zone_test

import (
	"context"
	"slices"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
	"zonefair/app/zone"
)

// TestRefsByIDAndProvince: other packages name and place zones by id lists, each zone once
// however often it is asked for, unknown ids left out, and find the zones of a province.
func TestRefsByIDAndProvince(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		s := zone.NewStore(g)
		sip := zone.Zone{Slug: "sip", NameZh: "苏州工业园区", NameEn: "Suzhou Industrial Park", Province: "jiangsu", Region: "east", DescriptionEn: "long text"}
		kunshan := zone.Zone{Slug: "kunshan", NameZh: "昆山经开区", NameEn: "Kunshan ETDZ", Province: "jiangsu", Region: "east"}
		xian := zone.Zone{Slug: "xian", NameZh: "西安经开区", NameEn: "Xi'an ETDZ", Province: "shaanxi", Region: "west"}
		for _, z := range []*zone.Zone{&sip, &kunshan, &xian} {
			if err := s.Create(ctx, z); err != nil {
				t.Fatal(err)
			}
		}

		refs, err := s.RefsByID(ctx, []int64{xian.ID, sip.ID, xian.ID, 999999})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]zone.Ref{
			sip.ID:  {ID: sip.ID, Slug: "sip", NameZh: "苏州工业园区", NameEn: "Suzhou Industrial Park", Province: "jiangsu", Region: "east"},
			xian.ID: {ID: xian.ID, Slug: "xian", NameZh: "西安经开区", NameEn: "Xi'an ETDZ", Province: "shaanxi", Region: "west"},
		}
		if len(refs) != len(want) {
			t.Fatalf("refs of two known zones, one asked twice, and an unknown one: %+v", refs)
		}
		for id, w := range want {
			if refs[id] != w {
				t.Errorf("zone %d: %+v, want %+v", id, refs[id], w)
			}
		}
		if refs, err := s.RefsByID(ctx, nil); err != nil || len(refs) != 0 {
			t.Fatalf("no ids: %+v, %v", refs, err)
		}
		// A list longer than one query's batch still finds every zone.
		long := make([]int64, 0, 2500)
		for i := range 2500 {
			long = append(long, int64(100000+i))
		}
		long = append(long, kunshan.ID)
		if refs, err := s.RefsByID(ctx, long); err != nil || len(refs) != 1 || refs[kunshan.ID].NameEn != "Kunshan ETDZ" {
			t.Fatalf("a long list: %+v, %v", refs, err)
		}

		for _, c := range []struct {
			province string
			want     []int64
		}{{"jiangsu", []int64{sip.ID, kunshan.ID}}, {"shaanxi", []int64{xian.ID}}, {"tibet", []int64{}}, {"", []int64{}}} {
			ids, err := s.IDsInProvince(ctx, c.province)
			if err != nil || !slices.Equal(ids, c.want) {
				t.Errorf("zones of %q: %v, %v; want %v", c.province, ids, err, c.want)
			}
		}
	})
}
