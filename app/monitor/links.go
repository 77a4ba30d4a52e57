package monitor

import (
	"context"

	"zonefair/app/zone"
)

// Users is the account capability: who is told of an alert.
type Users interface {
	// Reviewers returns, by id, the admins and the province staff who review province.
	Reviewers(ctx context.Context, province string) ([]int64, error)
}

// Zones is the zone capability: the names and provinces of zones by id (those that exist).
type Zones interface {
	RefsByID(ctx context.Context, ids []int64) (map[int64]zone.Ref, error)
}
