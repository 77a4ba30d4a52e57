package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/config"
	"zonefair/app/db/dbtest"
	"zonefair/app/live"
	"zonefair/app/livestate"
	"zonefair/app/seed"
	"zonefair/app/server"
	"zonefair/app/signing"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// env is a running application on a test database with two zones, one enterprise in each,
// and one account of every role (zone and enterprise staff in zone A).
type env struct {
	t   *testing.T
	hub *live.Hub
	app *server.App
	db  *gorm.DB
	// state is shared by every instance the test starts, as Redis is in production.
	state *livestate.State
	zoneA zone.Zone
	zoneB zone.Zone
	entA  zone.Enterprise
	entB  zone.Enterprise
	users map[web.Role]account.User
}

const testPassword = "correct-horse-battery"

func init() {
	// Cheap hashes keep hundreds of logins under -race fast; the algorithm is the same.
	account.HashParams.Memory, account.HashParams.Iterations = 1024, 1
}

// TestMain makes the agreements' sealing identity that every test application shares, as the
// instances of one installation do, instead of a key pair per application, and has the demo
// databases seeded in the background.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "zonefair-server-test-")
	if err != nil {
		panic(err)
	}
	testDir = dir
	// zone.Store.Create sorts the industries it is given in place: the demo's are sorted here,
	// before demo databases of both kinds are seeded at once, so that the seeds only read them.
	for i := range zone.DemoZones {
		slices.Sort(zone.DemoZones[i].Industries)
	}
	_, err = signing.LoadIdentity("", "", dir)
	if err == nil {
		sealFiles = map[string]string{"ZONEFAIR_SIGNING_KEY_FILE": filepath.Join(dir, "seal-key.pem"), "ZONEFAIR_SIGNING_CERT_FILE": filepath.Join(dir, "seal-cert.pem")}
	}
	flag.Parse()
	raiseParallel()
	if err == nil && flag.Lookup("test.run").Value.String() == "" {
		// In a run of every test, the demo databases are seeded in the background while the
		// first tests run (a run of chosen tests seeds them when one asks).
		for _, kind := range dbtest.Kinds {
			go func() { _ = dbtest.Prepare(kind, "demo", fillDemo(kind)) }()
		}
	}
	code := 1
	if err != nil {
		fmt.Fprintln(os.Stderr, "sealing identity:", err)
	} else {
		code = m.Run()
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// raiseParallel lets four tests a core run at once unless -parallel says otherwise: a test here
// spends most of its time waiting on its databases (a PostgreSQL copy, SQLite's file writes),
// not on the processor, so one test a core (go test's default) leaves them idle.
func raiseParallel() {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}
}

var (
	// testDir is the test process's own directory, removed when it ends.
	testDir string
	// sealFiles configures the sealing identity of every test application.
	sealFiles map[string]string
)

// testConfig is an application's configuration for a test: its own data directory and the
// shared sealing identity.
func testConfig(t *testing.T, dataDir string) *config.Config {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		if v, ok := sealFiles[k]; ok {
			return v
		}
		return map[string]string{"ZONEFAIR_DATA_DIR": dataDir, "ZONEFAIR_SECRET": strings.Repeat("s", 40)}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func newEnv(t *testing.T, g *gorm.DB) *env {
	t.Helper()
	e := newBareEnv(t, g)
	e.addFixture()
	return e
}

// newBareEnv is an env on g without the zones and accounts newEnv adds.
func newBareEnv(t *testing.T, g *gorm.DB) *env {
	t.Helper()
	cfg := testConfig(t, t.TempDir())
	state := livestate.NewMemory()
	t.Cleanup(func() { _ = state.Close() })
	hub, err := live.New(live.Options{Backend: live.NewMemoryBackend(), Authenticate: server.LiveIdentity, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hub.Shutdown(ctx)
	})
	app, err := server.New(server.Deps{Config: cfg, DB: g, State: state, Live: hub, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, hub: hub, app: app, db: g, state: state, users: map[web.Role]account.User{}}
}

// addFixture adds two zones with an enterprise each and an account of every role.
func (e *env) addFixture() {
	t, g := e.t, e.db
	t.Helper()
	ctx := context.Background()
	zones := zone.NewStore(g)
	e.zoneA = zone.Zone{Slug: "suzhou-industrial-park", NameZh: "苏州工业园区", NameEn: "Suzhou Industrial Park", Province: "jiangsu", Region: "east", CityZh: "苏州", CityEn: "Suzhou", Industries: []string{"electronics", "biomedicine"}}
	e.zoneB = zone.Zone{Slug: "xian-etdz", NameZh: "西安经济技术开发区", NameEn: "Xi'an Economic and Technological Development Zone", Province: "shaanxi", Region: "west", CityZh: "西安", CityEn: "Xi'an", Industries: []string{"automotive"}}
	for _, z := range []*zone.Zone{&e.zoneA, &e.zoneB} {
		if err := zones.Create(ctx, z); err != nil {
			t.Fatal(err)
		}
	}
	e.entA = zone.Enterprise{ZoneID: e.zoneA.ID, NameZh: "甲公司", NameEn: "Alpha Co", Industry: "electronics", Ownership: "foreign"}
	e.entB = zone.Enterprise{ZoneID: e.zoneB.ID, NameZh: "乙公司", NameEn: "Beta Co", Industry: "automotive", Ownership: "domestic"}
	for _, en := range []*zone.Enterprise{&e.entA, &e.entB} {
		if err := zones.CreateEnterprise(ctx, en); err != nil {
			t.Fatal(err)
		}
	}
	users := account.NewStore(g)
	for _, role := range web.AllRoles {
		u := account.User{Email: string(role) + "@example.test", Name: string(role), Role: role, Locale: "en"}
		if role == web.RoleZoneStaff || role == web.RoleEnterprise {
			u.ZoneID = &e.zoneA.ID
		}
		if role == web.RoleEnterprise {
			u.EnterpriseID = &e.entA.ID
		}
		if err := account.EnsureUser(ctx, users, &u, testPassword); err != nil {
			t.Fatal(err)
		}
		e.users[role] = u
	}
}

// accountsChanged tells the instances that users were changed behind their back (by SQL), as
// an operator doing so must (README), so that they read identities again at once.
func (e *env) accountsChanged() {
	e.t.Helper()
	if _, err := e.state.Versions.Bump(context.Background(), account.Versions[0]); err != nil {
		e.t.Fatal(err)
	}
}

// eachEnv runs f on SQLite and, when configured, PostgreSQL, the two at once (in parallel
// with the other tests' databases: every env has its own database, state and application).
func eachEnv(t *testing.T, f func(t *testing.T, e *env)) {
	eachKind(t, func(t *testing.T, g *gorm.DB) { f(t, newEnv(t, g)) })
}

// eachKind is dbtest.Each with the database kinds run in parallel.
func eachKind(t *testing.T, f func(t *testing.T, g *gorm.DB)) {
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			f(t, dbtest.Open(t, kind))
		})
	}
}

// eachDemo runs f in parallel on SQLite and PostgreSQL databases holding the demo data, each a
// copy of its kind's demo database (demoDB).
func eachDemo(t *testing.T, f func(t *testing.T, g *gorm.DB)) {
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			f(t, demoDB(t, kind))
		})
	}
}

// eachDemoEnv runs f in parallel on SQLite and PostgreSQL with an application on a copy of the
// demo data (without newEnv's zones and accounts), the demo's files in its upload directory.
func eachDemoEnv(t *testing.T, f func(t *testing.T, e *env)) {
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newBareEnv(t, demoDB(t, kind))
			if err := os.CopyFS(e.app.Briefings.UploadDir, os.DirFS(demoUploads(kind))); err != nil {
				t.Fatal(err)
			}
			f(t, e)
		})
	}
}

// demoDB is a copy of the demo database of kind, seeded once per test process as
// `zonefair seed-demo` seeds it, with its files (slides) under demoUploads(kind).
func demoDB(t *testing.T, kind string) *gorm.DB {
	t.Helper()
	return dbtest.Seeded(t, kind, "demo", fillDemo(kind))
}

func fillDemo(kind string) func(g *gorm.DB) error {
	return func(g *gorm.DB) error {
		_, err := seed.Demo(context.Background(), g, seed.UploadDir(demoUploads(kind)))
		return err
	}
}

func demoUploads(kind string) string { return filepath.Join(testDir, "demo-uploads-"+kind) }

// client keeps one browser's cookies and CSRF token.
type client struct {
	e       *env
	cookies map[string]string
	csrf    string
	lang    string
}

func (e *env) anon() *client { return &client{e: e, cookies: map[string]string{}, lang: "en"} }

// as logs in as the seeded user of role.
func (e *env) as(role web.Role) *client {
	c := e.anon()
	res := c.do("POST", "/api/v1/auth/login", map[string]string{"email": e.users[role].Email, "password": testPassword})
	res.want(200)
	return c
}

type response struct {
	t      *testing.T
	status int
	header http.Header
	body   []byte
}

func (r response) want(status int) response {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

func (r response) json(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		r.t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r response) errorBody() web.ErrorDetail {
	r.t.Helper()
	var b web.ErrorBody
	r.json(&b)
	if b.Error.Code == "" || b.Error.Message == "" {
		r.t.Fatalf("not the error shape: %s", r.body)
	}
	return b.Error
}

// do sends a request; body may be nil, a []byte/string (sent raw as JSON), or a value to encode.
func (c *client) do(method, path string, body any) response {
	c.e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Language", c.lang)
	if c.csrf != "" {
		req.Header.Set(account.CSRFHeader, c.csrf)
	}
	return c.send(req)
}

func (c *client) send(req *http.Request) response {
	c.e.t.Helper()
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := c.e.app.Fiber.Test(req, -1)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	var s account.SessionResponse
	if res.StatusCode < 300 && json.Unmarshal(body, &s) == nil && s.CSRFToken != "" {
		c.csrf = s.CSRFToken
	}
	return response{t: c.e.t, status: res.StatusCode, header: res.Header, body: body}
}
