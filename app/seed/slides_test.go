package seed

import (
	"bytes"
	"testing"

	"zonefair/app/signing"
)

// TestDemoSlides checks the demo deck is a readable landscape PDF with a title page and one
// page per agenda item, drawn the same way every time.
func TestDemoSlides(t *testing.T) {
	deck, err := demoSlides("集成电路产业云招商推介会", "Integrated Circuits Cloud Investment Briefing")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := signing.Inspect(deck)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != len(demoDeck)+1 {
		t.Fatalf("%d pages, want %d", len(pages), len(demoDeck)+1)
	}
	for i, p := range pages {
		if p.W != slideW || p.H != slideH {
			t.Errorf("page %d is %v × %v, want %v × %v", i+1, p.W, p.H, slideW, slideH)
		}
	}
	again, err := demoSlides("集成电路产业云招商推介会", "Integrated Circuits Cloud Investment Briefing")
	if err != nil || !bytes.Equal(deck, again) {
		t.Errorf("the deck is not reproducible: %v", err)
	}
}
