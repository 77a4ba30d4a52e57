package pdfcheck

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"zonefair/app/errs"
	"zonefair/app/testenv"
)

// incremental appends an update to body that replaces its page's contents, as editors save.
func incremental(t *testing.T, body []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	b.Write(body)
	prev := bytes.LastIndex(body, []byte("\nxref")) + 1
	stream := "BT /F1 12 Tf 72 700 Td (Updated) Tj ET"
	at := b.Len()
	fmt.Fprintf(&b, "4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(stream), stream)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n4 1\n%010d 00000 n \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", at, prev, xref)
	return b.Bytes()
}

func fpdfDoc(t *testing.T) []byte {
	t.Helper()
	f := fpdf.New("P", "pt", "A4", "")
	f.AddPage()
	f.SetFont("Helvetica", "", 12)
	f.Text(72, 72, "Slides")
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// streamed rewrites body with object and cross-reference streams.
func streamed(t *testing.T, body []byte) []byte {
	t.Helper()
	conf := model.NewDefaultConfiguration()
	conf.WriteObjectStream, conf.WriteXRefStream = true, true
	var b bytes.Buffer
	if err := api.Optimize(bytes.NewReader(body), &b, conf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte("/XRef")) {
		t.Fatal("no cross-reference stream written")
	}
	return b.Bytes()
}

func TestPagesAcceptsWholeFiles(t *testing.T) {
	plain := testenv.PDF("Resume")
	for name, body := range map[string][]byte{
		"hand-written": plain,
		"fpdf":         fpdfDoc(t),
		"xref stream":  streamed(t, plain),
		"incremental":  incremental(t, plain),
		"crlf":         bytes.ReplaceAll(plain, []byte("%%EOF\n"), []byte("%%EOF\r\n")),
	} {
		if n, err := Pages(body, 0, ""); err != nil || n != 1 {
			t.Errorf("%s: %d pages, %v", name, n, err)
		}
	}
}

// TestPagesRefusesCutFiles: a file cut short, with or without an end-of-file marker (and even a
// made-up startxref) appended, is refused, as is one whose objects moved from where its
// cross-reference table says they are.
func TestPagesRefusesCutFiles(t *testing.T) {
	body := testenv.PDF("Resume of a graduate, long enough to be cut in several places")
	cases := map[string][]byte{
		"no end":       body[:len(body)*9/10],
		"shifted":      append(append(bytes.Clone(body[:20]), []byte("% an inserted comment\n")...), body[20:]...),
		"made-up xref": append(bytes.Clone(body[:len(body)*4/10]), []byte("\nstartxref\n9\n%%EOF\n")...),
		"incremental cut": func() []byte {
			inc := incremental(t, body)
			return append(bytes.Clone(inc[:len(body)*6/10]), inc[len(body):]...)
		}(),
	}
	// A file with a cross-reference stream, cut and given its own end again.
	xs := streamed(t, body)
	m := startXref.FindSubmatch(xs[len(xs)-64:])
	if m == nil {
		t.Fatal("no startxref in the streamed file")
	}
	off, _ := strconv.Atoi(string(m[1]))
	cases["xref stream cut"] = append(bytes.Clone(xs[:off*4/10]), xs[off:]...)
	for _, pct := range []int{10, 40, 70, 95} {
		cases[fmt.Sprintf("cut at %d%% + %%%%EOF", pct)] = append(bytes.Clone(body[:len(body)*pct/100]), []byte("\n%%EOF\n")...)
	}
	for name, b := range cases {
		if _, err := Pages(b, 0, ""); !errors.Is(err, errs.ErrUnsupported) {
			t.Errorf("%s: %v, want refused", name, err)
		}
	}
}
