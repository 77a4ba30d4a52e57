package project_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/db/dbtest"
	"zonefair/app/policy"
	"zonefair/app/project"
	"zonefair/app/testenv"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// linkEnv is a project of zone Home (Jiangsu) served over HTTP, with staff of Home and of
// Away (Zhejiang), an investor and an admin, and policies of every level around them.
type linkEnv struct {
	t         *testing.T
	g         *gorm.DB
	app       *fiber.App
	dir       string
	projectID int64
	users     map[string]*web.Principal
	pol       map[string]int64 // policies by name
}

func newLinkEnv(t *testing.T, g *gorm.DB) *linkEnv {
	ctx := context.Background()
	home := zone.Zone{Slug: "home", NameZh: "本区", NameEn: "Home Park", Province: "jiangsu", Region: "east"}
	away := zone.Zone{Slug: "away", NameZh: "外区", NameEn: "Away Park", Province: "zhejiang", Region: "east"}
	for _, z := range []*zone.Zone{&home, &away} {
		if err := g.Create(z).Error; err != nil {
			t.Fatal(err)
		}
	}
	e := &linkEnv{t: t, g: g, dir: t.TempDir(), pol: map[string]int64{}, users: map[string]*web.Principal{
		"admin":    {Actor: actor.Actor{UserID: 1, Name: "Admin", Role: web.RoleAdmin}},
		"staff":    {Actor: actor.Actor{UserID: 2, Name: "Home staff", Role: web.RoleZoneStaff, ZoneID: home.ID}},
		"other":    {Actor: actor.Actor{UserID: 3, Name: "Away staff", Role: web.RoleZoneStaff, ZoneID: away.ID}},
		"investor": {Actor: actor.Actor{UserID: 4, Name: "Investor", Role: web.RoleInvestor}},
	}}
	svc := &project.Service{Store: project.NewStore(g), Zones: zone.NewStore(g), Users: account.NewStore(g), Policies: policy.NewStore(g), UploadDir: e.dir}
	pr, err := svc.Create(ctx, e.users["admin"].Caller(), project.Input{ZoneID: home.ID, TitleZh: "芯片厂", TitleEn: "Chip fab", Industry: "semiconductors", Currency: "CNY"})
	if err != nil {
		t.Fatal(err)
	}
	e.projectID = pr.ID

	pols := &policy.Service{Store: policy.NewStore(g), Zones: zone.NewStore(g), Users: account.NewStore(g), UploadDir: e.dir}
	day := func(n int) string { return time.Now().AddDate(0, 0, n).Format(time.DateOnly) }
	for _, c := range []struct {
		name, level, province string
		zoneID                int64
		publish               bool
	}{
		{"national", policy.National, "", 0, true},
		{"jiangsu", policy.Provincial, "jiangsu", 0, true},
		{"zhejiang", policy.Provincial, "zhejiang", 0, true},
		{"home", policy.ZoneLevel, "", home.ID, true},
		{"home-city", policy.Municipal, "", home.ID, true},
		{"away", policy.ZoneLevel, "", away.ID, true},
		{"home-draft", policy.ZoneLevel, "", home.ID, false},
	} {
		p, err := pols.Create(ctx, e.users["admin"].Caller(), policy.Input{
			Level: c.level, Province: c.province, ZoneID: c.zoneID, IssuerZh: "发布机关", IssuerEn: "Issuer",
			TitleZh: c.name + " 政策", TitleEn: c.name + " policy", SummaryZh: "摘要", SummaryEn: "Summary",
			Topics: []string{"tax"}, IssuedOn: day(-10), EffectiveOn: day(-5),
		}, c.publish)
		if err != nil {
			t.Fatalf("policy %s: %v", c.name, err)
		}
		e.pol[c.name] = p.ID
	}

	e.app = web.NewApp(web.Options{Logger: slog.New(slog.DiscardHandler), BodyLimit: 12 << 20})
	e.app.Use(func(c *fiber.Ctx) error {
		if u := e.users[c.Get("X-Test-User")]; u != nil {
			web.SetPrincipal(c, u)
		} else {
			web.SetPrincipal(c, nil)
		}
		return c.Next()
	})
	(&project.Handlers{Service: svc}).Routes(web.NewRouter(e.app))
	return e
}

type reply struct {
	code   int
	header map[string]string
	body   []byte
}

func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// fields are the names of the fields an error reply blames.
func (r reply) fields(t *testing.T) []string {
	var out struct {
		Error struct {
			Details []struct{ Field string } `json:"details"`
		} `json:"error"`
	}
	r.json(t, &out)
	var fs []string
	for _, d := range out.Error.Details {
		fs = append(fs, d.Field)
	}
	return fs
}

func (e *linkEnv) do(user, method, path string, body io.Reader, contentType string) reply {
	e.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	res, err := e.app.Test(req, 10000)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	h := map[string]string{}
	for k := range res.Header {
		h[k] = res.Header.Get(k)
	}
	return reply{res.StatusCode, h, b}
}

func (e *linkEnv) upload(user, filename string, content []byte) reply {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = fw.Write(content)
	_ = w.Close()
	return e.do(user, "POST", e.path("/attachments"), &buf, w.FormDataContentType())
}

func (e *linkEnv) putJSON(user, path string, v any) reply {
	b, _ := json.Marshal(v)
	return e.do(user, "PUT", path, bytes.NewReader(b), "application/json")
}

func (e *linkEnv) path(rest string) string {
	return "/api/v1/projects/" + strconv.FormatInt(e.projectID, 10) + rest
}

// files lists every file under the upload directory.
func (e *linkEnv) files() []string {
	var out []string
	_ = filepath.WalkDir(e.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func (e *linkEnv) rows(table string) int64 {
	var n int64
	if err := e.g.Table(table).Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// pdf builds a small valid one-page PDF showing text.
var pdf = testenv.PDF

// TestProjectAttachments: the project's zone staff attach a PDF, anyone downloads it under its
// own name, and every refusal — another zone, an investor, a file that is not a PDF, a fake
// PDF, an empty or oversized file — stores nothing.
func TestProjectAttachments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		e := newLinkEnv(t, g)
		doc := pdf("Site plan")
		const name = `../../报告 "site" plan.pdf`
		r := e.upload("staff", name, doc)
		if r.code != 201 {
			t.Fatalf("upload: %d %s", r.code, r.body)
		}
		var a project.Attachment
		r.json(t, &a)
		if a.Name != `报告 "site" plan.pdf` {
			t.Errorf("stored name %q", a.Name)
		}
		if a.Pages != 1 || a.Size != int64(len(doc)) || a.URL == "" {
			t.Errorf("attachment %+v", a)
		}
		files := e.files()
		if len(files) != 1 || !strings.HasPrefix(files[0], filepath.Join(e.dir, "projects")) || strings.Contains(files[0], "site") || strings.Contains(files[0], "报告") {
			t.Fatalf("stored files %v: want one, under projects/, with a generated name", files)
		}

		// A plain name keeps its own name, which is sent back encoded for any browser.
		r = e.upload("admin", "可行性研究 feasibility.pdf", pdf("Study"))
		if r.code != 201 {
			t.Fatalf("admin upload: %d %s", r.code, r.body)
		}
		var b project.Attachment
		r.json(t, &b)
		if b.Name != "可行性研究 feasibility.pdf" {
			t.Errorf("name %q", b.Name)
		}

		// Anyone who may see the project lists and downloads.
		for _, who := range []string{"", "investor", "other"} {
			var list []project.Attachment
			r := e.do(who, "GET", e.path("/attachments"), nil, "")
			r.json(t, &list)
			if r.code != 200 || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
				t.Fatalf("%q lists: %d %s", who, r.code, r.body)
			}
			r = e.do(who, "GET", b.URL, nil, "")
			if r.code != 200 || !bytes.Equal(r.body, pdf("Study")) || r.header["Content-Type"] != "application/pdf" {
				t.Fatalf("%q downloads: %d %v", who, r.code, r.header)
			}
			cd := r.header["Content-Disposition"]
			if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(strings.ToLower(cd), "filename*=utf-8''%e5%8f%af") || strings.ContainsAny(cd, "\r\n") {
				t.Errorf("Content-Disposition %q", cd)
			}
		}
		var detail project.Project
		e.do("investor", "GET", e.path(""), nil, "").json(t, &detail)
		if len(detail.Attachments) != 2 || detail.Attachments[1].Name != b.Name {
			t.Errorf("project page attachments %+v", detail.Attachments)
		}

		// Refusals, each leaving the same two files and rows.
		big := append(pdf("big"), bytes.Repeat([]byte(" "), project.MaxAttachmentBytes)...)
		for _, c := range []struct {
			name, user, file string
			body             []byte
			code             int
		}{
			{"another zone's staff", "other", "x.pdf", pdf("x"), 403},
			{"an investor", "investor", "x.pdf", pdf("x"), 403},
			{"anonymous", "", "x.pdf", pdf("x"), 401},
			{"a text file", "staff", "notes.txt", []byte("just some notes\n"), 415},
			{"an image named .pdf", "staff", "photo.pdf", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 415},
			{"a fake PDF", "staff", "fake.pdf", []byte("%PDF-1.7\nnot really a pdf\n%%EOF\n"), 415},
			{"an empty file", "staff", "empty.pdf", nil, 400},
			{"an oversized file", "staff", "big.pdf", big, 413},
		} {
			r := e.upload(c.user, c.file, c.body)
			if r.code != c.code {
				t.Errorf("%s: %d %s, want %d", c.name, r.code, r.body, c.code)
			}
			if c.code != 401 && c.code != 403 && !slices.Contains(r.fields(t), "file") {
				t.Errorf("%s: error names fields %v, want file", c.name, r.fields(t))
			}
			if n := len(e.files()); n != 2 {
				t.Errorf("%s: %d files stored, want 2", c.name, n)
			}
			if n := e.rows("project_attachments"); n != 2 {
				t.Errorf("%s: %d rows, want 2", c.name, n)
			}
		}
		// No file field at all.
		if r := e.do("staff", "POST", e.path("/attachments"), strings.NewReader(""), "multipart/form-data; boundary=x"); r.code != 400 {
			t.Errorf("no file: %d %s", r.code, r.body)
		}

		// Deleting: only the zone's staff and admins.
		for _, who := range []string{"other", "investor"} {
			if r := e.do(who, "DELETE", a.URL, nil, ""); r.code != 403 {
				t.Errorf("%s deletes: %d %s", who, r.code, r.body)
			}
		}
		if r := e.do("staff", "DELETE", a.URL, nil, ""); r.code != 204 {
			t.Fatalf("staff deletes: %d %s", r.code, r.body)
		}
		if r := e.do("investor", "GET", a.URL, nil, ""); r.code != 404 {
			t.Errorf("deleted attachment downloads: %d", r.code)
		}
		if n := len(e.files()); n != 1 {
			t.Errorf("%d files after deleting one of two", n)
		}
		if r := e.do("staff", "DELETE", a.URL, nil, ""); r.code != 404 {
			t.Errorf("deleting twice: %d", r.code)
		}
		// Another project's attachment id under this project is not found.
		if r := e.do("investor", "GET", "/api/v1/projects/999999/attachments/"+strconv.FormatInt(b.ID, 10), nil, ""); r.code != 404 {
			t.Errorf("wrong project: %d", r.code)
		}
	})
}

// TestProjectIncentives: zone staff name as incentives the published policies that apply to the
// project's zone — national, its province's, its own — and nothing else.
func TestProjectIncentives(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		e := newLinkEnv(t, g)
		var opts []project.Incentive
		r := e.do("staff", "GET", e.path("/policy-options"), nil, "")
		r.json(t, &opts)
		var names []string
		for _, o := range opts {
			names = append(names, strings.TrimSuffix(o.TitleEn, " policy"))
		}
		if want := []string{"national", "jiangsu", "home-city", "home"}; !slices.Equal(names, want) {
			t.Errorf("options %v, want %v", names, want)
		}
		for _, who := range []string{"other", "investor"} {
			if r := e.do(who, "GET", e.path("/policy-options"), nil, ""); r.code != 403 {
				t.Errorf("%s asks for options: %d", who, r.code)
			}
		}

		set := func(who string, names ...string) reply {
			ids := []int64{}
			for _, n := range names {
				id, ok := e.pol[n]
				if !ok {
					id, _ = strconv.ParseInt(n, 10, 64)
				}
				ids = append(ids, id)
			}
			return e.putJSON(who, e.path("/policies"), map[string]any{"policyIds": ids})
		}
		r = set("staff", "home", "national", "home")
		if r.code != 200 {
			t.Fatalf("link: %d %s", r.code, r.body)
		}
		var got []project.Incentive
		r.json(t, &got)
		if len(got) != 2 || got[0].ID != e.pol["home"] || got[1].ID != e.pol["national"] || got[0].TitleZh != "home 政策" {
			t.Fatalf("linked %+v", got)
		}
		var detail project.Project
		e.do("", "GET", e.path(""), nil, "").json(t, &detail)
		if len(detail.Policies) != 2 || detail.Policies[1].TitleEn != "national policy" {
			t.Errorf("project page incentives %+v", detail.Policies)
		}

		for _, c := range []struct {
			name, who string
			policies  []string
			code      int
		}{
			{"another province's policy", "staff", []string{"national", "zhejiang"}, 400},
			{"another zone's policy", "staff", []string{"away"}, 400},
			{"a draft", "staff", []string{"home-draft"}, 400},
			{"a policy that does not exist", "staff", []string{"999999"}, 400},
			{"a zero id", "staff", []string{"0"}, 400},
			{"another zone's staff", "other", []string{"national"}, 403},
			{"an investor", "investor", []string{"national"}, 403},
		} {
			r := set(c.who, c.policies...)
			if r.code != c.code {
				t.Errorf("%s: %d %s, want %d", c.name, r.code, r.body, c.code)
			} else if c.code == 400 && !slices.ContainsFunc(r.fields(t), func(f string) bool { return strings.HasPrefix(f, "policyIds") }) {
				t.Errorf("%s: fields %v, want policyIds", c.name, r.fields(t))
			}
			if n := e.rows("project_policies"); n != 2 {
				t.Errorf("%s: %d links after a refusal, want 2", c.name, n)
			}
		}

		// Admins may link too; an empty list clears.
		if r := set("admin", "jiangsu", "home-city"); r.code != 200 {
			t.Errorf("admin links: %d %s", r.code, r.body)
		}
		var pub []project.Incentive
		e.do("investor", "GET", e.path("/policies"), nil, "").json(t, &pub)
		if len(pub) != 2 || pub[0].ID != e.pol["jiangsu"] || pub[1].ID != e.pol["home-city"] {
			t.Errorf("public incentives %+v", pub)
		}
		if r := set("staff"); r.code != 200 || e.rows("project_policies") != 0 {
			t.Errorf("clear: %d %s", r.code, r.body)
		}
		if r := e.do("", "GET", "/api/v1/projects/999999/policies", nil, ""); r.code != 404 {
			t.Errorf("incentives of a missing project: %d", r.code)
		}
	})
}
