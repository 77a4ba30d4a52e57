package web

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestStorageFailuresAreNot500(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
	}{
		{&pgconn.PgError{Code: "08006"}, 503},
		{&pgconn.PgError{Code: "57P01"}, 503},
		{&pgconn.PgError{Code: "53100"}, 507},
		{fmt.Errorf("apply: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), 503},
		{errors.New("failed to connect to `user=postgres`: connection refused"), 503},
		{errors.New("attempt to write a readonly database (8)"), 503},
		{errors.New("database or disk is full (13)"), 507},
		{fmt.Errorf("save resume: %w", syscall.ENOSPC), 507},
		{&pgconn.PgError{Code: "23505"}, 0}, // a unique violation is the caller's to map
		{errors.New("template: no such field"), 0},
	} {
		status, _, ok := storageFailure(c.err)
		if status != c.status || ok != (c.status != 0) {
			t.Errorf("%v: %d %v, want %d", c.err, status, ok, c.status)
		}
	}
}
