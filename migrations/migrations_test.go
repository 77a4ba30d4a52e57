package migrations_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"zonefair/app/db"
	"zonefair/app/db/dbtest"
	"zonefair/migrations"
)

func TestMigrateEmptyDatabaseToLatest(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			g := dbtest.OpenEmpty(t, kind)
			if err := db.CheckCurrent(ctx, g); err == nil {
				t.Fatal("an empty database passed the schema check")
			}
			if err := db.Migrate(ctx, g, log); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			if v, _ := db.Version(ctx, g); v != migrations.Latest() {
				t.Fatalf("version %d after migrating, want %d", v, migrations.Latest())
			}
			if err := db.CheckCurrent(ctx, g); err != nil {
				t.Fatalf("schema check after migrating: %v", err)
			}
			for _, table := range []string{"users", "zones", "zone_industries", "enterprises", "invitations"} {
				if !g.Migrator().HasTable(table) {
					t.Errorf("table %s missing", table)
				}
			}
			// A second run is a no-op.
			if err := db.Migrate(ctx, g, log); err != nil {
				t.Fatalf("second migrate: %v", err)
			}
			// A database from a newer binary is refused rather than written to.
			if err := g.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', CURRENT_TIMESTAMP)", migrations.Latest()+1).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(ctx, g, log); err == nil || !strings.Contains(err.Error(), "upgrade zonefair") {
				t.Fatalf("migrating a newer schema: got %v, want a refusal", err)
			}
		})
	}
}

func TestStepsAreOrdered(t *testing.T) {
	for i, s := range migrations.Steps {
		if s.Version != i+1 {
			t.Fatalf("step %d has version %d: versions must be 1, 2, 3… with no gaps", i, s.Version)
		}
		if s.Name == "" || s.Up == nil {
			t.Fatalf("step %d is incomplete", s.Version)
		}
	}
}
