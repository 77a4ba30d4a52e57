package server_test

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"zonefair/app/config"
	"zonefair/app/livestate"
	"zonefair/app/server"
	"zonefair/app/web"
)

// TestRestartKeepsLogin: without Redis, sessions live in the database, so a user logged in
// before a restart (a new process: new in-process state, same database) is still logged in
// after it, with its CSRF token; a logout and a revocation (a new password logs the other
// sessions out) outlast it too.
func TestRestartKeepsLogin(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		dir := t.TempDir()
		start := func() {
			t.Helper()
			cfg, err := config.Load(func(k string) string {
				return map[string]string{"ZONEFAIR_DATA_DIR": dir, "ZONEFAIR_SECRET": strings.Repeat("s", 40)}[k]
			})
			if err != nil {
				t.Fatal(err)
			}
			state := livestate.NewDatabase(e.db)
			t.Cleanup(func() { _ = state.Close() })
			app, err := server.New(server.Deps{Config: cfg, DB: e.db, State: state, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			e.app = app
		}
		start()
		grad, elsewhere, staff, other := e.as(web.RoleGraduate), e.as(web.RoleGraduate), e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		var token struct {
			Stored int64
		}
		e.db.Raw("SELECT COUNT(*) AS stored FROM sessions").Scan(&token)
		if token.Stored != 4 {
			t.Fatalf("%d sessions stored, want 4", token.Stored)
		}
		for name, v := range grad.cookies {
			var n int64
			e.db.Raw("SELECT COUNT(*) FROM sessions WHERE token_hash = ?", v).Scan(&n)
			if n != 0 {
				t.Fatalf("cookie %s is stored as the key: tokens must be kept hashed", name)
			}
		}
		other.do("POST", "/api/v1/auth/logout", nil).want(204)
		// A new password logs the graduate's other sessions out.
		grad.do("POST", "/api/v1/account/password", map[string]string{"currentPassword": testPassword, "newPassword": "brand-new-secret-1"}).want(204)

		start() // the restart
		grad.do("GET", "/api/v1/auth/me", nil).want(200)
		staff.do("GET", "/api/v1/auth/me", nil).want(200)
		other.do("GET", "/api/v1/auth/me", nil).want(401)
		elsewhere.do("GET", "/api/v1/auth/me", nil).want(401)
		// Its CSRF token outlasted the restart too: a state-changing request is accepted.
		grad.do("POST", "/api/v1/auth/logout", nil).want(204)
		grad.do("GET", "/api/v1/auth/me", nil).want(401)
	})
}
