package briefing

import (
	"context"

	"zonefair/app/actor"
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
func (s *Service) VideoAccess(ctx context.Context, id int64, p *actor.Actor) (VideoAccess, error) {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return VideoAccess{}, err
	}
	return VideoAccess{Briefing: a.b, Host: a.host, Registered: a.registered, Removed: a.mod.Removed}, nil
}

// Attendee reports whether userID registered for briefing id and was not removed, so a host may
// bring them on stage.
func (s *Service) Attendee(ctx context.Context, id, userID int64) (bool, error) {
	ok, err := s.Store.Registered(ctx, id, userID)
	if err != nil || !ok {
		return false, err
	}
	removed, err := s.Store.Removed(ctx, id, userID)
	return err == nil && !removed, err
}
