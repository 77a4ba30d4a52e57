package monitor

import (
	"context"
	"errors"
	"slices"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/actor"
	"zonefair/app/db/dbtest"
	"zonefair/app/errs"
	"zonefair/app/testenv"
	"zonefair/app/zone"
)

// TestWhoReadsWhichKeyZones: the dashboard, the series and the alerts show each reader the key
// zones they may read — admins all, province staff their province's, zone staff their own —
// each named after its zone; a zone that is not monitored shows nowhere, and alerts are
// acknowledged by the zone's province or the ministry only, once.
func TestWhoReadsWhichKeyZones(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		sip := zone.Zone{Slug: "sip", NameZh: "苏州工业园区", NameEn: "Suzhou Industrial Park", Province: "jiangsu", Region: "east"}
		kunshan := zone.Zone{Slug: "kunshan", NameZh: "昆山经开区", NameEn: "Kunshan ETDZ", Province: "jiangsu", Region: "east"}
		xian := zone.Zone{Slug: "xian", NameZh: "西安经开区", NameEn: "Xi'an ETDZ", Province: "shaanxi", Region: "west"}
		teda := zone.Zone{Slug: "teda", NameZh: "天津经开区", NameEn: "TEDA", Province: "tianjin", Region: "east"}
		s := newService(t, g, &sip, &kunshan, &xian, &teda)
		err := s.SetKeyZones(ctx, KeyZonesInput{ZoneIDs: []int64{kunshan.ID, 999999}})
		testenv.Refused(t, "an unknown key zone", err, errs.ErrInvalid, "field.zone_unknown")
		if err := s.SetKeyZones(ctx, KeyZonesInput{ZoneIDs: []int64{xian.ID, sip.ID, kunshan.ID, sip.ID}}); err != nil {
			t.Fatal(err)
		}
		if ids, err := s.KeyZones(ctx); err != nil || !slices.Equal(ids, []int64{sip.ID, kunshan.ID, xian.ID}) {
			t.Fatalf("key zones: %v, %v", ids, err)
		}

		admin := &actor.Actor{UserID: 1, Role: actor.RoleAdmin}
		jiangsu := &actor.Actor{UserID: 2, Role: actor.RoleProvince, Province: "jiangsu"}
		shaanxi := &actor.Actor{UserID: 3, Role: actor.RoleProvince, Province: "shaanxi"}
		sipStaff := &actor.Actor{UserID: 4, Role: actor.RoleZoneStaff, ZoneID: sip.ID}
		tedaStaff := &actor.Actor{UserID: 5, Role: actor.RoleZoneStaff, ZoneID: teda.ID}
		investor := &actor.Actor{UserID: 6, Role: actor.RoleInvestor}

		// Kunshan reports October 2025 and 2026 with exports down by half: a drop alert.
		for _, r := range []ReportInput{
			{ZoneID: kunshan.ID, Month: "2025-10", Imports: 100, Exports: 200, FDIContracted: 10, FDIActual: 5},
			{ZoneID: kunshan.ID, Month: "2026-10", Imports: 100, Exports: 100, FDIContracted: 10, FDIActual: 5},
			{ZoneID: sip.ID, Month: "2026-10", Imports: 300, Exports: 400, FDIContracted: 30, FDIActual: 20},
		} {
			if _, err := s.Submit(ctx, admin, r); err != nil {
				t.Fatal(err)
			}
		}
		_, err = s.Submit(ctx, admin, ReportInput{ZoneID: teda.ID, Month: "2026-10"})
		testenv.Refused(t, "a report of a zone not monitored", err, errs.ErrConflict, "monitor.not_key_zone")
		// Xi'an has not reported October after the due day: a late alert.
		if n, err := s.CheckLate(ctx); err != nil || n != 1 {
			t.Fatalf("late alerts raised: %d, %v; want Xi'an's", n, err)
		}
		if n, err := s.CheckLate(ctx); err != nil || n != 0 {
			t.Fatalf("late alerts raised again: %d, %v", n, err)
		}

		for _, c := range []struct {
			who       string
			p         *actor.Actor
			zones     []int64
			canReport bool
			alerts    []int64 // zones of the alerts seen
			october   float64 // exports summed over the zones seen
		}{
			{"admin", admin, []int64{sip.ID, kunshan.ID, xian.ID}, true, []int64{xian.ID, kunshan.ID}, 500},
			{"Jiangsu", jiangsu, []int64{sip.ID, kunshan.ID}, false, []int64{kunshan.ID}, 500},
			{"Shaanxi", shaanxi, []int64{xian.ID}, false, []int64{xian.ID}, 0},
			{"Suzhou's staff", sipStaff, []int64{sip.ID}, true, nil, 400},
			{"staff of a zone not monitored", tedaStaff, nil, false, nil, 0},
			{"an investor", investor, nil, false, nil, 0},
		} {
			ov, err := s.Overview(ctx, c.p)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, z := range ov.Zones {
				ids = append(ids, z.ZoneID)
				if z.ZoneID == sip.ID && (z.NameEn != sip.NameEn || z.NameZh != sip.NameZh || z.Province != "jiangsu" || !z.DueIn) {
					t.Errorf("%s: Suzhou on the dashboard: %+v", c.who, z)
				}
				if z.ZoneID == kunshan.ID && (z.OpenAlerts != 1 || z.Latest == nil || z.Latest.ExportsYoY == nil || *z.Latest.ExportsYoY != -50) {
					t.Errorf("%s: Kunshan on the dashboard: %+v", c.who, z)
				}
			}
			if !slices.Equal(ids, c.zones) || ov.CanReport != c.canReport {
				t.Errorf("%s: dashboard zones %v, may report %v; want %v, %v", c.who, ids, ov.CanReport, c.zones, c.canReport)
			}
			alerts, err := s.Alerts(ctx, c.p, AlertQuery{})
			if err != nil {
				t.Fatal(err)
			}
			var seen []int64
			for _, a := range alerts {
				seen = append(seen, a.ZoneID)
				if a.ZoneID == xian.ID && (a.Kind != KindLate || a.ZoneNameEn != xian.NameEn || a.Province != "shaanxi") {
					t.Errorf("%s: Xi'an's alert: %+v", c.who, a)
				}
			}
			if !slices.Equal(seen, c.alerts) {
				t.Errorf("%s: alerts of zones %v, want %v", c.who, seen, c.alerts)
			}
			series, err := s.Series(ctx, c.p, SeriesQuery{Months: 1})
			if err != nil {
				t.Fatal(err)
			}
			var exports float64
			for _, pt := range series.Points {
				exports += pt.Exports
			}
			if exports != c.october {
				t.Errorf("%s: October's exports over their zones %v, want %v (%+v)", c.who, exports, c.october, series.Points)
			}
		}

		if _, err := s.Series(ctx, shaanxi, SeriesQuery{ZoneID: kunshan.ID}); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("Shaanxi reading Kunshan's series: %v", err)
		}
		if one, err := s.Series(ctx, jiangsu, SeriesQuery{ZoneID: kunshan.ID, Months: 1}); err != nil || one.NameEn != kunshan.NameEn || len(one.Points) != 1 {
			t.Errorf("Jiangsu reading Kunshan's series: %+v, %v", one, err)
		}
		if _, err := s.Series(ctx, admin, SeriesQuery{ZoneID: 999999}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("an unknown zone's series: %v", err)
		}

		drop, err := s.Alerts(ctx, jiangsu, AlertQuery{Open: true})
		if err != nil || len(drop) != 1 {
			t.Fatalf("Jiangsu's open alerts: %+v, %v", drop, err)
		}
		if _, err := s.Acknowledge(ctx, drop[0].ID, shaanxi); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("another province acknowledging: %v", err)
		}
		if a, err := s.Acknowledge(ctx, drop[0].ID, jiangsu); err != nil || a.AcknowledgedAt == nil || a.ZoneNameEn != kunshan.NameEn {
			t.Errorf("Jiangsu acknowledging: %+v, %v", a, err)
		}
		_, err = s.Acknowledge(ctx, drop[0].ID, admin)
		testenv.Refused(t, "acknowledging twice", err, errs.ErrConflict, "monitor.acknowledged")
		if open, err := s.Alerts(ctx, jiangsu, AlertQuery{Open: true}); err != nil || len(open) != 0 {
			t.Errorf("open alerts after acknowledging: %+v, %v", open, err)
		}
	})
}
