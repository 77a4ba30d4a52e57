// Package backup copies a running instance's SQLite database to a file and puts such a copy
// back. A backup is taken online with VACUUM INTO, which reads one consistent snapshot while
// writers carry on, and is checked with PRAGMA integrity_check before it is reported done. A
// restore refuses anything that is not an intact Zonefair database at a schema version this
// binary knows, and refuses to replace the database of an instance that is running.
//
// PostgreSQL deployments use pg_dump and pg_restore instead (see the README); uploaded files live
// in ZONEFAIR_DATA_DIR/uploads and are copied separately.
package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"zonefair/migrations"
)

// ErrInUse reports that a running instance holds the database a restore would replace.
var ErrInUse = errors.New("a running zonefair instance uses this database: stop it first, or pass -force and restart it afterwards")

// Info describes a checked database file.
type Info struct {
	Path    string
	Version int // schema version recorded in the file
	Bytes   int64
}

// Backup writes a consistent copy of the database open in g to dest, which must not exist yet,
// and checks the copy. It is safe while the server runs: VACUUM INTO reads one snapshot and
// blocks no writer for longer than a page read.
func Backup(ctx context.Context, g *gorm.DB, dest string) (Info, error) {
	if name := g.Dialector.Name(); name != "sqlite" {
		return Info{}, fmt.Errorf("backup copies the SQLite database; this instance uses %s (use pg_dump, see the README)", name)
	}
	dest, err := filepath.Abs(dest)
	if err != nil {
		return Info{}, err
	}
	if _, err := os.Stat(dest); err == nil {
		return Info{}, fmt.Errorf("%s already exists: choose a new file name", dest)
	}
	// The copy is written next to its final name and renamed into place only once it is
	// checked, so a half-written backup never carries the name of a good one.
	tmp := dest + ".partial"
	_ = os.Remove(tmp)
	if err := g.WithContext(ctx).Exec("VACUUM INTO ?", tmp).Error; err != nil {
		_ = os.Remove(tmp)
		return Info{}, fmt.Errorf("copy database: %w", err)
	}
	info, err := Check(ctx, tmp)
	if err != nil {
		_ = os.Remove(tmp)
		return Info{}, fmt.Errorf("check the copy: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		_ = os.Remove(tmp)
		return Info{}, err
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Remove(tmp)
		return Info{}, err
	}
	info.Path = dest
	return info, syncDir(filepath.Dir(dest))
}

// Check opens path read-only and verifies that it is an intact Zonefair database: SQLite's
// integrity check passes and its recorded migrations are a prefix of this binary's.
func Check(ctx context.Context, path string) (Info, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Info{}, err
	}
	if !st.Mode().IsRegular() {
		return Info{}, fmt.Errorf("%s is not a regular file", path)
	}
	if err := sqliteHeader(path); err != nil {
		return Info{}, err
	}
	g, err := gorm.Open(sqlite.Open("file:"+path+"?mode=ro&_pragma=query_only(1)"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return Info{}, fmt.Errorf("open %s: %w", path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return Info{}, err
	}
	defer sqlDB.Close()
	g = g.WithContext(ctx)
	var problems []string
	if err := g.Raw("PRAGMA integrity_check").Scan(&problems).Error; err != nil {
		return Info{}, fmt.Errorf("%s is damaged: %w", path, err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return Info{}, fmt.Errorf("%s is damaged: %s", path, strings.Join(problems, "; "))
	}
	version, err := schemaVersion(g)
	if err != nil {
		return Info{}, fmt.Errorf("%s: %w", path, err)
	}
	return Info{Path: path, Version: version, Bytes: st.Size()}, nil
}

// sqliteHeader refuses files that are not SQLite databases before SQLite is asked to open them.
func sqliteHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 16)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "SQLite format 3\x00" {
		return fmt.Errorf("%s is not a SQLite database", path)
	}
	return nil
}

type migrationRow struct {
	Version int
	Name    string
}

// schemaVersion reads schema_migrations and checks each recorded step against this binary's.
func schemaVersion(g *gorm.DB) (int, error) {
	var n int
	if err := g.Raw("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").Scan(&n).Error; err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, errors.New("not a Zonefair database (no schema_migrations table)")
	}
	var rows []migrationRow
	if err := g.Raw("SELECT version, name FROM schema_migrations ORDER BY version").Scan(&rows).Error; err != nil {
		return 0, fmt.Errorf("read schema_migrations: %w", err)
	}
	if len(rows) == 0 {
		return 0, errors.New("not a Zonefair database (no migration recorded)")
	}
	known := map[int]string{}
	for _, s := range migrations.Steps {
		known[s.Version] = s.Name
	}
	for i, r := range rows {
		if r.Version > migrations.Latest() {
			return 0, fmt.Errorf("schema version %d is newer than this binary knows (%d): restore with a newer zonefair", r.Version, migrations.Latest())
		}
		if (i < len(migrations.Steps) && migrations.Steps[i].Version != r.Version) || known[r.Version] != r.Name {
			return 0, fmt.Errorf("not a Zonefair database: migration %d %q is not one of this binary's", r.Version, r.Name)
		}
	}
	return rows[len(rows)-1].Version, nil
}

// Restore replaces the SQLite database at target with the checked copy at src. Unless force is
// set it refuses while a running instance holds target's lock (see Hold). An existing database
// is first saved next to target as <name>.before-restore-<time>, with its write-ahead log folded
// in. The restored database is checked in place before Restore returns.
func Restore(ctx context.Context, src, target string, force bool) (Info, error) {
	if _, err := Check(ctx, src); err != nil {
		return Info{}, err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return Info{}, fmt.Errorf("create database directory: %w", err)
	}
	lock, err := lockFile(target, syscall.LOCK_EX|syscall.LOCK_NB)
	if err != nil && !force {
		return Info{}, err
	}
	if lock != nil {
		defer lock.Close()
	}
	if err := saveCurrent(ctx, target); err != nil {
		return Info{}, err
	}
	tmp := target + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		_ = os.Remove(tmp)
		return Info{}, err
	}
	// A write-ahead log left by the old database would be replayed onto the new one.
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			_ = os.Remove(tmp)
			return Info{}, err
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		_ = os.Remove(tmp)
		return Info{}, err
	}
	if err := syncDir(filepath.Dir(target)); err != nil {
		return Info{}, err
	}
	return Check(ctx, target)
}

// saveCurrent keeps the database about to be replaced, if there is one, as a consistent copy.
func saveCurrent(ctx context.Context, target string) error {
	if _, err := os.Stat(target); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	g, err := gorm.Open(sqlite.Open("file:"+target), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return fmt.Errorf("open the current database: %w", err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	defer sqlDB.Close()
	keep := target + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
	if err := g.WithContext(ctx).Exec("VACUUM INTO ?", keep).Error; err != nil {
		return fmt.Errorf("save the current database to %s: %w", keep, err)
	}
	return nil
}

// Hold takes a shared lock on the database at path for as long as the process runs (serve
// calls it), so that Restore can tell that an instance is using the file. Close the returned
// file to release it.
func Hold(path string) (io.Closer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return lockFile(path, syscall.LOCK_SH|syscall.LOCK_NB)
}

func lockFile(dbPath string, how int) (*os.File, error) {
	f, err := os.OpenFile(dbPath+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrInUse
		}
		return nil, fmt.Errorf("lock %s: %w", dbPath, err)
	}
	return f, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
