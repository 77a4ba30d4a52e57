package db_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"zonefair/app/db"
)

type secretRow struct {
	ID    int64  `gorm:"primaryKey"`
	Email string `gorm:"uniqueIndex"`
	Hash  string
}

// TestLogsNeverShowValues: a failing statement is logged without its parameters (they hold
// password hashes and personal data), and a unique violation — a normal 409 — is not logged
// as an error at all.
func TestLogsNeverShowValues(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	g, err := db.Open(context.Background(), db.Options{SQLitePath: filepath.Join(t.TempDir(), "x.db"), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(g)
	if err := g.Migrator().CreateTable(&secretRow{}); err != nil {
		t.Fatal(err)
	}
	row := secretRow{Email: "a@example.test", Hash: "$argon2id$secret-hash"}
	if err := g.Create(&row).Error; err != nil {
		t.Fatal(err)
	}
	dup := secretRow{Email: "a@example.test", Hash: "$argon2id$secret-hash"}
	if err := g.Create(&dup).Error; !db.IsUniqueViolation(err) {
		t.Fatalf("duplicate insert: %v, want a unique violation", err)
	}
	if err := g.Exec("INSERT INTO no_such_table VALUES (?)", "$argon2id$other-secret").Error; err == nil {
		t.Fatal("insert into a missing table succeeded")
	}
	out := buf.String()
	if strings.Contains(out, "argon2id") {
		t.Fatalf("log shows a value: %s", out)
	}
	// A slow statement is logged as a warning, which a loaded machine may produce for any of
	// them; the errors are what this is about.
	var errors []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "level=ERROR") {
			errors = append(errors, line)
		}
	}
	if len(errors) != 1 || !strings.Contains(errors[0], "no_such_table") {
		t.Fatalf("logged as errors: %q, want only the failed insert into no_such_table", errors)
	}
}
