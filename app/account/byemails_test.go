package account

import (
	"context"
	"slices"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
)

// ByEmails finds accounts by email in any case and spacing, in one query, leaving out emails
// that belong to nobody.
func TestByEmails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		s := NewStore(g)
		var ids []int64
		for _, email := range []string{"ann@example.test", "Bob@Example.test", "cat@example.test"} {
			u := User{Email: email, Name: email, Role: "investor", Locale: "en"}
			if err := s.Create(ctx, &u); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u.ID)
		}
		counted, n := dbtest.Counting(g)
		us, err := NewStore(counted).ByEmails(ctx, []string{" ANN@example.test", "bob@example.TEST", "nobody@example.test"})
		if err != nil || n.Load() != 1 {
			t.Fatalf("%v, %d queries", err, n.Load())
		}
		got := []int64{}
		for _, u := range us {
			got = append(got, u.ID)
		}
		slices.Sort(got)
		if !slices.Equal(got, ids[:2]) {
			t.Errorf("found %v, want %v", got, ids[:2])
		}
		n.Store(0)
		if us, err := NewStore(counted).ByEmails(ctx, nil); err != nil || len(us) != 0 || n.Load() != 0 {
			t.Errorf("no emails: %v, %v, %d queries", us, err, n.Load())
		}
	})
}
