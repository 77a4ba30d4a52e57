package monitor

import "context"

// Users is the account capability: who is told of an alert.
type Users interface {
	// Reviewers returns, by id, the admins and the province staff who review province.
	Reviewers(ctx context.Context, province string) ([]int64, error)
}
