package assessment

import (
	"errors"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zonefair/app/errs"
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
