// Package errs defines the sentinel errors that carry an HTTP meaning and the typed error that
// wraps them with a user-facing message. Stores and handlers return these; the web layer maps
// them to status codes and the one error shape.
package errs

import (
	"errors"
	"fmt"
)

// Sentinels; each implies a status code.
var (
	ErrInvalid      = errors.New("invalid input")       // 400
	ErrUnauthorized = errors.New("unauthorized")        // 401
	ErrForbidden    = errors.New("forbidden")           // 403
	ErrNotFound     = errors.New("not found")           // 404
	ErrConflict     = errors.New("conflict")            // 409
	ErrTooLarge     = errors.New("payload too large")   // 413
	ErrUnsupported  = errors.New("unsupported media")   // 415
	ErrRateLimited  = errors.New("rate limited")        // 429
	ErrUnavailable  = errors.New("service unavailable") // 503
)

// FieldError names one invalid field; Key is a message key the web layer localises.
type FieldError struct {
	Field string `json:"field"`
	Key   string `json:"-"`
	Param string `json:"-"`
	// Message is filled in the request's language when the error is rendered.
	Message string `json:"message"`
}

// Error is a domain error: a sentinel kind plus a message key (localised when rendered) and
// optional field details.
type Error struct {
	Kind   error
	Key    string // message key, e.g. "auth.bad_credentials"
	Fields []FieldError
	Cause  error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, e.Key, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Key)
}

// Unwrap lets errors.Is match the sentinel kind.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}

// New returns an Error of the given kind with a message key.
func New(kind error, key string) *Error { return &Error{Kind: kind, Key: key} }

// Invalid returns a 400 error with one field detail.
func Invalid(field, key string) *Error {
	return &Error{Kind: ErrInvalid, Key: "invalid_input", Fields: []FieldError{{Field: field, Key: key}}}
}

// NotFound returns a 404 error for a kind of thing, e.g. NotFound("zone").
func NotFound(what string) *Error { return &Error{Kind: ErrNotFound, Key: "not_found." + what} }

// Forbidden returns a 403 error.
func Forbidden() *Error { return &Error{Kind: ErrForbidden, Key: "forbidden"} }
