package jobfair

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
)

// The search benchmark runs on a generated fair of ZONEFAIR_BENCH_JOBS jobs (100,000 unless
// set), built once per database kind. Run it with
//
//	ZONEFAIR_TEST_POSTGRES_URL=… go test ./app/jobfair -run '^$' -bench . -benchtime 400x -timeout 60m

type benchData struct {
	store  *Store
	fairID int64
	zones  []int64
	jobs   []int64
}

var (
	benchMu   sync.Mutex
	benchSets = map[string]*benchData{}
)

func benchJobs() int {
	if n, err := strconv.Atoi(os.Getenv("ZONEFAIR_BENCH_JOBS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// benchSet returns the generated data set on kind, building it on first use.
func benchSet(b *testing.B, kind string) *benchData {
	benchMu.Lock()
	defer benchMu.Unlock()
	if d := benchSets[kind]; d != nil {
		return d
	}
	g := dbtest.Open(b, kind)
	start := time.Now()
	d, err := generate(context.Background(), g, benchJobs())
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: generated %d jobs in %s", kind, len(d.jobs), time.Since(start).Round(time.Second))
	benchSets[kind] = d
	return d
}

// generate fills g with one open fair, ten zones with enterprises and n published jobs,
// written with multi-row inserts (the per-job path is what the apply benchmark measures).
func generate(ctx context.Context, g *gorm.DB, n int) (*benchData, error) {
	r := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC()
	d := &benchData{store: testStore(g)}
	err := g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		f := Fair{NameZh: "基准招聘会", NameEn: "Benchmark fair", StartsAt: now.Add(-time.Hour), EndsAt: now.AddDate(0, 1, 0)}
		if err := tx.Create(&f).Error; err != nil {
			return err
		}
		d.fairID = f.ID
		for i, c := range benchCities {
			var id int64
			err := tx.Raw("INSERT INTO zones (slug, name_zh, name_en, province, region, city_zh, city_en, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				fmt.Sprintf("bench-%d", i), c[0]+"经济技术开发区", c[1]+" ETDZ", benchProvinces[i][0], benchProvinces[i][1], c[0], c[1], now, now).Scan(&id).Error
			if err != nil {
				return err
			}
			d.zones = append(d.zones, id)
			if err := tx.Create(&fairZone{FairID: f.ID, ZoneID: id}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	deadline := Today(now.AddDate(0, 0, 20))
	const batch = 2000
	for from := 0; from < n; from += batch {
		to := min(from+batch, n)
		err := g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			jobs := make([]Job, 0, to-from)
			for i := from; i < to; i++ {
				zi := r.IntN(len(d.zones))
				t := benchTitles[r.IntN(len(benchTitles))]
				var desc []string
				for range 3 + r.IntN(3) {
					desc = append(desc, benchPhrases[r.IntN(len(benchPhrases))])
				}
				sal := 3000 + r.IntN(25)*1000
				pub := now.Add(-time.Duration(r.IntN(30*24*3600)) * time.Second)
				jobs = append(jobs, Job{FairID: d.fairID, ZoneID: d.zones[zi], Title: t[0], TitleEn: t[1],
					CityZh: benchCities[zi][0], CityEn: benchCities[zi][1], Province: benchProvinces[zi][0], Region: benchProvinces[zi][1],
					Category: Categories[r.IntN(len(Categories))].Code, Degree: Degrees[r.IntN(len(Degrees))].Code,
					SalaryMin: sal, SalaryMax: sal + 2000 + r.IntN(8)*1000, Headcount: 1 + r.IntN(5), Deadline: deadline,
					Description: strings.Join(desc, "，") + "。", Status: JobPublished, PublishedAt: &pub, SearchSeq: 1,
					Majors: []string{Majors[r.IntN(len(Majors))].Code, Majors[r.IntN(len(Majors))].Code}})
			}
			if err := tx.CreateInBatches(&jobs, 500).Error; err != nil {
				return err
			}
			var majors []jobMajor
			var terms []jobTerm
			for i := range jobs {
				j := &jobs[i]
				d.jobs = append(d.jobs, j.ID)
				j.Majors = slices.Compact(slices.Sorted(slices.Values(j.Majors)))
				for _, m := range j.Majors {
					majors = append(majors, jobMajor{JobID: j.ID, Major: m})
				}
				terms = append(terms, termsOf(j, "", benchCities[slices.Index(d.zones, j.ZoneID)][0]+"经济技术开发区")...)
			}
			if err := tx.CreateInBatches(majors, 2000).Error; err != nil {
				return err
			}
			return tx.CreateInBatches(terms, 3000).Error
		})
		if err != nil {
			return nil, err
		}
	}
	if err := g.Exec("UPDATE job_search_state SET seq = 1 WHERE id = 1").Error; err != nil {
		return nil, err
	}
	// A fair that has been running a while has been vacuumed and analysed; a freshly bulk-loaded
	// one has neither statistics nor PostgreSQL's visibility map for index-only scans.
	analyze := "ANALYZE"
	if g.Dialector.Name() == "postgres" {
		analyze = "VACUUM ANALYZE"
	}
	if err := g.Exec(analyze).Error; err != nil {
		return nil, err
	}
	return d, nil
}

// benchQueries are the query types reported.
func benchQueries(d *benchData) []struct {
	name string
	qs   []Query
} {
	return []struct {
		name string
		qs   []Query
	}{
		{"browse_all", []Query{{}, {Page: 5}, {Sort: "salary"}}},
		{"zh_2char", []Query{{Q: "会计"}, {Q: "机械"}, {Q: "工程"}, {Q: "销售"}}},
		{"zh_phrase", []Query{{Q: "机械设计工程师"}, {Q: "半导体工艺"}, {Q: "数据分析师"}}},
		{"zh_1char", []Query{{Q: "械"}, {Q: "会"}}},
		{"en_prefix", []Query{{Q: "account"}, {Q: "engineer"}, {Q: "java"}}},
		{"mixed", []Query{{Q: "Java 工程师"}, {Q: "SAP 会计"}, {Q: "English 销售"}}},
		{"filters_only", []Query{{Province: "jiangsu", Degree: "master"}, {Category: "finance", Salary: "8k-12k"}, {Major: "accounting", ZoneID: d.zones[3]}}},
		{"text_and_filters", []Query{{Q: "工程师", Region: "east", Degree: "bachelor", Sort: "date"}, {Q: "account", City: "苏州"}, {Q: "会计", MinSalary: 10000, Page: 3}}},
	}
}

// BenchmarkJobFair reports search latency per query type, then apply throughput, on each
// database.
func BenchmarkJobFair(b *testing.B) {
	for _, kind := range dbtest.Kinds {
		b.Run(kind, func(b *testing.B) {
			d := benchSet(b, kind)
			b.Run("search", func(b *testing.B) { benchSearch(b, d) })
			b.Run("apply", func(b *testing.B) { benchApply(b, d) })
		})
	}
}

func benchSearch(b *testing.B, d *benchData) {
	for _, qt := range benchQueries(d) {
		b.Run(qt.name, func(b *testing.B) { searchLatency(b, d, qt.qs, nil) })
		// The same queries while jobs are being edited: before every search another writer
		// changes one job, so each search first catches the index up (one job's row, majors
		// and terms) — a busy fair's worst case.
		b.Run(qt.name+"_after_write", func(b *testing.B) {
			i := 0
			searchLatency(b, d, qt.qs, func() {
				i++
				touchJob(b, d, d.jobs[i*7919%len(d.jobs)])
			})
		})
	}
}

// touchJob re-indexes job id as an edit does: a new search sequence number, and its terms
// deleted and written again.
func touchJob(b *testing.B, d *benchData, id int64) {
	err := d.store.db.Transaction(func(tx *gorm.DB) error {
		seq, err := bumpSeq(tx)
		if err != nil {
			return err
		}
		var terms []jobTerm
		if err := tx.Where("job_id = ?", id).Find(&terms).Error; err != nil {
			return err
		}
		if err := tx.Where("job_id = ?", id).Delete(&jobTerm{}).Error; err != nil {
			return err
		}
		if err := tx.CreateInBatches(terms, 500).Error; err != nil {
			return err
		}
		return tx.Model(&Job{}).Where("id = ?", id).Update("search_seq", seq).Error
	})
	if err != nil {
		b.Fatal(err)
	}
}

func searchLatency(b *testing.B, d *benchData, qs []Query, before func()) {
	ctx, now := context.Background(), time.Now()
	for _, q := range qs { // warm the index and the database's cache
		q.FairID = d.fairID
		if _, err := d.store.Search(ctx, q, now); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	var total int
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := qs[i%len(qs)]
		q.FairID = d.fairID
		if before != nil {
			b.StopTimer()
			before()
			b.StartTimer()
		}
		t0 := time.Now()
		res, err := d.store.Search(ctx, q, now)
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		total += res.Total
	}
	reportLatency(b, lat)
	b.ReportMetric(float64(total)/float64(len(lat)), "hits/op")
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	ms := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.50), "p50_ms")
	b.ReportMetric(ms(0.99), "p99_ms")
}

// benchApply measures applications per second: graduates with profiles applying to random
// jobs of the generated fair from parallel goroutines.
func benchApply(b *testing.B, d *benchData) {
	svc := &Service{Store: d.store, UploadDir: b.TempDir()}
	ctx := context.Background()
	const grads = 200
	users := make([]int64, grads)
	for i := range users {
		var id int64
		err := d.store.db.Raw("INSERT INTO users (email, password_hash, name, role, created_at, updated_at) VALUES (?, 'x', ?, 'graduate', ?, ?) RETURNING id",
			fmt.Sprintf("bench-%d-%d@example.test", time.Now().UnixNano(), i), fmt.Sprintf("毕业生%d", i), time.Now(), time.Now()).Scan(&id).Error
		if err != nil {
			b.Fatal(err)
		}
		users[i] = id
		if _, err := d.store.SaveProfile(ctx, id, ProfileInput{School: "南京大学", Major: "accounting", Degree: "bachelor", GraduationYear: 2026}); err != nil {
			b.Fatal(err)
		}
	}
	var seeds, next atomic.Int64
	lat := make([]time.Duration, b.N)
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(uint64(seeds.Add(1)), 7))
		for pb.Next() {
			i := next.Add(1) - 1
			t0 := time.Now()
			if _, _, err := svc.Apply(ctx, users[r.IntN(grads)], d.jobs[r.IntN(len(d.jobs))], ""); err != nil {
				b.Error(err)
				return
			}
			if i < int64(len(lat)) {
				lat[i] = time.Since(t0)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "applies/s")
	reportLatency(b, slices.DeleteFunc(lat, func(d time.Duration) bool { return d == 0 }))
}
