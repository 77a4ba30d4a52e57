package server_test

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"zonefair/app/account"
	"zonefair/app/web"
)

func TestRegisterLoginLogout(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.anon()
		var s account.SessionResponse
		c.do("POST", "/api/v1/auth/register", map[string]string{
			"email": "New.Grad@Example.TEST", "password": "a-long-enough-secret", "name": "陈晨", "role": "graduate",
		}).want(201).json(&s)
		if s.User.Email != "new.grad@example.test" || s.User.Role != web.RoleGraduate || s.CSRFToken == "" {
			t.Fatalf("registered %+v", s)
		}
		if c.cookies[account.CookieName] == "" {
			t.Fatal("no session cookie after registering")
		}
		c.do("GET", "/api/v1/auth/me", nil).want(200)
		c.do("POST", "/api/v1/auth/logout", nil).want(204)
		c.do("GET", "/api/v1/auth/me", nil).want(401)

		// The same email (any case) cannot register again.
		res := e.anon().do("POST", "/api/v1/auth/register", map[string]string{
			"email": "new.grad@example.test", "password": "another-long-secret", "name": "X", "role": "investor",
		}).want(409)
		if d := res.errorBody(); len(d.Details) != 1 || d.Details[0].Field != "email" {
			t.Fatalf("duplicate registration error %+v", d)
		}

		bad := e.anon().do("POST", "/api/v1/auth/login", map[string]string{"email": "new.grad@example.test", "password": "wrong-password!"}).want(401)
		if bad.errorBody().Code != "unauthorized" {
			t.Fatal("wrong password: wrong code")
		}
		e.anon().do("POST", "/api/v1/auth/login", map[string]string{"email": "NEW.GRAD@example.test", "password": "a-long-enough-secret"}).want(200)
	})
}

func TestSessionCookieFlags(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"email":"graduate@example.test","password":"`+testPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		res, err := e.app.Fiber.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		sc := res.Header.Get("Set-Cookie")
		for _, want := range []string{"zf_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(strings.ToLower(sc), strings.ToLower(want)) {
				t.Errorf("Set-Cookie %q lacks %s", sc, want)
			}
		}
	})
}

func TestRegistrationCannotChoosePrivilegedRoles(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		for _, role := range []string{"admin", "zone_staff", "enterprise_staff"} {
			res := e.anon().do("POST", "/api/v1/auth/register", map[string]string{
				"email": role + "-x@example.test", "password": "a-long-enough-secret", "name": "X", "role": role,
			}).want(400)
			if d := res.errorBody(); len(d.Details) == 0 || d.Details[0].Field != "role" {
				t.Fatalf("role %s: %+v", role, d)
			}
		}
	})
}

func TestCSRFRequiredWithCookie(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.as(web.RoleGraduate)
		token := c.csrf
		c.csrf = ""
		c.do("PATCH", "/api/v1/account", map[string]string{"name": "Forged"}).want(403)
		c.csrf = "not-the-token"
		c.do("PATCH", "/api/v1/account", map[string]string{"name": "Forged"}).want(403)
		// Another session's token is no good either (a replayed token).
		c.csrf = e.as(web.RoleInvestor).csrf
		c.do("PATCH", "/api/v1/account", map[string]string{"name": "Forged"}).want(403)
		c.csrf = token
		var u account.User
		c.do("PATCH", "/api/v1/account", map[string]string{"name": "Real"}).want(200).json(&u)
		if u.Name != "Real" {
			t.Fatalf("name %q", u.Name)
		}
	})
}

func TestPasswordChangeRevokesOtherSessions(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		here, there := e.as(web.RoleInvestor), e.as(web.RoleInvestor)
		here.do("POST", "/api/v1/account/password", map[string]string{"currentPassword": "wrong-one-here", "newPassword": "brand-new-secret-1"}).want(400)
		here.do("POST", "/api/v1/account/password", map[string]string{"currentPassword": testPassword, "newPassword": "brand-new-secret-1"}).want(204)
		here.do("GET", "/api/v1/auth/me", nil).want(200)
		there.do("GET", "/api/v1/auth/me", nil).want(401)
		e.anon().do("POST", "/api/v1/auth/login", map[string]string{"email": e.users[web.RoleInvestor].Email, "password": "brand-new-secret-1"}).want(200)
	})
}

func TestLoginRateLimitedPerAccount(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		email := e.users[web.RoleGraduate].Email
		for i := 0; i < account.LoginPerAccount.Events; i++ {
			e.anon().do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "wrong-password!"}).want(401)
		}
		res := e.anon().do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": testPassword}).want(429)
		if res.header.Get("Retry-After") == "" || res.errorBody().Code != "rate_limited" {
			t.Fatalf("429 without Retry-After or code: %v %s", res.header, res.body)
		}
	})
}

func TestInvitationAcceptedOnce(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff := e.as(web.RoleZoneStaff)
		var inv account.InviteResponse
		staff.do("POST", "/api/v1/invitations", map[string]any{"email": "hr@alpha.test", "role": "enterprise_staff", "zoneId": e.zoneA.ID, "enterpriseId": e.entA.ID}).want(201).json(&inv)
		// An enterprise of another zone cannot be named.
		staff.do("POST", "/api/v1/invitations", map[string]any{"email": "hr@beta.test", "role": "enterprise_staff", "zoneId": e.zoneA.ID, "enterpriseId": e.entB.ID}).want(400)
		token := inv.URL[strings.LastIndex(inv.URL, "/")+1:]
		var view account.InvitationView
		e.anon().do("GET", "/api/v1/invitations/"+token, nil).want(200).json(&view)
		if view.Zone.ID != e.zoneA.ID || view.Enterprise == nil || view.Enterprise.ID != e.entA.ID {
			t.Fatalf("invitation view %+v", view)
		}
		// Many accept at once: exactly one account is made.
		var wg sync.WaitGroup
		statuses := make([]int, 6)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.anon().do("POST", "/api/v1/invitations/"+token+"/accept", map[string]string{"name": "HR", "password": "a-long-enough-secret"}).status
			}()
		}
		wg.Wait()
		created := 0
		for _, s := range statuses {
			switch s {
			case 201:
				created++
			case 409:
			default:
				t.Errorf("accept status %d", s)
			}
		}
		if created != 1 {
			t.Fatalf("%d acceptances succeeded, want 1 (%v)", created, statuses)
		}
		var u account.User
		e.anon().do("POST", "/api/v1/auth/login", map[string]string{"email": "hr@alpha.test", "password": "a-long-enough-secret"}).want(200)
		if err := e.db.Where("email = ?", "hr@alpha.test").First(&u).Error; err != nil || u.Role != web.RoleEnterprise || *u.EnterpriseID != e.entA.ID {
			t.Fatalf("invited user %+v %v", u, err)
		}
	})
}
