package jobfair

import (
	"context"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
)

// morphJobs are jobs whose English names differ from the queries below only in form.
var morphJobs = [][2]string{
	{"软件工程师", "Software Engineer"},
	{"工程管理", "Engineering Manager"},
	{"高级会计", "Senior Accountant"},
	{"数据分析师", "Data Analyst"},
	{"电商运营", "E-commerce Operations Specialist"},
	{"跨境电商专员", "Ecommerce Specialist"},
}

// morphQueries are searches and the English titles they must find, exactly.
var morphQueries = []struct {
	q    string
	want []string
}{
	{"engineers", []string{"Engineering Manager", "Software Engineer"}},
	{"engineer", []string{"Engineering Manager", "Software Engineer"}},
	{"engin", []string{"Engineering Manager", "Software Engineer"}},
	{"software engineers", []string{"Software Engineer"}},
	{"accountants", []string{"Senior Accountant"}},
	{"analysts", []string{"Data Analyst"}},
	{"ecommerce", []string{"E-commerce Operations Specialist", "Ecommerce Specialist"}},
	{"e-commerce", []string{"E-commerce Operations Specialist", "Ecommerce Specialist"}},
	{"E-Commerce specialists", []string{"E-commerce Operations Specialist", "Ecommerce Specialist"}},
	{"managers", []string{"Engineering Manager"}},
	{"工程", []string{"Engineering Manager", "Software Engineer"}},
	{"电商", []string{"E-commerce Operations Specialist", "Ecommerce Specialist"}},
	{"会计", []string{"Senior Accountant"}},
	{"析", []string{"Data Analyst"}},
	{"commerce", []string{"E-commerce Operations Specialist"}},
}

// morphFixture stores morphJobs in a fair of their own and returns a store over it.
func morphFixture(t *testing.T, g *gorm.DB) *Store {
	t.Helper()
	d, _ := fixture(t, g, 0)
	deadline := Today(time.Now().AddDate(0, 0, 10))
	for _, names := range morphJobs {
		j := published(d, names[0], names[1], deadline)
		j.Category = "manufacturing"
		if err := d.store.SaveJob(context.Background(), &j); err != nil {
			t.Fatal(err)
		}
	}
	return d.store
}

func titles(t *testing.T, s *Store, q string) []string {
	t.Helper()
	res, err := s.Search(context.Background(), Query{Q: q}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, j := range res.Items {
		out = append(out, j.TitleEn)
	}
	slices.Sort(out)
	return out
}

// English queries find the other forms of their words, hyphenated and joined compounds find
// each other, prefixes still work, and Chinese is found as before.
func TestEnglishFormsAndCompounds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		s := morphFixture(t, g)
		for _, c := range morphQueries {
			if got := titles(t, s, c.q); !slices.Equal(got, c.want) {
				t.Errorf("%q found %q, want %q", c.q, got, c.want)
			}
		}
	})
}

// The same searches answer the same on SQLite and PostgreSQL, item for item.
func TestSearchParityBetweenDatabases(t *testing.T) {
	stores := map[string]*Store{}
	for _, kind := range dbtest.Kinds {
		stores[kind] = morphFixture(t, dbtest.Open(t, kind))
	}
	queries := []string{"", "engineer", "Engineering", "spec", "e-commerce", "工程师", "电", "高级 会计", "data analysts"}
	for _, c := range morphQueries {
		queries = append(queries, c.q)
	}
	for _, q := range queries {
		var first []string
		for i, kind := range dbtest.Kinds {
			res, err := stores[kind].Search(context.Background(), Query{Q: q, Sort: "relevance"}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, j := range res.Items {
				got = append(got, j.TitleEn)
			}
			if i == 0 {
				first = got
			} else if !slices.Equal(got, first) {
				t.Errorf("%q: %s answered %q, %s %q", q, dbtest.Kinds[0], first, kind, got)
			}
		}
	}
}

// Jobs whose terms were made before stems and compounds get them from RefreshTerms, once, and
// every instance sees them at its next search.
func TestRefreshTermsRewritesOldTerms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		s := morphFixture(t, g)
		// As version 1 stored them: no stem terms, no joined words (nor, here, the one real
		// "ecommerce"), no version row.
		for _, sql := range []string{
			"DELETE FROM job_terms WHERE term LIKE '~%' OR term = 'ecommerce'",
			"DELETE FROM job_search_state WHERE id = 2",
		} {
			if err := g.Exec(sql).Error; err != nil {
				t.Fatal(err)
			}
		}
		old := testStore(g)
		if got := titles(t, old, "engineers"); len(got) != 0 {
			t.Fatalf("before the refresh, engineers found %q", got)
		}
		n, err := s.RefreshTerms(ctx, nil)
		if err != nil || n != len(morphJobs) {
			t.Fatalf("refresh rewrote %d jobs (%v), want %d", n, err, len(morphJobs))
		}
		for _, store := range []*Store{old, testStore(g)} {
			for _, c := range morphQueries {
				if got := titles(t, store, c.q); !slices.Equal(got, c.want) {
					t.Errorf("after the refresh %q found %q, want %q", c.q, got, c.want)
				}
			}
		}
		if n, err := s.RefreshTerms(ctx, nil); err != nil || n != 0 {
			t.Fatalf("a second refresh rewrote %d jobs (%v), want none", n, err)
		}
	})
}
