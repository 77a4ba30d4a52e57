package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/jobfair"
	"zonefair/app/web"
)

// onEveryConn runs a pragma on every connection of the SQLite pool (at most 8), so that every
// later statement meets it.
func onEveryConn(t *testing.T, g *gorm.DB, pragma string) {
	t.Helper()
	sqlDB, err := g.DB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var conns []*sql.Conn
	for range sqlDB.Stats().MaxOpenConnections {
		c, err := sqlDB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExecContext(ctx, pragma); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
}

// TestReadOnlyOrFullDiskFailsCleanly: when SQLite cannot write (a read-only data directory
// answers SQLITE_READONLY, a full disk SQLITE_FULL) writes are refused with 503 or 507 and a
// message, never 500; reads go on (a job page too, although it counts a view: the counts are
// written later, kept while they cannot be); nothing half-written remains and the file stays
// intact.
func TestReadOnlyOrFullDiskFailsCleanly(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		if e.db.Dialector.Name() != "sqlite" {
			t.Skip("the disk faults are SQLite's")
		}
		staff := e.as(web.RoleZoneStaff)
		jobs := []jobfair.Job{e.post(staff, e.job("出纳", nil)), e.post(staff, e.job("会计", nil))}
		grad := e.graduate("disk", true)
		grad.do("POST", fmt.Sprintf("/api/v1/jobs/%d/apply", jobs[0].ID), map[string]any{}).want(201)

		onEveryConn(t, e.db, "PRAGMA query_only = 1")
		r := grad.do("POST", fmt.Sprintf("/api/v1/jobs/%d/apply", jobs[1].ID), map[string]any{}).want(503)
		if b := r.errorBody(); b.Code != "unavailable" || !strings.Contains(b.Message, "database") {
			t.Fatalf("read-only database: %+v", b)
		}
		staff.do("POST", "/api/v1/jobs", e.job("审计", nil)).want(503)
		grad.do("GET", fmt.Sprintf("/api/v1/jobs/%d", jobs[1].ID), nil).want(200)
		grad.do("GET", "/api/v1/graduate/applications", nil).want(200)
		onEveryConn(t, e.db, "PRAGMA query_only = 0")
		grad.do("POST", fmt.Sprintf("/api/v1/jobs/%d/apply", jobs[1].ID), map[string]any{}).want(201)

		var pages int64
		e.db.Raw("PRAGMA page_count").Scan(&pages)
		onEveryConn(t, e.db, fmt.Sprintf("PRAGMA max_page_count = %d", pages+2))
		long := strings.Repeat("负责日常账务处理与报表编制。", 300)
		var full response
		for i := 0; i < 100; i++ {
			full = staff.do("POST", "/api/v1/jobs", e.job(fmt.Sprintf("会计%d", i), map[string]any{"description": long}))
			if full.status != 201 {
				break
			}
		}
		full.want(507)
		if b := full.errorBody(); b.Code != "unavailable" || !strings.Contains(b.Message, "storage") {
			t.Fatalf("full disk: %+v", b)
		}
		grad.do("GET", "/api/v1/jobs?q=会计", nil).want(200)
		onEveryConn(t, e.db, "PRAGMA max_page_count = 1073741823")

		var check []string
		e.db.Raw("PRAGMA integrity_check").Scan(&check)
		if len(check) != 1 || check[0] != "ok" {
			t.Fatalf("integrity check: %v", check)
		}
		var apps int64
		e.db.Model(&jobfair.Application{}).Where("user_id IN (SELECT id FROM users WHERE email = ?)", "disk@example.test").Count(&apps)
		if apps != 2 {
			t.Fatalf("%d applications stored, want the 2 acknowledged", apps)
		}
	})
}
