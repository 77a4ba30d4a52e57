package policy

import (
	"context"

	"zonefair/app/account"
)

// Users is the account capability: the address and language a subscriber is told in.
type Users interface {
	ByIDs(ctx context.Context, ids []int64) ([]account.User, error)
}
