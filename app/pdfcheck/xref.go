package pdfcheck

import (
	"bytes"
	"regexp"
	"strconv"
)

// The parser repairs a broken file by scanning it for objects, so a file cut short with an
// end-of-file marker appended still parses. A file is accepted only if its own cross-reference
// data holds: the last startxref points at a cross-reference table or stream, and every object a
// table lists in use starts where the table says, through every earlier section (/Prev).

var (
	startXref   = regexp.MustCompile(`startxref\s+(\d{1,12})\s+%%EOF\s*$`)
	objHeader   = regexp.MustCompile(`^\s*(\d{1,10})\s+(\d{1,5})\s+obj\b`)
	subsection  = regexp.MustCompile(`^\s*(\d{1,10})\s+(\d{1,7})[ \t]*\r?\n`)
	xrefEntry   = regexp.MustCompile(`^(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)`)
	trailerPrev = regexp.MustCompile(`/Prev\s+(\d{1,12})`)
)

// maxSections bounds how many incremental updates are followed.
const maxSections = 64

// xrefIntact reports whether body's cross-reference data is its own and holds.
func xrefIntact(body []byte) bool {
	tail := body[max(0, len(body)-1024):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return false
	}
	m := startXref.FindSubmatch(tail[i:])
	if m == nil {
		return false
	}
	off, _ := strconv.Atoi(string(m[1]))
	seen := map[int]bool{}
	for range maxSections {
		if off <= 0 || off >= len(body) || seen[off] {
			return false
		}
		seen[off] = true
		prev, ok := section(body, off)
		if !ok {
			return false
		}
		if prev < 0 {
			return true
		}
		off = prev
	}
	return false
}

// section checks the cross-reference section at off and returns the offset of the previous one
// (-1 for none).
func section(body []byte, off int) (int, bool) {
	rest := body[off:]
	if objHeader.Match(rest[:min(len(rest), 64)]) {
		// A cross-reference stream: its entries are compressed, and the parser reads them.
		head := rest[:min(len(rest), 2048)]
		if !bytes.Contains(head, []byte("/XRef")) {
			return 0, false
		}
		return prevOf(head[:max(0, bytes.Index(head, []byte("stream")))]), true
	}
	if !bytes.HasPrefix(rest, []byte("xref")) {
		return 0, false
	}
	rest = rest[len("xref"):]
	for {
		m := subsection.FindSubmatchIndex(rest)
		if m == nil {
			break
		}
		first, _ := strconv.Atoi(string(rest[m[2]:m[3]]))
		count, _ := strconv.Atoi(string(rest[m[4]:m[5]]))
		rest = rest[m[1]:]
		for n := range count {
			e := xrefEntry.FindSubmatch(rest[:min(len(rest), 20)])
			if e == nil {
				return 0, false
			}
			rest = rest[20:]
			if string(e[3]) != "n" {
				continue
			}
			at, _ := strconv.Atoi(string(e[1]))
			if at <= 0 || at >= len(body) {
				return 0, false
			}
			h := objHeader.FindSubmatch(body[at:min(len(body), at+64)])
			if h == nil || string(h[1]) != strconv.Itoa(first+n) {
				return 0, false
			}
		}
	}
	rest = bytes.TrimLeft(rest, " \t\r\n")
	if !bytes.HasPrefix(rest, []byte("trailer")) {
		return 0, false
	}
	end := bytes.Index(rest, []byte("startxref"))
	if end < 0 {
		end = min(len(rest), 4096)
	}
	return prevOf(rest[:end]), true
}

func prevOf(dict []byte) int {
	m := trailerPrev.FindSubmatch(dict)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
