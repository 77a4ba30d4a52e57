package server_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"sync"
	"testing"

	"zonefair/app/jobfair"
	"zonefair/app/notify"
	"zonefair/app/web"
)

// TestApplyRules covers the refusals a graduate can meet and the one-application rule.
func TestApplyRules(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		staff := e.as(web.RoleZoneStaff)
		open := e.post(staff, e.job("出纳", nil))
		closed := e.post(staff, e.job("已关闭职位", map[string]any{"status": "closed"}))
		late := e.post(staff, e.job("过期职位", map[string]any{"deadline": "2020-01-01"}))
		draft := e.post(staff, e.job("草稿", map[string]any{"status": "draft"}))
		apply := func(c *client, id int64) response {
			return c.do("POST", fmt.Sprintf("/api/v1/jobs/%d/apply", id), map[string]any{"coverNote": "=HYPERLINK(\"http://x\")"})
		}

		bare := e.graduate("bare", false)
		if msg := apply(bare, open.ID).want(409).errorBody().Message; !strings.Contains(msg, "profile") {
			t.Errorf("no profile: %q", msg)
		}
		g := e.graduate("grad", true)
		for _, c := range []struct {
			id     int64
			status int
			word   string
		}{{closed.ID, 409, "closed"}, {late.ID, 409, "deadline"}, {draft.ID, 404, "not found"}, {999999, 404, "not found"}} {
			if msg := apply(g, c.id).want(c.status).errorBody().Message; !strings.Contains(strings.ToLower(msg), c.word) {
				t.Errorf("job %d: %q, want it to mention %q", c.id, msg, c.word)
			}
		}
		g.lang = "zh-CN"
		if msg := apply(g, late.ID).want(409).errorBody().Message; !strings.Contains(msg, "截止") {
			t.Errorf("Chinese message: %q", msg)
		}
		g.lang = "en"

		var first, again jobfair.Application
		apply(g, open.ID).want(201).json(&first)
		apply(g, open.ID).want(200).json(&again)
		if first.ID != again.ID || first.Status != "submitted" || first.JobTitle != "出纳" {
			t.Fatalf("second apply: %+v then %+v", first, again)
		}

		// Concurrent clicks by another graduate end in one application.
		h := e.graduate("racer", true)
		var wg sync.WaitGroup
		ids := make([]int64, 8)
		codes := make([]int, 8)
		for i := range ids {
			wg.Go(func() {
				res := apply(h, open.ID)
				codes[i] = res.status
				var a jobfair.Application
				if res.status < 300 {
					res.json(&a)
				}
				ids[i] = a.ID
			})
		}
		wg.Wait()
		created := 0
		for i := range ids {
			if codes[i] == 201 {
				created++
			}
			if ids[i] == 0 || ids[i] != ids[0] {
				t.Fatalf("concurrent applies: statuses %v ids %v", codes, ids)
			}
		}
		var n int64
		e.db.Model(&jobfair.Application{}).Where("job_id = ?", open.ID).Count(&n)
		if created != 1 || n != 2 {
			t.Fatalf("concurrent applies: %d created, %d rows for the job (want 1 and 2)", created, n)
		}

		// Withdrawing works until an offer, and re-applying submits the same application again.
		var w jobfair.Application
		g.do("POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", first.ID), nil).want(200).json(&w)
		if w.Status != "withdrawn" {
			t.Fatalf("withdraw: %+v", w)
		}
		apply(g, open.ID).want(200).json(&again)
		if again.ID != first.ID || again.Status != "submitted" {
			t.Fatalf("re-apply: %+v", again)
		}
		staff.do("POST", fmt.Sprintf("/api/v1/applications/%d/status", first.ID), map[string]any{"status": "offer"}).want(200)
		g.do("POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", first.ID), nil).want(409)
		// Nobody else's application can be withdrawn or read.
		h.do("POST", fmt.Sprintf("/api/v1/applications/%d/withdraw", first.ID), nil).want(404)
		h.do("GET", fmt.Sprintf("/api/v1/applications/%d", first.ID), nil).want(404)
		var mine jobfair.ApplicationList
		g.do("GET", "/api/v1/graduate/applications", nil).want(200).json(&mine)
		if len(mine.Items) != 1 || mine.Items[0].Status != "offer" {
			t.Fatalf("my applications: %+v", mine.Items)
		}
	})
}

// TestEmployerPipeline walks the pipeline: scoping, live updates, notifications, mail, bulk
// moves, CSV export and analytics.
func TestEmployerPipeline(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		staff, ent, admin := e.as(web.RoleZoneStaff), e.as(web.RoleEnterprise), e.as(web.RoleAdmin)
		entJob := e.post(ent, e.job("财务分析师", nil))
		zoneJob := e.post(staff, e.job("招商专员", nil))
		bJob := e.post(admin, e.job("西安会计", map[string]any{"zoneId": e.zoneB.ID}))

		hostile := `=cmd|' /C calc'!A0 <b>x</b>`
		g := e.graduate("pipeline", true)
		g.do("PUT", "/api/v1/graduate/profile", map[string]any{"school": hostile, "major": "accounting", "degree": "master", "graduationYear": 2026}).want(200)
		g2 := e.graduate("second", true)
		var a1, a2, a3, a4 jobfair.Application
		g.do("POST", fmt.Sprintf("/api/v1/jobs/%d/apply", entJob.ID), map[string]any{"coverNote": hostile}).want(201).json(&a1)
		g.do("POST", fmt.Sprintf("/api/v1/jobs/%d/apply", zoneJob.ID), nil).want(201).json(&a2)
		g.do("POST", fmt.Sprintf("/api/v1/jobs/%d/apply", bJob.ID), nil).want(201).json(&a3)
		g2.do("POST", fmt.Sprintf("/api/v1/jobs/%d/apply", entJob.ID), nil).want(201).json(&a4)

		list := func(c *client, query string) []int64 {
			var p jobfair.ApplicantPage
			c.do("GET", "/api/v1/employer/applications?"+query, nil).want(200).json(&p)
			var ids []int64
			for _, it := range p.Items {
				ids = append(ids, it.ID)
			}
			return ids
		}
		// The enterprise sees its own job's applicants; zone A's staff the whole zone; never zone B.
		if got := fmt.Sprint(list(ent, "sort=oldest")); got != fmt.Sprint([]int64{a1.ID, a4.ID}) {
			t.Errorf("enterprise sees %s", got)
		}
		if got := fmt.Sprint(list(staff, "sort=oldest")); got != fmt.Sprint([]int64{a1.ID, a2.ID, a4.ID}) {
			t.Errorf("zone staff sees %s", got)
		}
		if got := fmt.Sprint(list(staff, fmt.Sprintf("jobId=%d", bJob.ID))); got != "[]" {
			t.Errorf("zone A staff sees zone B's applicants: %s", got)
		}
		if got := fmt.Sprint(list(staff, "degree=master")); got != fmt.Sprint([]int64{a2.ID, a1.ID}) {
			t.Errorf("degree filter: %s", got)
		}
		if got := fmt.Sprint(list(staff, "q=PIPE&sort=oldest")); got != fmt.Sprint([]int64{a1.ID, a2.ID}) {
			t.Errorf("name search: %s", got)
		}
		if got := fmt.Sprint(list(staff, "q=%25")); got != "[]" {
			t.Errorf("a %% in the search matched everything: %s", got)
		}
		staff.do("GET", fmt.Sprintf("/api/v1/applications/%d", a3.ID), nil).want(404)
		staff.do("GET", fmt.Sprintf("/api/v1/applications/%d/resume", a3.ID), nil).want(404)
		staff.do("POST", fmt.Sprintf("/api/v1/applications/%d/status", a3.ID), map[string]any{"status": "interview"}).want(404)
		ent.do("POST", fmt.Sprintf("/api/v1/applications/%d/status", a2.ID), map[string]any{"status": "interview"}).want(404)
		staff.do("POST", "/api/v1/employer/applications/status", map[string]any{"ids": []int64{a1.ID, a3.ID}, "status": "rejected"}).want(404)

		// Opening an application marks it viewed; moving it to interview reaches the graduate.
		var d jobfair.ApplicationDetail
		ent.do("GET", fmt.Sprintf("/api/v1/applications/%d", a1.ID), nil).want(200).json(&d)
		if d.Status != "viewed" || d.School != hostile || d.CoverNote != hostile || d.Email == "" {
			t.Fatalf("employer's view: %+v", d)
		}
		var moved jobfair.Application
		ent.do("POST", fmt.Sprintf("/api/v1/applications/%d/status", a1.ID), map[string]any{"status": "interview", "note": "<i>二面</i>"}).want(200).json(&moved)
		if moved.Status != "interview" {
			t.Fatalf("moved: %+v", moved)
		}
		ent.do("POST", fmt.Sprintf("/api/v1/applications/%d/status", a1.ID), map[string]any{"status": "viewed"}).want(409)
		ent.do("POST", fmt.Sprintf("/api/v1/applications/%d/status", a1.ID), map[string]any{"status": "hired"}).want(400)

		pubs := e.pub.on(notify.UserChannel(a1.UserID))
		if len(pubs) != 2 || pubs[1].Kind != "application.updated" || !strings.Contains(fmt.Sprintf("%+v", pubs[1].Data), "interview") {
			t.Fatalf("live publications to the graduate: %+v", pubs)
		}
		var notes notify.List
		g.do("GET", "/api/v1/notifications", nil).want(200).json(&notes)
		if len(notes.Items) != 2 || notes.Unread != 2 || !bytes.Contains(notes.Items[0].Data, []byte(`"status":"interview"`)) {
			t.Fatalf("notifications: %+v", notes)
		}
		g.do("POST", "/api/v1/notifications/read", map[string]any{}).want(204)
		g.do("GET", "/api/v1/notifications", nil).want(200).json(&notes)
		if notes.Unread != 0 {
			t.Fatalf("unread after marking all read: %d", notes.Unread)
		}
		// The graduate sees the history with the employer's note to them, but not who moved it.
		g.do("GET", fmt.Sprintf("/api/v1/applications/%d", a1.ID), nil).want(200).json(&d)
		if len(d.Events) != 3 || d.Events[0].FromStatus != "" || d.Events[0].ToStatus != "submitted" || a1.CreatedAt.IsZero() || a1.Status != "submitted" {
			t.Fatalf("history of a new application: %+v (application %+v)", d.Events, a1)
		}
		if last := d.Events[2]; last.Note != "<i>二面</i>" || last.ActorID != 0 {
			t.Fatalf("graduate's view of the move: %+v", last)
		}
		var mine jobfair.ApplicationList
		g.do("GET", "/api/v1/graduate/applications", nil).want(200).json(&mine)
		for _, a := range mine.Items {
			if want := map[bool]string{true: "<i>二面</i>"}[a.ID == a1.ID]; a.Note != want {
				t.Fatalf("note of application %d in the graduate's list: %q", a.ID, a.Note)
			}
		}
		if !strings.Contains(notes.Items[0].TextZh, "<i>二面</i>") || notes.Items[0].Link != fmt.Sprintf("/applications?id=%d", a1.ID) {
			t.Fatalf("notification of the move: %+v", notes.Items[0])
		}
		ent.do("GET", fmt.Sprintf("/api/v1/applications/%d", a1.ID), nil).want(200).json(&d)
		if d.Events[len(d.Events)-1].Note != "<i>二面</i>" {
			t.Fatalf("employer's notes: %+v", d.Events)
		}
		// No SMTP is configured: the mail waits in the outbox for admins.
		var box notify.OutboxPage
		admin.do("GET", "/api/v1/admin/outbox", nil).want(200).json(&box)
		if box.Total != 2 || box.Items[0].To != "pipeline@example.test" || !strings.Contains(box.Items[0].Body, "<i>二面</i>") {
			t.Fatalf("outbox: %+v", box)
		}
		staff.do("GET", "/api/v1/admin/outbox", nil).want(403)

		// Bulk: all move, or none when one cannot.
		var bulk jobfair.BulkResult
		staff.do("POST", "/api/v1/employer/applications/status", map[string]any{"ids": []int64{a1.ID, a2.ID}, "status": "offer"}).want(200).json(&bulk)
		if len(bulk.Items) != 2 || bulk.Items[0].Status != "offer" || bulk.Items[1].Status != "offer" {
			t.Fatalf("bulk: %+v", bulk)
		}
		staff.do("POST", "/api/v1/employer/applications/status", map[string]any{"ids": []int64{a4.ID, a1.ID}, "status": "rejected"}).want(409)
		var still jobfair.ApplicationDetail
		staff.do("GET", fmt.Sprintf("/api/v1/applications/%d", a4.ID), nil).want(200).json(&still)
		if still.Status != "viewed" {
			t.Fatalf("a refused bulk move changed an application: %s", still.Status)
		}
		staff.do("POST", "/api/v1/employer/applications/status", map[string]any{"ids": []int64{}, "status": "rejected"}).want(400)

		// CSV: BOM, Chinese intact, formulas neutralised.
		res := staff.do("GET", "/api/v1/employer/applications.csv?sort=oldest", nil).want(200)
		if !bytes.HasPrefix(res.body, []byte("\ufeff")) || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV header: %q %q", res.body[:8], res.header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.body, []byte("\ufeff")))).ReadAll()
		if err != nil || len(rows) != 4 {
			t.Fatalf("CSV: %v, %d rows", err, len(rows))
		}
		if rows[1][1] != "财务分析师" || rows[1][7] != "'"+hostile || rows[1][13] != "'"+hostile {
			t.Fatalf("CSV row: %q", rows[1])
		}
		if got := staff.do("GET", "/api/v1/employer/applications.csv", nil).body; bytes.Contains(got, []byte("西安会计")) {
			t.Fatal("zone B's applicant in zone A's export")
		}

		// Editing a published job keeps its applications.
		ent.do("PUT", fmt.Sprintf("/api/v1/jobs/%d", entJob.ID), e.job("高级财务分析师", map[string]any{"salaryMax": 12000})).want(200)
		var after jobfair.ApplicantPage
		ent.do("GET", fmt.Sprintf("/api/v1/employer/applications?jobId=%d", entJob.ID), nil).want(200).json(&after)
		if after.Total != 2 || after.Items[0].JobTitle != "高级财务分析师" {
			t.Fatalf("applications after editing the job: %+v", after)
		}

		// Analytics count the applications, the funnel and views.
		e.anon().do("GET", fmt.Sprintf("/api/v1/jobs/%d", entJob.ID), nil).want(200)
		e.anon().do("GET", fmt.Sprintf("/api/v1/fairs/%d", e.fair.ID), nil).want(200)
		var an jobfair.Analytics
		admin.do("GET", fmt.Sprintf("/api/v1/fairs/%d/analytics", e.fair.ID), nil).want(200).json(&an)
		funnel := map[string]int64{}
		for _, s := range an.Funnel {
			funnel[s.Status] = s.Count
		}
		if an.Applications != 4 || funnel["submitted"] != 4 || funnel["viewed"] != 3 || funnel["interview"] != 2 || funnel["offer"] != 2 || an.JobViews != 1 || an.Visitors != 1 ||
			len(an.TopMajors) != 1 || an.TopMajors[0].Count != 4 || len(an.ByDay) != 1 || an.ByDay[0].Applications != 4 {
			t.Fatalf("analytics: %+v", an)
		}
		admin.do("GET", fmt.Sprintf("/api/v1/fairs/%d/analytics?zoneId=%d", e.fair.ID, e.zoneB.ID), nil).want(200).json(&an)
		if an.Applications != 1 || an.JobViews != 0 {
			t.Fatalf("zone B analytics: %+v", an)
		}
		staff.do("GET", fmt.Sprintf("/api/v1/fairs/%d/analytics", e.fair.ID), nil).want(200).json(&an)
		if an.ZoneID != e.zoneA.ID || an.Applications != 3 {
			t.Fatalf("zone staff analytics: %+v", an)
		}
		staff.do("GET", fmt.Sprintf("/api/v1/fairs/%d/analytics?zoneId=%d", e.fair.ID, e.zoneB.ID), nil).want(403)
		csvRes := admin.do("GET", fmt.Sprintf("/api/v1/fairs/%d/analytics.csv", e.fair.ID), nil).want(200)
		if !bytes.HasPrefix(csvRes.body, []byte("\ufeffday,visitors")) || !bytes.Contains(csvRes.body, []byte("applications,4")) {
			t.Fatalf("analytics CSV: %s", csvRes.body)
		}
	})
}
