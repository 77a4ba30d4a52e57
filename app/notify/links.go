package notify

import (
	"context"

	"zonefair/app/account"
)

// Users is the account capability: the address and language a notification is mailed in.
type Users interface {
	ByID(ctx context.Context, id int64) (account.User, error)
}
