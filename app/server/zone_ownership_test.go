package server_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"zonefair/app/jobfair"
	"zonefair/app/web"
)

// rows is everything stored in table, to compare before and after a refused request.
func (e *env) rows(table string) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	if err := e.db.Table(table).Order("id").Find(&out).Error; err != nil {
		e.t.Fatal(err)
	}
	return out
}

// TestZoneOwnershipMatrix: zone staff creating in another zone, or acting on another zone's
// object, get 403 and nothing is stored, for every kind of object that belongs to a zone. The
// same requests for their own zone succeed, so the refusals are about the zone alone.
func TestZoneOwnershipMatrix(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		a, b, admin := e.as(web.RoleZoneStaff), e.staffOf(e.zoneB.ID), e.as(web.RoleAdmin)
		soon := time.Now().UTC().Add(48 * time.Hour)
		month := time.Now().UTC().AddDate(0, -1, 0).Format("2006-01")
		admin.do("PUT", "/api/v1/monitoring/key-zones", map[string]any{"zoneIds": []int64{e.zoneA.ID, e.zoneB.ID}}).want(200)
		var tpl struct{ ID int64 }
		admin.do("POST", "/api/v1/signing/templates", map[string]any{"nameZh": "协议", "nameEn": "Agreement", "bodyZh": "甲方 {{zone}}", "bodyEn": "Party {{zone}}"}).want(201).json(&tpl)

		kinds := []struct {
			kind  string
			table string
			// create is a request creating one in zone z; ofB creates one in zone B as its staff
			// and returns the path to act on it with, its method and body.
			create func(z int64) (string, string, map[string]any)
			ofB    func() (int64, string, string, map[string]any)
		}{
			{"project", "projects",
				func(z int64) (string, string, map[string]any) {
					return "POST", "/api/v1/projects", map[string]any{"zoneId": z, "titleZh": "项目", "titleEn": "Project", "industry": "automotive", "currency": "CNY"}
				},
				func() (int64, string, string, map[string]any) {
					var p struct{ ID int64 }
					b.do("POST", "/api/v1/projects", map[string]any{"titleZh": "乙项目", "titleEn": "B project", "industry": "automotive", "currency": "CNY"}).want(201).json(&p)
					return p.ID, "PUT", fmt.Sprintf("/api/v1/projects/%d", p.ID), map[string]any{"titleZh": "改动", "titleEn": "Changed", "industry": "automotive", "currency": "CNY"}
				}},
			{"policy package", "policy_packages",
				func(z int64) (string, string, map[string]any) {
					return "POST", "/api/v1/policy-packages", map[string]any{"zoneId": z, "titleZh": "政策包", "titleEn": "Package"}
				},
				func() (int64, string, string, map[string]any) {
					var p struct{ ID int64 }
					b.do("POST", "/api/v1/policy-packages", map[string]any{"titleZh": "乙政策包", "titleEn": "B package"}).want(201).json(&p)
					return p.ID, "PUT", fmt.Sprintf("/api/v1/policy-packages/%d", p.ID), map[string]any{"titleZh": "改动", "titleEn": "Changed"}
				}},
			{"meeting slot", "meetings",
				func(z int64) (string, string, map[string]any) {
					return "POST", "/api/v1/meeting-slots", map[string]any{"zoneId": z, "kind": "negotiation", "startsAt": soon, "timeZone": "Asia/Shanghai", "minutes": 30}
				},
				func() (int64, string, string, map[string]any) {
					var ms []struct{ ID int64 }
					b.do("POST", "/api/v1/meeting-slots", map[string]any{"kind": "negotiation", "startsAt": soon.Add(time.Hour), "timeZone": "Asia/Shanghai", "minutes": 30}).want(201).json(&ms)
					return ms[0].ID, "DELETE", fmt.Sprintf("/api/v1/meeting-slots/%d", ms[0].ID), nil
				}},
			{"job", "jobs",
				func(z int64) (string, string, map[string]any) {
					return "POST", "/api/v1/jobs", e.job("出纳", map[string]any{"zoneId": z})
				},
				func() (int64, string, string, map[string]any) {
					var j jobfair.Job
					b.do("POST", "/api/v1/jobs", e.job("会计", nil)).want(201).json(&j)
					return j.ID, "PUT", fmt.Sprintf("/api/v1/jobs/%d", j.ID), e.job("改动", nil)
				}},
			{"briefing", "briefings",
				func(z int64) (string, string, map[string]any) {
					return "POST", "/api/v1/briefings", map[string]any{"titleZh": "推介会", "titleEn": "Briefing", "startsAt": soon, "endsAt": soon.Add(time.Hour), "visibility": "public", "zoneIds": []int64{z}}
				},
				func() (int64, string, string, map[string]any) {
					var br struct{ ID int64 }
					in := map[string]any{"titleZh": "乙推介会", "titleEn": "B briefing", "startsAt": soon, "endsAt": soon.Add(time.Hour), "visibility": "public", "zoneIds": []int64{e.zoneB.ID}}
					b.do("POST", "/api/v1/briefings", in).want(201).json(&br)
					in["titleEn"] = "Changed"
					return br.ID, "PUT", fmt.Sprintf("/api/v1/briefings/%d", br.ID), in
				}},
			{"agreement", "signing_agreements",
				func(z int64) (string, string, map[string]any) {
					return "POST", "/api/v1/signing/agreements", map[string]any{"zoneId": z, "title": "协议 Agreement", "templateId": tpl.ID, "merge": map[string]string{"zone": "Z"}}
				},
				func() (int64, string, string, map[string]any) {
					var d struct{ ID int64 }
					b.do("POST", "/api/v1/signing/agreements", map[string]any{"title": "乙协议 B agreement", "templateId": tpl.ID, "merge": map[string]string{"zone": "B"}}).want(201).json(&d)
					return d.ID, "PATCH", fmt.Sprintf("/api/v1/signing/agreements/%d", d.ID), map[string]any{"title": "Changed"}
				}},
			{"report", "monitor_reports",
				func(z int64) (string, string, map[string]any) {
					return "POST", "/api/v1/monitoring/reports", figures(z, month, 100, 200)
				},
				func() (int64, string, string, map[string]any) {
					var r struct{ ID int64 }
					b.do("POST", "/api/v1/monitoring/reports", figures(0, month, 100, 200)).want(201).json(&r)
					return r.ID, "PUT", fmt.Sprintf("/api/v1/monitoring/reports/%d", r.ID), map[string]any{"imports": 1, "exports": 2, "fdiContracted": 3, "fdiActual": 4, "reason": "更正 correction"}
				}},
			{"submission", "assessment_submissions",
				nil,
				func() (int64, string, string, map[string]any) {
					var s struct{ ID int64 }
					b.do("POST", "/api/v1/assessment/submissions", map[string]any{"year": 2025}).want(200).json(&s)
					return s.ID, "POST", fmt.Sprintf("/api/v1/assessment/submissions/%d/submit", s.ID), nil
				}},
		}
		for _, k := range kinds {
			if k.create != nil {
				before := e.rows(k.table)
				method, path, body := k.create(e.zoneB.ID)
				if r := a.do(method, path, body); r.status != 403 {
					t.Errorf("%s: creating in another zone answered %d %s, want 403", k.kind, r.status, r.body)
				}
				if after := e.rows(k.table); !reflect.DeepEqual(before, after) {
					t.Errorf("%s: a refused creation in another zone stored %d rows", k.kind, len(after)-len(before))
				}
				method, path, body = k.create(e.zoneA.ID)
				if r := a.do(method, path, body); r.status >= 300 {
					t.Errorf("%s: creating in their own zone answered %d %s", k.kind, r.status, r.body)
				}
			}
			_, method, path, body := k.ofB()
			before := e.rows(k.table)
			if r := a.do(method, path, body); r.status != 403 {
				t.Errorf("%s: acting on another zone's answered %d %s, want 403", k.kind, r.status, r.body)
			}
			if after := e.rows(k.table); !reflect.DeepEqual(before, after) {
				t.Errorf("%s: a refused act on another zone's changed what is stored", k.kind)
			}
		}
	})
}
