package web

import (
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
)

var (
	errUnauthorized = errs.New(errs.ErrUnauthorized, "unauthorized")
	errForbidden    = errs.New(errs.ErrForbidden, "forbidden")
	// ErrCSRF refuses a state-changing request without the session's CSRF token.
	ErrCSRF = errs.New(errs.ErrForbidden, "csrf")
)

// ErrorBody is the one error shape of the API.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail describes what went wrong.
type ErrorDetail struct {
	Code    string            `json:"code" enum:"invalid_input,unauthorized,forbidden,not_found,conflict,payload_too_large,unsupported_media_type,rate_limited,unavailable,internal"`
	Message string            `json:"message"`
	Details []errs.FieldError `json:"details,omitempty"`
}

var kinds = []struct {
	err    error
	status int
	code   string
	key    string
}{
	{errs.ErrInvalid, fiber.StatusBadRequest, "invalid_input", "invalid_input"},
	{errs.ErrUnauthorized, fiber.StatusUnauthorized, "unauthorized", "unauthorized"},
	{errs.ErrForbidden, fiber.StatusForbidden, "forbidden", "forbidden"},
	{errs.ErrNotFound, fiber.StatusNotFound, "not_found", "not_found"},
	{errs.ErrConflict, fiber.StatusConflict, "conflict", "conflict"},
	{errs.ErrTooLarge, fiber.StatusRequestEntityTooLarge, "payload_too_large", "too_large"},
	{errs.ErrUnsupported, fiber.StatusUnsupportedMediaType, "unsupported_media_type", "unsupported_media"},
	{errs.ErrRateLimited, fiber.StatusTooManyRequests, "rate_limited", "rate_limited"},
	{errs.ErrUnavailable, fiber.StatusServiceUnavailable, "unavailable", "unavailable"},
}

// fiberCodes maps the framework's own errors (routing, body limit) onto the API's codes.
var fiberCodes = map[int]struct{ code, key string }{
	fiber.StatusBadRequest:                  {"invalid_input", "invalid_input"},
	fiber.StatusNotFound:                    {"not_found", "not_found"},
	fiber.StatusMethodNotAllowed:            {"not_found", "not_found"},
	fiber.StatusRequestEntityTooLarge:       {"payload_too_large", "too_large"},
	fiber.StatusUnsupportedMediaType:        {"unsupported_media_type", "unsupported_media"},
	fiber.StatusTooManyRequests:             {"rate_limited", "rate_limited"},
	fiber.StatusRequestHeaderFieldsTooLarge: {"payload_too_large", "too_large"},
}

// ErrorHandler renders every error as the API's error shape, in the request's language. A 500
// is logged with the request id and never shows internals.
func ErrorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		loc := RequestLocale(c)
		status, detail := fiber.StatusInternalServerError, ErrorDetail{Code: "internal", Message: Message(loc, "internal", "")}
		var domain *errs.Error
		var fe *fiber.Error
		switch {
		case errors.As(err, &domain):
			for _, k := range kinds {
				if errors.Is(domain.Kind, k.err) {
					status, detail.Code = k.status, k.code
					break
				}
			}
			// An error whose one field carries its own message (e.g. a file over the limit)
			// fills the summary's placeholder from it too.
			param := ""
			if len(domain.Fields) == 1 && domain.Fields[0].Key == domain.Key {
				param = domain.Fields[0].Param
			}
			detail.Message = Message(loc, domain.Key, param)
			for _, f := range domain.Fields {
				f.Message = Message(loc, f.Key, f.Param)
				detail.Details = append(detail.Details, f)
			}
		case errors.As(err, &fe):
			status = fe.Code
			if m, ok := fiberCodes[fe.Code]; ok {
				detail.Code, detail.Message = m.code, Message(loc, m.key, "")
			} else if fe.Code < 500 {
				detail.Code, detail.Message = "invalid_input", Message(loc, "invalid_input", "")
			}
		default:
			for _, k := range kinds {
				if errors.Is(err, k.err) {
					status, detail.Code, detail.Message = k.status, k.code, Message(loc, k.key, "")
					break
				}
			}
			if s, key, ok := storageFailure(err); ok && status == fiber.StatusInternalServerError {
				status, detail.Code, detail.Message = s, "unavailable", Message(loc, key, "")
				c.Set(fiber.HeaderRetryAfter, "5")
			}
		}
		if status >= 500 {
			log.Error("request failed", "request_id", RequestID(c), "method", c.Method(), "path", c.Path(), "err", err)
		}
		if status == fiber.StatusTooManyRequests && c.GetRespHeader(fiber.HeaderRetryAfter) == "" {
			c.Set(fiber.HeaderRetryAfter, "60")
		}
		return c.Status(status).JSON(ErrorBody{Error: detail})
	}
}
