package backup

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"zonefair/app/config"
	"zonefair/app/db"
)

// RunBackup is `zonefair backup FILE`: an online copy of the configured SQLite database.
func RunBackup(ctx context.Context, cfg *config.Config, args []string, out io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintln(out, "Usage: zonefair backup FILE\n\nWrites a consistent copy of the SQLite database (safe while the server runs) and checks it.")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("backup needs exactly one FILE")
	}
	if cfg.Postgres() {
		return errors.New("the database is PostgreSQL: back it up with pg_dump (see the README)")
	}
	g, err := db.Open(ctx, db.Options{SQLitePath: cfg.SQLitePath(), Logger: log})
	if err != nil {
		return err
	}
	defer db.Close(g)
	info, err := Backup(ctx, g, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "backed up %s to %s (%d bytes, schema version %d, integrity ok)\n", cfg.SQLitePath(), info.Path, info.Bytes, info.Version)
	fmt.Fprintf(out, "uploaded files are not in the backup: copy %s/uploads as well\n", cfg.DataDir)
	return nil
}

// RunRestore is `zonefair restore [-force] FILE`: puts a backup in place of the configured
// SQLite database.
func RunRestore(ctx context.Context, cfg *config.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(out)
	force := fs.Bool("force", false, "replace the database even while an instance is running (restart it afterwards)")
	fs.Usage = func() {
		fmt.Fprintln(out, "Usage: zonefair restore [-force] FILE\n\nReplaces the SQLite database with a checked backup; the current one is kept as <db>.before-restore-<time>.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("restore needs exactly one FILE")
	}
	if cfg.Postgres() {
		return errors.New("the database is PostgreSQL: restore it with pg_restore (see the README)")
	}
	info, err := Restore(ctx, fs.Arg(0), cfg.SQLitePath(), *force)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "restored %s from %s (schema version %d, integrity ok); `zonefair serve` migrates it forward if needed\n", info.Path, fs.Arg(0), info.Version)
	return nil
}
