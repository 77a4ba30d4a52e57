package seed

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// seedStay is one stay in a video room as the video server's webhooks would have recorded it.
type seedStay struct {
	userID        int64
	onStage       bool
	from, minutes int // minutes after the start, and how long
}

// demoStays records who was in the video room of a past briefing or meeting (kind "briefing" or
// "meeting", ref its id) from start on, so its analytics and record show them without a video
// server in the demo.
func demoStays(ctx context.Context, g *gorm.DB, kind string, ref int64, start time.Time, stays []seedStay) error {
	for i, s := range stays {
		joined := start.Add(time.Duration(s.from) * time.Minute)
		left := joined.Add(time.Duration(s.minutes) * time.Minute).UnixNano()
		err := g.WithContext(ctx).Exec("INSERT INTO video_presence (kind, ref_id, user_id, participant, published, joined_ns, left_ns, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			kind, ref, s.userID, fmt.Sprintf("PA_seed_%s_%d_%d", kind, ref, i), s.onStage, joined.UnixNano(), left, s.minutes*60).Error
		if err != nil {
			return err
		}
	}
	return nil
}
