// Package db opens the one database pool of a process — SQLite by default, PostgreSQL when
// configured — and runs the versioned migrations in zonefair/migrations.
package db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zonefair/app/errs"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Options says which database to open.
type Options struct {
	Postgres   bool
	URL        string // PostgreSQL URL
	SQLitePath string // SQLite file
	Logger     *slog.Logger
}

// Open connects and configures the pool: SQLite in WAL mode with a busy timeout and foreign
// keys on; PostgreSQL with a bounded pool.
func Open(ctx context.Context, o Options) (*gorm.DB, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	logCfg := logger.Config{
		SlowThreshold: 200 * time.Millisecond, LogLevel: logger.Warn, IgnoreRecordNotFoundError: true,
		// Values never reach the log: they include password hashes and personal data.
		ParameterizedQueries: true,
	}
	cfg := &gorm.Config{
		Logger:                                   quietConstraints{Interface: logger.NewSlogLogger(o.Logger, logCfg), level: logCfg.LogLevel, slow: logCfg.SlowThreshold},
		TranslateError:                           true,
		DisableForeignKeyConstraintWhenMigrating: false,
		NowFunc:                                  func() time.Time { return time.Now().UTC() },
	}
	var (
		g   *gorm.DB
		err error
	)
	if o.Postgres {
		g, err = gorm.Open(postgres.Open(o.URL), cfg)
	} else {
		if dir := filepath.Dir(o.SQLitePath); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		dsn := "file:" + o.SQLitePath + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		g, err = gorm.Open(sqlite.Open(dsn), cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	if o.Postgres {
		// As many kept idle as may be open: a busy moment that uses them all would otherwise
		// close the surplus on return and open new ones (a server process each, statements
		// prepared again) moments later.
		sqlDB.SetMaxOpenConns(40)
		sqlDB.SetMaxIdleConns(40)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		// One writer at a time is SQLite's rule; a few readers keep pages fast under WAL.
		sqlDB.SetMaxOpenConns(8)
		sqlDB.SetMaxIdleConns(8)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("reach database: %w", err)
	}
	return g, nil
}

// quietConstraints leaves constraint violations out of the error log: callers turn them into
// 409s and they are part of normal operation (a duplicate registration, a second apply). It
// also passes on only the statements that will be logged: gorm's slog logger renders every
// statement's SQL text before deciding whether to log it, which costs more than a cheap
// query itself.
type quietConstraints struct {
	logger.Interface
	level logger.LogLevel
	slow  time.Duration
}

func (q quietConstraints) LogMode(l logger.LogLevel) logger.Interface {
	return quietConstraints{Interface: q.Interface.LogMode(l), level: l, slow: q.slow}
}

func (q quietConstraints) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if err != nil && (isConstraint(err) || errors.Is(err, gorm.ErrRecordNotFound)) {
		err = nil
	}
	if err == nil && q.level < logger.Info && (q.slow == 0 || time.Since(begin) <= q.slow) {
		return
	}
	q.Interface.Trace(ctx, begin, fc, err)
}

// ParamsFilter drops every statement's values before it is logged.
func (quietConstraints) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

func isConstraint(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) || errors.Is(err, gorm.ErrForeignKeyViolated) || errors.Is(err, gorm.ErrCheckConstraintViolated) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "constraint failed") || strings.Contains(msg, "SQLSTATE 23")
}

// Close releases the pool.
func Close(g *gorm.DB) error {
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping reports whether the database answers, for /readyz.
func Ping(ctx context.Context, g *gorm.DB) error {
	sqlDB, err := g.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// IsUniqueViolation reports whether err is a unique-constraint failure on either database.
func IsUniqueViolation(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey)
}

// NotFound is err, or errs.NotFound(what) when err says the row asked for does not exist: how
// a Store reports a missing record (a 404 naming what is missing) instead of the driver's
// error.
func NotFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errs.NotFound(what)
	}
	return err
}
