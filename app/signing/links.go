package signing

import (
	"context"
	"errors"
	"slices"
	"time"

	"zonefair/app/account"
	"zonefair/app/briefing"
	"zonefair/app/errs"
)

// The records an agreement names — its zone, project, briefing and people — belong to other
// capabilities; signing reads them through these, which the server wires to their owners.

// Zones is the zone capability.
type Zones interface {
	Exists(ctx context.Context, id int64) error
	Names(ctx context.Context, id int64) (zh, en string, err error)
}

// Projects is the project capability.
type Projects interface {
	ZoneOf(ctx context.Context, id int64) (int64, error)
}

// Briefings is the briefing capability.
type Briefings interface {
	Get(ctx context.Context, id int64) (briefing.Briefing, error)
}

// Users is the account capability.
type Users interface {
	ByID(ctx context.Context, id int64) (account.User, error)
	ByIDs(ctx context.Context, ids []int64) ([]account.User, error)
	FindColleagues(ctx context.Context, q string, limit int) ([]account.User, error)
}

// checkLinks refuses a project that is not the zone's own, or a briefing the zone does not host:
// an agreement's ceremony shows in that briefing's room, and its lead belongs to that project.
func (s *Service) checkLinks(ctx context.Context, zoneID int64, projectID, briefingID *int64) error {
	if projectID != nil {
		in, err := s.Projects.ZoneOf(ctx, *projectID)
		if err != nil && !errors.Is(err, errs.ErrNotFound) {
			return err
		}
		if err != nil || in != zoneID {
			return errs.Invalid("projectId", "signing.link_project")
		}
	}
	if briefingID != nil {
		b, err := s.Briefings.Get(ctx, *briefingID)
		if err != nil && !errors.Is(err, errs.ErrNotFound) {
			return err
		}
		if err != nil || !slices.Contains(b.ZoneIDs, zoneID) {
			return errs.Invalid("briefingId", "signing.link_briefing")
		}
	}
	return nil
}

// briefingLive reports whether briefing id is being held at now: opened by its host and not
// ended. The signing ceremony shows only in a room that is live.
func (s *Service) briefingLive(ctx context.Context, id int64, now time.Time) bool {
	b, err := s.Briefings.Get(ctx, id)
	return err == nil && b.PhaseAt(now) == briefing.Live
}

// zoneName is zone id's name in both languages, "" when it cannot be read.
func (s *Service) zoneName(ctx context.Context, id int64) (zh, en string) {
	zh, en, err := s.Zones.Names(ctx, id)
	if err != nil {
		s.log().Warn("read zone name", "zone", id, "err", err)
	}
	return zh, en
}
