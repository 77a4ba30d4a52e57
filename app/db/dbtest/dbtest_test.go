package dbtest

import (
	"sync/atomic"
	"testing"

	"gorm.io/gorm"
)

// TestCopiesAreTheTestsOwn: every test gets its own copy of the migrated template, and a
// seeded template is filled once per process while each copy changes alone.
func TestCopiesAreTheTestsOwn(t *testing.T) {
	var fills atomic.Int32
	fill := func(g *gorm.DB) error {
		fills.Add(1)
		return g.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (100000, 'dbtest', CURRENT_TIMESTAMP)").Error
	}
	count := func(t *testing.T, g *gorm.DB) (n int64) {
		t.Helper()
		if err := g.Table("schema_migrations").Where("version = ?", 100000).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			before := fills.Load()
			a, b := Open(t, kind), Open(t, kind)
			if err := a.Exec("CREATE TABLE only_in_a (x int)").Error; err != nil {
				t.Fatal(err)
			}
			if b.Migrator().HasTable("only_in_a") {
				t.Fatal("a table made in one test database shows in another")
			}
			if !b.Migrator().HasTable("users") {
				t.Fatal("the copy is not migrated")
			}
			s1, s2 := Seeded(t, kind, "dbtest", fill), Seeded(t, kind, "dbtest", fill)
			if n := count(t, s1); n != 1 {
				t.Fatalf("seeded copy has %d seeded rows, want 1", n)
			}
			if err := s1.Exec("DELETE FROM schema_migrations WHERE version = 100000").Error; err != nil {
				t.Fatal(err)
			}
			if count(t, s2) != 1 || count(t, Seeded(t, kind, "dbtest", fill)) != 1 {
				t.Fatal("a change to one seeded copy shows in another")
			}
			if count(t, Open(t, kind)) != 0 {
				t.Fatal("the seed shows in an unseeded copy")
			}
			if got := fills.Load() - before; got != 1 {
				t.Fatalf("fill ran %d times for three copies, want once", got)
			}
		})
	}
}
