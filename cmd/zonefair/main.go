// Command zonefair runs the Zonefair platform: `zonefair serve`, `migrate`, `seed-demo`,
// `version`. Settings come from ZONEFAIR_* environment variables (`zonefair help`).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/backup"
	"zonefair/app/config"
	"zonefair/app/db"
	"zonefair/app/jobfair"
	jobload "zonefair/app/jobfair/loadgen"
	"zonefair/app/jobfair/searchbench"
	"zonefair/app/live"
	"zonefair/app/live/loadgen"
	"zonefair/app/livestate"
	"zonefair/app/notify"
	"zonefair/app/seed"
	"zonefair/app/server"
	"zonefair/app/uploads"
	"zonefair/app/version"
	"zonefair/app/web"
	"zonefair/app/zone"
	"zonefair/frontend"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "zonefair:", err)
		os.Exit(1)
	}
}

const usage = `Usage: zonefair <command>

Commands:
  serve       run the web server (migrates the database first)
  migrate     bring the database schema up to date
  seed-demo   load the demo zones, enterprises and accounts (idempotent)
  backup F    copy the SQLite database to file F, online and checked (PostgreSQL: pg_dump)
  restore F   replace the SQLite database with backup F (zonefair restore -h)
  probe [P]   exit 0 when this instance answers GET P (default /readyz) with 200: a container health check
  version     print the version
  bench live  run the live-engine load generator (zonefair bench live -h)
  bench jobfair  run the job-fair-day load generator (zonefair bench jobfair -h)
  bench gen-jobs  add generated bilingual jobs to the database (zonefair bench gen-jobs -h)
  bench search  time job searches per query type against an instance (zonefair bench search -h)
  help        this text

Settings (environment variables):
`

func run(args []string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "version":
		fmt.Fprintln(stdout, "zonefair", version.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage+config.Help())
		return nil
	case "bench":
		if len(args) < 2 || !slices.Contains([]string{"live", "jobfair", "gen-jobs", "search"}, args[1]) {
			return errors.New("usage: zonefair bench live|jobfair|gen-jobs|search [flags]")
		}
		if args[1] == "gen-jobs" {
			return genJobs(args[2:], stdout)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		switch args[1] {
		case "jobfair":
			return jobload.Run(ctx, args[2:], stdout)
		case "search":
			return searchbench.Run(ctx, args[2:], stdout)
		}
		return loadgen.Run(ctx, args[2:], stdout)
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg)
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log)
	case "migrate":
		g, err := openDB(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer db.Close(g)
		return db.Migrate(ctx, g, log)
	case "backup":
		return backup.RunBackup(ctx, cfg, args[1:], stdout, log)
	case "restore":
		return backup.RunRestore(ctx, cfg, args[1:], stdout)
	case "probe":
		return probe(ctx, cfg, args[1:])
	case "seed-demo":
		g, err := openMigrated(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer db.Close(g)
		accounts, err := seed.Demo(ctx, g, seed.UploadDir(filepath.Join(cfg.DataDir, "uploads")))
		if err != nil {
			return err
		}
		seed.Print(stdout, accounts)
		return nil
	default:
		return fmt.Errorf("unknown command %q (try `zonefair help`)", cmd)
	}
}

// genJobs adds generated jobs to the configured database (migrated first).
func genJobs(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("zonefair bench gen-jobs", flag.ContinueOnError)
	fl.SetOutput(stdout)
	n := fl.Int("n", 1_000_000, "jobs to add")
	fairs := fl.Int("fairs", 6, "fairs to add (at least 3: one upcoming, one over, the rest open)")
	seed := fl.Uint64("seed", 1, "random seed")
	workers := fl.Int("workers", 3, "batches written at once")
	staff := fl.String("staff", "staff.bench@zonefair.test", "zone staff account made (when missing) for a zone of the newest published job, with the demo password, for `bench search -staff`; empty for none")
	if err := fl.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	g, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(g)
	start := time.Now()
	last := start
	if *n == 0 {
		return benchStaff(ctx, g, *staff, stdout)
	}
	err = jobfair.Generate(ctx, g, zone.NewStore(g), jobfair.GenOptions{Jobs: *n, Fairs: *fairs, Seed: *seed, Workers: *workers, Progress: func(done int) {
		if time.Since(last) > 10*time.Second || done == *n {
			last = time.Now()
			fmt.Fprintf(stdout, "%d jobs written in %s\n", done, time.Since(start).Round(time.Second))
		}
	}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "done: %d jobs in %s\n", *n, time.Since(start).Round(time.Second))
	return benchStaff(ctx, g, *staff, stdout)
}

// benchStaff makes zone staff account email (when missing and email is not empty) for the zone
// of the newest published job, so `bench search` can publish jobs through the API as a zone
// does; the password is the demo accounts'.
func benchStaff(ctx context.Context, g *gorm.DB, email string, stdout io.Writer) error {
	if email == "" {
		return nil
	}
	zoneID, err := jobfair.NewestPublishedZone(ctx, g)
	if err != nil {
		return err
	}
	u := account.User{Email: email, Name: "基准测试 Bench", Role: web.RoleZoneStaff, ZoneID: &zoneID, Locale: "zh-CN"}
	if err := account.EnsureUser(ctx, account.NewStore(g), &u, seed.DemoPassword); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "zone staff %s (password %s)\n", u.Email, seed.DemoPassword)
	return nil
}

// probe asks the instance listening on ZONEFAIR_ADDR for path (/readyz by default); the image
// has no shell or curl, so container health checks run the binary itself.
func probe(ctx context.Context, cfg *config.Config, args []string) error {
	path := "/readyz"
	if len(args) > 0 {
		path = args[0]
	}
	_, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+path, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
		return fmt.Errorf("%s: %d %s", path, res.StatusCode, body)
	}
	return nil
}

func newLogger(cfg *config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func openDB(ctx context.Context, cfg *config.Config, log *slog.Logger) (*gorm.DB, error) {
	return db.Open(ctx, db.Options{Postgres: cfg.Postgres(), URL: cfg.DatabaseURL, SQLitePath: cfg.SQLitePath(), Logger: log})
}

// openMigrated opens the database and brings its schema up to date.
func openMigrated(ctx context.Context, cfg *config.Config, log *slog.Logger) (*gorm.DB, error) {
	g, err := openDB(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, g, log); err != nil {
		_ = db.Close(g)
		return nil, err
	}
	return g, nil
}

// openState is Redis when configured; otherwise sessions live in the database g (a restart
// keeps users logged in) and counters in this process.
func openState(ctx context.Context, cfg *config.Config, g *gorm.DB) (*livestate.State, *redis.Client, error) {
	if cfg.RedisURL == "" {
		return livestate.NewDatabase(g), nil, nil
	}
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("ZONEFAIR_REDIS_URL: %w", err)
	}
	client := redis.NewClient(opts)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(pctx).Err(); err != nil {
		_ = client.Close()
		return nil, nil, fmt.Errorf("reach Redis: %w", err)
	}
	return livestate.NewRedis(client, cfg.RedisPrefix), client, nil
}

func serve(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	started := time.Now()
	if err := cfg.EnsureSecret(); err != nil {
		return err
	}
	log.Info("starting zonefair", "version", version.Version, "config", cfg)
	if !cfg.Postgres() {
		// Tells `zonefair restore` that this database is in use.
		lock, err := backup.Hold(cfg.SQLitePath())
		if err != nil && !errors.Is(err, backup.ErrInUse) {
			return err
		}
		if lock != nil {
			defer lock.Close()
		}
	}
	g, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(g)
	reg := prometheus.NewRegistry()
	if cfg.DemoOnEmpty {
		accounts, err := seed.Demo(ctx, g, seed.UploadDir(filepath.Join(cfg.DataDir, "uploads")))
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		seed.Print(os.Stderr, accounts)
	}
	state, rdb, err := openState(ctx, cfg, g)
	if err != nil {
		return err
	}
	defer state.Close()
	raiseFileLimit(log)
	backend := live.NewMemoryBackend()
	if rdb != nil {
		backend = live.NewRedisBackend(rdb, cfg.RedisPrefix+"live:")
	}
	hub, err := live.New(live.Options{
		Backend: backend, Authenticate: server.LiveIdentity, AllowedOrigins: []string{cfg.Origin()},
		Logger: log, Registerer: reg, EnableBench: cfg.LiveBench,
		PingInterval: cfg.LivePingInterval, PongTimeout: cfg.LivePongTimeout, WriteTimeout: cfg.LiveWriteTimeout,
	})
	if err != nil {
		return err
	}

	dist, err := fs.Sub(frontend.Dist, "dist")
	if err != nil {
		return err
	}
	if cfg.FrontendDir != "" {
		dist = os.DirFS(cfg.FrontendDir)
	}
	deps := server.Deps{Config: cfg, DB: g, State: state, Live: hub, Log: log, Registry: reg, Frontend: dist}
	if cfg.SMTPAddr != "" {
		deps.Mail = &notify.SMTP{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, User: cfg.SMTPUser, Password: cfg.SMTPPassword}
	}
	app, err := server.New(deps)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("ZONEFAIR_ADDR=%s: %w", cfg.Addr, err)
	}
	work, stopWork := context.WithCancel(context.Background())
	defer stopWork()
	go app.Signing.Run(work)
	go app.Briefings.Run(work)
	go app.Monitor.Run(work)
	go app.Meetings.Run(work)
	// The search index loads before searches come (/readyz says so meanwhile), from its
	// snapshot in the data directory when it has one; then terms an older tokeniser made are
	// made again while the site serves.
	app.Fair.Store.KeepSnapshots(filepath.Join(cfg.DataDir, "search"))
	go func() {
		if app.Fair.Store.Warm(work, log) != nil {
			return // shutting down
		}
		go app.Fair.Store.RunSnapshots(work, log)
		if _, err := app.Fair.Store.RefreshTerms(work, log); err != nil && work.Err() == nil {
			log.Error("rewriting job search terms failed; searches use the old terms", "err", err)
		}
	}()
	go uploads.Run(work, g, filepath.Join(cfg.DataDir, "uploads"), log)
	errc := make(chan error, 1)
	go func() { errc <- app.Fiber.Listener(ln) }()
	log.Info("zonefair ready", "url", cfg.BaseURL, "addr", ln.Addr().String(), "startup_ms", time.Since(started).Milliseconds())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	drain, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout/2)
	defer cancel()
	// Websocket clients are told to reconnect elsewhere first; then in-flight requests finish.
	if err := hub.Shutdown(drain); err != nil {
		log.Warn("live connections did not drain in time", "err", err)
	}
	if err := app.Fiber.ShutdownWithTimeout(cfg.ShutdownTimeout / 2); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	stopWork()
	flush, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	if err := app.Fair.Store.FlushViews(flush); err != nil {
		log.Warn("job fair page views counted last were not written", "err", err)
	}
	if err := app.Fair.Store.SaveSnapshot(flush); err != nil {
		log.Warn("the job search index snapshot was not written", "err", err)
	}
	log.Info("stopped")
	return nil
}

// raiseFileLimit lifts the open-file limit to its hard maximum: every websocket is a descriptor,
// and a busy briefing holds thousands.
func raiseFileLimit(log *slog.Logger) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur >= lim.Max {
		return
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		log.Warn("could not raise the open-file limit", "err", err)
	}
}
