package ratelimit

import (
	"testing"

	"zonefair/app/web"
)

func TestRulesBelongToRoutes(t *testing.T) {
	for _, c := range []struct {
		rt   web.Route
		want string
	}{
		{web.Route{Method: "POST", Path: "/api/v1/jobs/:id/apply"}, "apply"},
		{web.Route{Method: "POST", Path: "/api/v1/chat/conversations/:id/messages"}, "chat"},
		{web.Route{Method: "POST", Path: "/api/v1/graduate/resume", Upload: true}, "upload"},
		{web.Route{Method: "POST", Path: "/api/v1/briefings/:id/slides", Upload: true}, "upload"},
		{web.Route{Method: "POST", Path: "/api/v1/jobs"}, ""},
		{web.Route{Method: "GET", Path: "/api/v1/jobs/:id/apply"}, ""},
		{web.Route{Method: "DELETE", Path: "/api/v1/graduate/resume"}, ""},
	} {
		ru, _ := ruleFor(c.rt)
		if ru.name != c.want {
			t.Errorf("%s %s: %q, want %q", c.rt.Method, c.rt.Path, ru.name, c.want)
		}
	}
}
