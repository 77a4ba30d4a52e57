package assessment

import (
	"testing"

	"zonefair/app/web"
)

// TestVersionInputFromEdition: a new version copied from the 2021 edition, whose codes have
// underscores (foreign_investment_used), passes the request's validation and the tree check;
// codes that are not lowercase letters, digits, underscores and hyphens are refused with their
// place in the tree.
func TestVersionInputFromEdition(t *testing.T) {
	in := VersionInput{Code: "2026-draft", NameZh: "2026 年版", NameEn: "2026 edition", Tree: Edition2021()}
	if err := web.Validate(&in); err != nil {
		t.Fatalf("validate: %v", err)
	}
	if err := in.Check(); err != nil {
		t.Fatalf("check: %v", err)
	}

	bad := Edition2021()
	bad.Categories[1].Code = "Quality"
	bad.Categories[0].Indicators[2].Code = "_fie"
	bad.Categories[4].Indicators[1].Code = "co op"
	fields := map[string]string{}
	for _, f := range errsFields(bad.Check()) {
		if f.Key == "assessment.code" {
			fields[f.Field] = f.Param
		}
	}
	want := map[string]string{"categories.1.code": "Quality", "categories.0.indicators.2.code": "_fie", "categories.4.indicators.1.code": "co op"}
	if len(fields) != len(want) {
		t.Fatalf("fields %v", fields)
	}
	for k, v := range want {
		if fields[k] != v {
			t.Fatalf("fields %v, want %v", fields, want)
		}
	}
	for code, ok := range map[string]bool{"gdp": true, "rd_intensity": true, "a-1": true, "9x": true, "": false, "-a": false, "A": false, "a.b": false, "日": false} {
		if validCode(code) != ok {
			t.Errorf("validCode(%q) = %v", code, !ok)
		}
	}
}
