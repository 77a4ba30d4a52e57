// Package dbtest opens migrated test databases: SQLite always, PostgreSQL too when
// ZONEFAIR_TEST_POSTGRES_URL is set, so storage tests run on both.
package dbtest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"zonefair/app/db"
	"zonefair/app/testenv"
)

// Kinds are the databases storage tests run on.
var Kinds = []string{"sqlite", "postgres"}

// Open returns an empty, migrated database of kind ("sqlite" or "postgres"), closed when the
// test ends. PostgreSQL tests skip with a message when no server is configured.
func Open(tb testing.TB, kind string) *gorm.DB {
	tb.Helper()
	g := OpenEmpty(tb, kind)
	if err := db.Migrate(context.Background(), g, quiet()); err != nil {
		tb.Fatalf("migrate %s: %v", kind, err)
	}
	return g
}

// OpenEmpty returns an empty, unmigrated database of kind.
func OpenEmpty(tb testing.TB, kind string) *gorm.DB {
	tb.Helper()
	o := db.Options{Logger: quiet()}
	switch kind {
	case "sqlite":
		o.SQLitePath = filepath.Join(tb.TempDir(), "test.db")
	case "postgres":
		o.Postgres, o.URL = true, testenv.PostgresURL(tb)
	default:
		tb.Fatalf("unknown database kind %q", kind)
	}
	g, err := db.Open(context.Background(), o)
	if err != nil {
		tb.Fatalf("open %s: %v", kind, err)
	}
	tb.Cleanup(func() { _ = db.Close(g) })
	return g
}

// Each runs f as a subtest on every database kind.
func Each(t *testing.T, f func(t *testing.T, g *gorm.DB)) {
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) { f(t, Open(t, kind)) })
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// statements counts the statements a gorm session runs.
type statements struct {
	logger.Interface
	n *atomic.Int64
}

func (s statements) Trace(context.Context, time.Time, func() (string, int64), error) { s.n.Add(1) }

// Counting returns a session of g that counts in n every statement it runs.
func Counting(g *gorm.DB) (session *gorm.DB, n *atomic.Int64) {
	n = new(atomic.Int64)
	return g.Session(&gorm.Session{Logger: statements{g.Logger, n}}), n
}
