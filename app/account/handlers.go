package account

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/livestate"
	"zonefair/app/web"
)

// Limits on login and registration attempts; they hold across instances when live state is
// in Redis.
var (
	LoginPerIP      = livestate.Limit{Events: 30, Per: time.Minute}
	LoginPerAccount = livestate.Limit{Events: 10, Per: 15 * time.Minute}
	RegisterPerIP   = livestate.Limit{Events: 20, Per: time.Hour}
)

// Handlers serve registration, login and the account page.
type Handlers struct {
	Users    *Store
	Sessions *Sessions
	Limiter  livestate.RateLimiter
	Log      *slog.Logger
	// SessionsRevoked is told when a user's other sessions were revoked, so live connections
	// opened under them are closed too; may be nil.
	SessionsRevoked func(userID int64)
}

// SessionResponse is the logged-in user and the CSRF token to send with mutating requests.
type SessionResponse struct {
	User      User   `json:"user"`
	CSRFToken string `json:"csrfToken"`
}

// Routes registers the account routes.
func (h *Handlers) Routes(r *web.Router) {
	r.Handle(web.Route{Method: "POST", Path: "/api/v1/auth/register", Tag: "account", Summary: "Register as a graduate or an investor", Access: web.Public, Request: RegisterRequest{}, Response: SessionResponse{}, Status: 201, Handler: h.register})
	r.Handle(web.Route{Method: "POST", Path: "/api/v1/auth/login", Tag: "account", Summary: "Log in", Access: web.Public, Request: LoginRequest{}, Response: SessionResponse{}, Handler: h.login})
	r.Handle(web.Route{Method: "POST", Path: "/api/v1/auth/logout", Tag: "account", Summary: "Log out", Access: web.LoggedIn, Status: 204, Handler: h.logout})
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/auth/session", Tag: "account", Summary: "Who is logged in: the user and CSRF token, or a null user for a visitor (never 401)", Access: web.Public, Response: SessionState{}, Handler: h.session})
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/auth/me", Tag: "account", Summary: "The logged-in user", Access: web.LoggedIn, Response: SessionResponse{}, Handler: h.me})
	r.Handle(web.Route{Method: "PATCH", Path: "/api/v1/account", Tag: "account", Summary: "Edit your profile", Access: web.LoggedIn, Request: ProfilePatch{}, Response: User{}, Handler: h.updateProfile})
	r.Handle(web.Route{Method: "POST", Path: "/api/v1/account/password", Tag: "account", Summary: "Change your password (other sessions are logged out)", Access: web.LoggedIn, Request: PasswordRequest{}, Status: 204, Handler: h.changePassword})
}

// RegisterRequest creates a graduate or investor account.
type RegisterRequest struct {
	Email        string `json:"email" validate:"required,max=254,email"`
	Password     string `json:"password" validate:"required,min=10,max=128"`
	Name         string `json:"name" validate:"required,min=1,max=100,text"`
	Role         string `json:"role" validate:"required,oneof=graduate investor"`
	Locale       string `json:"locale,omitempty" validate:"omitempty,oneof=zh-CN en"`
	Organization string `json:"organization,omitempty" validate:"max=200,text"`
	Country      string `json:"country,omitempty" validate:"max=80,text"`
}

func (h *Handlers) register(c *fiber.Ctx) error {
	if err := h.limit(c, "register:ip:"+c.IP(), RegisterPerIP); err != nil {
		return err
	}
	var req RegisterRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	if weakPassword(req.Password) {
		return errs.Invalid("password", "field.password_weak")
	}
	if req.Locale == "" {
		req.Locale = string(web.RequestLocale(c))
	}
	hash, err := HashPassword(c.UserContext(), req.Password)
	if err != nil {
		return err
	}
	u := User{
		Email: req.Email, PasswordHash: hash, Name: strings.TrimSpace(req.Name), Role: web.Role(req.Role),
		Locale: req.Locale, Organization: strings.TrimSpace(req.Organization), Country: strings.TrimSpace(req.Country),
	}
	if err := h.Users.Create(c.UserContext(), &u); err != nil {
		return err
	}
	h.Log.Info("registered", "request_id", web.RequestID(c), "user_id", u.ID, "role", u.Role)
	return h.respondSession(c, &u, fiber.StatusCreated)
}

func (h *Handlers) respondSession(c *fiber.Ctx, u *User, status int) error {
	csrf, err := h.Sessions.Start(c, u)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(SessionResponse{User: *u, CSRFToken: csrf})
}

// LoginRequest logs a user in.
type LoginRequest struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,max=128"`
}

func (h *Handlers) login(c *fiber.Ctx) error {
	var req LoginRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	email := NormalizeEmail(req.Email)
	if err := h.limit(c, "login:ip:"+c.IP(), LoginPerIP); err != nil {
		return err
	}
	if err := h.limit(c, "login:account:"+email, LoginPerAccount); err != nil {
		return err
	}
	u, err := h.Users.ByEmail(c.UserContext(), email)
	hash := u.PasswordHash
	if errors.Is(err, errs.ErrNotFound) {
		hash = dummyHash()
	} else if err != nil {
		return err
	}
	ok, err := CheckPassword(c.UserContext(), req.Password, hash)
	if err != nil {
		return err
	}
	if !ok || u.ID == 0 {
		h.Log.Warn("login failed", "request_id", web.RequestID(c), "ip", c.IP())
		return errs.New(errs.ErrUnauthorized, "auth.bad_credentials")
	}
	_ = h.Limiter.Reset(c.UserContext(), "login:account:"+email)
	return h.respondSession(c, &u, fiber.StatusOK)
}

// limit refuses the request with 429 and Retry-After when key is over l.
func (h *Handlers) limit(c *fiber.Ctx, key string, l livestate.Limit) error {
	res, err := h.Limiter.Allow(c.UserContext(), key, l)
	if err != nil {
		return err
	}
	if !res.Allowed {
		secs := int(res.RetryAfter.Seconds() + 0.999)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(secs, 1)))
		h.Log.Warn("rate limited", "request_id", web.RequestID(c), "key", strings.SplitN(key, ":", 3)[:2], "ip", c.IP())
		return errs.New(errs.ErrRateLimited, "rate_limited")
	}
	return nil
}

func (h *Handlers) logout(c *fiber.Ctx) error {
	if err := h.Sessions.End(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) me(c *fiber.Ctx) error {
	p := web.CurrentPrincipal(c)
	u, err := h.Users.ByID(c.UserContext(), p.UserID)
	if err != nil {
		return err
	}
	return c.JSON(SessionResponse{User: u, CSRFToken: p.CSRFToken})
}

// SessionState is the session as a page starts it: the logged-in user (null for a visitor) and
// the CSRF token to send with mutating requests (empty for a visitor).
type SessionState struct {
	User      *User  `json:"user"`
	CSRFToken string `json:"csrfToken"`
}

// session answers every caller with 200, so a visitor's page asks who is logged in without
// a failed request in its console; a session that has ended reads as a visitor.
func (h *Handlers) session(c *fiber.Ctx) error {
	p, err := web.ResolvePrincipal(c)
	if err != nil {
		return err
	}
	if p == nil {
		return c.JSON(SessionState{})
	}
	u, err := h.Users.ByID(c.UserContext(), p.UserID)
	if err != nil {
		return err
	}
	return c.JSON(SessionState{User: &u, CSRFToken: p.CSRFToken})
}

// ProfilePatch edits the caller's own profile; absent fields stay.
type ProfilePatch struct {
	Name         *string `json:"name,omitempty" validate:"omitempty,min=1,max=100,text"`
	Locale       *string `json:"locale,omitempty" validate:"omitempty,oneof=zh-CN en"`
	Organization *string `json:"organization,omitempty" validate:"omitempty,max=200,text"`
	Phone        *string `json:"phone,omitempty" validate:"omitempty,max=40,text"`
	Country      *string `json:"country,omitempty" validate:"omitempty,max=80,text"`
}

func (h *Handlers) updateProfile(c *fiber.Ctx) error {
	var p ProfilePatch
	if err := web.Bind(c, &p); err != nil {
		return err
	}
	cols := map[string]any{}
	for col, v := range map[string]*string{"name": p.Name, "locale": p.Locale, "organization": p.Organization, "phone": p.Phone, "country": p.Country} {
		if v != nil {
			cols[col] = strings.TrimSpace(*v)
		}
	}
	if name, ok := cols["name"]; ok && name == "" {
		return errs.Invalid("name", "field.required")
	}
	id := web.CurrentPrincipal(c).UserID
	if err := h.Users.Update(c.UserContext(), id, cols); err != nil {
		return err
	}
	u, err := h.Users.ByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// PasswordRequest changes the caller's password.
type PasswordRequest struct {
	CurrentPassword string `json:"currentPassword" validate:"required,max=128"`
	NewPassword     string `json:"newPassword" validate:"required,min=10,max=128"`
}

func (h *Handlers) changePassword(c *fiber.Ctx) error {
	var req PasswordRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	p := web.CurrentPrincipal(c)
	if err := h.limit(c, "password:user:"+strconv.FormatInt(p.UserID, 10), LoginPerAccount); err != nil {
		return err
	}
	u, err := h.Users.ByID(c.UserContext(), p.UserID)
	if err != nil {
		return err
	}
	ok, err := CheckPassword(c.UserContext(), req.CurrentPassword, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return &errs.Error{Kind: errs.ErrInvalid, Key: "auth.wrong_password", Fields: []errs.FieldError{{Field: "currentPassword", Key: "auth.wrong_password"}}}
	}
	if req.NewPassword == req.CurrentPassword {
		return errs.Invalid("newPassword", "field.same_password")
	}
	if weakPassword(req.NewPassword) {
		return errs.Invalid("newPassword", "field.password_weak")
	}
	hash, err := HashPassword(c.UserContext(), req.NewPassword)
	if err != nil {
		return err
	}
	if err := h.Users.Update(c.UserContext(), u.ID, map[string]any{"password_hash": hash}); err != nil {
		return err
	}
	if err := h.Sessions.Store.DeleteUser(c.UserContext(), u.ID, p.SessionKey); err != nil {
		return err
	}
	if h.SessionsRevoked != nil {
		h.SessionsRevoked(u.ID)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// EnsureUser creates u with password pw unless its email exists; for seeding.
func EnsureUser(ctx context.Context, users *Store, u *User, pw string) error {
	if existing, err := users.ByEmail(ctx, u.Email); err == nil {
		*u = existing
		return nil
	}
	hash, err := HashPassword(ctx, pw)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	return users.Create(ctx, u)
}
