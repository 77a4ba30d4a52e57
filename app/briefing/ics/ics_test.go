package ics

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestWriteEscapesFoldsAndAlarms(t *testing.T) {
	start := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	out := string(Write(Event{
		UID: "briefing-7@zonefair", Summary: "苏州工业园区, Top 500; meet\nDTSTART:19700101T000000Z",
		Description: strings.Repeat("投资说明会 ", 40), Start: start, End: start.Add(time.Hour), Reminder: 30 * time.Minute,
	}))
	lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Fatalf("not a calendar:\n%s", out)
	}
	for _, l := range lines {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets: %q", l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("fold cut a character: %q", l)
		}
		if strings.HasPrefix(l, "DTSTART:1970") {
			t.Error("a newline in the title injected a property")
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	for _, want := range []string{
		`SUMMARY:苏州工业园区\, Top 500\; meet\nDTSTART:19700101T000000Z`,
		"DTSTART:20261201T020000Z", "DTEND:20261201T030000Z", "TRIGGER:-PT30M",
		"DESCRIPTION:" + strings.Repeat("投资说明会 ", 40)[:len(strings.Repeat("投资说明会 ", 40))],
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("missing %q in\n%s", want, unfolded)
		}
	}
}
