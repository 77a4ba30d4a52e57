package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/briefing"
	"zonefair/app/db"
	"zonefair/app/db/dbtest"
	"zonefair/app/live"
	"zonefair/app/livestate"
	"zonefair/app/testenv"
	"zonefair/app/web"
)

// The briefing benchmark runs the server in a child process (so its CPU can be measured
// apart from the clients) and drives one public briefing room with many websocket attendees,
// while accounts chat, upvote questions, answer a poll and the host turns pages over HTTP.
//
//	ZONEFAIR_BRIEFING_BENCH=1 go test ./app/server -run '^$' -bench BriefingRoom -benchtime 1x -timeout 20m
//
// Settings: ZONEFAIR_BENCH_CLIENTS (10000), ZONEFAIR_BENCH_SECONDS (20), ZONEFAIR_BENCH_VOTERS
// (1000), ZONEFAIR_BENCH_CHAT (chat messages per second, 10). With ZONEFAIR_BENCH_REDIS (a Redis
// URL, plus ZONEFAIR_TEST_POSTGRES_URL) two server processes share PostgreSQL and Redis and the
// attendees and commands alternate between them.

type benchAccount struct {
	Token, CSRF string
}

type benchReady struct {
	URL      string         `json:"url"`
	Briefing int64          `json:"briefing"`
	Channel  string         `json:"channel"`
	Host     benchAccount   `json:"host"`
	Voters   []benchAccount `json:"voters"`
	Poll     int64          `json:"poll"`
	Qs       []int64        `json:"questions"`
	DB       string         `json:"db"`
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestBriefingBenchServer is the benchmark's server process; it does nothing in a normal run.
// With ZONEFAIR_BENCH_REDIS it runs on PostgreSQL with live state and fan-out in Redis, and
// with ZONEFAIR_BENCH_FOLLOW (the first server's database URL) it is a second instance.
func TestBriefingBenchServer(t *testing.T) {
	t.Parallel()
	if os.Getenv("ZONEFAIR_BRIEFING_BENCH_CHILD") == "" {
		t.Skip("only runs as the server of BenchmarkBriefingRoom")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		g       *gorm.DB
		pgURL   string
		state   = livestate.NewMemory()
		backend = live.NewMemoryBackend()
	)
	if u := os.Getenv("ZONEFAIR_BENCH_REDIS"); u != "" {
		opts, err := redis.ParseURL(u)
		must(t, err)
		rc := redis.NewClient(opts)
		prefix := os.Getenv("ZONEFAIR_BENCH_PREFIX")
		state, backend = livestate.NewRedis(rc, prefix), live.NewRedisBackend(rc, prefix)
		pgURL = os.Getenv("ZONEFAIR_BENCH_FOLLOW")
		if pgURL == "" {
			pgURL = testenv.PostgresURL(t)
		}
		g, err = db.Open(ctx, db.Options{Postgres: true, URL: pgURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		must(t, err)
	} else {
		g = dbtest.Open(t, "sqlite")
	}
	if os.Getenv("ZONEFAIR_BENCH_FOLLOW") != "" {
		app, _, url := liveApp(t, g, backend, state)
		go app.Briefings.Run(ctx)
		out, _ := json.Marshal(benchReady{URL: url})
		fmt.Printf("\nREADY %s\n", out)
		_, _ = io.Copy(io.Discard, os.Stdin)
		return
	}
	if pgURL != "" {
		must(t, db.Migrate(ctx, g, slog.New(slog.NewTextHandler(io.Discard, nil))))
	}
	e := newEnv(t, g)
	app, _, url := liveApp(t, g, backend, state)
	e.app = app
	go app.Briefings.Run(ctx)

	session := func(u account.User) benchAccount {
		tok := fmt.Sprintf("bench-%d-%d", u.ID, time.Now().UnixNano())
		sum := sha256.Sum256([]byte(tok))
		csrf := "csrf-" + tok
		must(t, state.Sessions.Put(ctx, hex.EncodeToString(sum[:]), livestate.Session{UserID: u.ID, CSRFToken: csrf, CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}))
		return benchAccount{Token: tok, CSRF: csrf}
	}
	host := e.as(web.RoleZoneStaff)
	b := e.schedule(host, briefing.Public, e.zoneA.ID, nil)
	host.upload(bpath(b.ID, "/slides"), "deck.pdf", slides(t, 40)).want(200)
	host.do("POST", bpath(b.ID, "/start"), nil).want(200)
	ready := benchReady{URL: url, Briefing: b.ID, Channel: b.Channel, Host: session(e.users[web.RoleZoneStaff]), DB: pgURL}
	for i := range 5 {
		var q briefing.Question
		host.do("POST", bpath(b.ID, "/questions"), map[string]string{"body": fmt.Sprintf("Question %d", i)}).want(201).json(&q)
		ready.Qs = append(ready.Qs, q.ID)
	}
	var poll briefing.Poll
	host.do("POST", bpath(b.ID, "/polls"), map[string]any{"questionZh": "何时投资？", "questionEn": "When?",
		"options": []map[string]string{{"zh": "今年", "en": "This year"}, {"zh": "明年", "en": "Next year"}, {"zh": "以后", "en": "Later"}}}).want(201).json(&poll)
	host.do("POST", bpath(b.ID, fmt.Sprintf("/polls/%d/open", poll.ID)), nil).want(200)
	ready.Poll = poll.ID
	users := account.NewStore(g)
	for i := range envInt("ZONEFAIR_BENCH_VOTERS", 1000) {
		u := account.User{Email: fmt.Sprintf("voter%d@bench.test", i), Name: fmt.Sprintf("Voter %d", i), Role: web.RoleInvestor, Locale: "en", Country: []string{"Germany", "Japan", "USA", "Singapore"}[i%4]}
		must(t, users.Create(ctx, &u))
		ready.Voters = append(ready.Voters, session(u))
	}
	out, _ := json.Marshal(ready)
	fmt.Printf("\nREADY %s\n", out)
	// Serve until the benchmark closes our stdin.
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// latencies is a histogram of delivery latency in 100 µs buckets up to 30 s.
type latencies struct {
	buckets [300000]atomic.Int64
	n       atomic.Int64
}

func (l *latencies) add(d time.Duration) {
	i := min(max(int(d/(100*time.Microsecond)), 0), len(l.buckets)-1)
	l.buckets[i].Add(1)
	l.n.Add(1)
}

func (l *latencies) quantile(q float64) time.Duration {
	want, seen := int64(float64(l.n.Load())*q), int64(0)
	for i := range l.buckets {
		if seen += l.buckets[i].Load(); seen > want {
			return time.Duration(i+1) * 100 * time.Microsecond
		}
	}
	return 30 * time.Second
}

func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

func counts(a []atomic.Int64) []int64 {
	out := make([]int64, len(a))
	for i := range a {
		out[i] = a[i].Load()
	}
	return out
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(b))
}

func BenchmarkBriefingRoom(b *testing.B) {
	if os.Getenv("ZONEFAIR_BRIEFING_BENCH") == "" {
		b.Skip("set ZONEFAIR_BRIEFING_BENCH=1 to run the 10,000-attendee briefing benchmark")
	}
	clients, seconds, chatRate := envInt("ZONEFAIR_BENCH_CLIENTS", 10000), envInt("ZONEFAIR_BENCH_SECONDS", 20), envInt("ZONEFAIR_BENCH_CHAT", 10)
	redisURL := os.Getenv("ZONEFAIR_BENCH_REDIS")
	prefix := fmt.Sprintf("zfbench:%d:", time.Now().UnixNano())
	var children []*exec.Cmd
	startChild := func(env ...string) benchReady {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestBriefingBenchServer$", "-test.v", "-test.timeout", "30m")
		cmd.Env = append(os.Environ(), append(env, "ZONEFAIR_BRIEFING_BENCH_CHILD=1", "ZONEFAIR_BENCH_PREFIX="+prefix)...)
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		children = append(children, cmd)
		b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
		var ready benchReady
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<26)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), "READY "); ok {
				if err := json.Unmarshal([]byte(line), &ready); err != nil {
					b.Fatal(err)
				}
				break
			}
		}
		if ready.URL == "" {
			b.Fatal("server did not start")
		}
		go func() { _, _ = io.Copy(io.Discard, stdout) }()
		return ready
	}
	ready := startChild()
	urls := []string{ready.URL}
	if redisURL != "" {
		urls = append(urls, startChild("ZONEFAIR_BENCH_FOLLOW="+ready.DB).URL)
	}
	cpuAll := func() time.Duration {
		var d time.Duration
		for _, c := range children {
			d += procCPU(c.Process.Pid)
		}
		return d
	}
	var bases []string
	for _, u := range urls {
		bases = append(bases, "http://"+strings.TrimSuffix(strings.TrimPrefix(u, "ws://"), "/api/v1/live/ws"))
	}
	var turn atomic.Int64

	var chatLat, pageLat latencies
	var measuring atomic.Bool
	probes := (clients + 48) / 49
	var qaUpdates, tallies, frames, resets, probeLost atomic.Int64
	perInstance := make([]atomic.Int64, len(urls))
	var lostWhy atomic.Value
	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096}
	conns := make([]*websocket.Conn, clients)
	sem := make(chan struct{}, 100)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, _, err := dialer.Dial(urls[i%len(urls)], nil)
			if err != nil {
				b.Errorf("dial %d: %v", i, err)
				return
			}
			if err := c.WriteJSON(map[string]any{"id": 1, "op": "join", "ch": ready.Channel}); err != nil {
				b.Errorf("join %d: %v", i, err)
				return
			}
			conns[i] = c
		}()
	}
	wg.Wait()
	if b.Failed() {
		return
	}
	b.Logf("%d attendees connected and joined in %s", clients, time.Since(start).Round(time.Millisecond))
	// Every 49th attendee (so on every instance) is a probe that decodes what it receives; the others read and
	// discard, so the client side stays cheap and the server is what is measured.
	for i, c := range conns {
		go func() {
			if i%49 != 0 {
				for {
					_, r, err := c.NextReader()
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, r)
				}
			}
			for {
				_, msg, err := c.ReadMessage()
				if err != nil {
					if measuring.Load() {
						probeLost.Add(1)
						lostWhy.Store(err.Error())
					}
					return
				}
				now := time.Now()
				for _, line := range bytes.Split(msg, []byte("\n")) {
					if !measuring.Load() {
						continue
					}
					var f struct {
						Kind string `json:"kind"`
						Data struct {
							Body string    `json:"body"`
							At   time.Time `json:"at"`
						} `json:"data"`
					}
					if json.Unmarshal(line, &f) != nil {
						continue
					}
					if bytes.HasPrefix(line, []byte(`{"t":"reset"`)) {
						resets.Add(1)
					}
					frames.Add(1)
					switch f.Kind {
					case "chat":
						perInstance[i%len(urls)].Add(1)
						if ns, err := strconv.ParseInt(strings.TrimPrefix(f.Data.Body, "t="), 10, 64); err == nil {
							chatLat.add(now.Sub(time.Unix(0, ns)))
						}
					case "slide.page":
						pageLat.add(now.Sub(f.Data.At))
					case "qa.votes":
						qaUpdates.Add(1)
					case "poll.tally":
						tallies.Add(1)
					}
				}
			}
		}()
	}

	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var errorsN, votes atomic.Int64
	var statusMu sync.Mutex
	statuses := map[int]int{}
	post := func(a benchAccount, path string, body any) {
		buf, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", bases[int(turn.Add(1))%len(bases)]+path, bytes.NewReader(buf))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Cookie", "zf_session="+a.Token)
		req.Header.Set(account.CSRFHeader, a.CSRF)
		res, err := hc.Do(req)
		if err != nil {
			errorsN.Add(1)
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		if res.StatusCode >= 300 {
			errorsN.Add(1)
			statusMu.Lock()
			statuses[res.StatusCode]++
			statusMu.Unlock()
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(seconds)*time.Second)
	defer cancel()
	uptimeBefore := loadavg()
	cpu0, self0, wall0 := cpuAll(), procCPU(os.Getpid()), time.Now()
	measuring.Store(true)
	var load sync.WaitGroup
	tick := func(every time.Duration, f func(n int)) {
		load.Add(1)
		go func() {
			defer load.Done()
			t := time.NewTicker(every)
			defer t.Stop()
			for n := 0; ; n++ {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					go f(n)
				}
			}
		}()
	}
	vpath := bpath(ready.Briefing, "")
	tick(2*time.Second, func(n int) { post(ready.Host, vpath+"/page", map[string]int{"page": n%40 + 1}) })
	tick(time.Second/time.Duration(chatRate), func(n int) {
		post(ready.Voters[n%len(ready.Voters)], vpath+"/chat", map[string]string{"body": "t=" + strconv.FormatInt(time.Now().UnixNano(), 10)})
	})
	// Every voter upvotes one question and answers the poll, spread over the run.
	perVote := time.Duration(seconds) * time.Second / time.Duration(2*len(ready.Voters)+1)
	tick(perVote, func(n int) {
		v := ready.Voters[(n/2)%len(ready.Voters)]
		votes.Add(1)
		if n%2 == 0 {
			post(v, fmt.Sprintf("%s/questions/%d/vote", vpath, ready.Qs[(n/2)%len(ready.Qs)]), nil)
		} else {
			post(v, fmt.Sprintf("%s/polls/%d/vote", vpath, ready.Poll), map[string]int{"option": (n / 2) % 3})
		}
	})
	<-ctx.Done()
	load.Wait()
	time.Sleep(2 * time.Second) // let the last deliveries land
	measuring.Store(false)
	cpu, self, wall := cpuAll()-cpu0, procCPU(os.Getpid())-self0, time.Since(wall0)
	uptimeAfter := loadavg()
	for _, c := range conns {
		_ = c.Close()
	}
	r := []string{
		fmt.Sprintf("instances %d (%s)", len(urls), map[bool]string{true: "PostgreSQL + Redis", false: "SQLite, in-process live state"}[redisURL != ""]),
		fmt.Sprintf("attendees %d, measured %s, chat %d/s, page turn every 2 s, %d votes failed requests: %d %v", clients, wall.Round(time.Millisecond), chatRate, votes.Load(), errorsN.Load(), statuses),
		fmt.Sprintf("frames decoded by the %d probes %d (%.0f/s)", probes, frames.Load(), float64(frames.Load())/wall.Seconds()),
		fmt.Sprintf("chat delivery p50 %s p99 %s (n=%d, by instance %v)", chatLat.quantile(.5), chatLat.quantile(.99), chatLat.n.Load(), counts(perInstance)),
		fmt.Sprintf("page turn delivery p50 %s p99 %s (n=%d)", pageLat.quantile(.5), pageLat.quantile(.99), pageLat.n.Load()),
		fmt.Sprintf("coalesced: each attendee got %.1f qa.votes and %.1f poll.tally for %d votes", float64(qaUpdates.Load())/float64(probes), float64(tallies.Load())/float64(probes), votes.Load()),
		fmt.Sprintf("probes: %d resets, %d connections lost while measuring (%v)", resets.Load(), probeLost.Load(), lostWhy.Load()),
		fmt.Sprintf("server CPU (all instances) %.0f%% of one core (%.2f s over %.1f s)", 100*cpu.Seconds()/wall.Seconds(), cpu.Seconds(), wall.Seconds()),
		fmt.Sprintf("client process CPU %.0f%% of one core; load average before: %s; after: %s", 100*self.Seconds()/wall.Seconds(), uptimeBefore, uptimeAfter),
	}
	for _, line := range r {
		b.Log(line)
	}
	b.ReportMetric(float64(chatLat.quantile(.99).Microseconds())/1000, "chat-p99-ms")
	b.ReportMetric(float64(pageLat.quantile(.99).Microseconds())/1000, "page-p99-ms")
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "server-cpu-%")
}
