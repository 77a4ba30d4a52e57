package sheet

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestExportIsSpreadsheetSafe(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Row("name", "note")
	w.Row("陈晨", `=HYPERLINK("http://evil","x")`)
	w.Row("+1", "-2", "@sum", "\tx", "plain, with comma")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("no byte-order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff")))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][0] != "陈晨" || rows[1][1] != `'=HYPERLINK("http://evil","x")` {
		t.Fatalf("row %q", rows[1])
	}
	for i, want := range []string{"'+1", "'-2", "'@sum", "'\tx", "plain, with comma"} {
		if rows[2][i] != want {
			t.Errorf("cell %d: %q, want %q", i, rows[2][i], want)
		}
	}
}
