package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"zonefair/app/config"
	"zonefair/app/jobfair"
	"zonefair/app/livestate"
	"zonefair/app/ratelimit"
	"zonefair/app/server"
	"zonefair/app/testenv"
	"zonefair/app/web"
)

// instanceOn builds another application instance on e's database with the given live state.
func instanceOn(e *fairEnv, state *livestate.State) *server.App {
	e.t.Helper()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"ZONEFAIR_DATA_DIR": e.dataDir, "ZONEFAIR_SECRET": strings.Repeat("s", 40)}[k]
	})
	if err != nil {
		e.t.Fatal(err)
	}
	app, err := server.New(server.Deps{Config: cfg, DB: e.db, State: state, Publisher: e.pub, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		e.t.Fatal(err)
	}
	return app
}

// TestAbuseLimitsHoldAcrossInstances: one graduate alternating between two instances that share
// Redis is stopped after the allowed number of applications, booth chat messages and uploads,
// with 429 and Retry-After; another graduate is not affected.
func TestAbuseLimitsHoldAcrossInstances(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		state := livestate.NewRedis(rdb, prefix+e.db.Dialector.Name()+":")
		apps := []*server.App{instanceOn(e, state), instanceOn(e, state)}
		job := e.post(e.as(web.RoleZoneStaff), e.job("出纳", nil))
		e.app = apps[0]
		grad, other := e.graduate("flood", true), e.graduate("calm", true)
		on := func(i int) *client { e.app = apps[i%2]; return grad }

		// over sends until refused: the limit's events pass, then a 429 with Retry-After, allowing
		// for the tokens the limit gives back while the requests run (one every Per/Events; on a
		// loaded machine a few); counted per instance, twice the limit would pass.
		over := func(what string, l livestate.Limit, do func(i int) response) {
			t.Helper()
			start := time.Now()
			back := func() int { return int(time.Since(start) / (l.Per / time.Duration(l.Events))) }
			for i := 0; ; i++ {
				r := do(i)
				if r.status == 429 {
					if i < l.Events || i > l.Events+back() {
						t.Fatalf("%s refused after %d in %s; want %d (+%d given back)", what, i, time.Since(start), l.Events, back())
					}
					if r.header.Get("Retry-After") == "" || r.errorBody().Code != "rate_limited" {
						t.Fatalf("%s over the limit: %v %s", what, r.header, r.body)
					}
					return
				}
				if r.status >= 300 {
					t.Fatalf("%s %d: %d %s", what, i+1, r.status, r.body)
				}
				if i >= l.Events+back() {
					t.Fatalf("%s: %d passed in %s; the limit is %d per %s", what, i+1, time.Since(start), l.Events, l.Per)
				}
			}
		}
		applyPath := fmt.Sprintf("/api/v1/jobs/%d/apply", job.ID)
		over("apply", ratelimit.Apply, func(i int) response { return on(i).do("POST", applyPath, map[string]any{}) })
		e.app = apps[1]
		other.do("POST", applyPath, map[string]any{}).want(201)

		var conv jobfair.Conversation
		on(0).do("POST", fmt.Sprintf("/api/v1/fairs/%d/booths/%d/chat", e.fair.ID, e.zoneA.ID), nil).want(200).json(&conv)
		msgs := fmt.Sprintf("/api/v1/chat/conversations/%d/messages", conv.ID)
		over("chat", ratelimit.Chat, func(i int) response { return on(i).do("POST", msgs, map[string]string{"body": "在吗？"}) })

		cv := pdf("Resume")
		over("upload", ratelimit.Upload, func(i int) response { return on(i).upload("/api/v1/graduate/resume", "cv.pdf", cv) })
	})
}
