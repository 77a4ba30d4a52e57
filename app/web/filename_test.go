package web

import (
	"mime"
	"strings"
	"testing"
)

func TestDisplayName(t *testing.T) {
	long := strings.Repeat("长", 200) + ".pdf"
	for raw, want := range map[string]string{
		`%22王五%22.pdf`:             `"王五".pdf`, // as browsers send "王五".pdf
		`"王五".pdf`:                 `"王五".pdf`,
		"a%0Ab%0D%0Ac.pdf":         "a b c.pdf",
		"line\nbreak\ttab\x00.pdf": "line break tab .pdf",
		`C:\Users\me\简历.pdf`:       "简历.pdf",
		"../../etc/passwd":         "passwd",
		"  spaced   out  .pdf ":    "spaced out .pdf",
		"..":                       "",
		"%0A":                      "",
		"":                         "",
		"100% sure.pdf":            "100% sure.pdf",
		long:                       strings.Repeat("长", MaxDisplayName-4) + ".pdf",
	} {
		if got := DisplayName(raw); got != want {
			t.Errorf("%q: %q, want %q", raw, got, want)
		}
	}
}

// TestContentDispositionRoundTrip: what a client decodes from the header is exactly the stored
// name, and the plain filename is a safe ASCII stand-in.
func TestContentDispositionRoundTrip(t *testing.T) {
	for _, name := range []string{`"王五".pdf`, "résumé 2026.pdf", "plain.pdf", `a\b%22c;d=e.pdf`, "x'y (1).pdf"} {
		h := ContentDisposition("attachment", name)
		if strings.ContainsAny(h, "\r\n") || strings.ContainsFunc(h, func(r rune) bool { return r > 0x7e }) {
			t.Fatalf("%q: header not plain ASCII: %q", name, h)
		}
		disp, params, err := mime.ParseMediaType(h)
		if err != nil || disp != "attachment" || params["filename"] != name {
			t.Errorf("%q: %q decodes as %q %v %v", name, h, disp, params, err)
		}
	}
}
