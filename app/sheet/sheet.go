// Package sheet writes CSV exports meant for spreadsheet programs: UTF-8 with a byte-order mark
// so Excel reads Chinese correctly, and cells that a spreadsheet would run as a formula
// neutralised.
package sheet

import (
	"encoding/csv"
	"io"
	"strings"
)

// Writer writes one CSV export.
type Writer struct{ w *csv.Writer }

// NewWriter starts an export on w with the byte-order mark.
func NewWriter(w io.Writer) (*Writer, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	return &Writer{w: csv.NewWriter(w)}, nil
}

// Row writes one row, each cell made safe.
func (s *Writer) Row(cells ...string) error {
	for i := range cells {
		cells[i] = SafeCell(cells[i])
	}
	return s.w.Write(cells)
}

// Flush writes out what is buffered and reports any write error.
func (s *Writer) Flush() error {
	s.w.Flush()
	return s.w.Error()
}

// SafeCell keeps a spreadsheet from running a cell as a formula: text starting with = + - @
// or a tab or carriage return gets a leading apostrophe.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
