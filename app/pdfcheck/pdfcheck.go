// Package pdfcheck decides whether an upload is a PDF by its content, never by its name or
// declared type: it must start with a PDF header, end with its cross-reference data and an
// end-of-file marker, every object that data lists must be where it says (a file cut short in
// transfer, or cut and given a new end, is refused rather than stored half-readable), it must
// parse completely, not be encrypted, and have at least one page, every one of them readable.
package pdfcheck

import (
	"bytes"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"zonefair/app/errs"
)

var once sync.Once

// Pages returns the page count of body when it is an acceptable PDF of at most maxPages pages;
// more pages is refused as invalid with tooManyKey. Refusals name the "file" field.
func Pages(body []byte, maxPages int, tooManyKey string) (int, error) {
	if len(body) == 0 {
		return 0, errs.Invalid("file", "upload.empty")
	}
	if !bytes.HasPrefix(body, []byte("%PDF-")) || !xrefIntact(body) {
		return 0, refuse("upload.pdf")
	}
	once.Do(api.DisableConfigDir)
	ctx, err := read(body)
	if err != nil {
		if msg := err.Error(); strings.Contains(msg, "encrypt") || strings.Contains(msg, "password") {
			return 0, refuse("upload.pdf_encrypted")
		}
		return 0, refuse("upload.pdf")
	}
	if ctx.XRefTable.Encrypt != nil || ctx.XRefTable.E != nil {
		return 0, refuse("upload.pdf_encrypted")
	}
	if err := api.ValidateContext(ctx); err != nil || ctx.PageCount < 1 {
		return 0, refuse("upload.pdf")
	}
	for i := 1; i <= ctx.PageCount; i++ {
		if d, _, _, err := ctx.PageDict(i, false); err != nil || d == nil {
			return 0, refuse("upload.pdf")
		}
	}
	if maxPages > 0 && ctx.PageCount > maxPages {
		return 0, errs.Invalid("file", tooManyKey)
	}
	return ctx.PageCount, nil
}

func refuse(key string) error {
	return &errs.Error{Kind: errs.ErrUnsupported, Key: key, Fields: []errs.FieldError{{Field: "file", Key: key}}}
}

// read parses body; a parser panic on hostile input becomes a refusal.
func read(body []byte) (ctx *model.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			ctx, err = nil, refuse("upload.pdf")
		}
	}()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return api.ReadContext(bytes.NewReader(body), conf)
}
