package monitor

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/db/dbtest"
	"zonefair/app/errs"
	"zonefair/app/zone"
)

// newService stores zones and returns a monitoring service on g on 2026-11-20 (after the due
// day of October's reports).
func newService(t *testing.T, g *gorm.DB, zones ...*zone.Zone) *Service {
	t.Helper()
	zs := zone.NewStore(g)
	for _, z := range zones {
		if err := zs.Create(context.Background(), z); err != nil {
			t.Fatal(err)
		}
	}
	return &Service{Store: NewStore(g), Zones: zs, Users: account.NewStore(g), Now: func() time.Time { return time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC) }}
}

// TestSubmitForAnotherZoneRefused: zone staff naming another zone in a report are refused,
// and nothing is stored for either zone (the report used to be filed silently under the
// caller's own zone). Naming their own zone, or none, files it for their zone; admins name any.
func TestSubmitForAnotherZoneRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		home := zone.Zone{Slug: "home", NameZh: "本区", NameEn: "Home", Province: "jiangsu", Region: "east"}
		other := zone.Zone{Slug: "other", NameZh: "他区", NameEn: "Other", Province: "tianjin", Region: "east"}
		s := newService(t, g, &home, &other)
		if err := s.SetKeyZones(ctx, KeyZonesInput{ZoneIDs: []int64{home.ID, other.ID}}); err != nil {
			t.Fatal(err)
		}
		staff := &actor.Actor{UserID: 5, Role: actor.RoleZoneStaff, ZoneID: home.ID}
		in := ReportInput{ZoneID: other.ID, Month: "2026-10", Imports: 1, Exports: 2, FDIContracted: 3, FDIActual: 4}
		if _, err := s.Submit(ctx, staff, in); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("staff reporting for another zone: %v, want forbidden", err)
		}
		var n int64
		if err := g.Model(&Report{}).Count(&n).Error; err != nil || n != 0 {
			t.Fatalf("%d reports stored (%v)", n, err)
		}
		in.ZoneID = home.ID
		if r, err := s.Submit(ctx, staff, in); err != nil || r.ZoneID != home.ID {
			t.Fatalf("own zone: %+v %v", r, err)
		}
		in.ZoneID, in.Month = 0, "2026-09"
		if r, err := s.Submit(ctx, staff, in); err != nil || r.ZoneID != home.ID {
			t.Fatalf("no zone named: %+v %v", r, err)
		}
		in.ZoneID = other.ID
		if r, err := s.Submit(ctx, &actor.Actor{UserID: 1, Role: actor.RoleAdmin}, in); err != nil || r.ZoneID != other.ID {
			t.Fatalf("admin: %+v %v", r, err)
		}
	})
}
