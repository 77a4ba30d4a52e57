package server_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"zonefair/app/web"
)

// TestInvalidUTF8Refused: bytes that are not UTF-8 anywhere in a request (a JSON string, a
// JSON key, a query parameter, the path, a form file's name) answer 400 naming the place, and
// nothing is stored; before, the JSON decoder stored U+FFFD in their place and answered 201.
func TestInvalidUTF8Refused(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff := e.as(web.RoleZoneStaff)
		field := func(r response, want string) {
			t.Helper()
			r.want(400)
			if d := r.errorBody(); len(d.Details) != 1 || d.Details[0].Field != want {
				t.Fatalf("refusal %s, want the field %q named", r.body, want)
			}
		}
		count := func() (n int64) {
			e.db.Table("projects").Count(&n)
			return n
		}
		before := count()
		field(staff.do("POST", "/api/v1/projects", "{\"titleZh\":\"王\xff五\",\"titleEn\":\"Project\",\"industry\":\"automotive\",\"currency\":\"CNY\"}"), "titleZh")
		field(staff.do("POST", "/api/v1/projects", "{\"titleZh\":\"项目\",\"titleEn\":\"Pro\xc3ject\",\"industry\":\"automotive\",\"currency\":\"CNY\"}"), "titleEn")
		if count() != before {
			t.Fatal("a project with invalid UTF-8 was stored")
		}
		field(e.anon().do("GET", "/api/v1/jobs?q=%E7%8E%8B%FF", nil), "q")
		field(e.anon().do("GET", "/api/v1/projects?industry=a%C3", nil), "industry")
		field(e.anon().do("GET", "/api/v1/jobs/%FF", nil), "path")

		field(e.as(web.RoleGraduate).upload("/api/v1/graduate/resume", "简历\xff.pdf", pdf("CV")), "file")

		// The User-Agent is kept with the session and with signatures.
		req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"email":"graduate@example.test","password":"`+testPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "Mozilla/5.0 \xff")
		field(e.anon().send(req), "User-Agent")
	})
}
