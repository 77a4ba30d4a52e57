package server_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"zonefair/app/jobfair"
	"zonefair/app/web"
)

func resumeFiles(t *testing.T, dataDir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dataDir, "uploads", "resumes", "*"))
	return files
}

// TestResumeUpload refuses every kind of bad file without storing anything, stores a real
// PDF under a random name, and lets only the graduate and their employers download it.
func TestResumeUpload(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		g := e.graduate("resume", true)
		e.graduate("noprofile", false).upload("/api/v1/graduate/resume", "cv.pdf", pdf("CV")).want(409)

		api.DisableConfigDir()
		var enc bytes.Buffer
		conf := model.NewAESConfiguration("user-secret", "owner-secret", 256)
		if err := api.Encrypt(bytes.NewReader(pdf("secret")), &enc, conf); err != nil {
			t.Fatal(err)
		}
		big := append(pdf("big"), bytes.Repeat([]byte("%padding\n"), jobfair.MaxResumeBytes/9+1)...)
		for _, c := range []struct {
			name   string
			body   []byte
			status int
		}{
			{"empty.pdf", nil, 400},
			{"photo.pdf", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 415},
			{"fake.pdf", []byte("%PDF-1.7\nthis is not really a pdf at all\n%%EOF\n"), 415},
			{"truncated.pdf", pdf("cut")[:200], 415},
			{"encrypted.pdf", enc.Bytes(), 415},
			{"big.pdf", big, 413},
		} {
			res := g.upload("/api/v1/graduate/resume", c.name, c.body)
			if res.status != c.status {
				t.Errorf("%s: status %d, want %d (%s)", c.name, res.status, c.status, res.body)
				continue
			}
			if res.errorBody().Message == "" {
				t.Errorf("%s: no message", c.name)
			}
		}
		if files := resumeFiles(t, e.dataDir); len(files) != 0 {
			t.Fatalf("refused uploads left files: %v", files)
		}
		g.do("GET", "/api/v1/graduate/resume", nil).want(404)

		body := pdf("Chen Chen - Accountant")
		var p jobfair.Profile
		g.upload("/api/v1/graduate/resume", "../../etc/陈晨 简历.pdf", body).want(200).json(&p)
		files := resumeFiles(t, e.dataDir)
		if !p.HasResume || p.ResumeName != "陈晨 简历.pdf" || len(files) != 1 || strings.Contains(files[0], "简历") {
			t.Fatalf("stored resume: %+v at %v", p, files)
		}
		if got := g.do("GET", "/api/v1/graduate/resume", nil).want(200); !bytes.Equal(got.body, body) || got.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("download: %q", got.header)
		}

		// Employers get the resume only for applications to their own jobs.
		staff, admin := e.as(web.RoleZoneStaff), e.as(web.RoleAdmin)
		bJob := e.post(admin, e.job("西安岗位", map[string]any{"zoneId": e.zoneB.ID}))
		var app jobfair.Application
		g.do("POST", fmt.Sprintf("/api/v1/jobs/%d/apply", bJob.ID), nil).want(201).json(&app)
		if !app.HasResume || app.ResumeName != p.ResumeName || app.Major != p.Major || app.Degree != p.Degree || p.Major == "" {
			t.Fatalf("application without the profile's resume, major and degree: %+v (profile %+v)", app, p)
		}
		staff.do("GET", fmt.Sprintf("/api/v1/applications/%d/resume", app.ID), nil).want(404)
		e.graduate("other", true).do("GET", fmt.Sprintf("/api/v1/applications/%d/resume", app.ID), nil).want(404)
		if got := admin.do("GET", fmt.Sprintf("/api/v1/applications/%d/resume", app.ID), nil).want(200); !bytes.Equal(got.body, body) {
			t.Fatal("employer download differs")
		}
		// Replacing the resume keeps the file the application was sent with.
		g.upload("/api/v1/graduate/resume", "new.pdf", pdf("new version")).want(200)
		if files := resumeFiles(t, e.dataDir); len(files) != 2 {
			t.Fatalf("after replacing: %v", files)
		}
		if got := g.do("GET", fmt.Sprintf("/api/v1/applications/%d/resume", app.ID), nil).want(200); !bytes.Equal(got.body, body) {
			t.Fatal("the application's resume changed with the profile's")
		}
		g.do("DELETE", "/api/v1/graduate/resume", nil).want(204)
		if files := resumeFiles(t, e.dataDir); len(files) != 1 {
			t.Fatalf("after deleting: %v", files)
		}
		_, err := os.Stat(files[0])
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestProfileInput refuses bad profiles.
func TestProfileInput(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		g := e.graduate("prof", false)
		// No profile yet is an empty one, not an error the browser would log.
		var empty jobfair.Profile
		g.do("GET", "/api/v1/graduate/profile", nil).want(200).json(&empty)
		if empty.Saved || empty.School != "" {
			t.Fatalf("profile before any was saved: %+v", empty)
		}
		for field, v := range map[string]any{"major": "alchemy", "degree": "phd", "graduationYear": 1900, "contactEmail": "nope", "school": ""} {
			in := map[string]any{}
			for k, x := range profileInput {
				in[k] = x
			}
			in[field] = v
			if res := g.do("PUT", "/api/v1/graduate/profile", in); res.status != 400 {
				t.Errorf("%s=%v: status %d", field, v, res.status)
			}
		}
		g.do("PUT", "/api/v1/graduate/profile", "{\"school\":").want(400)
		var p jobfair.Profile
		g.do("PUT", "/api/v1/graduate/profile", profileInput).want(200).json(&p)
		if p.School != "南京大学" || p.HasResume {
			t.Fatalf("profile: %+v", p)
		}
	})
}
