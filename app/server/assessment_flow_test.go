package server_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"zonefair/app/account"
	"zonefair/app/assessment"
	"zonefair/app/web"
)

// assessUser creates a user of role (zone staff of zoneID, or a province reviewer of province)
// and logs in as them.
func (e *env) assessUser(role web.Role, zoneID int64, province string) *client {
	e.t.Helper()
	u := account.User{Email: fmt.Sprintf("%s-%d-%s@example.test", role, zoneID, province), Name: string(role), Role: role, Province: province, Locale: "en"}
	if zoneID != 0 {
		u.ZoneID = &zoneID
	}
	if err := account.EnsureUser(context.Background(), account.NewStore(e.db), &u, testPassword); err != nil {
		e.t.Fatal(err)
	}
	c := e.anon()
	c.do("POST", "/api/v1/auth/login", map[string]string{"email": u.Email, "password": testPassword}).want(200)
	return c
}

// edition2021Values is a complete, plausible set of values for the 2021 edition.
func edition2021Values(scale float64) map[string]float64 {
	return map[string]float64{
		"foreign_investment_used": 20 * scale, "foreign_trade_total": 2000 * scale, "foreign_enterprises": math.Round(1000 * scale),
		"export_growth": 5 * scale, "gdp": 1500 * scale, "tax_revenue": 200 * scale, "output_per_km2": 30 * scale,
		"industrial_growth": 6 * scale, "rd_intensity": 3 * scale, "high_tech_enterprises": math.Round(500 * scale),
		"invention_patents": 80 * scale, "energy_per_output": 0.4 / scale, "water_per_output": 8 / scale,
		"wastewater_treated": 90, "new_urban_jobs": math.Round(20000 * scale), "cooperation_projects": math.Round(20 * scale),
	}
}

func valuesCSV(vals map[string]float64) string {
	var b strings.Builder
	b.WriteString("indicator_code,indicator,value\n")
	for _, ind := range assessment.Edition2021().Indicators() {
		fmt.Fprintf(&b, "%s,\"%s\",%v\n", ind.Code, ind.NameEn, vals[ind.Code])
	}
	return b.String()
}

func errorFields(r response) map[string]string {
	out := map[string]string{}
	for _, d := range r.errorBody().Details {
		out[d.Field] = d.Message
	}
	return out
}

// TestAssessmentReviewFlow walks one zone's data from import to ministry approval, with a
// value returned by the province on the way, and checks every refusal on the path.
func TestAssessmentReviewFlow(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff := e.as(web.RoleZoneStaff)
		otherStaff := e.assessUser(web.RoleZoneStaff, e.zoneB.ID, "")
		jiangsu := e.assessUser(web.RoleProvince, 0, e.zoneA.Province)
		shaanxi := e.assessUser(web.RoleProvince, 0, e.zoneB.Province)
		admin := e.as(web.RoleAdmin)

		var d assessment.Detail
		staff.do("POST", "/api/v1/assessment/submissions", map[string]any{"year": 2025}).want(200).json(&d)
		if d.Status != assessment.StatusDraft || d.Total != 16 || d.Filled != 0 || !d.CanEdit {
			t.Fatalf("opened %+v", d.Submission)
		}
		path := fmt.Sprintf("/api/v1/assessment/submissions/%d", d.ID)
		admin.do("POST", "/api/v1/assessment/submissions", map[string]any{"year": 2025}).want(403)

		// A file with bad rows stores nothing and names each row.
		bad := "indicator_code,value\nforeign_investment_used,12.5\nno_such,1\nrd_intensity,abc\n"
		res := upload(staff, path+"/import", "bad.csv", []byte(bad)).want(400)
		if f := errorFields(res); !strings.Contains(f["rows.4.value"], "not a number") {
			t.Fatalf("per-row errors %v", f)
		}
		res = upload(staff, path+"/import", "bad.csv", []byte("indicator_code,value\nno_such,1\nrd_intensity,45\nhigh_tech_enterprises,2.5\n")).want(400)
		if f := errorFields(res); !strings.Contains(f["rows.2.code"], "no_such") || !strings.Contains(f["rows.3.value"], "0 – 30") || !strings.Contains(f["rows.4.value"], "whole number") {
			t.Fatalf("per-row errors %v", f)
		}
		upload(staff, path+"/import", "x.pdf", []byte("%PDF-1.4\x00\x01")).want(415)
		upload(otherStaff, path+"/import", "ok.csv", []byte(valuesCSV(edition2021Values(1)))).want(403)
		staff.do("GET", path, nil).want(200).json(&d)
		if d.Filled != 0 {
			t.Fatalf("a refused import stored %d values", d.Filled)
		}

		// Submitting half-filled data is refused; the full import goes through.
		staff.do("PUT", path+"/values", map[string]any{"values": []map[string]any{{"code": "gdp", "value": 1000}}}).want(200)
		staff.do("POST", path+"/submit", nil).want(400)
		upload(staff, path+"/import", "ok.csv", []byte("\ufeff"+valuesCSV(edition2021Values(1)))).want(200).json(&d)
		if d.Filled != 16 {
			t.Fatalf("filled %d after import", d.Filled)
		}
		tmpl := staff.do("GET", path+"/template?format=csv", nil).want(200)
		if !strings.Contains(string(tmpl.body), "foreign_trade_total") || !strings.Contains(string(tmpl.body), "2000") {
			t.Fatalf("template %s", tmpl.body)
		}
		staff.do("POST", path+"/submit", nil).want(200).json(&d)
		if d.Status != assessment.StatusSubmitted || d.CanEdit {
			t.Fatalf("after submit %+v", d.Submission)
		}
		staff.do("PUT", path+"/values", map[string]any{"values": []map[string]any{{"code": "gdp", "value": 1}}}).want(409)

		// Who may review: the zone's province only; the ministry only after it.
		otherStaff.do("GET", path, nil).want(403)
		shaanxi.do("GET", path, nil).want(403)
		shaanxi.do("POST", path+"/return", map[string]any{"items": []map[string]any{{"code": "gdp", "reason": "why?"}}}).want(403)
		staff.do("POST", path+"/approve", nil).want(403)
		admin.do("POST", path+"/approve", nil).want(409)
		jiangsu.do("POST", path+"/return", map[string]any{"items": []map[string]any{{"code": "gdp", "reason": ""}}}).want(400)
		jiangsu.do("POST", path+"/return", map[string]any{"items": []map[string]any{{"code": "gdp", "reason": "GDP looks 10× too high; check the unit (CNY 100m)."}}}).want(200).json(&d)
		if d.Status != assessment.StatusReturned || d.Returned != 1 {
			t.Fatalf("after return %+v", d.Submission)
		}
		staff.do("GET", path, nil).want(200).json(&d)
		if r := rowOf(d, "gdp"); r.ReturnReason == "" || !d.CanEdit {
			t.Fatalf("the zone does not see why: %+v", r)
		}

		// The zone fixes the value; the audit keeps who, when, old and new.
		staff.do("PUT", path+"/values", map[string]any{"values": []map[string]any{{"code": "gdp", "value": 150}}}).want(200).json(&d)
		if r := rowOf(d, "gdp"); r.ReturnReason != "" || *r.Value != 150 {
			t.Fatalf("fixed row %+v", r)
		}
		var fix *assessment.AuditEntry
		for i, a := range d.Audit {
			if a.Action == assessment.ActionSet && a.Indicator == "gdp" && a.NewValue != nil && *a.NewValue == 150 {
				fix = &d.Audit[i]
				break
			}
		}
		if fix == nil || fix.OldValue == nil || *fix.OldValue != 1500 || fix.ActorName == "" || fix.At.IsZero() {
			t.Fatalf("audit of the fix: %+v", fix)
		}
		staff.do("POST", path+"/submit", nil).want(200)
		jiangsu.do("POST", path+"/approve", nil).want(200).json(&d)
		if d.Status != assessment.StatusReviewed {
			t.Fatalf("after province %s", d.Status)
		}
		jiangsu.do("POST", path+"/approve", nil).want(409)
		admin.do("POST", path+"/approve", nil).want(200).json(&d)
		if d.Status != assessment.StatusApproved {
			t.Fatalf("after ministry %s", d.Status)
		}
		staff.do("PUT", path+"/values", map[string]any{"values": []map[string]any{{"code": "gdp", "value": 151}}}).want(409)
		staff.do("POST", path+"/submit", nil).want(409)

		// Lists are scoped: each province sees its own zones only.
		var list []assessment.Submission
		shaanxi.do("GET", "/api/v1/assessment/submissions", nil).want(200).json(&list)
		if len(list) != 0 {
			t.Fatalf("shaanxi sees %d submissions of jiangsu", len(list))
		}
		jiangsu.do("GET", "/api/v1/assessment/submissions?year=2025", nil).want(200).json(&list)
		if len(list) != 1 || list[0].Status != assessment.StatusApproved {
			t.Fatalf("jiangsu list %+v", list)
		}
		e.as(web.RoleGraduate).do("GET", "/api/v1/assessment/submissions", nil).want(403)
	})
}

func rowOf(d assessment.Detail, code string) assessment.Row {
	for _, r := range d.Rows {
		if r.Code == code {
			return r
		}
	}
	return assessment.Row{}
}

// TestAssessmentXLSXImportAndTemplate: the XLSX template round-trips through the import.
func TestAssessmentXLSXImportAndTemplate(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff := e.as(web.RoleZoneStaff)
		var d assessment.Detail
		staff.do("POST", "/api/v1/assessment/submissions", map[string]any{"year": 2024}).want(200).json(&d)
		path := fmt.Sprintf("/api/v1/assessment/submissions/%d", d.ID)
		res := staff.do("GET", path+"/template?format=xlsx", nil).want(200)
		f, err := excelize.OpenReader(bytes.NewReader(res.body))
		if err != nil {
			t.Fatalf("template is not a workbook: %v", err)
		}
		vals := edition2021Values(1.2)
		for i, ind := range assessment.Edition2021().Indicators() {
			if got, _ := f.GetCellValue("values", fmt.Sprintf("A%d", i+2)); got != ind.Code {
				t.Fatalf("template row %d is %q", i+2, got)
			}
			if err := f.SetCellValue("values", fmt.Sprintf("G%d", i+2), vals[ind.Code]); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		upload(staff, path+"/import", "filled.xlsx", buf.Bytes()).want(200).json(&d)
		if d.Filled != 16 || *rowOf(d, "gdp").Value != 1800 {
			t.Fatalf("xlsx import: filled %d, gdp %v", d.Filled, rowOf(d, "gdp").Value)
		}
		upload(staff, path+"/import", "broken.xlsx", []byte("PK\x03\x04 not really a zip")).want(400)
	})
}

// TestAssessmentConcurrentEdits: parallel edits of one submission never fail with a 500 and
// every stored change is audited once.
func TestAssessmentConcurrentEdits(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff := e.as(web.RoleZoneStaff)
		var d assessment.Detail
		staff.do("POST", "/api/v1/assessment/submissions", map[string]any{"year": 2023}).want(200).json(&d)
		path := fmt.Sprintf("/api/v1/assessment/submissions/%d/values", d.ID)
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		clients := make([]*client, len(statuses))
		for i := range clients {
			clients[i] = e.as(web.RoleZoneStaff)
		}
		for i := range statuses {
			wg.Go(func() {
				statuses[i] = clients[i].do("PUT", path, map[string]any{"values": []map[string]any{{"code": "gdp", "value": 1000 + i}, {"code": "tax_revenue", "value": 100 + i}}}).status
			})
		}
		wg.Wait()
		for _, s := range statuses {
			if s != 200 && s != 409 {
				t.Fatalf("statuses %v", statuses)
			}
		}
		staff.do("GET", fmt.Sprintf("/api/v1/assessment/submissions/%d", d.ID), nil).want(200).json(&d)
		sets := 0
		for _, a := range d.Audit {
			if a.Action == assessment.ActionSet {
				sets++
			}
		}
		if d.Filled != 2 || sets < 2 || sets > 16 {
			t.Fatalf("filled %d, %d audited sets", d.Filled, sets)
		}
	})
}
