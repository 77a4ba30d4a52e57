package server_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"zonefair/app/web"
	"zonefair/app/zone"
)

// testPNG is a w×h PNG with a gradient, so that it does not compress to nothing.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// files lists the files under dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestLogoDecodedWhole: a logo must decode completely within the size limits; a truncated or
// garbled image, or one too small or too large, is refused and leaves no file; a replaced logo
// leaves only the new one on disk.
func TestLogoDecodedWhole(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		staff := e.as(web.RoleZoneStaff)
		path := fmt.Sprintf("/api/v1/zones/%d/logo", e.zoneA.ID)
		dir := filepath.Join(e.dataDir, "uploads", "zones")
		good := testPNG(t, 120, 80)
		garbled := bytes.Clone(good)
		for i := len(garbled) / 2; i < len(garbled)-12; i++ {
			garbled[i] ^= 0x5a
		}
		var jpg bytes.Buffer
		_ = jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 64, 64)), nil)
		for name, c := range map[string]struct {
			body   []byte
			status int
		}{
			"30-byte PNG":    {good[:30], 415},
			"PNG cut at 60%": {good[:len(good)*6/10], 415},
			"garbled PNG":    {garbled, 415},
			"JPEG cut short": {jpg.Bytes()[:jpg.Len()/2], 415},
			"too small":      {testPNG(t, 8, 8), 400},
			"too wide":       {testPNG(t, zone.MaxLogoSide+1, 20), 400},
		} {
			if r := upload(staff, path, name+".png", c.body); r.status != c.status {
				t.Errorf("%s: %d %s, want %d", name, r.status, r.body, c.status)
			}
		}
		if left := files(t, dir); len(left) != 0 {
			t.Fatalf("refused logos left files: %v", left)
		}
		for i := range 3 {
			upload(staff, path, "logo.png", testPNG(t, 100+i, 100)).want(200)
		}
		upload(staff, path, "logo.jpg", jpg.Bytes()).want(200)
		if left := files(t, dir); len(left) != 1 || filepath.Ext(left[0]) != ".jpg" {
			t.Fatalf("after four uploads: %v", left)
		}
	})
}
