package signing

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"zonefair/app/errs"
)

// MaxPDFBytes bounds an uploaded agreement document.
const MaxPDFBytes = 10 << 20

// MaxPages bounds the pages of an agreement document.
const MaxPages = 200

func init() {
	// pdfcpu would otherwise create a configuration directory under the user's home.
	api.DisableConfigDir()
}

func pdfConf() *model.Configuration {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	// Classic cross-reference tables keep the incremental update written by the signer simple
	// and readable by every verifier.
	conf.WriteObjectStream = false
	conf.WriteXRefStream = false
	return conf
}

// Page is the size of one page in PDF points.
type Page struct {
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// Inspect checks that body is a readable, unencrypted PDF of at most MaxPages pages and returns
// its page sizes. Bad documents are refused with a 4xx.
func Inspect(body []byte) ([]Page, error) {
	if len(body) == 0 {
		return nil, errs.Invalid("file", "upload.empty")
	}
	if len(body) > MaxPDFBytes {
		e := errs.New(errs.ErrTooLarge, "upload.too_large")
		e.Fields = []errs.FieldError{{Field: "file", Key: "upload.too_large", Param: "10 MiB"}}
		return nil, e
	}
	if !bytes.HasPrefix(bytes.TrimLeft(body[:min(len(body), 1024)], "\x00\t\r\n "), []byte("%PDF-")) {
		return nil, unsupported("signing.not_pdf")
	}
	ctx, err := readPDF(body)
	if err != nil {
		return nil, err
	}
	if ctx.PageCount < 1 || ctx.PageCount > MaxPages {
		return nil, errs.Invalid("file", "signing.page_count")
	}
	dims, err := ctx.PageDims()
	if err != nil {
		return nil, unsupported("signing.bad_pdf")
	}
	pages := make([]Page, len(dims))
	for i, d := range dims {
		pages[i] = Page{W: d.Width, H: d.Height}
	}
	return pages, nil
}

func readPDF(body []byte) (ctx *model.Context, err error) {
	// A malformed file must end in a refusal, never take the server down.
	defer func() {
		if r := recover(); r != nil {
			ctx, err = nil, unsupported("signing.bad_pdf")
		}
	}()
	conf := pdfConf()
	ctx, err = api.ReadContext(bytes.NewReader(body), conf)
	if err != nil {
		if isEncryptedErr(err) {
			return nil, unsupported("signing.encrypted_pdf")
		}
		return nil, &errs.Error{Kind: errs.ErrUnsupported, Key: "signing.bad_pdf", Cause: err,
			Fields: []errs.FieldError{{Field: "file", Key: "signing.bad_pdf"}}}
	}
	if ctx.Encrypt != nil || ctx.E != nil {
		return nil, unsupported("signing.encrypted_pdf")
	}
	if err := api.ValidateContext(ctx); err != nil {
		return nil, &errs.Error{Kind: errs.ErrUnsupported, Key: "signing.bad_pdf", Cause: err,
			Fields: []errs.FieldError{{Field: "file", Key: "signing.bad_pdf"}}}
	}
	return ctx, nil
}

func isEncryptedErr(err error) bool {
	msg := err.Error()
	return bytes.Contains([]byte(msg), []byte("password")) || bytes.Contains([]byte(msg), []byte("encrypt"))
}

func unsupported(key string) *errs.Error {
	return &errs.Error{Kind: errs.ErrUnsupported, Key: key, Fields: []errs.FieldError{{Field: "file", Key: key}}}
}

// Hash is the lower-case hex SHA-256 of b.
func Hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

var errNoDocument = errors.New("agreement has no document")

func pageOf(pages []Page, n int) (Page, error) {
	if n < 1 || n > len(pages) {
		return Page{}, fmt.Errorf("page %d of %d", n, len(pages))
	}
	return pages[n-1], nil
}
