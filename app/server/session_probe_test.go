package server_test

import (
	"testing"

	"zonefair/app/web"
)

// TestSessionProbe: a page asks who is logged in without a failed request for a visitor: the
// probe answers 200 with a null user, a logged-in user gets their account and CSRF token, and
// after logging out the same browser is a visitor again. /auth/me keeps answering 401.
func TestSessionProbe(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		type state struct {
			User *struct {
				ID    int64    `json:"id"`
				Email string   `json:"email"`
				Role  web.Role `json:"role"`
			} `json:"user"`
			CSRFToken string `json:"csrfToken"`
		}
		var s state
		anon := e.anon()
		anon.do("GET", "/api/v1/auth/session", nil).want(200).json(&s)
		if s.User != nil || s.CSRFToken != "" {
			t.Fatalf("visitor: %+v", s)
		}
		anon.do("GET", "/api/v1/auth/me", nil).want(401)

		g := e.as(web.RoleGraduate)
		s = state{}
		g.do("GET", "/api/v1/auth/session", nil).want(200).json(&s)
		if s.User == nil || s.User.ID != e.users[web.RoleGraduate].ID || s.User.Role != web.RoleGraduate || s.CSRFToken == "" {
			t.Fatalf("graduate: %+v", s)
		}
		if s.CSRFToken != g.csrf {
			t.Fatalf("session token %q, login gave %q", s.CSRFToken, g.csrf)
		}
		g.do("POST", "/api/v1/auth/logout", nil).want(204)
		s = state{}
		g.do("GET", "/api/v1/auth/session", nil).want(200).json(&s)
		if s.User != nil {
			t.Fatalf("after logout: %+v", s)
		}
	})
}
