package backup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/backup"
	"zonefair/app/config"
	"zonefair/app/db"
	"zonefair/migrations"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)) }

func openMigrated(t *testing.T, path string) *gorm.DB {
	t.Helper()
	ctx := context.Background()
	g, err := db.Open(ctx, db.Options{SQLitePath: path, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(g) })
	if err := db.Migrate(ctx, g, quiet()); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestBackupWhileWritingRestoresTheSameData writes in pairs of rows (one transaction each) while
// a backup is taken: the backup must hold a whole number of transactions, identical to the
// source's first ones, and a restore into a new data directory must hold exactly the backup.
func TestBackupWhileWritingRestoresTheSameData(t *testing.T) {
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "zonefair.db")
	g := openMigrated(t, src)
	if err := g.Exec("CREATE TABLE probe_orders (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, payload TEXT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	if err := g.Exec("CREATE TABLE probe_lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, n INTEGER NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}

	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := g.Transaction(func(tx *gorm.DB) error {
					n := time.Now().UnixNano()
					if err := tx.Exec("INSERT INTO probe_orders (n, payload) VALUES (?, ?)", n, strings.Repeat("x", int(n%500))).Error; err != nil {
						return err
					}
					return tx.Exec("INSERT INTO probe_lines (order_id, n) VALUES (last_insert_rowid(), ?)", n).Error
				})
				if err != nil {
					t.Error(err)
					return
				}
				written.Add(1)
			}
		}()
	}
	for written.Load() < 200 {
		time.Sleep(5 * time.Millisecond)
	}
	file := filepath.Join(t.TempDir(), "backup.db")
	info, err := backup.Backup(ctx, g, file)
	if err != nil {
		t.Fatal(err)
	}
	before := written.Load()
	for written.Load() < before+200 {
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if info.Version != migrations.Latest() {
		t.Fatalf("backup schema version %d, want %d", info.Version, migrations.Latest())
	}

	backupDB := openFile(t, file)
	var orders, lines, mismatched int64
	backupDB.Raw("SELECT COUNT(*) FROM probe_orders").Scan(&orders)
	backupDB.Raw("SELECT COUNT(*) FROM probe_lines").Scan(&lines)
	backupDB.Raw("SELECT COUNT(*) FROM probe_orders o LEFT JOIN probe_lines l ON l.order_id = o.id WHERE l.n IS NULL OR l.n <> o.n").Scan(&mismatched)
	if orders < 200 || orders != lines || mismatched != 0 {
		t.Fatalf("backup holds %d orders, %d lines, %d without their line: not one consistent snapshot", orders, lines, mismatched)
	}
	var total int64
	g.Raw("SELECT COUNT(*) FROM probe_orders").Scan(&total)
	if total <= orders {
		t.Fatalf("writes did not continue during the backup (%d rows in source, %d in backup)", total, orders)
	}
	// The backup is a prefix of the source: the same first rows, byte for byte.
	if a, b := digest(t, g, fmt.Sprintf("SELECT * FROM probe_orders WHERE id <= %d ORDER BY id", orders)), digest(t, backupDB, "SELECT * FROM probe_orders ORDER BY id"); a != b {
		t.Fatal("backup rows differ from the source's")
	}

	// Restore into a fresh data directory, through the commands an operator runs.
	cfg := dataDirConfig(t)
	var out bytes.Buffer
	if err := backup.RunRestore(ctx, cfg, []string{file}, &out); err != nil {
		t.Fatal(err)
	}
	restored := openFile(t, cfg.SQLitePath())
	for _, table := range tables(t, backupDB) {
		q := "SELECT * FROM " + table
		if digest(t, backupDB, q) != digest(t, restored, q) {
			t.Fatalf("table %s differs between the backup and the restored database", table)
		}
	}
	if v, err := db.Version(ctx, restored); err != nil || v != migrations.Latest() {
		t.Fatalf("restored schema version %d (%v)", v, err)
	}
	if err := db.CheckCurrent(ctx, restored); err != nil {
		t.Fatal(err)
	}
}

// TestBackupCommandCopiesARunningDatabase: `zonefair backup` opens the configured database
// beside the running server's pool and leaves a checked copy; it refuses to overwrite a file.
func TestBackupCommandCopiesARunningDatabase(t *testing.T) {
	ctx := context.Background()
	cfg := dataDirConfig(t)
	openMigrated(t, cfg.SQLitePath())
	lock, err := backup.Hold(cfg.SQLitePath())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	file := filepath.Join(t.TempDir(), "b.db")
	var out bytes.Buffer
	if err := backup.RunBackup(ctx, cfg, []string{file}, &out, quiet()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "integrity ok") || !strings.Contains(out.String(), "uploads") {
		t.Fatalf("output: %s", out.String())
	}
	if err := backup.RunBackup(ctx, cfg, []string{file}, &out, quiet()); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second backup to the same file: %v", err)
	}
	// The instance holds its lock: restore refuses unless forced.
	if err := backup.RunRestore(ctx, cfg, []string{file}, &out); !errors.Is(err, backup.ErrInUse) {
		t.Fatalf("restore over a running instance: %v, want ErrInUse", err)
	}
	if err := backup.RunRestore(ctx, cfg, []string{"-force", file}, &out); err != nil {
		t.Fatalf("forced restore: %v", err)
	}
	kept, _ := filepath.Glob(cfg.SQLitePath() + ".before-restore-*")
	if len(kept) != 1 {
		t.Fatalf("the replaced database was not kept: %v", kept)
	}
	if _, err := backup.Check(ctx, kept[0]); err != nil {
		t.Fatalf("kept database: %v", err)
	}
}

func TestRestoreRefusesWhatIsNotAZonefairDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "zonefair.db")

	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("SELECT * FROM users; -- not a database"), 0o600)
	other := filepath.Join(dir, "other.db")
	g := openFile(t, other)
	g.Exec("CREATE TABLE t (x INTEGER)")
	newer := filepath.Join(dir, "newer.db")
	n := openMigrated(t, newer)
	n.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', CURRENT_TIMESTAMP)", migrations.Latest()+1)
	foreign := filepath.Join(dir, "foreign.db")
	f := openFile(t, foreign)
	f.Exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at DATETIME)")
	f.Exec("INSERT INTO schema_migrations VALUES (1, 'init', CURRENT_TIMESTAMP)")
	truncated := filepath.Join(dir, "truncated.db")
	whole := filepath.Join(dir, "whole.db")
	openMigrated(t, whole).Exec("VACUUM INTO ?", truncated)
	b, _ := os.ReadFile(truncated)
	os.WriteFile(truncated, b[:len(b)/2], 0o600)

	for _, c := range []struct{ file, want string }{
		{text, "not a SQLite database"},
		{other, "no schema_migrations"},
		{newer, "newer than this binary"},
		{foreign, "not one of this binary's"},
		{truncated, "damaged"},
		{filepath.Join(dir, "missing.db"), "no such file"},
	} {
		_, err := backup.Restore(ctx, c.file, target, false)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("restore %s: %v, want an error saying %q", filepath.Base(c.file), err, c.want)
		}
		if _, err := os.Stat(target); err == nil {
			t.Fatalf("restore of %s created the target", filepath.Base(c.file))
		}
	}
}

// dataDirConfig is the default configuration with a fresh data directory.
func dataDirConfig(t *testing.T) *config.Config {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Load(func(k string) string {
		if k == "ZONEFAIR_DATA_DIR" {
			return dir
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func openFile(t *testing.T, path string) *gorm.DB {
	t.Helper()
	g, err := db.Open(context.Background(), db.Options{SQLitePath: path, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(g) })
	return g
}

func tables(t *testing.T, g *gorm.DB) []string {
	t.Helper()
	var names []string
	if err := g.Raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").Scan(&names).Error; err != nil {
		t.Fatal(err)
	}
	if len(names) < 5 {
		t.Fatalf("only %d tables: %v", len(names), names)
	}
	return names
}

// digest hashes every value of every row a query returns, in any order.
func digest(t *testing.T, g *gorm.DB, query string) string {
	t.Helper()
	rows, err := g.Raw(query).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%v", vals))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	return fmt.Sprintf("%d rows %x", len(lines), sha256.Sum256([]byte(strings.Join(lines, "\n"))))
}
