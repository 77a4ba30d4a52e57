// Package testenv gives tests the external services they need — PostgreSQL, Redis, Chromium —
// each isolated per test and cleaned up afterwards. When a service is not configured the test
// is skipped with a message that says which variable to set; CI sets all of them.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"zonefair/app/errs"
)

// Variables that point tests at real services.
const (
	PostgresEnv = "ZONEFAIR_TEST_POSTGRES_URL"
	RedisEnv    = "ZONEFAIR_TEST_REDIS_URL"
	ChromiumEnv = "ZONEFAIR_TEST_CHROMIUM"
)

// Name returns a short random name usable as a database name or key prefix.
func Name(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// PostgresURL creates an empty database for this test and returns its URL; the database is
// dropped when the test ends. The test is skipped when ZONEFAIR_TEST_POSTGRES_URL is unset.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	return PostgresCopy(tb, "")
}

// PostgresCopy is PostgresURL with a database copied from template (CREATE DATABASE …
// TEMPLATE), which nobody may be connected to; an empty template is PostgreSQL's own, empty.
func PostgresCopy(tb testing.TB, template string) string {
	tb.Helper()
	PostgresSkip(tb)
	base := os.Getenv(PostgresEnv)
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	name := Name("zf_test_")
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatalf("connect to %s: %v", PostgresEnv, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, create); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// PostgresSkip skips the test when ZONEFAIR_TEST_POSTGRES_URL is unset.
func PostgresSkip(tb testing.TB) {
	tb.Helper()
	if os.Getenv(PostgresEnv) == "" {
		tb.Skipf("skipping PostgreSQL test: set %s (e.g. postgres://postgres@127.0.0.1:5432/test) to run it", PostgresEnv)
	}
}

// RedisURL returns the Redis URL for tests, skipping the test when ZONEFAIR_TEST_REDIS_URL is
// unset. Callers isolate themselves with a key prefix from Redis.
func RedisURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(RedisEnv)
	if u == "" {
		tb.Skipf("skipping Redis test: set %s (e.g. redis://127.0.0.1:6379/0) to run it", RedisEnv)
	}
	return u
}

// Redis returns a client and a fresh key prefix ("zft:<random>:"); every key under the prefix
// is deleted when the test ends. The test is skipped when ZONEFAIR_TEST_REDIS_URL is unset.
func Redis(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	opts, err := redis.ParseURL(RedisURL(tb))
	if err != nil {
		tb.Fatalf("%s: %v", RedisEnv, err)
	}
	client := redis.NewClient(opts)
	prefix := Name("zft:") + ":"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		tb.Fatalf("ping %s: %v", RedisEnv, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		iter := client.Scan(ctx, 0, prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		_ = client.Close()
	})
	return client, prefix
}

// Chromium returns the path of a Chromium binary for browser tests, or skips the test.
func Chromium(tb testing.TB) string {
	tb.Helper()
	p := os.Getenv(ChromiumEnv)
	if p == "" {
		tb.Skipf("skipping browser test: set %s to a Chromium binary to run it", ChromiumEnv)
	}
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("%s=%s: %v", ChromiumEnv, p, err)
	}
	return p
}

// Must fails the test on err; a helper for set-up code.
func Must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(fmt.Errorf("set-up: %w", err))
	}
}

// Refused fails the test unless err is a domain error of kind (errs.ErrConflict…) with message
// key, or with key on its first field for invalid input; what names the attempt.
func Refused(tb testing.TB, what string, err, kind error, key string) {
	tb.Helper()
	var e *errs.Error
	if !errors.Is(err, kind) || !errors.As(err, &e) {
		tb.Fatalf("%s: %v, want %v %s", what, err, kind, key)
	}
	got := e.Key
	if len(e.Fields) > 0 {
		got = e.Fields[0].Key
	}
	if got != key {
		tb.Fatalf("%s: %v (key %s), want %s", what, err, got, key)
	}
}
