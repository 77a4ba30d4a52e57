// Command zonefair runs the Zonefair platform: `zonefair serve`, `migrate`, `seed-demo`,
// `version`. Settings come from ZONEFAIR_* environment variables (`zonefair help`).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"zonefair/app/config"
	"zonefair/app/db"
	"zonefair/app/live"
	"zonefair/app/live/loadgen"
	"zonefair/app/livestate"
	"zonefair/app/notify"
	"zonefair/app/seed"
	"zonefair/app/server"
	"zonefair/app/version"
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
  version     print the version
  bench live  run the live-engine load generator (zonefair bench live -h)
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
		if len(args) < 2 || args[1] != "live" {
			return errors.New("usage: zonefair bench live [flags]")
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
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
	case "seed-demo":
		g, err := openDB(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer db.Close(g)
		if err := db.Migrate(ctx, g, log); err != nil {
			return err
		}
		accounts, err := seed.Demo(ctx, g)
		if err != nil {
			return err
		}
		seed.Print(stdout, accounts)
		return nil
	default:
		return fmt.Errorf("unknown command %q (try `zonefair help`)", cmd)
	}
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

func openState(ctx context.Context, cfg *config.Config) (*livestate.State, *redis.Client, error) {
	if cfg.RedisURL == "" {
		return livestate.NewMemory(), nil, nil
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
	return livestate.NewRedis(client, "zf:"), client, nil
}

func serve(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	started := time.Now()
	if err := cfg.EnsureSecret(); err != nil {
		return err
	}
	log.Info("starting zonefair", "version", version.Version, "config", cfg)
	g, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close(g)
	if err := db.Migrate(ctx, g, log); err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	if cfg.DemoOnEmpty {
		accounts, err := seed.Demo(ctx, g)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		seed.Print(os.Stderr, accounts)
	}
	state, rdb, err := openState(ctx, cfg)
	if err != nil {
		return err
	}
	defer state.Close()
	raiseFileLimit(log)
	backend := live.NewMemoryBackend()
	if rdb != nil {
		backend = live.NewRedisBackend(rdb, "zf:live:")
	}
	hub, err := live.New(live.Options{
		Backend: backend, Authenticate: server.LiveIdentity, AllowedOrigins: []string{cfg.Origin()},
		Logger: log, Registerer: reg, EnableBench: cfg.LiveBench,
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
