package briefing

import (
	"strings"
	"testing"
)

// TestRecordingURL checks the recording link on its own, past the request validation: only a
// plain absolute http(s) address of bounded length is kept.
func TestRecordingURL(t *testing.T) {
	for in, want := range map[string]string{
		"":   "",
		"  ": "",
		" https://video.example.test/r/42?t=1#x ": "https://video.example.test/r/42?t=1#x",
		"HTTP://Media.Example.test/r.m3u8":        "HTTP://Media.Example.test/r.m3u8",
		"https://视频.example.test/回放":              "https://视频.example.test/回放",
	} {
		if got, err := recordingURL(in); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{
		"javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://x.test/r", "mailto:a@b.test", "https:", "https://", "//x.test/r", "/r/42",
		"https://x.test/<script>", `https://x.test/"onclick="x`, "https://x.test/'x'", "https://x.test/a b", "https://x.test/a\tb",
		"https://x.test/\u0000", "https://x.test/\u202e", "https://u:p@x.test/r", "https://x.test/`x`", `https://x.test/a\b`,
		"https://x.test/" + strings.Repeat("a", MaxRecordingURL),
	} {
		if got, err := recordingURL(bad); err == nil {
			t.Errorf("%q accepted as %q", bad, got)
		}
	}
}
