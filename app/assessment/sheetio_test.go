package assessment

import (
	"bytes"
	"errors"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zonefair/app/errs"
	"zonefair/app/web"
)

func TestParseImport(t *testing.T) {
	// Excel on a Chinese system saves CSV in GB18030, with Chinese in the name column.
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("指标名称,indicator_code,value\n地区生产总值,gdp,\"1,500.5\"\n税收收入,tax_revenue,\n出口增速,export_growth,abc\n"))
	if err != nil {
		t.Fatal(err)
	}
	rows, problems, err := ParseImport(gbk)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Line != 2 || rows[0].Input != (ValueInput{Code: "gdp", Value: 1500.5}) {
		t.Fatalf("rows %+v", rows)
	}
	if len(problems) != 1 || problems[0].Field != "rows.4.value" || problems[0].Param != "abc" {
		t.Fatalf("problems %+v", problems)
	}

	for name, body := range map[string]string{
		"no header":   "gdp,1\n",
		"empty":       "",
		"only header": "\ufeffindicator_code,value\n",
	} {
		if _, _, err := ParseImport([]byte(body)); !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, _, err := ParseImport([]byte("\x00\x01binary")); !errors.Is(err, errs.ErrUnsupported) {
		t.Errorf("binary: %v", err)
	}
}

// TestTemplateRoundTrip: a CSV template downloaded with a negative value already entered (the
// spreadsheet guard writes it as '-5.5) imports again unchanged.
func TestTemplateRoundTrip(t *testing.T) {
	v := -5.5
	tree := Edition2021()
	d := Detail{}
	for _, c := range tree.Categories {
		for _, ind := range c.Indicators {
			r := Row{Category: c.Code, CategoryNameZh: c.NameZh, CategoryNameEn: c.NameEn, Indicator: ind}
			if ind.Code == "export_growth" {
				r.Value = &v
			}
			d.Rows = append(d.Rows, r)
		}
	}
	var buf bytes.Buffer
	if err := WriteTemplateCSV(&buf, d, web.LocaleEn); err != nil {
		t.Fatal(err)
	}
	rows, problems, err := ParseImport(buf.Bytes())
	if err != nil || len(problems) > 0 {
		t.Fatalf("re-import: %v %+v\n%s", err, problems, buf.String())
	}
	if len(rows) != 1 || rows[0].Input != (ValueInput{Code: "export_growth", Value: -5.5}) {
		t.Fatalf("rows %+v", rows)
	}
	// An apostrophe before anything but a number is still not a number.
	if _, problems, _ := ParseImport([]byte("indicator_code,value\ngdp,'abc\n")); len(problems) != 1 {
		t.Fatalf("'abc: %+v", problems)
	}
}
