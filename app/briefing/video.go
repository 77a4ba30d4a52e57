package briefing

import (
	"context"

	"zonefair/app/web"
)

// VideoAccess is what one caller may do in a briefing's video room (app/video decides tokens
// from it): hosts present; registered attendees who were not removed watch, and present once a
// host brings them on stage.
type VideoAccess struct {
	Briefing   Briefing
	Host       bool
	Registered bool
	Removed    bool
}

// VideoAccess loads briefing id for p's video token; a briefing p may not see is a 404.
func (s *Service) VideoAccess(ctx context.Context, id int64, p *web.Principal) (VideoAccess, error) {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return VideoAccess{}, err
	}
	return VideoAccess{Briefing: a.b, Host: a.host, Registered: a.registered, Removed: a.mod.Removed}, nil
}

// Attendee reports whether userID registered for briefing id and was not removed, so a host may
// bring them on stage.
func (s *Service) Attendee(ctx context.Context, id, userID int64) (bool, error) {
	var n int64
	g := s.DB.WithContext(ctx)
	if err := g.Model(&Registration{}).Where("briefing_id = ? AND user_id = ?", id, userID).Count(&n).Error; err != nil || n == 0 {
		return false, err
	}
	if err := g.Model(&Moderation{}).Where("briefing_id = ? AND user_id = ? AND removed = ?", id, userID, true).Count(&n).Error; err != nil {
		return false, err
	}
	return n == 0, nil
}
