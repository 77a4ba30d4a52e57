package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"zonefair/app/web"
	"zonefair/app/zone"
)

func TestBadInputGetsClearErrors(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		reg := "/api/v1/auth/register"
		cases := []struct {
			name, body, field string
			status            int
			code              string
		}{
			{"malformed JSON", `{"email":`, "", 400, "invalid_input"},
			{"not an object", `[1,2]`, "", 400, "invalid_input"},
			{"trailing data", `{"email":"a@b.test","password":"a-long-enough-secret","name":"A","role":"graduate"} {}`, "", 400, "invalid_input"},
			{"wrong type", `{"email":42,"password":"a-long-enough-secret","name":"A","role":"graduate"}`, "email", 400, "invalid_input"},
			{"unknown field", `{"email":"a@b.test","password":"a-long-enough-secret","name":"A","role":"graduate","isAdmin":true}`, "isAdmin", 400, "invalid_input"},
			{"invalid email", `{"email":"not-an-email","password":"a-long-enough-secret","name":"A","role":"graduate"}`, "email", 400, "invalid_input"},
			{"short password", `{"email":"a@b.test","password":"short","name":"A","role":"graduate"}`, "password", 400, "invalid_input"},
			{"over-long name", `{"email":"a@b.test","password":"a-long-enough-secret","name":"` + strings.Repeat("名", 101) + `","role":"graduate"}`, "name", 400, "invalid_input"},
			{"control characters", `{"email":"a@b.test","password":"a-long-enough-secret","name":"A\u0007B","role":"graduate"}`, "name", 400, "invalid_input"},
			{"weak password", `{"email":"a@b.test","password":"aaaaaaaaaaaa","name":"A","role":"graduate"}`, "password", 400, "invalid_input"},
		}
		for _, tc := range cases {
			res := e.anon().do("POST", reg, tc.body)
			if res.status != tc.status {
				t.Errorf("%s: status %d, want %d (%s)", tc.name, res.status, tc.status, res.body)
				continue
			}
			d := res.errorBody()
			if d.Code != tc.code {
				t.Errorf("%s: code %s", tc.name, d.Code)
			}
			if tc.field != "" && (len(d.Details) == 0 || d.Details[0].Field != tc.field || d.Details[0].Message == "") {
				t.Errorf("%s: details %+v, want field %s", tc.name, d.Details, tc.field)
			}
		}
		// Not JSON at all.
		req := httptest.NewRequest("POST", reg, strings.NewReader("email=a"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res := e.anon().send(req); res.status != 415 {
			t.Errorf("form body: status %d, want 415", res.status)
		}
		// Bodies over the JSON limit.
		big := `{"email":"a@b.test","password":"a-long-enough-secret","name":"` + strings.Repeat("x", web.MaxJSONBody) + `","role":"graduate"}`
		if res := e.anon().do("POST", reg, big); res.status != 413 || res.errorBody().Code != "payload_too_large" {
			t.Errorf("oversized body: status %d %s", res.status, res.body[:min(len(res.body), 200)])
		}
		// Nothing was stored by any of it.
		var n int64
		e.db.Table("users").Where("email = ?", "a@b.test").Count(&n)
		if n != 0 {
			t.Fatal("a refused registration stored a user")
		}
	})
}

func TestErrorsSpeakTheRequestLanguage(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		c := e.anon()
		c.lang = "zh-CN,zh;q=0.9,en;q=0.8"
		d := c.do("POST", "/api/v1/auth/login", map[string]string{"email": "nobody@example.test", "password": "whatever-it-is"}).want(401).errorBody()
		if d.Message != web.Message(web.LocaleZh, "auth.bad_credentials", "") {
			t.Fatalf("message %q is not the Chinese one", d.Message)
		}
		c.lang = "en-US"
		d = c.do("POST", "/api/v1/auth/login", map[string]string{"email": "nobody@example.test", "password": "whatever-it-is"}).want(401).errorBody()
		if d.Message != "Wrong email or password." {
			t.Fatalf("message %q", d.Message)
		}
	})
}

func TestZoneDirectorySearchAndFacets(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		var page zone.Page
		for _, q := range []string{"苏州", "suzhou", "SUZHOU", "江苏", "biomed", "生物医药"} {
			page = zone.Page{}
			e.anon().do("GET", "/api/v1/zones?q="+urlq(q), nil).want(200).json(&page)
			if page.Total != 1 || page.Items[0].ID != e.zoneA.ID {
				t.Errorf("q=%s: %d results %+v", q, page.Total, page.Items)
			}
		}
		page = zone.Page{}
		e.anon().do("GET", "/api/v1/zones?region=west", nil).want(200).json(&page)
		if page.Total != 1 || page.Items[0].ID != e.zoneB.ID || page.Items[0].ProvinceEn != "Shaanxi" {
			t.Fatalf("region=west: %+v", page)
		}
		// Facets of a dimension ignore that dimension's own filter, so the other region still shows.
		if page.Facets.Region["east"] != 1 || page.Facets.Region["west"] != 1 || page.Facets.Industry["automotive"] != 1 || page.Facets.Industry["electronics"] != 0 {
			t.Fatalf("facets %+v", page.Facets)
		}
		e.anon().do("GET", "/api/v1/zones?pageSize=1&page=2", nil).want(200).json(&page)
		if page.Total != 2 || len(page.Items) != 1 {
			t.Fatalf("paging: %+v", page)
		}
		e.anon().do("GET", "/api/v1/zones?pageSize=1000", nil).want(400)
		e.anon().do("GET", "/api/v1/zones?page=abc", nil).want(400)
		var d zone.Detail
		e.anon().do("GET", fmt.Sprintf("/api/v1/zones/%d", e.zoneA.ID), nil).want(200).json(&d)
		if len(d.Enterprises) != 1 || d.Enterprises[0].NameEn != "Alpha Co" || len(d.Industries) != 2 {
			t.Fatalf("detail %+v", d)
		}
		e.anon().do("GET", "/api/v1/zones/999999", nil).want(404)
		e.anon().do("GET", "/api/v1/zones/abc", nil).want(404)
	})
}

func urlq(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(fmt.Sprintf("%q", s), `"`, ""), " ", "+")
}

func TestZoneEditKeepsHostileTextAsText(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		hostile := `<script>alert("x")</script><img src=x onerror=alert(1)>`
		var d zone.Detail
		e.as(web.RoleZoneStaff).do("PATCH", fmt.Sprintf("/api/v1/zones/%d", e.zoneA.ID), map[string]any{"descriptionEn": hostile, "industries": []string{"ai"}}).want(200).json(&d)
		if d.DescriptionEn != hostile || len(d.Industries) != 1 || d.Industries[0] != "ai" {
			t.Fatalf("stored %+v", d)
		}
		e.as(web.RoleZoneStaff).do("PATCH", fmt.Sprintf("/api/v1/zones/%d", e.zoneA.ID), map[string]any{"industries": []string{"no-such"}}).want(400)
		e.as(web.RoleZoneStaff).do("PATCH", fmt.Sprintf("/api/v1/zones/%d", e.zoneA.ID), map[string]any{"website": "javascript:alert(1)"}).want(400)
	})
}

func upload(c *client, path, filename string, content []byte) response {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", filename)
	fw.Write(content)
	w.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.csrf)
	return c.send(req)
}

func TestLogoUpload(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff := e.as(web.RoleZoneStaff)
		path := fmt.Sprintf("/api/v1/zones/%d/logo", e.zoneA.ID)
		png := testPNG(t, 64, 64)
		upload(staff, path, "fake.png", []byte("%PDF-1.4 not an image")).want(415)
		upload(staff, path, "empty.png", nil).want(400)
		upload(staff, path, "big.png", append(png, make([]byte, zone.MaxLogoBytes)...)).want(413)
		e.anon().do("GET", path, nil).want(404)
		var d zone.Detail
		upload(staff, path, "logo.png", png).want(200).json(&d)
		if d.LogoURL == "" {
			t.Fatal("no logo URL after upload")
		}
		res := e.anon().do("GET", d.LogoURL, nil).want(200)
		if res.header.Get("Content-Type") != "image/png" || !bytes.Equal(res.body, png) {
			t.Fatalf("logo served as %s", res.header.Get("Content-Type"))
		}
		upload(staff, fmt.Sprintf("/api/v1/zones/%d/logo", e.zoneB.ID), "logo.png", png).want(403)
	})
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		var doc struct {
			OpenAPI string                    `json:"openapi"`
			Paths   map[string]map[string]any `json:"paths"`
		}
		e.anon().do("GET", "/api/openapi.json", nil).want(200).json(&doc)
		if !strings.HasPrefix(doc.OpenAPI, "3.") {
			t.Fatalf("openapi version %q", doc.OpenAPI)
		}
		n := 0
		for _, r := range e.app.Fiber.GetRoutes(true) {
			if r.Method == "HEAD" || r.Path == "/*" || r.Path == "/" {
				continue // HEAD mirrors GET; /* is the page fallback, not the API
			}
			n++
			ops, ok := doc.Paths[web.OpenAPIPath(r.Path)]
			if !ok {
				t.Errorf("%s %s is registered but missing from /api/openapi.json", r.Method, r.Path)
				continue
			}
			if _, ok := ops[strings.ToLower(r.Method)]; !ok {
				t.Errorf("%s %s: method missing from /api/openapi.json", r.Method, r.Path)
			}
		}
		if n < 10 {
			t.Fatalf("only %d routes found", n)
		}
	})
}

func TestOperationalEndpointsAndHeaders(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		res := e.anon().do("GET", "/readyz", nil).want(200)
		var st struct {
			Status string            `json:"status"`
			Checks map[string]string `json:"checks"`
		}
		res.json(&st)
		if st.Status != "ok" || st.Checks["database"] != "ok" || st.Checks["live_state"] != "ok" || st.Checks["search_index"] != "ok" {
			t.Fatalf("readyz %s", res.body)
		}
		if res.header.Get("X-Request-ID") == "" || res.header.Get("X-Content-Type-Options") != "nosniff" || res.header.Get("Content-Security-Policy") == "" || res.header.Get("X-Frame-Options") == "" {
			t.Fatalf("missing security or request id headers: %v", res.header)
		}
		e.anon().do("GET", "/healthz", nil).want(200)
		e.anon().do("GET", "/api/v1/zones", nil).want(200)
		m := e.anon().do("GET", "/metrics", nil).want(200)
		if !bytes.Contains(m.body, []byte(`zonefair_http_requests_total{method="GET",route="/api/v1/zones",status="200"}`)) {
			t.Fatalf("metrics lack the request counter by route")
		}
		// A request id from the load balancer is kept; a hostile one is replaced.
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Header.Set("X-Request-ID", "lb-123")
		if got := e.anon().send(req).header.Get("X-Request-ID"); got != "lb-123" {
			t.Fatalf("request id %q", got)
		}
		req = httptest.NewRequest("GET", "/healthz", nil)
		req.Header.Set("X-Request-ID", "bad\nid")
		if got := e.anon().send(req).header.Get("X-Request-ID"); got == "bad\nid" || got == "" {
			t.Fatalf("request id %q", got)
		}
		// Unknown API paths are JSON 404s, never the page.
		d := e.anon().do("GET", "/api/v1/nope", nil).want(404).errorBody()
		if d.Code != "not_found" {
			t.Fatal(d)
		}
		var meta zone.Meta
		e.anon().do("GET", "/api/v1/meta", nil).want(200).json(&meta)
		if len(meta.Provinces) != 31 || len(meta.Regions) != 4 {
			t.Fatalf("meta: %d provinces", len(meta.Provinces))
		}
		_ = json.Valid
	})
}
