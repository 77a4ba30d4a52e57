package briefing

import (
	"context"

	"zonefair/app/account"
	"zonefair/app/project"
	"zonefair/app/zone"
)

// A briefing names hosting zones, presented projects and people; those records belong to other
// capabilities, which briefing reads through these (wired by the server to their owners).

// Zones is the zone capability.
type Zones interface {
	// ByIDs returns the zones among ids that exist, by id.
	ByIDs(ctx context.Context, ids []int64) ([]zone.Zone, error)
}

// Projects is the project capability.
type Projects interface {
	// Refs returns the projects among ids that exist, by id.
	Refs(ctx context.Context, ids []int64) ([]project.Ref, error)
	// MeetingRequestsFrom counts, per investor, the meeting requests made from briefing id.
	MeetingRequestsFrom(ctx context.Context, briefingID int64) (map[int64]int, error)
}

// Users is the account capability.
type Users interface {
	ByID(ctx context.Context, id int64) (account.User, error)
	ByIDs(ctx context.Context, ids []int64) ([]account.User, error)
}
