package video

import (
	"context"

	"zonefair/app/account"
)

// Users is the account capability: the names shown on stage and in a room's presence.
type Users interface {
	ByID(ctx context.Context, id int64) (account.User, error)
	ByIDs(ctx context.Context, ids []int64) ([]account.User, error)
}
