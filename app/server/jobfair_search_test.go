package server_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"zonefair/app/jobfair"
	"zonefair/app/web"
)

func (e *fairEnv) search(c *client, params url.Values) jobfair.Results {
	e.t.Helper()
	var r jobfair.Results
	c.do("GET", "/api/v1/jobs?"+params.Encode(), nil).want(200).json(&r)
	return r
}

func titles(r jobfair.Results) []string {
	out := []string{}
	for _, j := range r.Items {
		out = append(out, j.Title)
	}
	return out
}

// TestJobSearch runs the same searches on both databases; each expects exactly the jobs the
// text and filters describe.
func TestJobSearch(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		staff, ent := e.as(web.RoleZoneStaff), e.as(web.RoleEnterprise)
		admin := e.as(web.RoleAdmin)
		e.post(ent, e.job("财务会计", map[string]any{"titleEn": "Financial Accountant"}))
		e.post(staff, e.job("机械工程师", map[string]any{"category": "mechanical", "majors": []string{"mechanical-engineering"}, "degree": "master", "salaryMin": 12000, "salaryMax": 18000, "description": "负责设备设计与调试。"}))
		e.post(staff, e.job("Java 开发工程师", map[string]any{"category": "software", "majors": []string{"computer-science"}, "description": "Build backend services in Java and Go.", "salaryMin": 15000, "salaryMax": 25000}))
		e.post(admin, e.job("Senior Accountant", map[string]any{"zoneId": e.zoneB.ID, "category": "trade", "majors": []string{"international-trade"}, "description": "IFRS reporting for a foreign-invested company."}))
		e.post(staff, e.job("会计助理（草稿）", map[string]any{"status": "draft"}))
		e.post(staff, e.job("过期的会计岗位", map[string]any{"deadline": "2020-01-01"}))
		anon := e.anon()

		cases := []struct {
			params url.Values
			want   []string
		}{
			{url.Values{"q": {"会计"}}, []string{"财务会计"}},
			{url.Values{"q": {"机械"}}, []string{"机械工程师"}},
			{url.Values{"q": {"工程师"}, "sort": {"date"}}, []string{"Java 开发工程师", "机械工程师"}},
			{url.Values{"q": {"java 工程师"}}, []string{"Java 开发工程师"}},
			{url.Values{"q": {"ＪＡＶＡ"}}, []string{"Java 开发工程师"}},
			{url.Values{"q": {"account"}, "sort": {"date"}}, []string{"Senior Accountant", "财务会计"}},
			{url.Values{"q": {"械"}}, []string{"机械工程师"}},
			{url.Values{"q": {"计"}, "sort": {"date"}}, []string{"Java 开发工程师", "机械工程师", "财务会计"}},
			{url.Values{"q": {"Alpha"}}, []string{"财务会计"}},
			{url.Values{"q": {"会计"}, "province": {"shaanxi"}}, []string{}},
			{url.Values{"region": {"west"}}, []string{"Senior Accountant"}},
			{url.Values{"degree": {"master"}}, []string{"机械工程师"}},
			{url.Values{"major": {"computer-science"}}, []string{"Java 开发工程师"}},
			{url.Values{"salary": {"12k-20k"}, "sort": {"date"}}, []string{"Java 开发工程师", "机械工程师"}},
			{url.Values{"sort": {"salary"}, "pageSize": {"2"}}, []string{"Java 开发工程师", "机械工程师"}},
			{url.Values{"zoneId": {fmt.Sprint(e.zoneB.ID)}}, []string{"Senior Accountant"}},
			{url.Values{"q": {"不存在的词"}}, []string{}},
			{url.Values{"q": {"<script>"}}, []string{}},
		}
		for _, c := range cases {
			got := titles(e.search(anon, c.params))
			if !slices.Equal(got, c.want) {
				t.Errorf("search %v = %q, want %q", c.params, got, c.want)
			}
		}

		// Facets count each dimension with the other filters applied.
		r := e.search(anon, url.Values{"category": {"finance"}})
		if r.Total != 1 || r.Facets.Category["finance"] != 1 || r.Facets.Category["trade"] != 1 || r.Facets.Category["software"] != 1 || r.Facets.Category["mechanical"] != 1 {
			t.Errorf("category facets with a category filter: total %d, %v", r.Total, r.Facets.Category)
		}
		if r.Facets.Region["east"] != 1 || r.Facets.Region["west"] != 0 || r.Facets.Major["accounting"] != 1 {
			t.Errorf("facets: regions %v majors %v", r.Facets.Region, r.Facets.Major)
		}
		// Pagination walks every open job once.
		seen := map[int64]bool{}
		for page := 1; page <= 3; page++ {
			r := e.search(anon, url.Values{"pageSize": {"2"}, "page": {fmt.Sprint(page)}})
			if r.Total != 4 {
				t.Fatalf("total %d, want 4 open jobs", r.Total)
			}
			for _, j := range r.Items {
				if seen[j.ID] {
					t.Fatalf("job %d on two pages", j.ID)
				}
				seen[j.ID] = true
				if !j.Open || j.EmployerEn == "" {
					t.Errorf("search item not decorated: %+v", j)
				}
			}
		}
		if len(seen) != 4 {
			t.Fatalf("pages held %d jobs, want 4", len(seen))
		}

		// A second instance on the same database sees a job posted through the first at once,
		// and the first sees an edit made through the second.
		other := *e.env
		other.app = e.instance(&recorder{}, t.TempDir())
		if got := titles(e.search(other.anon(), url.Values{"q": {"会计"}})); !slices.Equal(got, []string{"财务会计"}) {
			t.Fatalf("second instance: %q", got)
		}
		e.post(ent, e.job("审计会计", nil))
		for name, c := range map[string]*client{"first": anon, "second": other.anon()} {
			// Both instances had "会计" cached before the post.
			if got := titles(e.search(c, url.Values{"q": {"会计"}, "sort": {"date"}})); !slices.Equal(got, []string{"审计会计", "财务会计"}) {
				t.Fatalf("%s instance after a post on the first: %q", name, got)
			}
		}
		var j jobfair.Job
		for _, it := range e.search(anon, url.Values{"q": {"审计"}}).Items {
			j = it
		}
		other.as(web.RoleEnterprise).do("PUT", fmt.Sprintf("/api/v1/jobs/%d", j.ID), e.job("审计会计", map[string]any{"status": "closed"})).want(200)
		if got := titles(e.search(anon, url.Values{"q": {"审计"}})); len(got) != 0 {
			t.Fatalf("first instance still lists a job closed on the second: %q", got)
		}

		// Bad query input is a 400, not a panic.
		anon.do("GET", "/api/v1/jobs?page=-1", nil).want(400)
		anon.do("GET", "/api/v1/jobs?fairId=abc", nil).want(400)
		anon.do("GET", "/api/v1/jobs?pageSize=1000", nil).want(400)
		anon.do("GET", "/api/v1/jobs?degree=phd", nil).want(400)
		anon.do("GET", "/api/v1/jobs?sort=random", nil).want(400)
	})
}

// TestJobPostingRules covers who may post where, and bad job input.
func TestJobPostingRules(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		staff, ent := e.as(web.RoleZoneStaff), e.as(web.RoleEnterprise)
		staff.do("POST", "/api/v1/jobs", e.job("越权职位", map[string]any{"zoneId": e.zoneB.ID})).want(403)
		ent.do("POST", "/api/v1/jobs", e.job("越权职位", map[string]any{"enterpriseId": e.entB.ID})).want(403)
		staff.do("POST", "/api/v1/jobs", e.job("错误企业", map[string]any{"enterpriseId": e.entB.ID})).want(400)
		for field, v := range map[string]any{"category": "astrology", "degree": "phd", "deadline": "31/12/2026", "majors": []string{"alchemy"}, "salaryMax": 10, "headcount": 0, "title": "x"} {
			if res := staff.do("POST", "/api/v1/jobs", e.job("坏输入", map[string]any{field: v})); res.status != 400 {
				t.Errorf("%s=%v: status %d", field, v, res.status)
			}
		}
		hostile := `<img src=x onerror=alert(1)>"'` + "\u202e"
		j := e.post(ent, e.job(hostile, map[string]any{"description": hostile}))
		var got jobfair.Job
		e.anon().do("GET", fmt.Sprintf("/api/v1/jobs/%d", j.ID), nil).want(200).json(&got)
		if got.Title != hostile || got.Description != hostile || got.EnterpriseID == nil || *got.EnterpriseID != e.entA.ID {
			t.Fatalf("hostile text not kept as-is: %+v", got)
		}
		// Zone B's staff cannot edit zone A's job; a draft is hidden from the public.
		draft := e.post(staff, e.job("草稿职位", map[string]any{"status": "draft"}))
		e.anon().do("GET", fmt.Sprintf("/api/v1/jobs/%d", draft.ID), nil).want(404)
		staff.do("GET", fmt.Sprintf("/api/v1/jobs/%d", draft.ID), nil).want(200)
		ent.do("PUT", fmt.Sprintf("/api/v1/jobs/%d", draft.ID), e.job("草稿职位", nil)).want(403)
		staff.do("PUT", fmt.Sprintf("/api/v1/jobs/%d", j.ID), e.job("改过的", map[string]any{"status": "draft"})).want(409)
	})
}

// TestJobPagesFollowTheTables: job pages are answered from the search index, and still say what
// the tables say on every instance — an edit made through another instance, a renamed
// enterprise or zone (which does not move the search sequence), a deleted enterprise (whose
// jobs the database moves to the zone), a job that does not exist.
func TestJobPagesFollowTheTables(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		admin, ent := e.as(web.RoleAdmin), e.as(web.RoleEnterprise)
		other := *e.env
		other.app = e.instance(&recorder{}, t.TempDir())
		page := func(c *client, id int64) jobfair.Job {
			t.Helper()
			var j jobfair.Job
			c.do("GET", fmt.Sprintf("/api/v1/jobs/%d", id), nil).want(200).json(&j)
			return j
		}
		// Both instances have read the index before the job exists.
		e.search(e.anon(), url.Values{})
		e.search(other.anon(), url.Values{})
		j := e.post(ent, e.job("出纳", nil))
		if got := page(other.anon(), j.ID); got.Title != "出纳" || !got.Open || got.EmployerEn != "Alpha Co" || got.ZoneNameEn != "Suzhou Industrial Park" || !slices.Equal(got.Majors, []string{"accounting"}) {
			t.Fatalf("second instance's page of a job posted on the first: %+v", got)
		}
		other.as(web.RoleEnterprise).do("PUT", fmt.Sprintf("/api/v1/jobs/%d", j.ID), e.job("出纳（已满）", map[string]any{"status": "closed", "majors": []string{"finance", "accounting"}})).want(200)
		if got := page(e.anon(), j.ID); got.Title != "出纳（已满）" || got.Status != "closed" || got.Open || !slices.Equal(got.Majors, []string{"accounting", "finance"}) {
			t.Fatalf("first instance's page of a job edited on the second: %+v", got)
		}

		admin.do("PATCH", fmt.Sprintf("/api/v1/enterprises/%d", e.entA.ID), map[string]any{
			"nameZh": "甲新公司", "nameEn": "Alpha New Co", "industry": e.entA.Industry, "ownership": e.entA.Ownership,
		}).want(200)
		admin.do("PATCH", fmt.Sprintf("/api/v1/zones/%d", e.zoneA.ID), map[string]any{"nameEn": "Suzhou Industrial Park (SIP)"}).want(200)
		for name, c := range map[string]*client{"first": e.anon(), "second": other.anon()} {
			if got := page(c, j.ID); got.EmployerZh != "甲新公司" || got.EmployerEn != "Alpha New Co" || got.ZoneNameEn != "Suzhou Industrial Park (SIP)" {
				t.Errorf("%s instance after renames: employer %q / %q, zone %q", name, got.EmployerZh, got.EmployerEn, got.ZoneNameEn)
			}
		}

		k := e.post(admin, e.job("外贸专员", map[string]any{"zoneId": e.zoneB.ID, "enterpriseId": e.entB.ID}))
		if got := page(other.anon(), k.ID); got.EnterpriseID == nil || got.EmployerEn != e.entB.NameEn {
			t.Fatalf("before the enterprise is removed: %+v", got)
		}
		admin.do("DELETE", fmt.Sprintf("/api/v1/enterprises/%d", e.entB.ID), nil).want(204)
		for name, c := range map[string]*client{"first": e.anon(), "second": other.anon()} {
			got := page(c, k.ID)
			if got.EnterpriseID != nil || got.EmployerEn != e.zoneB.NameEn || got.EmployerZh != e.zoneB.NameZh {
				t.Errorf("%s instance after the enterprise was removed: enterprise %v, employer %q / %q", name, got.EnterpriseID, got.EmployerZh, got.EmployerEn)
			}
			items := e.search(c, url.Values{"q": {"外贸专员"}}).Items
			if len(items) != 1 || items[0].EnterpriseID != nil || items[0].EmployerEn != e.zoneB.NameEn {
				t.Errorf("%s instance's search after the enterprise was removed: %+v", name, items)
			}
		}
		e.anon().do("GET", "/api/v1/jobs/999999", nil).want(404)
		other.anon().do("GET", "/api/v1/jobs/999999", nil).want(404)
	})
}
