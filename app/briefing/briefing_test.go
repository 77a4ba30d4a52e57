package briefing

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"zonefair/app/errs"
)

func TestPhaseAt(t *testing.T) {
	start := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	end := start.Add(2 * time.Hour)
	at := func(d time.Duration) *time.Time { x := start.Add(d); return &x }
	cases := []struct {
		name           string
		started, ended *time.Time
		now            time.Time
		want           string
	}{
		{"before, not started", nil, nil, start.Add(-time.Hour), Upcoming},
		{"past its start, host not there yet", nil, nil, start.Add(time.Minute), Upcoming},
		{"started early", at(-10 * time.Minute), nil, start.Add(-5 * time.Minute), Live},
		{"overrunning", at(0), nil, end.Add(time.Hour), Live},
		{"never ended, long after", at(0), nil, end.Add(maxOverrun + time.Minute), Ended},
		{"never started, end passed", nil, nil, end.Add(time.Second), Ended},
		{"ended by the host", at(0), at(time.Hour), start.Add(90 * time.Minute), Ended},
	}
	for _, c := range cases {
		b := Briefing{StartsAt: start, EndsAt: end, StartedAt: c.started, EndedAt: c.ended}
		if got := b.PhaseAt(c.now); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestInspectRefusesWhatIsNotASlideDeck(t *testing.T) {
	for name, c := range map[string]struct {
		body []byte
		kind error
	}{
		"empty":     {nil, errs.ErrInvalid},
		"png":       {[]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), errs.ErrUnsupported},
		"fake":      {[]byte("%PDF-1.7\nnot really\n%%EOF\n"), errs.ErrUnsupported},
		"truncated": {[]byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog"), errs.ErrUnsupported},
		"too large": {append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), MaxSlidesBytes)...), errs.ErrTooLarge},
	} {
		if _, err := inspect(c.body); !errors.Is(err, c.kind) {
			t.Errorf("%s: %v, want %v", name, err, c.kind)
		}
	}
}

// TestSlidesURLFollowsTheDeck proves the slides' address changes with a new deck only: the row's
// update time moves with every page turn, the start and the reminder, and a page that reads the
// room again must not fetch and draw the same deck again.
func TestSlidesURLFollowsTheDeck(t *testing.T) {
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	b := Briefing{ID: 7, SlidesPath: "briefings/7/slides-0a1b2c.pdf", UpdatedAt: now}
	b.fill(now)
	first := b.SlidesURL
	b.UpdatedAt, b.Page = now.Add(time.Minute), 2 // a page turn
	b.fill(now)
	if b.SlidesURL != first {
		t.Errorf("a page turn changed the slides' address: %s, then %s", first, b.SlidesURL)
	}
	b.SlidesPath = "briefings/7/slides-3d4e5f.pdf" // a new upload
	b.fill(now)
	if b.SlidesURL == first {
		t.Errorf("a new deck kept the old address %s", first)
	}
	b.SlidesPath = ""
	b.fill(now)
	if b.SlidesURL != "" {
		t.Errorf("no deck, address %q", b.SlidesURL)
	}
}
