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
	// Read, when set, reads a request's session together with the versions of Watch in one
	// round trip to the store, and the request's context carries those versions
	// (livestate.WithVersions) for the caches that check them.
	Read  func(ctx context.Context, key string, names []string) livestate.RequestState
	Watch []string
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
	_, key, sess, err := s.session(ctx, token)
	if err != nil {
		return nil, err
	}
	return s.principal(ctx, key, sess)
}

// session returns the stored session behind a token and the key it is stored under, and ctx
// carrying the watched versions when they were read with it.
func (s *Sessions) session(ctx context.Context, token string) (context.Context, string, livestate.Session, error) {
	if token == "" || len(token) > 100 {
		return ctx, "", livestate.Session{}, livestate.ErrNotFound
	}
	key := sessionKey(token)
	if s.Read == nil || len(s.Watch) == 0 {
		sess, err := s.Store.Get(ctx, key)
		return ctx, key, sess, err
	}
	r := s.Read(ctx, key, s.Watch)
	if r.Versions != nil {
		ctx = livestate.WithVersions(ctx, s.Watch, r.Versions)
	}
	return ctx, key, r.Session, r.SessionErr
}

// principal reads the account of session sess (stored under key); ErrNotFound when the
// account is gone.
func (s *Sessions) principal(ctx context.Context, key string, sess livestate.Session) (*web.Principal, error) {
	u, err := s.Users.identity(ctx, sess.UserID)
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
// run before the routes. The session (and CSRF token) is read on every such request; the
// caller's account only when the route needs it (web.DeferPrincipal): a session revoked on
// any instance stops working at once, and a page that does not look at its caller reads no
// account.
func (s *Sessions) Middleware() fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := c.Cookies(CookieName)
		if token == "" {
			return c.Next()
		}
		ctx, key, sess, err := s.session(c.UserContext(), token)
		c.SetUserContext(ctx)
		switch {
		case errors.Is(err, livestate.ErrNotFound):
			s.clearCookie(c)
			return c.Next()
		case err != nil:
			return err
		}
		if !safeMethod(c.Method()) {
			sent := c.Get(CSRFHeader)
			if subtle.ConstantTimeCompare([]byte(sent), []byte(sess.CSRFToken)) != 1 {
				// A session whose account is gone is no session: the request goes on anonymous.
				switch _, err := s.principal(ctx, key, sess); {
				case errors.Is(err, livestate.ErrNotFound):
					s.clearCookie(c)
					return c.Next()
				case err != nil:
					return err
				}
				s.Log.Warn("csrf token missing or wrong", "request_id", web.RequestID(c), "user_id", sess.UserID, "path", c.Path(), "ip", c.IP())
				return web.ErrCSRF
			}
		}
		web.DeferPrincipal(c, sess.UserID, func() (*web.Principal, error) {
			p, err := s.principal(ctx, key, sess)
			if errors.Is(err, livestate.ErrNotFound) {
				s.clearCookie(c)
				return nil, nil
			}
			return p, err
		})
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
