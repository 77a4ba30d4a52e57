package server_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/meeting"
	"zonefair/app/seed"
)

// TestDemoMeetings: the demo has interview and negotiation slots and one booked interview,
// of the demo graduate; seeding again adds nothing.
func TestDemoMeetings(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, g *gorm.DB) {
		// A copy of the seeded demo: seeding again adds nothing.
		if _, err := seed.Demo(context.Background(), g); err != nil {
			t.Fatal(err)
		}
		var kinds []struct {
			Kind   string
			N      int
			Booked int
		}
		g.Model(&meeting.Meeting{}).Select("kind, count(*) AS n, sum(booked) AS booked").Group("kind").Order("kind").Scan(&kinds)
		if len(kinds) != 2 || kinds[0].Kind != "interview" || kinds[0].N != 4 || kinds[0].Booked != 1 || kinds[1].N != 2 {
			t.Fatalf("demo slots: %+v", kinds)
		}
		var guests int64
		g.Table("meeting_members m").Joins("JOIN users u ON u.id = m.user_id").Where("u.email = ? AND m.role = ? AND m.application_id IS NOT NULL", "graduate@zonefair.test", "guest").Count(&guests)
		if guests != 1 {
			t.Fatalf("the demo graduate has %d bookings, want 1", guests)
		}
	})
}
