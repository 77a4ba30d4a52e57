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
	if err := throughput(ctx, client, c, out); err != nil {
		return err
	}
	if w != nil && c.url2 != "" {
		return foundOnSecond(ctx, client, c, w, out)
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
	var writes, found []time.Duration
	for i := range c.probes {
		word := fmt.Sprintf("zfprobe%d%d", time.Now().UnixNano()%1e9, i)
		t0 := time.Now()
		done, err := w.write(ctx, w.ids[w.r.IntN(len(w.ids))], word)
		if err != nil {
			return err
		}
		writes = append(writes, done.Sub(t0))
		for {
			_, total, err := search(ctx, client, c.url2, q("q", word))
			if err != nil {
				return err
			}
			if total == 1 {
				found = append(found, time.Since(done))
				break
			}
			if time.Since(done) > 30*time.Second {
				return fmt.Errorf("%s not found on %s after 30 s", word, c.url2)
			}
		}
	}
	pw, pf := percentiles(writes), percentiles(found)
	fmt.Fprintf(out, "write committed: p50 %.1f ms, max %.1f ms; found on the second instance after: p50 %.1f ms, max %.1f ms (%d writes)\n",
		pw[0], pw[2], pf[0], pf[2], c.probes)
	return nil
}
