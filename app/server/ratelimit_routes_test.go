package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zonefair/app/account"
	"zonefair/app/ratelimit"
	"zonefair/app/web"
)

// raw sends method to path exactly as spelled (no cleaning by the URL parser), as c, with an
// empty file upload for upload routes and an empty JSON object otherwise.
func (c *client) raw(method, path string, upload bool) response {
	c.e.t.Helper()
	var buf bytes.Buffer
	ctype := "application/json"
	if upload {
		w := multipart.NewWriter(&buf)
		fw, _ := w.CreateFormFile("file", "x.pdf")
		_, _ = fw.Write(pdf("limit"))
		_ = w.Close()
		ctype = w.FormDataContentType()
	} else {
		buf.WriteString(`{"body":"hi"}`)
	}
	req := httptest.NewRequest(method, "/", &buf)
	req.RequestURI = path
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept-Language", c.lang)
	req.Header.Set(account.CSRFHeader, c.csrf)
	return c.send(req)
}

var routeParam = regexp.MustCompile(`:[A-Za-z_]+`)

// spellings are other ways to write path that a client might try to escape its limit with.
func spellings(path string) map[string]string {
	return map[string]string{
		"upper case":      strings.ToUpper(path),
		"mixed case":      strings.Replace(strings.Replace(path, "/api/v1/", "/Api/V1/", 1), "s", "S", 1),
		"trailing slash":  path + "/",
		"encoded letter":  strings.Replace(path, "/v1/", "/%76%31/", 1),
		"encoded segment": strings.Replace(path, "/api/", "/%61pi/", 1),
		"doubled slash":   strings.Replace(path, "/v1/", "/v1//", 1),
		"dot segment":     strings.Replace(path, "/v1/", "/v1/./", 1),
		"both":            strings.ToUpper(path) + "/",
		"encoded id":      strings.Replace(path, "/1", "/%31", 1),
	}
}

// TestEveryLimitHoldsWhateverThePathSpelling: for every limited route, once a caller has used
// up its budget by the usual path, no other spelling of that path (case, trailing slash,
// percent-encoding, doubled slashes, dot segments) reaches the route: each answers 429 or does
// not route at all (404: with the budget spent, a request that routes is refused before its
// handler could answer anything else).
func TestEveryLimitHoldsWhateverThePathSpelling(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		callers := map[web.Role]*client{}
		limited := 0
		for _, rt := range e.app.Router.Routes() {
			name, lim, ok := ratelimit.Budget(rt)
			if !ok {
				continue
			}
			limited++
			path := routeParam.ReplaceAllString(rt.Path, "1")
			// The first role the route lets in (any answer but 401 and 403).
			var c *client
			var who account.User
			for _, role := range []web.Role{web.RoleGraduate, web.RoleZoneStaff, web.RoleEnterprise, web.RoleInvestor, web.RoleAdmin, web.RoleProvince} {
				if callers[role] == nil {
					callers[role] = e.as(role)
				}
				if s := callers[role].raw(rt.Method, path, rt.Upload).status; s != 401 && s != 403 {
					c, who = callers[role], e.users[role]
					break
				}
			}
			if c == nil {
				t.Fatalf("%s %s: no role may call it", rt.Method, rt.Path)
			}
			key := "limit:" + name + ":user:" + strconv.FormatInt(who.ID, 10)
			if err := e.state.Limiter.Reset(ctx, key); err != nil {
				t.Fatal(err)
			}
			for i := range lim.Events {
				if s := c.raw(rt.Method, path, rt.Upload).status; s == 429 {
					t.Fatalf("%s %s: limited at %d of %d", rt.Method, path, i+1, lim.Events)
				}
			}
			for what, p := range spellings(path) {
				r := c.raw(rt.Method, p, rt.Upload)
				if r.status != 429 && r.status != 404 {
					t.Errorf("%s %s (%s): %d %s after the limit", rt.Method, p, what, r.status, r.body)
				}
				if (what == "upper case" || what == "mixed case" || what == "trailing slash" || what == "both") && r.status != 429 {
					t.Errorf("%s %s (%s): %d, want 429: routing ignores case and a trailing slash", rt.Method, p, what, r.status)
				}
			}
			if err := e.state.Limiter.Reset(ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		if limited < 8 {
			t.Fatalf("only %d limited routes", limited)
		}
	})
}
