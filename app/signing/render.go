package signing

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

//go:embed fonts/wqy-microhei-subset.ttf
var cjkFont []byte

const fontFamily = "wqy"

// A4 in points.
const a4W, a4H = 595.28, 841.89

// newPDF starts a document in points with the CJK font registered. Dates are fixed to at so
// that the same input renders the same bytes.
func newPDF(at time.Time) *fpdf.Fpdf {
	f := fpdf.New("P", "pt", "A4", "")
	f.AddUTF8FontFromBytes(fontFamily, "", CJKFont())
	f.SetCreator("Zonefair", false)
	f.SetProducer("Zonefair", false)
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetCatalogSort(true)
	f.SetFont(fontFamily, "", 11)
	return f
}

func output(f *fpdf.Fpdf) ([]byte, error) {
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var mergeRef = regexp.MustCompile(`\{\{\s*([A-Za-z][A-Za-z0-9_]{0,39})\s*\}\}`)

// fillMergeFields lists the {{names}} the template bodies use, sorted and without repeats.
func (t *Template) fillMergeFields() {
	var out []string
	for _, body := range []string{t.BodyZh, t.BodyEn} {
		for _, m := range mergeRef.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	t.MergeFields = slices.Compact(out)
	if t.MergeFields == nil {
		t.MergeFields = []string{}
	}
}

// merge replaces every {{name}} in body with data[name].
func merge(body string, data map[string]string) string {
	return mergeRef.ReplaceAllStringFunc(body, func(ref string) string {
		return data[mergeRef.FindStringSubmatch(ref)[1]]
	})
}

// signatureSlots are the boxes of the signature page that ends a document rendered from a
// template: one per signer, two columns, top to bottom.
const signatureSlots = 6

func slotRect(i int) (x, y float64) {
	return 56 + float64(i%2)*250, 150 + float64(i/2)*200
}

// renderTemplate produces the agreement document from t filled with data: the Chinese text,
// the English text, and a signature page with signatureSlots blank slots.
func renderTemplate(t *Template, title string, data map[string]string, at time.Time) ([]byte, error) {
	f := newPDF(at)
	f.SetTitle(title, true)
	f.SetMargins(56, 56, 56)
	f.SetAutoPageBreak(true, 56)
	f.AddPage()
	for _, part := range []struct{ name, body string }{{t.NameZh, t.BodyZh}, {t.NameEn, t.BodyEn}} {
		if f.PageNo() > 1 || f.GetY() > 60 {
			f.AddPage()
		}
		f.SetFontSize(18)
		f.MultiCell(0, 26, title, "", "C", false)
		f.SetFontSize(12)
		f.SetTextColor(90, 90, 90)
		f.MultiCell(0, 18, part.name, "", "C", false)
		f.SetTextColor(0, 0, 0)
		f.Ln(12)
		f.SetFontSize(11)
		for _, para := range strings.Split(merge(part.body, data), "\n") {
			f.MultiCell(0, 17, strings.TrimRight(para, "\r"), "", "L", false)
			f.Ln(3)
		}
	}
	f.AddPage()
	f.SetFontSize(16)
	f.SetXY(56, 70)
	f.CellFormat(0, 24, "签署页 Signature page", "", 1, "L", false, 0, "")
	f.SetFontSize(9)
	f.SetDrawColor(180, 180, 180)
	for i := range signatureSlots {
		x, y := slotRect(i)
		f.Rect(x, y, 230, 170, "D")
		f.SetXY(x+6, y+4)
		f.CellFormat(218, 12, fmt.Sprintf("签署方 Signer %d", i+1), "", 0, "L", false, 0, "")
	}
	return output(f)
}

// slotFields are the fields of signature slot i on page: signature, printed name and date.
func slotFields(i, page int) []Field {
	x, y := slotRect(i)
	return []Field{
		{Kind: FieldSignature, Page: page, X: x + 10, Y: y + 22, W: 210, H: 80, Label: "签名 Signature", Required: true},
		{Kind: FieldName, Page: page, X: x + 10, Y: y + 110, W: 210, H: 22, Label: "姓名 Name", Required: true},
		{Kind: FieldDate, Page: page, X: x + 10, Y: y + 138, W: 210, H: 22, Label: "日期 Date", Required: true},
	}
}
