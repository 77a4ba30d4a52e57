// Package uploads keeps the uploads directory (ZONEFAIR_DATA_DIR/uploads) down to the files the
// database names: each capability stores and removes its own files, and Sweep removes those
// left behind (a crash between writing a file and its row, a row deleted by hand).
package uploads

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"gorm.io/gorm"
)

// stores are the folders of the uploads directory and the columns that name their files,
// relative to the uploads directory.
var stores = []struct{ folder, table, column string }{
	{"zones", "zones", "logo_path"},
	{"resumes", "graduate_profiles", "resume_path"},
	{"resumes", "applications", "resume_path"},
	{"briefings", "briefings", "slides_path"},
	{"policies", "policy_attachments", "path"},
	{"projects", "project_attachments", "path"},
}

// Grace is how old a file no row names must be before Sweep removes it: a file is written
// before the row that names it is committed.
const Grace = time.Hour

// Sweep removes the files under dir's upload folders that no row names and that were last
// written before notAfter, and returns how many it removed.
func Sweep(ctx context.Context, db *gorm.DB, dir string, notAfter time.Time) (int, error) {
	named := map[string]bool{}
	for _, s := range stores {
		var paths []string
		if err := db.WithContext(ctx).Table(s.table).Where(s.column+" <> ''").Pluck(s.column, &paths).Error; err != nil {
			return 0, err
		}
		for _, p := range paths {
			named[filepath.Clean(p)] = true
		}
	}
	removed := 0
	seen := map[string]bool{}
	for _, s := range stores {
		if seen[s.folder] {
			continue
		}
		seen[s.folder] = true
		err := filepath.WalkDir(filepath.Join(dir, s.folder), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return ctx.Err()
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil || named[rel] {
				return err
			}
			info, err := d.Info()
			if err != nil || !info.ModTime().Before(notAfter) {
				return nil
			}
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			removed++
			return nil
		})
		if err != nil {
			return removed, err
		}
	}
	return removed, nil
}

// Run sweeps dir at start and then once a day until ctx ends.
func Run(ctx context.Context, db *gorm.DB, dir string, log *slog.Logger) {
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		n, err := Sweep(ctx, db, dir, time.Now().Add(-Grace))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("sweeping uploads", "err", err)
		case n > 0:
			log.Info("swept uploads no row names", "files", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
