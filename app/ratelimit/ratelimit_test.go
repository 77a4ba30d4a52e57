package ratelimit

import (
	"testing"

	"zonefair/app/web"
)

func TestRulesMatchTheirRoutesOnly(t *testing.T) {
	rules := compile([]web.Route{
		{Method: "POST", Path: "/api/v1/graduate/resume", Upload: true},
		{Method: "POST", Path: "/api/v1/briefings/:id/slides", Upload: true},
		{Method: "POST", Path: "/api/v1/jobs", Upload: false},
	})
	match := func(method, path string) string {
		for _, r := range rules {
			if r.method == method && r.path.MatchString(path) {
				return r.name
			}
		}
		return ""
	}
	for _, c := range []struct{ method, path, want string }{
		{"POST", "/api/v1/jobs/12/apply", "apply"},
		{"POST", "/api/v1/jobs/12/apply/", "apply"},
		{"POST", "/api/v1/jobs/12/apply/x", ""},
		{"POST", "/api/v1/jobs", ""},
		{"POST", "/api/v1/chat/conversations/3/messages", "chat"},
		{"POST", "/api/v1/graduate/resume", "upload"},
		{"POST", "/api/v1/briefings/7/slides", "upload"},
		{"POST", "/api/v1/briefings/7/slidesx", ""},
		{"DELETE", "/api/v1/graduate/resume", ""},
	} {
		if got := match(c.method, c.path); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.method, c.path, got, c.want)
		}
	}
}
