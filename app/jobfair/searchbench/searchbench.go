// Package searchbench is `zonefair bench search`: the job search's latency per query type
// against a running instance, with one client and then many, also right after a job is
// written, and how long a job written on the database takes to be found on a second instance.
// Writes go straight to the database (PostgreSQL), as a job save does: the job's search terms
// and a new search sequence number in one transaction.
package searchbench

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	jobload "zonefair/app/jobfair/loadgen"
)

// Type is a kind of query with the searches that stand for it.
type Type struct {
	Name    string
	Queries []url.Values
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// Types are the query types reported, as the issue of the benchmark names them.
var Types = []Type{
	{"browse_all", []url.Values{q(), q("page", "5"), q("sort", "salary")}},
	{"filters_only", []url.Values{q("province", "jiangsu", "degree", "master"), q("category", "finance", "salary", "8k-12k"), q("major", "accounting", "region", "west")}},
	{"zh_1char", []url.Values{q("q", "械"), q("q", "会"), q("q", "药")}},
	{"zh_2char", []url.Values{q("q", "会计"), q("q", "机械"), q("q", "工程"), q("q", "销售")}},
	{"zh_phrase", []url.Values{q("q", "机械设计工程师"), q("q", "半导体工艺"), q("q", "数据分析师")}},
	{"en_prefix", []url.Values{q("q", "engin"), q("q", "account"), q("q", "java"), q("q", "analysts")}},
	{"mixed", []url.Values{q("q", "Java 工程师"), q("q", "SAP 会计"), q("q", "English 销售")}},
	{"text_and_filters", []url.Values{q("q", "工程师", "region", "east", "degree", "bachelor", "sort", "date"), q("q", "account", "city", "苏州"), q("q", "会计", "minSalary", "10000", "page", "3")}},
}

type config struct {
	url, url2, database string
	perType, clients    int
	duration            time.Duration
	probes              int
	staff, password     string
}

// Run is `zonefair bench search [flags]`.
func Run(ctx context.Context, args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "base URL of the instance searched")
	fs.StringVar(&c.url2, "url2", "", "base URL of a second instance on the same database, to time how soon a write is found there")
	fs.StringVar(&c.database, "database", "", "the instances' PostgreSQL database (postgres://…), for the writes; empty skips them")
	fs.IntVar(&c.perType, "n", 200, "searches per query type with one client")
	fs.IntVar(&c.clients, "clients", 32, "clients searching at once in the throughput run")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "length of the throughput run")
	fs.IntVar(&c.probes, "probes", 10, "writes timed until found on -url2")
	fs.StringVar(&c.staff, "staff", "", "zone staff login (`bench gen-jobs` makes staff.bench@zonefair.test): jobs published through the API, timed until answered and until found on -url2 (or -url)")
	fs.StringVar(&c.password, "password", "Zonefair-demo-2026", "the -staff account's password")
	only := fs.String("only", "", "run one part: types (one client per query type), clients, found (writes found on -url2), publish")
	if err := fs.Parse(args); err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	var w *writer
	if c.database != "" {
		var err error
		if w, err = newWriter(ctx, c.database); err != nil {
			return err
		}
		defer w.close(context.WithoutCancel(ctx))
	}
	part := func(name string) bool { return *only == "" || *only == name }
	if part("types") {
		if err := perType(ctx, client, c, w, out); err != nil {
			return err
		}
	}
	if part("clients") {
		if err := throughput(ctx, client, c, out); err != nil {
			return err
		}
	}
	if part("found") && w != nil && c.url2 != "" {
		if err := foundOnSecond(ctx, client, c, w, out); err != nil {
			return err
		}
	}
	if part("publish") && c.staff != "" {
		return publishes(ctx, client, c, out)
	}
	return nil
}

// perType times c.perType searches of each query type with one client, and as many right
// after a write when w is not nil.
func perType(ctx context.Context, client *http.Client, c config, w *writer, out io.Writer) error {
	fmt.Fprintf(out, "%-28s %8s %8s %8s %10s\n", "query type (1 client)", "p50 ms", "p99 ms", "max ms", "hits/op")
	for _, t := range Types {
		for _, after := range []bool{false, true} {
			if after && w == nil {
				continue
			}
			var lat []time.Duration
			hits := 0
			for i := range c.perType {
				if after {
					if err := w.touch(ctx); err != nil {
						return err
					}
				}
				d, total, err := search(ctx, client, c.url, t.Queries[i%len(t.Queries)])
				if err != nil {
					return fmt.Errorf("%s: %w", t.Name, err)
				}
				lat, hits = append(lat, d), hits+total
			}
			name := t.Name
			if after {
				name += "_after_write"
			}
			p := percentiles(lat)
			fmt.Fprintf(out, "%-28s %8.1f %8.1f %8.1f %10d\n", name, p[0], p[1], p[2], hits/c.perType)
		}
	}
	return nil
}

// search runs one search and returns how long it took and its total.
func search(ctx context.Context, client *http.Client, base string, v url.Values) (time.Duration, int, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/jobs?"+v.Encode(), nil)
	if err != nil {
		return 0, 0, err
	}
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var body struct {
		Total int `json:"total"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	d := time.Since(t0)
	if resp.StatusCode != http.StatusOK {
		return d, 0, fmt.Errorf("GET %s: %s", v.Encode(), resp.Status)
	}
	return d, body.Total, err
}

// percentiles are p50, p99 and the maximum in milliseconds.
func percentiles(lat []time.Duration) [3]float64 {
	if len(lat) == 0 {
		return [3]float64{}
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return [3]float64{ms(lat[len(lat)/2]), ms(lat[min(len(lat)-1, len(lat)*99/100)]), ms(lat[len(lat)-1])}
}

// throughput runs c.clients clients drawing every query type for c.duration.
func throughput(ctx context.Context, client *http.Client, c config, out io.Writer) error {
	var all []url.Values
	for _, t := range Types {
		all = append(all, t.Queries...)
	}
	ctx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	var (
		mu   sync.Mutex
		lat  []time.Duration
		errs atomic.Int64
		wg   sync.WaitGroup
	)
	start := time.Now()
	for i := range c.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 3))
			var mine []time.Duration
			for ctx.Err() == nil {
				d, _, err := search(ctx, client, c.url, all[r.IntN(len(all))])
				if err != nil {
					if ctx.Err() == nil {
						errs.Add(1)
					}
					continue
				}
				mine = append(mine, d)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	took := time.Since(start)
	p := percentiles(lat)
	fmt.Fprintf(out, "%d clients, every query type: %.0f searches/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d errors, %d searches in %s\n",
		c.clients, float64(len(lat))/took.Seconds(), p[0], p[1], p[2], errs.Load(), len(lat), took.Round(time.Millisecond))
	return nil
}

// writer writes jobs on the database as a job save does.
type writer struct {
	conn *pgx.Conn
	ids  []int64
	r    *rand.Rand
}

func newWriter(ctx context.Context, dsn string) (*writer, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	w := &writer{conn: conn, r: rand.New(rand.NewPCG(5, 6))}
	rows, err := conn.Query(ctx, "SELECT id FROM jobs WHERE status = 'published' ORDER BY id DESC LIMIT 100000")
	if err != nil {
		return nil, err
	}
	w.ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err == nil && len(w.ids) == 0 {
		err = errors.New("no published job to write")
	}
	return w, err
}

func (w *writer) close(ctx context.Context) { _ = w.conn.Close(ctx) }

// touch writes one job again: its terms deleted and written back, a new search sequence.
func (w *writer) touch(ctx context.Context) error {
	_, err := w.write(ctx, w.ids[w.r.IntN(len(w.ids))], "")
	return err
}

// write writes job id again, adding term extra when not empty, and returns when it committed.
func (w *writer) write(ctx context.Context, id int64, extra string) (time.Time, error) {
	err := pgx.BeginFunc(ctx, w.conn, func(tx pgx.Tx) error {
		var seq int64
		if err := tx.QueryRow(ctx, "UPDATE job_search_state SET seq = seq + 1 WHERE id = 1 RETURNING seq").Scan(&seq); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `WITH t AS (DELETE FROM job_terms WHERE job_id = $1 RETURNING term, job_id, weight)
			INSERT INTO job_terms (term, job_id, weight) SELECT term, job_id, weight FROM t`, id); err != nil {
			return err
		}
		if extra != "" {
			if _, err := tx.Exec(ctx, "INSERT INTO job_terms (term, job_id, weight) VALUES ($1, $2, 8)", extra, id); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, "UPDATE jobs SET search_seq = $1, updated_at = now() WHERE id = $2", seq, id)
		return err
	})
	return time.Now(), err
}

// foundOnSecond writes a job with a word of its own and times until -url2 finds it.
func foundOnSecond(ctx context.Context, client *http.Client, c config, w *writer, out io.Writer) error {
	// Jobs a search shows (published, their fair open, their deadline to come), so a probe
	// written on one is found.
	var shown struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if err := getJSON(ctx, client, c.url+"/api/v1/jobs?"+q("pageSize", "100").Encode(), &shown); err != nil {
		return err
	}
	if len(shown.Items) == 0 {
		return errors.New("no job shown to write probes on")
	}
	var writes, found []time.Duration
	for i := range c.probes {
		// Letters only: the term is written as it is, and a query tokenises digits apart.
		word := "zfprobe" + letters(uint64(time.Now().UnixNano())) + letters(uint64(i))
		t0 := time.Now()
		done, err := w.write(ctx, shown.Items[w.r.IntN(len(shown.Items))].ID, word)
		if err != nil {
			return err
		}
		writes = append(writes, done.Sub(t0))
		d, err := waitFound(ctx, client, c.url2, word, done)
		if err != nil {
			return err
		}
		found = append(found, d)
	}
	pw, pf := percentiles(writes), percentiles(found)
	fmt.Fprintf(out, "write committed: p50 %.1f ms, max %.1f ms; found on the second instance after: p50 %.1f ms, max %.1f ms (%d writes)\n",
		pw[0], pw[2], pf[0], pf[2], c.probes)
	return nil
}

// publishes logs in as c.staff on c.url and publishes c.probes jobs through the API, each with
// a word of its own, timing the answer and then until c.url2 (or c.url) finds the job.
func publishes(ctx context.Context, client *http.Client, c config, out io.Writer) error {
	hc, err := jobload.NewHTTPClient(c.url, 4)
	if err != nil {
		return err
	}
	staff := &jobload.Client{Base: c.url, HTTP: hc}
	if err := staff.Login(ctx, c.staff, c.password); err != nil {
		return fmt.Errorf("log in as %s: %w", c.staff, err)
	}
	var mine struct {
		Items []struct {
			ZoneID int64 `json:"zoneId"`
		} `json:"items"`
	}
	if err := staff.Must(ctx, "GET", "/api/v1/employer/jobs?pageSize=1", nil, &mine); err != nil {
		return err
	}
	if len(mine.Items) == 0 {
		return fmt.Errorf("%s manages no job", c.staff)
	}
	// One of the zone's open jobs: its fair is open and its deadline to come.
	var open struct {
		Items []struct {
			FairID   int64  `json:"fairId"`
			Category string `json:"category"`
			Degree   string `json:"degree"`
			Deadline string `json:"deadline"`
		} `json:"items"`
	}
	if err := staff.Must(ctx, "GET", "/api/v1/jobs?"+q("zoneId", fmt.Sprint(mine.Items[0].ZoneID)).Encode(), nil, &open); err != nil {
		return err
	}
	if len(open.Items) == 0 {
		return fmt.Errorf("the zone of %s has no open job", c.staff)
	}
	like := open.Items[0]
	second := c.url2
	if second == "" {
		second = c.url
	}
	var answered, found []time.Duration
	for i := range c.probes {
		word := "zfpub" + letters(uint64(time.Now().UnixNano())) + letters(uint64(i))
		in := map[string]any{"fairId": like.FairID, "title": "发布计时 " + word, "titleEn": "Publish timing " + word, "category": like.Category,
			"degree": like.Degree, "deadline": like.Deadline, "status": "published", "headcount": 1, "majors": []string{},
			"salaryMin": 8000, "salaryMax": 12000, "description": "bench search -staff"}
		t0 := time.Now()
		status, err := staff.Do(ctx, "POST", "/api/v1/jobs", in, nil)
		done := time.Now()
		if err != nil {
			return err
		}
		if status != http.StatusCreated {
			return fmt.Errorf("POST /api/v1/jobs: status %d", status)
		}
		answered = append(answered, done.Sub(t0))
		d, err := waitFound(ctx, client, second, word, done)
		if err != nil {
			return err
		}
		found = append(found, d)
	}
	pa, pf := percentiles(answered), percentiles(found)
	fmt.Fprintf(out, "publish a job (POST /api/v1/jobs as %s): answered p50 %.1f ms, p99 %.1f ms, max %.1f ms; found on %s after: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d jobs)\n",
		c.staff, pa[0], pa[1], pa[2], second, pf[0], pf[1], pf[2], c.probes)
	return nil
}

// letters writes n in base 26 with the letters a–z, as a word of its own.
func letters(n uint64) string {
	b := []byte{byte('a' + n%26)}
	for n /= 26; n > 0; n /= 26 {
		b = append(b, byte('a'+n%26))
	}
	return string(b)
}

// getJSON decodes the answer of a GET into out.
func getJSON(ctx context.Context, client *http.Client, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// waitFound searches base for word until it finds one job, and returns how long after since.
func waitFound(ctx context.Context, client *http.Client, base, word string, since time.Time) (time.Duration, error) {
	for {
		_, total, err := search(ctx, client, base, q("q", word))
		if err != nil {
			return 0, err
		}
		if total == 1 {
			return time.Since(since), nil
		}
		if time.Since(since) > 30*time.Second {
			return 0, fmt.Errorf("%s not found on %s after 30 s", word, base)
		}
	}
}
