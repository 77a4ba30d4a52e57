package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"zonefair/app/uploads"
	"zonefair/app/web"
)

// TestSweepRemovesFilesNoRowNames: files in the upload folders that no row names and that are
// older than the grace period go; named files, files still within the grace period (an upload
// whose row is not committed yet) and anything outside the upload folders stay.
func TestSweepRemovesFilesNoRowNames(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		dir := filepath.Join(e.dataDir, "uploads")
		staff := e.as(web.RoleZoneStaff)
		upload(staff, fmt.Sprintf("/api/v1/zones/%d/logo", e.zoneA.ID), "logo.png", testPNG(t, 64, 64)).want(200)
		grad := e.graduate("swept", true)
		grad.upload("/api/v1/graduate/resume", "cv.pdf", pdf("CV")).want(200)
		named := files(t, dir)
		if len(named) != 2 {
			t.Fatalf("stored files %v", named)
		}
		old := time.Now().Add(-2 * uploads.Grace)
		write := func(rel string, at time.Time) string {
			p := filepath.Join(dir, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("stray"), 0o640); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, at, at); err != nil {
				t.Fatal(err)
			}
			return p
		}
		for _, p := range named {
			_ = os.Chtimes(p, old, old)
		}
		strays := []string{
			write("zones/1/logo-0123.png", old), write("resumes/abc.pdf", old), write("resumes/abc.pdf.part", old),
			write("briefings/9/slides-1.pdf", old), write("policies/3/x.pdf", old), write("projects/4/y.pdf", old),
		}
		kept := append(slices.Clone(named), write("resumes/uploading.pdf", time.Now()), write("README.txt", old), write("other/z.pdf", old))
		n, err := uploads.Sweep(context.Background(), e.db, dir, time.Now().Add(-uploads.Grace))
		if err != nil || n != len(strays) {
			t.Fatalf("swept %d files, want %d: %v", n, len(strays), err)
		}
		left := files(t, dir)
		slices.Sort(left)
		slices.Sort(kept)
		if !slices.Equal(left, kept) {
			t.Fatalf("left %v, want %v", left, kept)
		}
	})
}
