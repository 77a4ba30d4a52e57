// Package loadgen drives a running Zonefair instance (or several) with many websocket clients in
// one benchmark room and reports delivery rate, latency, memory per connection, slow-consumer
// disconnects, offset recovery, the connections held at the end and every connection lost that
// it did not drop on purpose; it fails when one was. The servers must run with
// ZONEFAIR_LIVE_BENCH=1. Runs should span many of the servers' ping intervals (25 s by default):
// a shorter one cannot show what the keep-alive does to connections.
package loadgen

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fasthttp/websocket"
)

type config struct {
	urls       []string
	clients    int
	room       string
	rate       float64
	size       int
	warmup     time.Duration
	duration   time.Duration
	slow       float64
	drop       int
	dropFor    time.Duration
	pids       []int
	metrics    []string
	dialers    int
	publishers int
}

// Run parses args (see -h), runs the benchmark and prints the results to stdout.
func Run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench live", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var c config
	urls := fs.String("url", "ws://127.0.0.1:8080/api/v1/live/ws", "websocket URLs, comma-separated; clients are split between them")
	fs.IntVar(&c.clients, "clients", 1000, "receiving clients")
	fs.StringVar(&c.room, "room", "bench:1", "channel every client joins")
	fs.Float64Var(&c.rate, "rate", 10, "publications per second (in total)")
	fs.IntVar(&c.size, "size", 100, "padding bytes per publication")
	fs.DurationVar(&c.warmup, "warmup", 3*time.Second, "publishing before measuring")
	fs.DurationVar(&c.duration, "duration", 2*time.Minute, "measured publishing time")
	fs.Float64Var(&c.slow, "slow", 0, "fraction of clients that never read (slow consumers)")
	fs.IntVar(&c.drop, "drop", 0, "clients to drop at once after the measurement and reconnect from their offsets")
	fs.DurationVar(&c.dropFor, "drop-for", 2*time.Second, "how long dropped clients stay away")
	pids := fs.String("pid", "", "server process ids (same machine), comma-separated, for memory per connection")
	metrics := fs.String("metrics", "", "server /metrics URLs, comma-separated, for slow-consumer disconnects")
	fs.IntVar(&c.dialers, "dialers", 100, "concurrent connection attempts")
	fs.IntVar(&c.publishers, "publishers", 0, "publishing connections (default: enough to stay under the per-connection rate limit)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c.urls = split(*urls)
	c.metrics = split(*metrics)
	for _, p := range split(*pids) {
		n, err := strconv.Atoi(p)
		if err != nil {
			return fmt.Errorf("-pid %q: %w", p, err)
		}
		c.pids = append(c.pids, n)
	}
	if c.clients <= 0 || c.rate <= 0 || len(c.urls) == 0 || c.slow < 0 || c.slow >= 1 || c.drop > c.clients {
		return errors.New("need -clients > 0, -rate > 0, -url, 0 <= -slow < 1, -drop <= -clients")
	}
	if c.publishers <= 0 {
		c.publishers = max(1, int(math.Ceil(c.rate/15)))
	}
	if err := raiseFileLimit(); err != nil {
		fmt.Fprintf(stdout, "warning: %v\n", err)
	}
	return run(ctx, c, stdout)
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// raiseFileLimit lifts the open-file soft limit to the hard limit: every client is a socket.
func raiseFileLimit() error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return err
	}
	l.Cur = l.Max
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
}

// stats are shared by all clients.
type stats struct {
	start      time.Time
	measuring  atomic.Bool
	deliveries atomic.Int64
	gaps       atomic.Int64
	dups       atomic.Int64
	pings      atomic.Int64 // the servers' keep-alive pings the readers answered
	hist       histogram

	mu   sync.Mutex
	lost []loss // connections that ended without the generator dropping them
}

// loss is one connection lost that the generator did not drop on purpose.
type loss struct {
	at   time.Duration // since the start of the run
	who  string
	code int    // the server's close code; 1006 when the connection ended without one
	why  string // the close reason, or the error that ended it
}

func (st *stats) lose(who string, code int, why string) {
	st.mu.Lock()
	st.lost = append(st.lost, loss{at: time.Since(st.start), who: who, code: code, why: why})
	st.mu.Unlock()
}

func (st *stats) losses() []loss {
	st.mu.Lock()
	defer st.mu.Unlock()
	return slices.Clone(st.lost)
}

var (
	pubPrefix = []byte(`{"t":"pub"`)
	offKey    = []byte(`"off":`)
	tsKey     = []byte(`"ts":`)
)

func run(ctx context.Context, c config, out io.Writer) error {
	st := &stats{start: time.Now()}
	rssBefore := rss(c.pids)
	rcv, err := newReceivers(st)
	if err != nil {
		return err
	}
	defer rcv.close()
	cls := make([]*client, c.clients)
	nslow := int(float64(c.clients) * c.slow)
	marked := 0
	for i := range cls {
		// Spread slow clients evenly over the list (and so over the servers).
		slow := nslow > 0 && i%(c.clients/max(nslow, 1)) == 0 && marked < nslow
		if slow {
			marked++
		}
		cls[i] = &client{n: i, st: st, url: c.urls[i%len(c.urls)], slow: slow, rcv: rcv}
	}
	start := time.Now()
	failed := connectAll(ctx, cls, c, st)
	fmt.Fprintf(out, "connected %d/%d clients (%d slow) in %v; %d failed\n", c.clients-failed, c.clients,
		countSlow(cls), time.Since(start).Round(time.Millisecond), failed)
	runtime.GC()
	time.Sleep(2 * time.Second) // let the servers settle before reading their memory
	rssAfter := rss(c.pids)

	pctx, stopPub := context.WithCancel(ctx)
	var sent atomic.Int64
	var pubWG sync.WaitGroup
	for i := range c.publishers {
		pubWG.Add(1)
		go func() {
			defer pubWG.Done()
			if err := publish(pctx, c.urls[i%len(c.urls)], c, &sent); err != nil && pctx.Err() == nil {
				st.lose(fmt.Sprintf("publisher %d", i), 1006, err.Error())
			}
		}()
	}
	closedBefore := scrape(c.metrics)
	sleep(ctx, c.warmup)
	st.hist.reset()
	sentBefore := sent.Load()
	st.measuring.Store(true)
	t0, srvCPU0, ownCPU0 := time.Now(), cpu(c.pids), ownCPU()
	sleep(ctx, c.duration)
	st.measuring.Store(false)
	elapsed := time.Since(t0)
	srvCPU, myCPU := cpu(c.pids)-srvCPU0, ownCPU()-ownCPU0
	published := sent.Load() - sentBefore

	readers := c.clients - failed - countSlow(cls)
	fmt.Fprintf(out, "publications: %d in %v (%.1f/s), %d bytes padding each\n", published,
		elapsed.Round(time.Millisecond), float64(published)/elapsed.Seconds(), c.size)
	fmt.Fprintf(out, "deliveries: %d (%.0f/s); expected about %d\n", st.deliveries.Load(),
		float64(st.deliveries.Load())/elapsed.Seconds(), published*int64(readers))
	fmt.Fprintf(out, "latency publish→receive: p50 %v  p99 %v  p99.9 %v  max %v  (%d samples)\n",
		st.hist.quantile(0.5), st.hist.quantile(0.99), st.hist.quantile(0.999), st.hist.quantile(1), st.hist.count())
	if len(c.pids) > 0 && rssAfter > rssBefore {
		fmt.Fprintf(out, "server memory: RSS %.1f MiB → %.1f MiB, %.1f KiB per connection\n",
			float64(rssBefore)/(1<<20), float64(rssAfter)/(1<<20), float64(rssAfter-rssBefore)/1024/float64(c.clients-failed))
	}
	if len(c.pids) > 0 {
		fmt.Fprintf(out, "CPU during the measurement: servers %.0f%% of a core, load generator %.0f%%\n",
			100*srvCPU.Seconds()/elapsed.Seconds(), 100*myCPU.Seconds()/elapsed.Seconds())
	}
	if len(c.metrics) > 0 {
		fmt.Fprintf(out, "connections the servers closed, by code (4009 slow consumer, 4010 keep-alive timeout): %s\n",
			closedSince(closedBefore, scrape(c.metrics)))
	}
	fmt.Fprintf(out, "order: %d gaps, %d duplicates\n", st.gaps.Load(), st.dups.Load())

	if c.drop > 0 {
		dropAndRecover(ctx, cls, c, st, out)
	}
	lost := st.losses()
	fmt.Fprintf(out, "connections held at the end: %d of %d readers, %d of %d publishers (after %v)\n",
		held(cls), readers, c.publishers-publishersLost(lost), c.publishers, time.Since(st.start).Round(time.Second))
	if n := countSlow(cls); n > 0 {
		fmt.Fprintf(out, "slow clients (never read, expected to be closed): %d\n", n)
	}
	if readers > 0 {
		fmt.Fprintf(out, "keep-alive pings answered: %d, %.1f per reader\n", st.pings.Load(), float64(st.pings.Load())/float64(readers))
	}
	fmt.Fprintf(out, "unplanned disconnects: %d\n", len(lost))
	for i, l := range lost {
		if i == 20 {
			fmt.Fprintf(out, "  … and %d more\n", len(lost)-i)
			break
		}
		fmt.Fprintf(out, "  %v %s: close %d %s\n", l.at.Round(time.Millisecond), l.who, l.code, l.why)
	}
	stopPub()
	pubWG.Wait()
	for _, cl := range cls {
		cl.kill()
	}
	if failed > 0 || len(lost) > 0 {
		return fmt.Errorf("%d clients failed to connect and %d connections were lost that the generator did not drop", failed, len(lost))
	}
	return nil
}

// held counts reading clients whose connection is open.
func held(cls []*client) int {
	n := 0
	for _, cl := range cls {
		if cl.slow || !cl.joinedOK.Load() {
			continue
		}
		select {
		case <-cl.done:
		default:
			n++
		}
	}
	return n
}

func publishersLost(lost []loss) int {
	n := 0
	for _, l := range lost {
		if strings.HasPrefix(l.who, "publisher") {
			n++
		}
	}
	return n
}

func countSlow(cls []*client) int {
	n := 0
	for _, cl := range cls {
		if cl != nil && cl.slow {
			n++
		}
	}
	return n
}

func connectAll(ctx context.Context, cls []*client, c config, st *stats) int {
	var failed atomic.Int64
	sem := make(chan struct{}, c.dialers)
	var wg sync.WaitGroup
	for _, cl := range cls {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := connectJoined(cl, c.room, st); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(failed.Load())
}

func connectJoined(cl *client, room string, st *stats) error {
	cl.joinedOK.Store(false)
	if err := cl.connect(room, st); err != nil {
		return err
	}
	select {
	case r := <-cl.joined:
		if r.Error != nil {
			return fmt.Errorf("join: %s", r.Error.Code)
		}
		if r.Recovered != nil && !*r.Recovered {
			return errors.New("not recovered")
		}
		cl.joinedOK.Store(true)
		return nil
	case <-time.After(30 * time.Second):
		return errors.New("join timed out")
	}
}

// dropAndRecover cuts clients' connections at once, keeps publishing, then reconnects them all
// with their last offsets and checks that each resumes without gap or duplicate.
func dropAndRecover(ctx context.Context, cls []*client, c config, st *stats, out io.Writer) {
	var victims []*client
	for _, cl := range cls {
		if len(victims) == c.drop {
			break
		}
		if !cl.slow && cl.cut != nil {
			victims = append(victims, cl)
		}
	}
	gaps, dups := st.gaps.Load(), st.dups.Load()
	for _, cl := range victims {
		cl.kill()
	}
	for _, cl := range victims {
		<-cl.done
	}
	sleep(ctx, c.dropFor)
	start := time.Now()
	var failed atomic.Int64
	sem := make(chan struct{}, c.dialers)
	var wg sync.WaitGroup
	for _, cl := range victims {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			cl.planned.Store(false)
			if err := connectJoined(cl, c.room, st); err != nil {
				failed.Add(1)
				st.lose(fmt.Sprintf("client %d", cl.n), 1006, "reconnect: "+err.Error())
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	sleep(ctx, 2*time.Second) // keep receiving live publications after the missed ones
	fmt.Fprintf(out, "drop %d clients for %v: %d reconnected and recovered from their offsets in %v, %d failed; since the drop: %d gaps, %d duplicates\n",
		len(victims), c.dropFor, len(victims)-int(failed.Load()), took.Round(time.Millisecond), failed.Load(),
		st.gaps.Load()-gaps, st.dups.Load()-dups)
}

// publish sends this connection's share of the rate; data carries the send time for latency.
func publish(ctx context.Context, url string, c config, sent *atomic.Int64) error {
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		return err
	}
	defer ws.Close()
	go func() {
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	pad := strings.Repeat("x", c.size)
	interval := time.Duration(float64(time.Second) * float64(c.publishers) / c.rate)
	t := time.NewTicker(interval)
	defer t.Stop()
	var id uint64
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		id++
		msg := fmt.Sprintf(`{"id":%d,"op":"pub","ch":%q,"kind":"bench","data":{"ts":%d,"pad":%q}}`,
			id, c.room, time.Now().UnixNano(), pad)
		if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			return err
		}
		sent.Add(1)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
