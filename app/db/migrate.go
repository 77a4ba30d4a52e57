package db

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"zonefair/migrations"
)

type schemaMigration struct {
	Version   int    `gorm:"primaryKey;autoIncrement:false"`
	Name      string `gorm:"size:200;not null"`
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// advisoryLockKey serialises migrations of several instances starting at once on PostgreSQL.
const advisoryLockKey = 7_302_610_001

// Migrate applies every step newer than the recorded version, each in its own transaction.
// It refuses a database whose version is newer than this binary knows.
func Migrate(ctx context.Context, g *gorm.DB, log *slog.Logger) error {
	g = g.WithContext(ctx)
	if g.Dialector.Name() == "postgres" {
		// Session-level lock on one pinned connection; released when the function returns.
		sqlDB, err := g.DB()
		if err != nil {
			return err
		}
		conn, err := sqlDB.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", advisoryLockKey); err != nil {
			return fmt.Errorf("lock migrations: %w", err)
		}
		defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", advisoryLockKey) //nolint:errcheck
	}
	if !g.Migrator().HasTable(&schemaMigration{}) {
		if err := g.Migrator().CreateTable(&schemaMigration{}); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
	}
	current, err := Version(ctx, g)
	if err != nil {
		return err
	}
	latest := migrations.Latest()
	if current > latest {
		return fmt.Errorf("database schema is at version %d but this binary knows only up to %d: upgrade zonefair", current, latest)
	}
	for _, step := range migrations.Steps {
		if step.Version <= current {
			continue
		}
		err := g.Transaction(func(tx *gorm.DB) error {
			if err := step.Up(tx); err != nil {
				return err
			}
			return tx.Create(&schemaMigration{Version: step.Version, Name: step.Name, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("migration %d (%s): %w", step.Version, step.Name, err)
		}
		log.Info("migrated", "version", step.Version, "name", step.Name)
	}
	return nil
}

// Version is the schema version recorded in the database (0 for an empty one).
func Version(ctx context.Context, g *gorm.DB) (int, error) {
	if !g.Migrator().HasTable(&schemaMigration{}) {
		return 0, nil
	}
	var v *int
	if err := g.WithContext(ctx).Model(&schemaMigration{}).Select("MAX(version)").Scan(&v).Error; err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// CheckCurrent refuses a schema that is behind or ahead of this binary.
func CheckCurrent(ctx context.Context, g *gorm.DB) error {
	v, err := Version(ctx, g)
	if err != nil {
		return err
	}
	if v != migrations.Latest() {
		return fmt.Errorf("database schema is at version %d, this binary needs %d: run `zonefair migrate`", v, migrations.Latest())
	}
	return nil
}
