package assessment

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zonefair/app/errs"
	"zonefair/app/sheet"
	"zonefair/app/web"
)

// Limits on imported files.
const (
	MaxImportBytes = 1 << 20
	maxImportRows  = 500
)

// Template columns; an import needs indicator_code and value, in any order.
var templateHeader = []string{"indicator_code", "category", "indicator", "unit", "min", "max", "value"}

// ImportRow is one value read from a file, with its 1-based row number for error messages.
type ImportRow struct {
	Line  int
	Input ValueInput
}

// ParseImport reads a CSV (UTF-8, or GB18030 as Excel writes it on Chinese systems) or XLSX
// file. Rows with an empty value are skipped; a value that is not a number is returned as a
// per-row problem, so that it is reported together with the values' own checks.
func ParseImport(body []byte) ([]ImportRow, []errs.FieldError, error) {
	var records [][]string
	var err error
	switch {
	case len(body) == 0:
		return nil, nil, errs.Invalid("file", "assessment.empty_file")
	case bytes.HasPrefix(body, []byte("PK\x03\x04")):
		records, err = readXLSX(body)
	case bytes.IndexByte(body, 0) >= 0:
		return nil, nil, unsupported()
	default:
		records, err = readCSV(body)
	}
	if err != nil {
		return nil, nil, err
	}
	if len(records) > maxImportRows+1 {
		return nil, nil, errs.Invalid("file", "assessment.too_many_rows")
	}
	codeCol, valueCol := -1, -1
	if len(records) > 0 {
		for i, h := range records[0] {
			switch strings.ToLower(strings.TrimSpace(h)) {
			case "indicator_code":
				codeCol = i
			case "value":
				valueCol = i
			}
		}
	}
	if codeCol < 0 || valueCol < 0 {
		return nil, nil, errs.Invalid("file", "assessment.header")
	}
	var out []ImportRow
	var fields []errs.FieldError
	for i, rec := range records[1:] {
		line := i + 2
		code, raw := cell(rec, codeCol), cell(rec, valueCol)
		if code == "" && raw == "" || raw == "" {
			continue
		}
		// Templates guard a cell starting with "-" against formulas as '-5.5 (sheet.SafeCell):
		// a downloaded template with a negative value must import again.
		v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimPrefix(raw, "'"), ",", ""), 64)
		if err != nil {
			fields = append(fields, errs.FieldError{Field: fmt.Sprintf("rows.%d.value", line), Key: "assessment.not_number", Param: truncate(raw, 40)})
			continue
		}
		out = append(out, ImportRow{Line: line, Input: ValueInput{Code: code, Value: v}})
	}
	if len(out) == 0 && len(fields) == 0 {
		return nil, nil, errs.Invalid("file", "assessment.empty_file")
	}
	return out, fields, nil
}

func unsupported() error {
	e := errs.New(errs.ErrUnsupported, "assessment.file_type")
	e.Fields = []errs.FieldError{{Field: "file", Key: "assessment.file_type"}}
	return e
}

func cell(rec []string, i int) string {
	if i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func readCSV(body []byte) ([][]string, error) {
	body = bytes.TrimPrefix(body, []byte("\ufeff"))
	if !utf8.Valid(body) {
		decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(body)
		if err != nil || !utf8.Valid(decoded) {
			return nil, unsupported()
		}
		body = decoded
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, errs.Invalid("file", "assessment.file_unreadable")
		}
		if len(out) > maxImportRows+1 {
			return out, nil
		}
		out = append(out, rec)
	}
}

func readXLSX(body []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(body), excelize.Options{UnzipSizeLimit: 32 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, errs.Invalid("file", "assessment.file_unreadable")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errs.Invalid("file", "assessment.empty_file")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, errs.Invalid("file", "assessment.file_unreadable")
	}
	return rows, nil
}

// templateRows are the template's rows for d in locale l: one per indicator, with the value
// already entered, if any.
func templateRows(d Detail, l web.Locale) [][]string {
	out := [][]string{templateHeader}
	for _, r := range d.Rows {
		cat, name := r.CategoryNameEn, r.NameEn
		if l == web.LocaleZh {
			cat, name = r.CategoryNameZh, r.NameZh
		}
		val := ""
		if r.Value != nil {
			val = strconv.FormatFloat(*r.Value, 'f', -1, 64)
		}
		out = append(out, []string{r.Code, cat, name, r.Unit, formatWeight(r.Min), formatWeight(r.Max), val})
	}
	return out
}

// WriteTemplateCSV writes d's template as CSV.
func WriteTemplateCSV(w io.Writer, d Detail, l web.Locale) error {
	sw, err := sheet.NewWriter(w)
	if err != nil {
		return err
	}
	for _, row := range templateRows(d, l) {
		if err := sw.Row(row...); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// WriteTemplateXLSX writes d's template as an XLSX workbook whose value cells only accept
// numbers in each indicator's plausible range.
func WriteTemplateXLSX(w io.Writer, d Detail, l web.Locale) error {
	f := excelize.NewFile()
	defer f.Close()
	const name = "values"
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, row := range templateRows(d, l) {
		cells := make([]any, len(row))
		for j, c := range row {
			cells[j] = sheet.SafeCell(c)
			if i > 0 && j >= 4 && c != "" {
				if n, err := strconv.ParseFloat(c, 64); err == nil {
					cells[j] = n
				}
			}
		}
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(name, ref, &cells); err != nil {
			return err
		}
		if i == 0 {
			continue
		}
		r := d.Rows[i-1]
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("G%d", i+1)
		if err := dv.SetRange(r.Min, r.Max, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		if err := f.AddDataValidation(name, dv); err != nil {
			return err
		}
	}
	if err := f.SetRowStyle(name, 1, 1, bold); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 26, "B": 22, "C": 40, "D": 18, "E": 10, "F": 10, "G": 14} {
		if err := f.SetColWidth(name, col, col, width); err != nil {
			return err
		}
	}
	return f.Write(w)
}
