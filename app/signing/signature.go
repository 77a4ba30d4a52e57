package signing

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"strings"

	"zonefair/app/errs"
)

// Bounds of a drawn signature.
const (
	MaxSignatureBytes = 256 << 10
	MaxSignatureSide  = 2000
)

// DecodeSignature checks that dataURL is a PNG data URL (as signature_pad's toDataURL gives)
// of bounded size and returns the image re-encoded, so that only pixels, never other chunks
// of the upload, reach the sealed document.
func DecodeSignature(dataURL string) ([]byte, error) {
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(dataURL, prefix) {
		return nil, errs.Invalid("image", "signing.signature_png")
	}
	raw, err := base64.StdEncoding.DecodeString(dataURL[len(prefix):])
	if err != nil {
		return nil, errs.Invalid("image", "signing.signature_png")
	}
	if len(raw) > MaxSignatureBytes {
		return nil, errs.Invalid("image", "signing.signature_large")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, errs.Invalid("image", "signing.signature_png")
	}
	if cfg.Width < 20 || cfg.Height < 10 || cfg.Width > MaxSignatureSide || cfg.Height > MaxSignatureSide {
		return nil, errs.Invalid("image", "signing.signature_large")
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, errs.Invalid("image", "signing.signature_png")
	}
	if blank(img) {
		return nil, errs.Invalid("image", "signing.signature_blank")
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// blank reports whether img has no visible stroke (fully transparent or a single colour).
func blank(img image.Image) bool {
	b := img.Bounds()
	var first [4]uint32
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			if x == b.Min.X && y == b.Min.Y {
				first = [4]uint32{r, g, bl, a}
				continue
			}
			if a != 0 && [4]uint32{r, g, bl, a} != first {
				return false
			}
		}
	}
	return true
}
