package web

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
)

// Every part of a request is UTF-8 or the request is refused with 400 naming the part: the JSON
// decoder and the query parser would otherwise store U+FFFD in place of the bytes they could
// not read, quietly changing what the caller sent.

// badUTF8 is the refusal naming field.
func badUTF8(field string) error { return errs.Invalid(field, "field.utf8") }

// validUTF8 refuses a request whose path, query parameters, User-Agent (kept with sessions and
// signatures) or form fields and file names are not UTF-8; JSON bodies are checked where they
// are decoded (DecodeJSON).
func validUTF8(c *fiber.Ctx) error {
	if !utf8.Valid(c.Request().URI().Path()) {
		return badUTF8("path")
	}
	if !utf8.Valid(c.Request().Header.UserAgent()) {
		return badUTF8(fiber.HeaderUserAgent)
	}
	var bad string
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		if bad == "" && !(utf8.Valid(k) && utf8.Valid(v)) {
			bad = strings.ToValidUTF8(string(k), "\uFFFD")
		}
	})
	if bad != "" {
		return badUTF8(bad)
	}
	if strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		form, err := c.MultipartForm()
		if err != nil {
			return c.Next() // the handler reports a malformed form as it always has
		}
		for k, vs := range form.Value {
			for _, v := range vs {
				if !utf8.ValidString(k) || !utf8.ValidString(v) {
					return badUTF8(strings.ToValidUTF8(k, "\uFFFD"))
				}
			}
		}
		for k, fhs := range form.File {
			for _, fh := range fhs {
				if !utf8.ValidString(k) || !utf8.ValidString(fh.Filename) {
					return badUTF8(strings.ToValidUTF8(k, "\uFFFD"))
				}
			}
		}
	}
	return c.Next()
}

// badJSONField names the first member of JSON document body whose key or string value is not
// UTF-8, as a path such as "recipients[1].name"; "" when there is none or body is not JSON
// (its decoding then says what is wrong).
func badJSONField(body []byte) string {
	type frame struct {
		object  bool
		key     string
		index   int
		wantKey bool
	}
	var stack []frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.object && b.Len() > 0:
				b.WriteString("." + f.key)
			case f.object:
				b.WriteString(f.key)
			default:
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			}
		}
		if b.Len() == 0 {
			return "body"
		}
		return b.String()
	}
	// valueDone moves the innermost container past the value just read.
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].wantKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	prev := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		raw := body[prev:dec.InputOffset()]
		prev = dec.InputOffset()
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{object: true, wantKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			n := len(stack)
			isKey := n > 0 && stack[n-1].object && stack[n-1].wantKey
			if isKey {
				stack[n-1].key, stack[n-1].wantKey = strings.ToValidUTF8(t, "\uFFFD"), false
			}
			if !utf8.Valid(raw) {
				return path()
			}
			if !isKey {
				valueDone()
			}
		default:
			valueDone()
		}
	}
}
