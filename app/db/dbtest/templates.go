package dbtest

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"zonefair/app/db"
	"zonefair/app/testenv"
)

// sqliteFile is a template SQLite database, its file's bytes.
type sqliteFile []byte

// copy writes the template into the test's temporary directory and returns its path.
func (f sqliteFile) copy(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "test.db")
	if err := os.WriteFile(path, f, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// sqliteTemplate builds, once per process, the SQLite template name: the migrated schema, or a
// copy of it that fill wrote into.
func sqliteTemplate(name string, fill func(*gorm.DB) error) (sqliteFile, error) {
	return template("sqlite", name, func() (sqliteFile, error) {
		dir, err := os.MkdirTemp("", "zonefair-dbtest-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "template.db")
		if name != "" {
			base, err := sqliteTemplate("", nil)
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, base, 0o600); err != nil {
				return nil, err
			}
		}
		g, err := db.Open(context.Background(), db.Options{SQLitePath: path, Logger: quiet()})
		if err != nil {
			return nil, err
		}
		err = fillTemplate(g, name == "", fill)
		if err == nil {
			// Everything into the database file, so that the file alone is the database.
			err = g.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
		}
		err = errors.Join(err, db.Close(g))
		if err != nil {
			return nil, err
		}
		if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
			return nil, fmt.Errorf("%s-wal: %d bytes left after the checkpoint", path, st.Size())
		}
		return os.ReadFile(path)
	})
}

// templateLocks is the advisory lock class (the first key of pg_advisory_lock(int, int)) with
// which a test process holds its PostgreSQL templates while it lives.
const templateLocks = 7302

// keeper is this process's connection holding the locks of its templates; it is never closed,
// so the locks go when the process ends and a later run may drop the templates.
var keeper struct {
	sync.Mutex
	conn *pgx.Conn
}

// postgresTemplate builds, once per process, the PostgreSQL template database name and returns
// its database name: the migrated schema, or a copy of it that fill wrote into.
func postgresTemplate(name string, fill func(*gorm.DB) error) (string, error) {
	return template("postgres", name, func() (string, error) {
		from := ""
		if name != "" {
			base, err := postgresTemplate("", nil)
			if err != nil {
				return "", err
			}
			from = base
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		server := os.Getenv(testenv.PostgresEnv)
		tmpl := testenv.Name(templatePrefix(server))
		if err := hold(ctx, server, tmpl); err != nil {
			return "", err
		}
		if err := sweep(ctx, server); err != nil {
			return "", err
		}
		create := "CREATE DATABASE " + tmpl
		if from != "" {
			create += " TEMPLATE " + from
		}
		if err := exec(ctx, server, create); err != nil {
			return "", err
		}
		u, err := url.Parse(server)
		if err != nil {
			return "", err
		}
		u.Path = "/" + tmpl
		g, err := db.Open(ctx, db.Options{Postgres: true, URL: noSyncCommit(u.String()), Logger: quiet()})
		if err != nil {
			return "", err
		}
		// Closed before any copy: PostgreSQL copies only a database nobody is connected to.
		err = errors.Join(fillTemplate(g, from == "", fill), db.Close(g))
		return tmpl, err
	})
}

// hold takes the lock that marks template tmpl as in use by this process.
func hold(ctx context.Context, server, tmpl string) error {
	keeper.Lock()
	defer keeper.Unlock()
	if keeper.conn == nil {
		c, err := pgx.Connect(ctx, server)
		if err != nil {
			return err
		}
		keeper.conn = c
	}
	_, err := keeper.conn.Exec(ctx, "SELECT pg_advisory_lock($1, hashtext($2))", templateLocks, tmpl)
	return err
}

// templatePrefix starts the names of the templates made by processes connected to the database of
// server: advisory locks are held per database, so a process can tell whether a template is in
// use only among those made through its own database, and sweeps only those.
func templatePrefix(server string) string {
	u, err := url.Parse(server)
	if err != nil {
		return "zf_tmpl_"
	}
	return fmt.Sprintf("zf_tmpl_%08x_", crc32.ChecksumIEEE([]byte(u.Path)))
}

// sweep drops the templates of test processes that have ended (nobody holds their lock) among
// those made through server's database.
func sweep(ctx context.Context, server string) error {
	c, err := pgx.Connect(ctx, server)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	like := strings.ReplaceAll(templatePrefix(server), "_", `\_`) + "%"
	rows, err := c.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE $1`, like)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, n := range names {
		var free bool
		if err := c.QueryRow(ctx, "SELECT pg_try_advisory_lock($1, hashtext($2))", templateLocks, n).Scan(&free); err != nil {
			return err
		}
		if !free {
			continue
		}
		_, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)")
		if _, uerr := c.Exec(ctx, "SELECT pg_advisory_unlock($1, hashtext($2))", templateLocks, n); err == nil {
			err = uerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func exec(ctx context.Context, server, sql string) error {
	c, err := pgx.Connect(ctx, server)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql)
	return err
}
