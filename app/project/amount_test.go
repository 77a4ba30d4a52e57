package project_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/db"
	"zonefair/app/project"
	"zonefair/app/testenv"
	"zonefair/app/zone"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)) }

// eachDB runs f on a migrated SQLite database and, when configured, on PostgreSQL.
func eachDB(t *testing.T, f func(t *testing.T, g *gorm.DB)) {
	open := func(t *testing.T, o db.Options) *gorm.DB {
		o.Logger = quiet()
		g, err := db.Open(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close(g) })
		if err := db.Migrate(context.Background(), g, quiet()); err != nil {
			t.Fatal(err)
		}
		return g
	}
	t.Run("sqlite", func(t *testing.T) { f(t, open(t, db.Options{SQLitePath: filepath.Join(t.TempDir(), "z.db")})) })
	t.Run("postgres", func(t *testing.T) { f(t, open(t, db.Options{URL: testenv.PostgresURL(t)})) })
}

// TestAmountFilterComparesAcrossCurrencies proves the amount filter means the same range
// whatever currency a project is stated in: without a currency the bounds are yuan and each
// project counts at its value in yuan; with one, the bounds are in that currency.
func TestAmountFilterComparesAcrossCurrencies(t *testing.T) {
	eachDB(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		z := zone.Zone{Slug: "z", NameZh: "园区", NameEn: "Zone", Province: "jiangsu", Region: "east"}
		if err := g.Create(&z).Error; err != nil {
			t.Fatal(err)
		}
		svc := &project.Service{Store: project.NewStore(g), Zones: zone.NewStore(g), Users: account.NewStore(g)}
		admin := &actor.Actor{UserID: 1, Role: actor.RoleAdmin}
		ids := map[string]int64{}
		for _, c := range []struct {
			name     string
			amount   int64
			currency string
		}{
			{"usd-500m", 500_000_000, "USD"},  // ≈ ¥3.55 billion
			{"jpy-2bn", 2_000_000_000, "JPY"}, // ≈ ¥94 million
			{"cny-800m", 800_000_000, "CNY"},
			{"eur-20m", 20_000_000, "EUR"}, // ≈ ¥154 million
		} {
			p, err := svc.Create(ctx, admin, project.Input{ZoneID: z.ID, TitleZh: c.name, TitleEn: c.name, Industry: "semiconductors", Amount: c.amount, Currency: c.currency})
			if err != nil {
				t.Fatal(err)
			}
			ids[c.name] = p.ID
		}
		got := func(f project.Filter) []string {
			t.Helper()
			page, err := svc.List(ctx, nil, f)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range page.Items {
				names = append(names, p.TitleEn)
			}
			slices.Sort(names)
			return names
		}
		for _, c := range []struct {
			f    project.Filter
			want []string
		}{
			// "Over 1 billion": the dollar project is, the yen one is not.
			{project.Filter{MinAmount: 1_000_000_000}, []string{"usd-500m"}},
			// "100 million – 1 billion".
			{project.Filter{MinAmount: 100_000_000, MaxAmount: 1_000_000_000}, []string{"cny-800m", "eur-20m"}},
			// "Under 100 million".
			{project.Filter{MaxAmount: 100_000_000}, []string{"jpy-2bn"}},
			// With a currency the bounds are in it, and only its projects match.
			{project.Filter{Currency: "JPY", MinAmount: 1_000_000_000}, []string{"jpy-2bn"}},
			{project.Filter{Currency: "USD", MaxAmount: 100_000_000}, nil},
		} {
			if g := got(c.f); !slices.Equal(g, c.want) {
				t.Errorf("%+v: %v, want %v", c.f, g, c.want)
			}
		}
	})
}
