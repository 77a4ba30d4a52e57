package zone

import (
	"bytes"
	"image"
	_ "image/jpeg" // logo formats image.Decode knows
	_ "image/png"
	"net/http"

	_ "golang.org/x/image/webp"

	"zonefair/app/errs"
)

// Logo limits: a logo is shown small, and a huge image only costs memory to decode.
const (
	MaxLogoSide = 2048 // pixels, either side
	MinLogoSide = 16
)

// logoFormats are the accepted logo formats, by the content type sniffed from the bytes and the
// format name the decoder reports, with the file extension they are stored under.
var logoFormats = map[string]struct{ format, ext string }{
	"image/png":  {"png", ".png"},
	"image/jpeg": {"jpeg", ".jpg"},
	"image/webp": {"webp", ".webp"},
}

// checkLogo decides whether body is a logo by decoding it whole, never by its first bytes
// alone: its header must name an accepted format within the size limits, and every pixel must
// decode (a file cut short is refused). It returns the content type and extension to store.
func checkLogo(body []byte) (contentType, ext string, err error) {
	if len(body) == 0 {
		return "", "", errs.Invalid("file", "upload.empty")
	}
	ct := http.DetectContentType(body)
	want, ok := logoFormats[ct]
	if !ok {
		return "", "", refuseImage("upload.image")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
	if err != nil || format != want.format {
		return "", "", refuseImage("upload.image")
	}
	if cfg.Width < MinLogoSide || cfg.Height < MinLogoSide || cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide {
		return "", "", errs.Invalid("file", "upload.image_size")
	}
	if _, _, err := image.Decode(bytes.NewReader(body)); err != nil {
		return "", "", refuseImage("upload.image")
	}
	return ct, want.ext, nil
}

func refuseImage(key string) error {
	e := errs.New(errs.ErrUnsupported, key)
	e.Fields = []errs.FieldError{{Field: "file", Key: key}}
	return e
}
