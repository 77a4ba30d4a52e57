package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/livestate"
	"zonefair/app/web"
)

// CookieName is the session cookie.
const CookieName = "zf_session"

// CSRFHeader carries the session's CSRF token on state-changing requests.
const CSRFHeader = "X-CSRF-Token"

// Sessions issues, resolves and revokes login sessions: random opaque tokens in an HttpOnly
// cookie, stored server-side (under their hash) with an expiry.
type Sessions struct {
	Store  livestate.SessionStore
	Users  *Store
	TTL    time.Duration
	Secure bool
	Log    *slog.Logger
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Start logs u in on this response and returns the new session's CSRF token.
func (s *Sessions) Start(c *fiber.Ctx, u *User) (string, error) {
	token, now := randomToken(), time.Now()
	sess := livestate.Session{
		UserID: u.ID, CSRFToken: randomToken(), IP: c.IP(), UserAgent: truncate(string(c.Request().Header.UserAgent()), 300),
		CreatedAt: now, ExpiresAt: now.Add(s.TTL),
	}
	if err := s.Store.Put(c.UserContext(), sessionKey(token), sess); err != nil {
		return "", err
	}
	c.Cookie(&fiber.Cookie{
		Name: CookieName, Value: token, Path: "/", HTTPOnly: true, Secure: s.Secure,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: sess.ExpiresAt,
	})
	p := u.Principal()
	p.SessionKey, p.CSRFToken = sessionKey(token), sess.CSRFToken
	web.SetPrincipal(c, p)
	return sess.CSRFToken, nil
}

// End revokes the request's session and clears the cookie.
func (s *Sessions) End(c *fiber.Ctx) error {
	if p := web.CurrentPrincipal(c); p != nil {
		if err := s.Store.Delete(c.UserContext(), p.SessionKey); err != nil {
			return err
		}
	}
	s.clearCookie(c)
	return nil
}

func (s *Sessions) clearCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: CookieName, Value: "", Path: "/", HTTPOnly: true, Secure: s.Secure,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(0, 0), MaxAge: -1})
}

// Resolve returns the user and session behind a session token, for callers outside HTTP
// middleware (the websocket upgrade).
func (s *Sessions) Resolve(ctx context.Context, token string) (*web.Principal, error) {
	if token == "" || len(token) > 100 {
		return nil, livestate.ErrNotFound
	}
	key := sessionKey(token)
	sess, err := s.Store.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	u, err := s.Users.ByID(ctx, sess.UserID)
	if errors.Is(err, errs.ErrNotFound) {
		return nil, livestate.ErrNotFound
	}
	if err != nil {
		// The database is out: the session stands, and the request fails with 503.
		return nil, err
	}
	p := u.Principal()
	p.SessionKey, p.CSRFToken = key, sess.CSRFToken
	return p, nil
}

// Middleware attaches the caller's principal when the request carries a valid session, and
// refuses state-changing requests made with the cookie but without its CSRF token. It must
// run before the routes.
func (s *Sessions) Middleware() fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := c.Cookies(CookieName)
		if token == "" {
			return c.Next()
		}
		p, err := s.Resolve(c.UserContext(), token)
		switch {
		case errors.Is(err, livestate.ErrNotFound):
			s.clearCookie(c)
			return c.Next()
		case err != nil:
			return err
		}
		if !safeMethod(c.Method()) {
			sent := c.Get(CSRFHeader)
			if subtle.ConstantTimeCompare([]byte(sent), []byte(p.CSRFToken)) != 1 {
				s.Log.Warn("csrf token missing or wrong", "request_id", web.RequestID(c), "user_id", p.UserID, "path", c.Path(), "ip", c.IP())
				return web.ErrCSRF
			}
		}
		web.SetPrincipal(c, p)
		return c.Next()
	}
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
