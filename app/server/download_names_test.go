package server_test

import (
	"mime"
	"testing"

	"zonefair/app/jobfair"
	"zonefair/app/web"
)

// TestDownloadNamesKeptExactly: a file name with quotes or a line break, as a browser sends it
// in a form (%22, %0A), is stored once, decoded and cleaned, and comes back in the download
// under exactly that name (RFC 6266 filename*), not percent-encoded a second time.
func TestDownloadNamesKeptExactly(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		nameOf := func(r response) string {
			t.Helper()
			_, params, err := mime.ParseMediaType(r.header.Get("Content-Disposition"))
			if err != nil {
				t.Fatalf("Content-Disposition %q: %v", r.header.Get("Content-Disposition"), err)
			}
			return params["filename"]
		}
		staff := e.as(web.RoleZoneStaff)
		pol := createPolicy(staff, true, nil)
		var a struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		}
		staff.upload(ppath(pol.ID, "/attachments"), "%22王五%22.pdf", pdf("Policy")).want(201).json(&a)
		if a.Name != `"王五".pdf` {
			t.Fatalf("stored attachment name %q", a.Name)
		}
		if got := nameOf(staff.do("GET", a.URL, nil).want(200)); got != `"王五".pdf` {
			t.Fatalf("attachment downloaded as %q", got)
		}

		grad := e.graduate("names", true)
		var p jobfair.Profile
		grad.upload("/api/v1/graduate/resume", "简历%0A%22终稿%22.pdf", pdf("CV")).want(200).json(&p)
		if p.ResumeName != `简历 "终稿".pdf` {
			t.Fatalf("stored resume name %q", p.ResumeName)
		}
		if got := nameOf(grad.do("GET", "/api/v1/graduate/resume", nil).want(200)); got != p.ResumeName {
			t.Fatalf("resume downloaded as %q", got)
		}
	})
}
