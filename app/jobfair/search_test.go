package jobfair

import "testing"

// Deadlines compare as numbers in the same order as the dates; anything that is not a date
// sorts before every day, so a job without one is never shown as open.
func TestDayNumber(t *testing.T) {
	days := []string{"2025-12-31", "2026-01-01", "2026-07-09", "2026-07-31", "2027-01-01"}
	for i := 1; i < len(days); i++ {
		if dayNumber(days[i-1]) >= dayNumber(days[i]) {
			t.Errorf("%s does not come before %s", days[i-1], days[i])
		}
	}
	if dayNumber("2026-07-31") != 20260731 {
		t.Errorf("got %d", dayNumber("2026-07-31"))
	}
	for _, bad := range []string{"", "2026-7-31", "2026/07/31", "2026-0a-31", "20260731xx"} {
		if dayNumber(bad) != 0 {
			t.Errorf("%q gives %d", bad, dayNumber(bad))
		}
	}
}
