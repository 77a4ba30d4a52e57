package web

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgconn"
)

func init() {
	AddMessages(map[string][2]string{
		"storage.unavailable": {"数据库暂时不可用，请稍后重试。", "The database is unavailable right now; please try again shortly."},
		"storage.full":        {"服务器存储空间已满，无法保存，请稍后重试。", "The server's storage is full, so nothing could be saved; please try again later."},
	})
}

// storageFailure recognises an error from a database that cannot be reached or cannot write
// (PostgreSQL restarting, connections cut, a read-only or full SQLite disk): the request is
// answered 503 (507 when the disk is full) with a retry hint instead of a 500, because the
// fault is the platform's and passes.
func storageFailure(err error) (status int, key string, ok bool) {
	const unavailable, full = fiber.StatusServiceUnavailable, fiber.StatusInsufficientStorage
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "53100": // disk_full
			return full, "storage.full", true
		case strings.HasPrefix(pgErr.Code, "08"), // connection exception
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03", // shutting down, starting up
			pgErr.Code == "53300", pgErr.Code == "25006": // too many connections, read-only transaction
			return unavailable, "storage.unavailable", true
		}
		return 0, "", false
	}
	if errors.Is(err, syscall.ENOSPC) {
		return full, "storage.full", true
	}
	var connectErr *pgconn.ConnectError
	var netErr *net.OpError
	if errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.EROFS) {
		return unavailable, "storage.unavailable", true
	}
	msg := err.Error()
	for _, s := range []string{"database or disk is full", "no space left on device"} {
		if strings.Contains(msg, s) {
			return full, "storage.full", true
		}
	}
	for _, s := range []string{"conn closed", "connection refused", "connection reset", "broken pipe",
		"unexpected EOF", "failed to connect", "readonly database", "read-only file system", "disk I/O error",
		"unable to open database file", "database is locked"} {
		if strings.Contains(msg, s) {
			return unavailable, "storage.unavailable", true
		}
	}
	return 0, "", false
}
