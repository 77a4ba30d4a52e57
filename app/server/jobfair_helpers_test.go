package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"zonefair/app/account"
	"zonefair/app/jobfair"
	"zonefair/app/server"
	"zonefair/app/testenv"
	"zonefair/app/web"
)

// recorder is a live publisher that remembers what was published.
type recorder struct {
	mu   sync.Mutex
	pubs []publication
}

type publication struct {
	Channel, Kind string
	Data          any
}

func (r *recorder) Publish(_ context.Context, channel, kind string, data any) (uint64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pubs = append(r.pubs, publication{channel, kind, data})
	return uint64(len(r.pubs)), nil
}

func (r *recorder) on(channel string) []publication {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []publication
	for _, p := range r.pubs {
		if p.Channel == channel {
			out = append(out, p)
		}
	}
	return out
}

// fairEnv is env with a recording live publisher, one open fair with both zones, and the
// data directory the resumes go to.
type fairEnv struct {
	*env
	pub     *recorder
	dataDir string
	fair    jobfair.Fair
}

// rebuild makes another application instance on the same database, as a second server behind
// a load balancer would be.
func (e *env) instance(pub *recorder, dataDir string) *server.App {
	e.t.Helper()
	app, err := server.New(server.Deps{Config: testConfig(e.t, dataDir), DB: e.db, State: e.state, Publisher: pub, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		e.t.Fatal(err)
	}
	return app
}

func eachFairEnv(t *testing.T, f func(t *testing.T, e *fairEnv)) {
	eachEnv(t, func(t *testing.T, base *env) {
		e := &fairEnv{env: base, pub: &recorder{}, dataDir: t.TempDir()}
		e.app = base.instance(e.pub, e.dataDir)
		now := time.Now().UTC()
		e.as(web.RoleAdmin).do("POST", "/api/v1/fairs", map[string]any{
			"nameZh": "2026届国家级经开区网络招聘会", "nameEn": "2026 National ETDZ Online Job Fair",
			"startsAt": now.Add(-time.Hour), "endsAt": now.Add(30 * 24 * time.Hour),
			"zoneIds": []int64{e.zoneA.ID, e.zoneB.ID},
		}).want(201).json(&e.fair)
		f(t, e)
	})
}

// job is a valid job input for zone A's enterprise, published, closing in a week.
func (e *fairEnv) job(title string, over map[string]any) map[string]any {
	in := map[string]any{
		"fairId": e.fair.ID, "title": title, "category": "finance", "majors": []string{"accounting"},
		"degree": "bachelor", "salaryMin": 6000, "salaryMax": 9000, "headcount": 2,
		"deadline":    time.Now().In(jobfair.China).AddDate(0, 0, 7).Format(time.DateOnly),
		"description": "负责日常账务处理。", "status": "published",
	}
	for k, v := range over {
		in[k] = v
	}
	return in
}

// post creates a job as c and returns it.
func (e *fairEnv) post(c *client, in map[string]any) jobfair.Job {
	e.t.Helper()
	var j jobfair.Job
	c.do("POST", "/api/v1/jobs", in).want(201).json(&j)
	return j
}

var profileInput = map[string]any{
	"school": "南京大学", "major": "accounting", "degree": "bachelor", "graduationYear": 2026,
	"skills": "Excel, SAP", "languages": "中文, English", "phone": "13800000000",
}

// graduate registers a new graduate with a profile.
func (e *fairEnv) graduate(name string, withProfile bool) *client {
	e.t.Helper()
	c := e.anon()
	c.do("POST", "/api/v1/auth/register", map[string]any{
		"email": name + "@example.test", "password": testPassword, "name": name, "role": "graduate",
	}).want(201)
	if withProfile {
		c.do("PUT", "/api/v1/graduate/profile", profileInput).want(200)
	}
	return c
}

// upload sends body as the multipart field "file".
func (c *client) upload(path, filename string, body []byte) response {
	c.e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = fw.Write(body)
	_ = w.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set(account.CSRFHeader, c.csrf)
	return c.send(req)
}

// pdf builds a small valid one-page PDF showing text.
var pdf = testenv.PDF
