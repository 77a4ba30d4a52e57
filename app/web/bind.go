package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
)

// MaxJSONBody bounds a JSON request body; uploads have their own limits.
const MaxJSONBody = 1 << 20

var (
	validate     *validator.Validate
	validateOnce sync.Once
)

// Validator is the shared validator, with the project's own rules registered.
func Validator() *validator.Validate {
	validateOnce.Do(func() {
		validate = validator.New(validator.WithRequiredStructEnabled())
		validate.RegisterTagNameFunc(func(f reflect.StructField) string {
			name := strings.SplitN(f.Tag.Get("json"), ",", 2)[0]
			if name == "" || name == "-" {
				name = strings.SplitN(f.Tag.Get("query"), ",", 2)[0]
			}
			if name == "-" {
				return ""
			}
			return name
		})
		// "text" refuses control characters other than newline and tab in free text.
		_ = validate.RegisterValidation("text", func(fl validator.FieldLevel) bool {
			return CleanText(fl.Field().String())
		})
		_ = validate.RegisterValidation("slug", func(fl validator.FieldLevel) bool {
			s := fl.Field().String()
			if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
				return false
			}
			for _, r := range s {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
					return false
				}
			}
			return true
		})
	})
	return validate
}

// CleanText reports whether s is free of control characters other than newline and tab.
func CleanText(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return false
		}
	}
	return true
}

// Bind decodes the JSON body strictly (unknown fields, trailing data and wrong types are
// refused) into dst and validates it.
func Bind(c *fiber.Ctx, dst any) error {
	if ct := string(c.Request().Header.ContentType()); !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return errs.New(errs.ErrUnsupported, "want_json")
	}
	body := c.Body()
	if len(body) > MaxJSONBody {
		return errs.New(errs.ErrTooLarge, "too_large")
	}
	if err := DecodeJSON(body, dst); err != nil {
		return err
	}
	return Validate(dst)
}

// DecodeJSON decodes one JSON value strictly into dst, turning decoder errors into field
// errors a person can act on.
func DecodeJSON(body []byte, dst any) error {
	if !utf8.Valid(body) {
		if field := badJSONField(body); field != "" {
			return badUTF8(field)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.New(errs.ErrInvalid, "malformed_json")
	}
	return nil
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		e := errs.Invalid(typeErr.Field, "wrong_type")
		e.Fields[0].Param = jsonKind(typeErr.Type)
		return e
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		return errs.Invalid(strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`), "unknown_field")
	}
	return &errs.Error{Kind: errs.ErrInvalid, Key: "malformed_json", Cause: err}
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	default:
		return "number"
	}
}

// Validate runs the struct's `validate` tags and returns a 400 naming each bad field.
func Validate(v any) error {
	err := Validator().Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return &errs.Error{Kind: errs.ErrInvalid, Key: "invalid_input", Cause: err}
	}
	out := &errs.Error{Kind: errs.ErrInvalid, Key: "invalid_input"}
	for _, fe := range ves {
		out.Fields = append(out.Fields, fieldError(fe))
	}
	return out
}

func fieldError(fe validator.FieldError) errs.FieldError {
	field := fe.Field()
	f := errs.FieldError{Field: field, Param: fe.Param()}
	switch fe.Tag() {
	case "required", "required_without", "required_if":
		f.Key = "field.required"
	case "email":
		f.Key = "field.email"
	case "min", "max":
		f.Key = "field." + fe.Tag()
		switch fe.Kind() {
		case reflect.String:
		case reflect.Slice, reflect.Array, reflect.Map: // a count of items, not of characters
			f.Key = "field." + fe.Tag() + "_items"
		default:
			f.Key = map[string]string{"min": "field.gte", "max": "field.lte"}[fe.Tag()]
		}
	case "gte", "lte":
		f.Key = "field." + fe.Tag()
	case "oneof":
		f.Key, f.Param = "field.oneof", strings.ReplaceAll(fe.Param(), " ", ", ")
	case "url", "http_url":
		f.Key = "field.url"
	case "text":
		f.Key = "field.text_control"
	case "slug":
		f.Key = "field.slug"
	default:
		f.Key = "field.invalid"
	}
	return f
}

// ParamID reads a positive integer path parameter, or returns a 404 for what.
func ParamID(c *fiber.Ctx, name, what string) (int64, error) {
	id, err := c.ParamsInt(name)
	if err != nil || id <= 0 {
		return 0, errs.NotFound(what)
	}
	return int64(id), nil
}

// BindQuery parses query parameters into dst (tags `query:"name"`) and validates them.
func BindQuery(c *fiber.Ctx, dst any) error {
	if err := c.QueryParser(dst); err != nil {
		return &errs.Error{Kind: errs.ErrInvalid, Key: "invalid_input", Cause: err, Fields: []errs.FieldError{{Field: "query", Key: "field.invalid"}}}
	}
	return Validate(dst)
}

// SendCSV answers with a CSV download named name, never cached.
func SendCSV(c *fiber.Ctx, name string, body []byte) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, ContentDisposition("attachment", name))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body)
}

// SendPDF answers with a stored PDF under its uploaded name: disposition "inline" to open it in
// the browser, "attachment" to download it (ContentDisposition); the answer is private to the
// caller and never sniffed as another type.
func SendPDF(c *fiber.Ctx, disposition, name string, body []byte) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, ContentDisposition(disposition, name))
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(body)
}

// FormFile reads the multipart field "file" of at most limit bytes and returns its display name
// (DisplayName, "" when none is left; a copy: the request's memory is reused) and content. A missing file is invalid; a larger one is
// refused as too large, naming the limit.
func FormFile(c *fiber.Ctx, limit int64) (name string, body []byte, err error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, errs.Invalid("file", "upload.missing")
	}
	tooLarge := func() error {
		e := errs.New(errs.ErrTooLarge, "upload.too_large")
		e.Fields = []errs.FieldError{{Field: "file", Key: "upload.too_large", Param: sizeText(limit)}}
		return e
	}
	if fh.Size > limit {
		return "", nil, tooLarge()
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	body, err = io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return "", nil, err
	}
	if int64(len(body)) > limit {
		return "", nil, tooLarge()
	}
	return strings.Clone(DisplayName(fh.Filename)), body, nil
}

// sizeText writes a byte limit the way people read it: "10 MiB", "512 KiB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
