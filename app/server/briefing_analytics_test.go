package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"zonefair/app/briefing"
	"zonefair/app/web"
)

// TestBriefingAttendanceAnalyticsAndLeads checks registered vs attended, time in room from
// heartbeats (a second tab does not double it), activity counts, the breakdowns, and the leads
// CSV: BOM, Chinese intact, formula cells neutralised.
func TestBriefingAttendanceAnalyticsAndLeads(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		svc := e.app.Briefings
		host, inv, grad := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor), e.as(web.RoleGraduate)
		b := e.schedule(host, briefing.Public, e.zoneA.ID, nil)
		hostile := "=HYPERLINK(\"http://evil.test\",\"x\")"
		inv.do("POST", bpath(b.ID, "/registration"), map[string]any{"answers": map[string]string{"budget": "+1 000 万元"},
			"organization": hostile, "country": "Germany", "industry": "semiconductors"}).want(201)
		host.do("POST", bpath(b.ID, "/start"), nil).want(200)

		clock := time.Now().UTC()
		svc.Now = func() time.Time { return clock }
		defer func() { svc.Now = nil }()
		inv.do("POST", bpath(b.ID, "/attend"), nil).want(204)
		inv.do("POST", bpath(b.ID, "/attend"), nil).want(204) // a second tab at once
		grad.do("POST", bpath(b.ID, "/attend"), nil).want(204)
		must(t, svc.FlushAttendance(ctx))
		clock = clock.Add(30 * time.Second)
		inv.do("POST", bpath(b.ID, "/attend"), nil).want(204)
		must(t, svc.FlushAttendance(ctx))

		var q briefing.Question
		inv.do("POST", bpath(b.ID, "/questions"), map[string]string{"body": "你好"}).want(201).json(&q)
		grad.do("POST", bpath(b.ID, fmt.Sprintf("/questions/%d/vote", q.ID)), nil).want(200)
		inv.do("POST", "/api/v1/meetings", map[string]any{"briefingId": b.ID, "proposed": []time.Time{time.Now().Add(48 * time.Hour)}, "message": "Let us talk"}).want(201)

		var a briefing.Analytics
		host.do("GET", bpath(b.ID, "/analytics"), nil).want(200).json(&a)
		if a.Registered != 1 || a.Attended != 2 || a.AttendedOfReg != 1 || a.TotalMinutes != 1.5 ||
			a.Questions != 1 || a.QuestionVotes != 1 || a.MeetingRequests != 1 {
			t.Fatalf("analytics %+v", a)
		}
		if len(a.ByCountry) == 0 || a.ByCountry[0].Key != "Germany" || a.ByCountry[0].Registered != 1 || a.ByCountry[0].Attended != 1 {
			t.Fatalf("by country %+v", a.ByCountry)
		}

		res := host.do("GET", bpath(b.ID, "/leads.csv"), nil).want(200)
		if !bytes.HasPrefix(res.body, []byte("\ufeff")) || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("no BOM or wrong type: %q", res.body[:min(10, len(res.body))])
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.body, []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[0][len(rows[0])-1] != "Budget" {
			t.Fatalf("csv rows %v", rows)
		}
		var invRow []string
		for _, r := range rows[1:] {
			if r[0] == fmt.Sprint(e.users[web.RoleInvestor].ID) {
				invRow = r
			}
		}
		if invRow == nil || invRow[3] != "'"+hostile || invRow[len(invRow)-1] != "'+1 000 万元" || invRow[7] != "true" || invRow[8] != "1.0" || invRow[11] != "1" {
			t.Fatalf("investor row %q", invRow)
		}
		inv.do("GET", bpath(b.ID, "/leads.csv"), nil).want(403)
	})
}

// TestBriefingCalendarAndReminder checks the .ics file and that registrants are reminded once
// shortly before the start, however often the reminder loop runs.
func TestBriefingCalendarAndReminder(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		host, inv := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		start := time.Now().UTC().Add(20 * time.Minute).Truncate(time.Second)
		b := e.schedule(host, briefing.Public, e.zoneA.ID, map[string]any{"startsAt": start, "endsAt": start.Add(time.Hour), "titleEn": "Meet; the, zones"})
		later := e.schedule(host, briefing.Public, e.zoneA.ID, map[string]any{"startsAt": start.Add(48 * time.Hour), "endsAt": start.Add(49 * time.Hour)})
		register(inv, b.ID)
		register(inv, later.ID)

		res := e.anon().do("GET", bpath(b.ID, "/calendar.ics"), nil).want(200)
		body := string(res.body)
		if !strings.HasPrefix(res.header.Get("Content-Type"), "text/calendar") || !strings.Contains(body, "DTSTART:"+start.Format("20060102T150405Z")) ||
			!strings.Contains(strings.ReplaceAll(body, "\r\n ", ""), `Meet\; the\, zones`) {
			t.Fatalf("calendar file:\n%s", body)
		}

		n, err := e.app.Briefings.Remind(ctx)
		must(t, err)
		if n != 1 {
			t.Fatalf("sent %d reminders, want 1", n)
		}
		if n, _ := e.app.Briefings.Remind(ctx); n != 0 {
			t.Fatalf("a second run sent %d reminders again", n)
		}
		var list struct {
			Items []struct {
				Kind string `json:"kind"`
			} `json:"items"`
		}
		inv.do("GET", "/api/v1/notifications", nil).want(200).json(&list)
		reminders := 0
		for _, it := range list.Items {
			if it.Kind == "briefing.reminder" {
				reminders++
			}
		}
		if reminders != 1 {
			t.Fatalf("investor has %d reminder notifications, want 1", reminders)
		}
		var outbox struct {
			Items []struct {
				To      string `json:"to"`
				Subject string `json:"subject"`
			} `json:"items"`
		}
		e.as(web.RoleAdmin).do("GET", "/api/v1/admin/outbox", nil).want(200).json(&outbox)
		// Registering mailed too; the reminder is the newest mail, and the only one.
		var soon int
		for _, m := range outbox.Items {
			if strings.HasPrefix(m.Subject, "Starting soon") {
				soon++
			}
		}
		if soon != 1 || outbox.Items[0].To != e.users[web.RoleInvestor].Email || outbox.Items[0].Subject != "Starting soon: Meet; the, zones" {
			t.Fatalf("reminder mail %+v", outbox.Items)
		}
	})
}
