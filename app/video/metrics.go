package video

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Register adds the video gauges to reg: rooms with someone in them and people in rooms, as
// the video server's webhooks recorded them. Nothing is added while video is off.
func Register(reg prometheus.Registerer, s *Service) {
	if !s.Enabled() {
		return
	}
	count := func(rooms bool) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			r, p, err := s.Counts(ctx)
			if err != nil {
				s.log().Warn("video counts", "err", err)
			}
			if rooms {
				return float64(r)
			}
			return float64(p)
		}
	}
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "zonefair_video_rooms", Help: "Video rooms (briefing stages and meetings) with someone in them"}, count(true)),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "zonefair_video_participants", Help: "People in video rooms"}, count(false)),
	)
}
