// Package ics writes iCalendar (RFC 5545) files with one event, for "add to calendar" links of
// briefings and meetings.
package ics

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one calendar entry.
type Event struct {
	UID         string // stable across downloads, so a calendar updates rather than duplicates
	Summary     string
	Description string
	Location    string
	URL         string
	Start, End  time.Time
	Stamp       time.Time
	// Reminder adds an alarm this long before the start; zero adds none.
	Reminder time.Duration
}

// Write renders e as a VCALENDAR document.
func Write(e Event) []byte {
	var b bytes.Buffer
	line := func(name, value string) { fold(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//Zonefair//Briefings//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("BEGIN", "VEVENT")
	line("UID", escape(e.UID))
	stamp := e.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	line("DTSTAMP", utc(stamp))
	line("DTSTART", utc(e.Start))
	line("DTEND", utc(e.End))
	line("SUMMARY", escape(e.Summary))
	if e.Description != "" {
		line("DESCRIPTION", escape(e.Description))
	}
	if e.Location != "" {
		line("LOCATION", escape(e.Location))
	}
	if e.URL != "" {
		line("URL", e.URL)
	}
	if e.Reminder > 0 {
		line("BEGIN", "VALARM")
		line("ACTION", "DISPLAY")
		line("DESCRIPTION", escape(e.Summary))
		line("TRIGGER", "-PT"+itoa(int(e.Reminder/time.Minute))+"M")
		line("END", "VALARM")
	}
	line("END", "VEVENT")
	line("END", "VCALENDAR")
	return b.Bytes()
}

func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func itoa(n int) string {
	if n <= 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}

// escape quotes the characters TEXT values reserve; other control characters are dropped so
// hostile titles cannot inject properties.
func escape(s string) string {
	var b strings.Builder
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch r {
		case '\\', ';', ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			if r >= 0x20 && r != 0x7f {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// fold writes one content line, split at 75 octets without cutting a UTF-8 character, each
// continuation starting with a space, lines ending in CRLF.
func fold(b *bytes.Buffer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
