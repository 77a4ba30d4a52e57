package policy

import (
	"context"

	"zonefair/app/account"
	"zonefair/app/zone"
)

// Users is the account capability: the address and language a subscriber is told in.
type Users interface {
	ByIDs(ctx context.Context, ids []int64) ([]account.User, error)
}

// Zones is the zone capability: whether a zone exists, the names of zones by id, and the
// zones of a province (a provincial policy reaches their subscribers, and a search by
// province finds their policies).
type Zones interface {
	// Exists returns a not-found error when zone id does not exist.
	Exists(ctx context.Context, id int64) error
	RefsByID(ctx context.Context, ids []int64) (map[int64]zone.Ref, error)
	IDsInProvince(ctx context.Context, province string) ([]int64, error)
}
