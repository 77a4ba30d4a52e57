// Package dbtest opens migrated test databases: SQLite always, PostgreSQL too when
// ZONEFAIR_TEST_POSTGRES_URL is set, so storage tests run on both.
//
// Each test gets a database of its own, copied from a template that is migrated once per test
// process and database kind (SQLite copies the file, PostgreSQL runs CREATE DATABASE …
// TEMPLATE); Seeded does the same for data that several tests only start from.
package dbtest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	return Seeded(tb, kind, "", nil)
}

// Seeded returns a migrated database of kind, of this test's own, holding what fill wrote into
// it. fill runs once per test process for each name and kind, into a template that every
// caller with that name gets a copy of, so a test that changes the data changes only its copy.
// Open is Seeded with no name and no fill.
func Seeded(tb testing.TB, kind, name string, fill func(g *gorm.DB) error) *gorm.DB {
	tb.Helper()
	if (name == "") != (fill == nil) {
		tb.Fatal("dbtest.Seeded: a template with data needs a name, and a name needs data")
	}
	switch kind {
	case "sqlite":
		tp, err := sqliteTemplate(name, fill)
		if err != nil {
			tb.Fatalf("sqlite template %q: %v", name, err)
		}
		return open(tb, db.Options{SQLitePath: tp.copy(tb)})
	case "postgres":
		testenv.PostgresSkip(tb)
		tp, err := postgresTemplate(name, fill)
		if err != nil {
			tb.Fatalf("postgres template %q: %v", name, err)
		}
		return open(tb, db.Options{Postgres: true, URL: noSyncCommit(testenv.PostgresCopy(tb, tp))})
	}
	tb.Fatalf("unknown database kind %q", kind)
	return nil
}

// Prepare builds the template Seeded(kind, name, fill) copies, unless it is built or being
// built, so that a test process can have it made in the background before its tests ask for
// it. An error is returned, and reported again to the tests that ask. PostgreSQL templates
// are not made without ZONEFAIR_TEST_POSTGRES_URL.
func Prepare(kind, name string, fill func(g *gorm.DB) error) error {
	var err error
	switch kind {
	case "sqlite":
		_, err = sqliteTemplate(name, fill)
	case "postgres":
		if os.Getenv(testenv.PostgresEnv) != "" {
			_, err = postgresTemplate(name, fill)
		}
	default:
		err = fmt.Errorf("unknown database kind %q", kind)
	}
	return err
}

// noSyncCommit has a test database's sessions commit without waiting for the disk: a test's
// data need not survive a crash of the server, and the wait is most of a small write's time.
func noSyncCommit(u string) string {
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "synchronous_commit=off"
}

// OpenEmpty returns an empty, unmigrated database of kind.
func OpenEmpty(tb testing.TB, kind string) *gorm.DB {
	tb.Helper()
	switch kind {
	case "sqlite":
		return open(tb, db.Options{SQLitePath: filepath.Join(tb.TempDir(), "test.db")})
	case "postgres":
		return open(tb, db.Options{Postgres: true, URL: testenv.PostgresURL(tb)})
	}
	tb.Fatalf("unknown database kind %q", kind)
	return nil
}

func open(tb testing.TB, o db.Options) *gorm.DB {
	tb.Helper()
	o.Logger = quiet()
	g, err := db.Open(context.Background(), o)
	if err != nil {
		tb.Fatalf("open database: %v", err)
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

// build runs once per template and remembers its result.
type build[T any] struct {
	once sync.Once
	val  T
	err  error
}

// builds holds this process's templates by kind and name.
var builds sync.Map

func template[T any](kind, name string, mk func() (T, error)) (T, error) {
	b, _ := builds.LoadOrStore(kind+"\x00"+name, &build[T]{})
	bt := b.(*build[T])
	bt.once.Do(func() { bt.val, bt.err = mk() })
	return bt.val, bt.err
}

// fillTemplate migrates g (when from is the empty schema) and runs fill on it.
func fillTemplate(g *gorm.DB, migrate bool, fill func(*gorm.DB) error) error {
	if migrate {
		if err := db.Migrate(context.Background(), g, quiet()); err != nil {
			return err
		}
	}
	if fill != nil {
		return fill(g)
	}
	return nil
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
