package server_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/monitor"
	"zonefair/app/web"
)

type monitorPoint struct {
	Month      string   `json:"month"`
	ReportID   int64    `json:"reportId"`
	Imports    float64  `json:"imports"`
	Exports    float64  `json:"exports"`
	ImportsYoY *float64 `json:"importsYoY"`
	ExportsYoY *float64 `json:"exportsYoY"`
	TradeYoY   *float64 `json:"tradeYoY"`
}

type monitorAlert struct {
	ID        int64    `json:"id"`
	ZoneID    int64    `json:"zoneId"`
	Month     string   `json:"month"`
	Kind      string   `json:"kind"`
	Indicator string   `json:"indicator"`
	ChangePct *float64 `json:"changePct"`
}

// lastMonths is the month n months before the current one (Beijing).
func lastMonths(n int) string { return monitor.AddMonths(monitor.MonthOf(time.Now()), -n) }

func figures(zoneID int64, month string, imports, exports float64) map[string]any {
	return map[string]any{"zoneId": zoneID, "month": month, "imports": imports, "exports": exports, "fdiContracted": 5000, "fdiActual": 1200}
}

// keyZones makes the admin monitor both test zones with a −20 % threshold.
func (e *env) keyZones() *client {
	e.t.Helper()
	admin := e.as(web.RoleAdmin)
	admin.do("PUT", "/api/v1/monitoring/key-zones", map[string]any{"zoneIds": []int64{e.zoneA.ID, e.zoneB.ID}}).want(200)
	admin.do("PUT", "/api/v1/monitoring/settings", map[string]any{"dropThreshold": 20, "dueDay": 15}).want(200)
	return admin
}

func alertsOf(c *client, query string) []monitorAlert {
	c.e.t.Helper()
	var out []monitorAlert
	c.do("GET", "/api/v1/monitoring/alerts?"+query, nil).want(200).json(&out)
	return out
}

func TestMonitorYoY(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cur, prev float64
		want      *float64
	}{{80, 100, ptr(-20.0)}, {125, 100, ptr(25.0)}, {1, 3, ptr(-66.7)}, {5, 0, nil}, {0, 0, nil}} {
		got := monitor.YoY(c.cur, c.prev)
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("YoY(%v, %v) = %v, want %v", c.cur, c.prev, got, c.want)
		}
	}
	if monitor.AddMonths("2025-01", -12) != "2024-01" || monitor.AddMonths("2024-12", 1) != "2025-01" {
		t.Fatal("AddMonths")
	}
}

func ptr[T any](v T) *T { return &v }

// TestMonitorReports: reporting, validation, one report per zone and month, audited
// corrections, year-on-year series, the threshold, and who may see what.
func TestMonitorReports(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.keyZones()
		staff, investor := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		jiangsu := e.provinceStaff("jiangsu")
		base, mild := lastMonths(14), lastMonths(13)
		var r struct {
			ID int64 `json:"id"`
		}
		staff.do("POST", "/api/v1/monitoring/reports", figures(0, base, 10000, 20000)).want(201)
		staff.do("POST", "/api/v1/monitoring/reports", figures(0, mild, 10000, 20000)).want(201)
		staff.do("POST", "/api/v1/monitoring/reports", figures(0, base, 1, 1)).want(409)
		// Bad input.
		for _, bad := range []map[string]any{
			figures(0, "2025-13", 1, 1), figures(0, monitor.MonthOf(time.Now()), 1, 1), figures(0, "1999-12", 1, 1),
			figures(0, lastMonths(3), -5, 1), figures(0, lastMonths(3), 1e12, 1),
		} {
			if res := staff.do("POST", "/api/v1/monitoring/reports", bad); res.status != 400 {
				t.Errorf("%v: status %d", bad, res.status)
			}
		}
		staff.do("POST", "/api/v1/monitoring/reports", `{"month":"2025-01","imports":"many"}`).want(400)
		admin.do("PUT", "/api/v1/monitoring/settings", map[string]any{"dropThreshold": 0, "dueDay": 40}).want(400)

		// −10 % is within the threshold; then imports −26 % raise one alert, exports −10 % none.
		staff.do("POST", "/api/v1/monitoring/reports", figures(0, lastMonths(2), 9000, 18000)).want(201).json(&r)
		if r.ID == 0 {
			t.Fatal("no report id")
		}
		alerts := alertsOf(admin, "")
		if len(alerts) != 0 {
			t.Fatalf("alerts for a −10 %% month: %+v", alerts)
		}
		staff.do("POST", "/api/v1/monitoring/reports", figures(0, lastMonths(1), 7400, 18000)).want(201)
		staff.do("POST", "/api/v1/monitoring/reports", figures(0, lastMonths(13), 9000, 20000)).want(409)

		// The series compares each month with the same month a year before.
		var s struct {
			Points []monitorPoint `json:"points"`
		}
		admin.do("POST", "/api/v1/monitoring/reports", figures(e.zoneA.ID, base, 1, 1)).want(409)
		admin.do("GET", fmt.Sprintf("/api/v1/monitoring/series?zoneId=%d&months=24", e.zoneA.ID), nil).want(200).json(&s)
		if len(s.Points) != 4 {
			t.Fatalf("points: %+v", s.Points)
		}
		// lastMonths(1) compares with lastMonths(13): imports 7400 vs 10000 = −26 %.
		last := s.Points[3]
		if last.Month != lastMonths(1) || last.ImportsYoY == nil || *last.ImportsYoY != -26 || *last.ExportsYoY != -10 || *last.TradeYoY != -15.3 {
			t.Fatalf("last point: %+v (yoy %v %v %v)", last, deref(last.ImportsYoY), deref(last.ExportsYoY), deref(last.TradeYoY))
		}
		if s.Points[0].ImportsYoY != nil {
			t.Fatalf("a point without a base has a change: %+v", s.Points[0])
		}
		alerts = alertsOf(admin, "open=true")
		if len(alerts) != 1 || alerts[0].Kind != "drop" || alerts[0].Indicator != "imports" || alerts[0].Month != lastMonths(1) || *alerts[0].ChangePct != -26 {
			t.Fatalf("alerts: %+v", alerts)
		}

		// A correction is audited with its reason; a second drop of the same figure is not a
		// second alert; a correction that changes nothing is refused.
		var rep struct {
			ID int64 `json:"id"`
		}
		for _, p := range s.Points {
			if p.Month == lastMonths(1) {
				rep.ID = p.ReportID
			}
		}
		fix := map[string]any{"imports": 7000, "exports": 18000, "fdiContracted": 5000, "fdiActual": 1200, "reason": "Customs revised the figure"}
		staff.do("PUT", fmt.Sprintf("/api/v1/monitoring/reports/%d", rep.ID), fix).want(200)
		staff.do("PUT", fmt.Sprintf("/api/v1/monitoring/reports/%d", rep.ID), fix).want(400)
		staff.do("PUT", fmt.Sprintf("/api/v1/monitoring/reports/%d", rep.ID), map[string]any{"imports": 1, "exports": 1, "fdiContracted": 1, "fdiActual": 1}).want(400)
		var changes []struct {
			Field    string  `json:"field"`
			OldValue float64 `json:"oldValue"`
			NewValue float64 `json:"newValue"`
			Reason   string  `json:"reason"`
			UserID   int64   `json:"userId"`
		}
		jiangsu.do("GET", fmt.Sprintf("/api/v1/monitoring/reports/%d/changes", rep.ID), nil).want(200).json(&changes)
		if len(changes) != 1 || changes[0].Field != "imports" || changes[0].OldValue != 7400 || changes[0].NewValue != 7000 || changes[0].Reason != "Customs revised the figure" || changes[0].UserID != e.users[web.RoleZoneStaff].ID {
			t.Fatalf("changes: %+v", changes)
		}
		if n := len(alertsOf(admin, "")); n != 1 {
			t.Fatalf("%d alerts after a correction, want 1", n)
		}

		// Who sees what: the province of the zone, not another province; never investors.
		if len(alertsOf(jiangsu, "")) != 1 {
			t.Fatal("the zone's province does not see its alert")
		}
		shaanxi := e.provinceStaff("shaanxi")
		if len(alertsOf(shaanxi, "")) != 0 {
			t.Fatal("another province sees the alert")
		}
		shaanxi.do("GET", fmt.Sprintf("/api/v1/monitoring/series?zoneId=%d", e.zoneA.ID), nil).want(403)
		shaanxi.do("POST", fmt.Sprintf("/api/v1/monitoring/alerts/%d/ack", alerts[0].ID), nil).want(403)
		jiangsu = e.provinceStaff("jiangsu")
		investor.do("GET", "/api/v1/monitoring/overview", nil).want(403)
		staff.do("POST", fmt.Sprintf("/api/v1/monitoring/alerts/%d/ack", alerts[0].ID), nil).want(403)
		staff.do("GET", fmt.Sprintf("/api/v1/monitoring/series?zoneId=%d", e.zoneB.ID), nil).want(403)
		staff.do("PUT", "/api/v1/monitoring/settings", map[string]any{"dropThreshold": 50, "dueDay": 10}).want(403)
		var bRep struct {
			ID int64 `json:"id"`
		}
		admin.do("POST", "/api/v1/monitoring/reports", figures(e.zoneB.ID, base, 1, 1)).want(201).json(&bRep)
		staff.do("PUT", fmt.Sprintf("/api/v1/monitoring/reports/%d", bRep.ID), fix).want(403)
		jiangsu.do("POST", fmt.Sprintf("/api/v1/monitoring/alerts/%d/ack", alerts[0].ID), nil).want(200)
		jiangsu.do("POST", fmt.Sprintf("/api/v1/monitoring/alerts/%d/ack", alerts[0].ID), nil).want(409)
		if len(alertsOf(admin, "open=true")) != 0 {
			t.Fatal("an acknowledged alert is still open")
		}

		var ov struct {
			Zones []struct {
				ZoneID      int64  `json:"zoneId"`
				DueIn       bool   `json:"dueIn"`
				LatestMonth string `json:"latestMonth"`
			} `json:"zones"`
			CanReport bool `json:"canReport"`
		}
		staff.do("GET", "/api/v1/monitoring/overview", nil).want(200).json(&ov)
		if len(ov.Zones) != 1 || ov.Zones[0].ZoneID != e.zoneA.ID || !ov.Zones[0].DueIn || ov.Zones[0].LatestMonth != lastMonths(1) || !ov.CanReport {
			t.Fatalf("zone staff's overview: %+v", ov)
		}
		jiangsu.do("GET", "/api/v1/monitoring/overview", nil).want(200).json(&ov)
		if len(ov.Zones) != 1 || ov.CanReport {
			t.Fatalf("province overview: %+v", ov)
		}
		admin.do("GET", "/api/v1/monitoring/overview", nil).want(200).json(&ov)
		if len(ov.Zones) != 2 {
			t.Fatalf("admin overview: %+v", ov)
		}
		// A zone that is not monitored does not report.
		admin.do("PUT", "/api/v1/monitoring/key-zones", map[string]any{"zoneIds": []int64{e.zoneB.ID}}).want(200)
		staff.do("POST", "/api/v1/monitoring/reports", figures(0, lastMonths(5), 1, 1)).want(409)
		admin.do("PUT", "/api/v1/monitoring/key-zones", map[string]any{"zoneIds": []int64{999999}}).want(400)
	})
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestMonitorLateReports: after the due day, each key zone without last month's report gets
// one late alert, however many checks run at once on two instances.
func TestMonitorLateReports(t *testing.T) {
	t.Parallel()
	eachLiveEnv(t, func(t *testing.T, e *liveEnv) {
		admin := e.keyZones()
		staff := e.as(web.RoleZoneStaff)
		province := e.provinceStaff("jiangsu")
		instances := []*monitor.Service{e.app.Monitor, e.second.Monitor}
		month := lastMonths(1)
		// Before the due day nothing is late.
		due, _ := time.Parse("2006-01", monitor.MonthOf(time.Now()))
		for _, svc := range instances {
			svc.Now = func() time.Time { return due.Add(10*24*time.Hour - 8*time.Hour) }
		}
		if n, err := instances[0].CheckLate(t.Context()); err != nil || n != 0 {
			t.Fatalf("before the due day: %d, %v", n, err)
		}
		staff.do("POST", "/api/v1/monitoring/reports", figures(0, month, 1, 1)).want(201)
		for _, svc := range instances {
			svc.Now = func() time.Time { return due.Add(20 * 24 * time.Hour) }
		}
		var wg sync.WaitGroup
		total := make(chan int, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := instances[i%2].CheckLate(t.Context())
				if err != nil {
					t.Error(err)
				}
				total <- n
			}()
		}
		wg.Wait()
		close(total)
		sum := 0
		for n := range total {
			sum += n
		}
		if sum != 1 {
			t.Fatalf("%d late alerts raised, want 1 (zone B only)", sum)
		}
		alerts := alertsOf(admin, "")
		if len(alerts) != 1 || alerts[0].Kind != "late" || alerts[0].ZoneID != e.zoneB.ID || alerts[0].Month != month {
			t.Fatalf("alerts: %+v", alerts)
		}
		if n := len(notificationsOf(admin, monitor.KindAlert)); n != 1 {
			t.Fatalf("admin told %d times, want 1", n)
		}
		// Zone B is in Shaanxi: Jiangsu's reviewer is not told.
		if n := len(notificationsOf(province, monitor.KindAlert)); n != 0 {
			t.Fatalf("another province told %d times", n)
		}
	})
}

// TestMonitorAlertLive: a sharply dropped month entered by zone staff reaches the ministry
// and the zone's province reviewer live, on another instance.
func TestMonitorAlertLive(t *testing.T) {
	t.Parallel()
	eachLiveEnv(t, func(t *testing.T, e *liveEnv) {
		e.keyZones()
		staff, admin := e.as(web.RoleZoneStaff), e.as(web.RoleAdmin)
		province := e.provinceStaff("jiangsu")
		staff.do("POST", "/api/v1/monitoring/reports", figures(0, lastMonths(13), 10000, 20000)).want(201)
		sockets := map[string]*socket{"admin": e.dial2(admin), "province": e.dial(province)}
		for who, ws := range sockets {
			id := e.users[web.RoleAdmin].ID
			if who == "province" {
				id = e.users[web.RoleProvince].ID
			}
			if r := ws.join(fmt.Sprintf("user:%d", id)); r.Error != nil {
				t.Fatalf("%s join: %+v", who, r.Error)
			}
		}
		staff.do("POST", "/api/v1/monitoring/reports", figures(0, lastMonths(1), 10000, 12000)).want(201)
		for who, ws := range sockets {
			f := ws.pub(monitor.KindAlert)
			var a monitorAlert
			if err := json.Unmarshal(f.Data, &a); err != nil || a.Indicator != "exports" || a.ZoneID != e.zoneA.ID || a.ChangePct == nil || *a.ChangePct != -40 {
				t.Fatalf("%s got %s (%v)", who, f.Data, err)
			}
		}
	})
}

// A report whose alert cannot be stored is not stored either: the zone sees the failure and
// submits again, and the alert is raised then, not lost.
func TestMonitorReportAndAlertStoredTogether(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		admin := e.keyZones()
		staff := e.as(web.RoleZoneStaff)
		staff.do("POST", "/api/v1/monitoring/reports", figures(0, lastMonths(13), 10000, 20000)).want(201)

		var failing atomic.Bool
		failing.Store(true)
		const hook = "test:fail-notifications"
		if err := e.db.Callback().Create().Before("gorm:create").Register(hook, func(tx *gorm.DB) {
			if failing.Load() && tx.Statement.Table == "notifications" {
				_ = tx.AddError(errors.New("notifications cannot be written"))
			}
		}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.db.Callback().Create().Remove(hook) })

		drop := figures(0, lastMonths(1), 5000, 20000) // imports −50 %
		if res := staff.do("POST", "/api/v1/monitoring/reports", drop); res.status < 500 {
			t.Fatalf("a report whose alert failed was accepted: %d %s", res.status, res.body)
		}
		var s struct {
			Points []monitorPoint `json:"points"`
		}
		admin.do("GET", fmt.Sprintf("/api/v1/monitoring/series?zoneId=%d&months=24", e.zoneA.ID), nil).want(200).json(&s)
		if len(s.Points) != 1 {
			t.Fatalf("the failed month was kept: %+v", s.Points)
		}
		if a := alertsOf(admin, ""); len(a) != 0 {
			t.Fatalf("alerts after the failure: %+v", a)
		}

		failing.Store(false)
		staff.do("POST", "/api/v1/monitoring/reports", drop).want(201)
		if a := alertsOf(admin, ""); len(a) != 1 || a[0].Indicator != "imports" || a[0].Month != lastMonths(1) {
			t.Fatalf("alerts after submitting again: %+v", a)
		}
	})
}
