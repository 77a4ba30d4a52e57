package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zonefair/app/briefing"
	"zonefair/app/project"
	"zonefair/app/seed"
	"zonefair/app/web"
)

func newProject(e *env, c *client, over map[string]any) project.Project {
	e.t.Helper()
	in := map[string]any{
		"titleZh": "新能源汽车电池项目", "titleEn": "EV Battery Plant", "descriptionZh": "年产 10 GWh 动力电池。",
		"descriptionEn": "10 GWh of cells a year.", "industry": "automotive", "amount": 200000000, "currency": "USD", "landArea": 15.5,
	}
	for k, v := range over {
		in[k] = v
	}
	var p project.Project
	c.do("POST", "/api/v1/projects", in).want(201).json(&p)
	return p
}

// TestProjectsSearchFollowAndLeads covers listing and bilingual search with filters, follows,
// one expression of interest per investor, and the zone's lead pipeline with notes.
func TestProjectsSearchFollowAndLeads(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff, admin, inv := e.as(web.RoleZoneStaff), e.as(web.RoleAdmin), e.as(web.RoleInvestor)
		battery := newProject(e, staff, nil)
		chips := newProject(e, admin, map[string]any{"zoneId": e.zoneB.ID, "titleZh": "晶圆封测", "titleEn": "Wafer packaging", "industry": "semiconductors", "amount": 5000000, "currency": "CNY"})
		staff.do("POST", "/api/v1/projects", map[string]any{"zoneId": e.zoneB.ID, "titleZh": "越权", "titleEn": "Other zone", "industry": "automotive", "currency": "CNY"}).want(403)
		staff.do("PUT", fmt.Sprintf("/api/v1/projects/%d", chips.ID), map[string]any{"titleZh": "改动", "titleEn": "Changed", "industry": "automotive", "currency": "CNY"}).want(403)

		search := func(q string) []int64 {
			var p project.Page
			e.anon().do("GET", "/api/v1/projects?"+q, nil).want(200).json(&p)
			var ids []int64
			for _, it := range p.Items {
				ids = append(ids, it.ID)
			}
			return ids
		}
		for q, want := range map[string]int64{
			"q=%E5%B0%81%E6%B5%8B": chips.ID, "q=battery": battery.ID, "industry=semiconductors": chips.ID,
			"region=west&currency=CNY": chips.ID, "province=shaanxi": chips.ID, "province=jiangsu&region=east": battery.ID, "region=west&province=shaanxi&industry=semiconductors": chips.ID, "minAmount=100000000": battery.ID, "maxAmount=10000000&zoneId=" + fmt.Sprint(e.zoneB.ID): chips.ID,
		} {
			if got := search(q); len(got) != 1 || got[0] != want {
				t.Errorf("search %s: %v, want [%d]", q, got, want)
			}
		}
		e.anon().do("GET", "/api/v1/projects?currency=XXX", nil).want(400)

		inv.do("PUT", fmt.Sprintf("/api/v1/projects/%d/follow", battery.ID), nil).want(204)
		inv.do("PUT", fmt.Sprintf("/api/v1/projects/%d/follow", battery.ID), nil).want(204)
		var got project.Project
		inv.do("GET", fmt.Sprintf("/api/v1/projects/%d", battery.ID), nil).want(200).json(&got)
		if !got.Following || got.Followers != 1 || got.ZoneNameEn != e.zoneA.NameEn {
			t.Fatalf("followed project %+v", got)
		}
		var followed project.Page
		inv.do("GET", "/api/v1/projects?followed=true", nil).want(200).json(&followed)
		if followed.Total != 1 {
			t.Fatalf("followed list %+v", followed)
		}

		var lead project.Lead
		inv.do("POST", fmt.Sprintf("/api/v1/projects/%d/interest", battery.ID), map[string]string{"message": "<b>Keen</b>"}).want(201).json(&lead)
		inv.do("POST", fmt.Sprintf("/api/v1/projects/%d/interest", battery.ID), map[string]string{"message": "again"}).want(409)
		e.as(web.RoleGraduate).do("POST", fmt.Sprintf("/api/v1/projects/%d/interest", battery.ID), map[string]string{}).want(403)

		var leads []project.Lead
		staff.do("GET", "/api/v1/leads", nil).want(200).json(&leads)
		if len(leads) != 1 || leads[0].Message != "<b>Keen</b>" || leads[0].Status != "new" || leads[0].Email != e.users[web.RoleInvestor].Email {
			t.Fatalf("zone's leads %+v", leads)
		}
		path := fmt.Sprintf("/api/v1/leads/%d", lead.ID)
		staff.do("PATCH", path, map[string]string{"status": "contacted", "note": "Called their Shanghai office."}).want(200)
		staff.do("PATCH", path, map[string]string{"status": "new"}).want(409)
		staff.do("PATCH", path, map[string]string{"status": "negotiating"}).want(200)
		staff.do("PATCH", path, map[string]string{"note": "Term sheet sent."}).want(200)
		staff.do("PATCH", path, map[string]string{"status": "signed"}).want(200)
		staff.do("PATCH", path, map[string]string{"status": "dropped"}).want(409)
		var full project.Lead
		staff.do("GET", path, nil).want(200).json(&full)
		if full.Status != "signed" || len(full.Notes) != 4 || full.Notes[0].ToStatus != "contacted" || full.Notes[2].Body != "Term sheet sent." {
			t.Fatalf("lead with notes %+v", full)
		}
		admin.do("GET", path, nil).want(200)
		// Zone B's view: an admin filtering by zone sees none of zone A's leads.
		admin.do("GET", fmt.Sprintf("/api/v1/leads?zoneId=%d", e.zoneB.ID), nil).want(200).json(&leads)
		if len(leads) != 0 {
			t.Fatalf("zone B has %d leads", len(leads))
		}
		var mine []project.Lead
		inv.do("GET", "/api/v1/leads", nil).want(200).json(&mine)
		if len(mine) != 1 || mine[0].Email != "" {
			t.Fatalf("investor's own interests %+v", mine)
		}
	})
}

// TestMeetingRequests covers an investor proposing times from a project, the zone accepting
// one, calendar files and notifications for both sides, and the lead moving to "meeting".
func TestMeetingRequests(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff, inv := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		p := newProject(e, staff, nil)
		inv.do("POST", fmt.Sprintf("/api/v1/projects/%d/interest", p.ID), map[string]string{"message": "hi"}).want(201)
		t1 := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Minute)
		t2 := t1.Add(24 * time.Hour)
		inv.do("POST", "/api/v1/meetings", map[string]any{"projectId": p.ID, "proposed": []time.Time{time.Now().Add(-time.Hour)}}).want(400)
		var m project.MeetingRequest
		inv.do("POST", "/api/v1/meetings", map[string]any{"projectId": p.ID, "proposed": []time.Time{t1, t2}, "minutes": 45, "message": "Site visit"}).want(201).json(&m)
		if m.ZoneID != e.zoneA.ID || m.Status != "pending" || len(m.Proposed) != 2 {
			t.Fatalf("request %+v", m)
		}
		path := fmt.Sprintf("/api/v1/meetings/%d", m.ID)
		// Staff of another zone cannot see or decide it.
		other := e.as(web.RoleAdmin)
		e.db.Exec("UPDATE users SET zone_id = ? WHERE id = ?", e.zoneB.ID, e.users[web.RoleZoneStaff].ID)
		e.accountsChanged()
		staffB := e.as(web.RoleZoneStaff)
		staffB.do("POST", path+"/accept", map[string]any{"startsAt": t1}).want(404)
		e.db.Exec("UPDATE users SET zone_id = ? WHERE id = ?", e.zoneA.ID, e.users[web.RoleZoneStaff].ID)
		e.accountsChanged()
		staff = e.as(web.RoleZoneStaff)
		staff.do("GET", path+"/calendar.ics", nil).want(409)
		staff.do("POST", path+"/accept", map[string]any{"startsAt": t1.Add(time.Hour)}).want(400)
		staff.do("POST", path+"/accept", map[string]any{"startsAt": t2, "meetingUrl": "https://meet.example.test/abc"}).want(200).json(&m)
		if m.Status != "accepted" || m.StartsAt == nil || !m.StartsAt.Equal(t2) {
			t.Fatalf("accepted %+v", m)
		}
		staff.do("POST", path+"/decline", nil).want(409)
		for _, c := range []*client{inv, staff, other} {
			body := string(c.do("GET", path+"/calendar.ics", nil).want(200).body)
			if !strings.Contains(body, "DTSTART:"+t2.Format("20060102T150405Z")) || !strings.Contains(body, "DTEND:"+t2.Add(45*time.Minute).Format("20060102T150405Z")) {
				t.Fatalf("meeting calendar:\n%s", body)
			}
		}
		e.as(web.RoleGraduate).do("GET", path, nil).want(403)
		var leads []project.Lead
		staff.do("GET", "/api/v1/leads", nil).want(200).json(&leads)
		if leads[0].Status != "meeting" {
			t.Fatalf("lead after the accepted meeting: %s", leads[0].Status)
		}
		var list struct {
			Items []struct {
				Kind string `json:"kind"`
			} `json:"items"`
		}
		inv.do("GET", "/api/v1/notifications", nil).want(200).json(&list)
		if len(list.Items) == 0 || list.Items[0].Kind != "meeting.accepted" {
			t.Fatalf("investor notifications %+v", list.Items)
		}
	})
}

// TestBriefingDemoData proves seed-demo adds projects and an upcoming, a live and a past
// briefing with Q&A and polls, and stays idempotent.
func TestBriefingDemoData(t *testing.T) {
	t.Parallel()
	eachDemoEnv(t, func(t *testing.T, e *env) {
		// A copy of the seeded demo: seeding again adds nothing.
		if _, err := seed.Demo(context.Background(), e.db); err != nil {
			t.Fatal(err)
		}
		var page project.Page
		e.anon().do("GET", "/api/v1/projects", nil).want(200).json(&page)
		if page.Total != 3 {
			t.Fatalf("%d demo projects, want 3", page.Total)
		}
		for phase, want := range map[string]int{"upcoming": 1, "live": 1, "ended": 1} {
			var l struct {
				Items []briefingOut `json:"items"`
			}
			e.anon().do("GET", "/api/v1/briefings?phase="+phase, nil).want(200).json(&l)
			if len(l.Items) != want {
				t.Fatalf("%d %s demo briefings, want %d", len(l.Items), phase, want)
			}
			if phase == "ended" {
				var rp struct {
					Questions []struct {
						Answer string `json:"answer"`
					} `json:"questions"`
					Polls []struct {
						Total int `json:"total"`
					} `json:"polls"`
				}
				e.anon().do("GET", bpath(l.Items[0].ID, "/replay"), nil).want(200).json(&rp)
				if len(rp.Questions) != 2 || rp.Questions[0].Answer == "" || len(rp.Polls) != 1 || rp.Polls[0].Total != 1 {
					t.Fatalf("past demo briefing replay %+v", rp)
				}
				// Its attendance agrees with its video room: the investor for 111 minutes, the
				// other attendee for 40 and 44.
				var a briefing.Analytics
				admin := e.anon()
				admin.do("POST", "/api/v1/auth/login", map[string]string{"email": "admin@zonefair.test", "password": seed.DemoPassword}).want(200)
				admin.do("GET", bpath(l.Items[0].ID, "/analytics"), nil).want(200).json(&a)
				if a.Attended != 2 || a.TotalMinutes != 195 {
					t.Fatalf("past demo briefing attendance: %d attended for %.1f minutes, want 2 for 195", a.Attended, a.TotalMinutes)
				}
			}
		}
	})
}
