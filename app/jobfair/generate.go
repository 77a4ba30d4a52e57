package jobfair

// The job generator behind `zonefair bench gen-jobs`: realistic bilingual postings across
// zones in many cities, several fairs (most open, one upcoming, one over), majors, degrees and
// salaries, written straight into the database — with COPY on PostgreSQL — so anyone can
// reproduce the search benchmarks at a million jobs.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"zonefair/app/zone"
)

var benchTitles = [][2]string{
	{"财务会计", "Accountant"}, {"总账会计", "General Ledger Accountant"}, {"成本会计", "Cost Accountant"},
	{"审计助理", "Audit Assistant"}, {"出纳", "Cashier"}, {"机械工程师", "Mechanical Engineer"},
	{"机械设计工程师", "Mechanical Design Engineer"}, {"设备维护工程师", "Equipment Maintenance Engineer"},
	{"电气工程师", "Electrical Engineer"}, {"嵌入式软件工程师", "Embedded Software Engineer"},
	{"Java 开发工程师", "Java Developer"}, {"前端开发工程师", "Frontend Developer"}, {"测试工程师", "QA Engineer"},
	{"数据分析师", "Data Analyst"}, {"工艺工程师", "Process Engineer"}, {"质量工程师", "Quality Engineer"},
	{"半导体工艺工程师", "Semiconductor Process Engineer"}, {"芯片验证工程师", "Chip Verification Engineer"},
	{"药物研发助理", "Drug R&D Assistant"}, {"化学分析员", "Chemical Analyst"}, {"销售代表", "Sales Representative"},
	{"外贸业务员", "Foreign Trade Specialist"}, {"市场专员", "Marketing Specialist"}, {"人力资源专员", "HR Specialist"},
	{"行政助理", "Administrative Assistant"}, {"物流专员", "Logistics Coordinator"}, {"采购专员", "Purchasing Specialist"},
	{"法务专员", "Legal Specialist"}, {"工业设计师", "Industrial Designer"}, {"生产管理培训生", "Production Management Trainee"},
	{"电商运营专员", "E-commerce Operations Specialist"}, {"跨境电商运营", "Cross-border E-commerce Operator"},
	{"新媒体运营", "New Media Operator"}, {"算法工程师", "Algorithm Engineer"}, {"运维工程师", "Operations Engineer"},
	{"供应链计划员", "Supply Chain Planner"}, {"新能源电池工程师", "New Energy Battery Engineer"}, {"翻译", "Translator"},
}

var benchPhrases = []string{
	"负责日常账务处理与报表编制", "参与新产品的设计与开发", "协助完成设备调试与维护", "熟悉办公软件",
	"具备良好的沟通能力和团队合作精神", "英语六级优先", "能适应倒班", "提供住宿和班车", "五险一金", "年终奖金",
	"参与客户需求分析", "撰写技术文档", "跟进生产现场问题", "熟悉 ISO 质量体系", "work with international teams",
	"fluent English preferred", "training provided for graduates", "SAP experience is a plus",
}

var benchCities = [][2]string{{"苏州", "Suzhou"}, {"天津", "Tianjin"}, {"北京", "Beijing"}, {"广州", "Guangzhou"}, {"大连", "Dalian"},
	{"青岛", "Qingdao"}, {"昆山", "Kunshan"}, {"上海", "Shanghai"}, {"宁波", "Ningbo"}, {"合肥", "Hefei"}}

var benchProvinces = [][2]string{{"jiangsu", "east"}, {"tianjin", "east"}, {"beijing", "east"}, {"guangdong", "east"}, {"liaoning", "northeast"},
	{"shandong", "east"}, {"jiangsu", "east"}, {"shanghai", "east"}, {"zhejiang", "east"}, {"anhui", "central"}}

// moreCities widen the generator's map beyond the benchmark's ten: city, English, province, region.
var moreCities = [][4]string{
	{"成都", "Chengdu", "sichuan", "west"}, {"重庆", "Chongqing", "chongqing", "west"}, {"西安", "Xi'an", "shaanxi", "west"},
	{"武汉", "Wuhan", "hubei", "central"}, {"长沙", "Changsha", "hunan", "central"}, {"郑州", "Zhengzhou", "henan", "central"},
	{"沈阳", "Shenyang", "liaoning", "northeast"}, {"长春", "Changchun", "jilin", "northeast"}, {"哈尔滨", "Harbin", "heilongjiang", "northeast"},
	{"深圳", "Shenzhen", "guangdong", "east"}, {"厦门", "Xiamen", "fujian", "east"}, {"杭州", "Hangzhou", "zhejiang", "east"},
	{"南京", "Nanjing", "jiangsu", "east"}, {"济南", "Jinan", "shandong", "east"}, {"昆明", "Kunming", "yunnan", "west"},
	{"南宁", "Nanning", "guangxi", "west"}, {"贵阳", "Guiyang", "guizhou", "west"}, {"南昌", "Nanchang", "jiangxi", "central"},
	{"太原", "Taiyuan", "shanxi", "central"}, {"乌鲁木齐", "Urumqi", "xinjiang", "west"},
}

var zoneKinds = [][2]string{{"经济技术开发区", "ETDZ"}, {"高新技术产业开发区", "Hi-tech Zone"}, {"综合保税区", "Comprehensive Bonded Zone"}}

// bulkJobs is from how many jobs Generate on PostgreSQL builds job_terms' indexes after
// loading instead of while (the table must then have no other writer).
const bulkJobs = 100_000

// ZoneMaker makes zones (zone.Store.Create): the generated fairs' zones are the zone
// capability's records.
type ZoneMaker interface {
	Create(ctx context.Context, z *zone.Zone) error
}

// GenOptions say what Generate makes.
type GenOptions struct {
	Jobs  int
	Fairs int // at least 3: one upcoming, one over, the rest open now
	Seed  uint64
	// Workers write batches at once, each on a connection of its own (1 when 0).
	Workers int
	// Progress, when set, hears how many jobs are written so far.
	Progress func(done int)
}

// Generate adds opts.Fairs fairs, a zone of each kind in thirty cities taking part in every
// fair, and opts.Jobs jobs spread over them, with their majors and search terms, all under one
// new search sequence number; running instances find them at their next catch-up.
func Generate(ctx context.Context, g *gorm.DB, zones ZoneMaker, opts GenOptions) error {
	opts.Fairs = max(opts.Fairs, 3)
	now := time.Now().UTC()
	var (
		zs    []genZone
		fairs []int64
		seq   int64
	)
	cities := [][4]string{}
	for i, c := range benchCities {
		cities = append(cities, [4]string{c[0], c[1], benchProvinces[i][0], benchProvinces[i][1]})
	}
	cities = append(cities, moreCities...)
	tag := fmt.Sprintf("%d", now.UnixNano())
	err := g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i := range opts.Fairs {
			f := Fair{NameZh: fmt.Sprintf("全国高校毕业生网络招聘会（第%d场）", i+1), NameEn: fmt.Sprintf("National graduate online job fair #%d", i+1),
				StartsAt: now.AddDate(0, 0, -7-i), EndsAt: now.AddDate(0, 1, i)}
			switch i {
			case 0:
				f.StartsAt, f.EndsAt = now.AddDate(0, 0, 10), now.AddDate(0, 0, 20) // upcoming
			case 1:
				f.StartsAt, f.EndsAt = now.AddDate(0, -2, 0), now.AddDate(0, -1, 0) // over
			}
			if err := tx.Create(&f).Error; err != nil {
				return err
			}
			fairs = append(fairs, f.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, c := range cities {
		for k, kind := range zoneKinds {
			z := genZone{cityZh: c[0], cityEn: c[1], prov: c[2], region: c[3], nameZh: c[0] + kind[0], nameEn: c[1] + " " + kind[1]}
			made := zone.Zone{Slug: fmt.Sprintf("gen-%s-%d-%d", tag, i, k), NameZh: z.nameZh, NameEn: z.nameEn, Province: z.prov,
				Region: z.region, CityZh: z.cityZh, CityEn: z.cityEn}
			if err := zones.Create(ctx, &made); err != nil {
				return err
			}
			z.id = made.ID
			zs = append(zs, z)
		}
	}
	rows := make([]fairZone, 0, len(fairs)*len(zs))
	for _, z := range zs {
		for _, f := range fairs {
			rows = append(rows, fairZone{FairID: f, ZoneID: z.id, CreatedAt: now})
		}
	}
	if err := g.WithContext(ctx).CreateInBatches(rows, 500).Error; err != nil {
		return err
	}
	// The jobs are written with the next search sequence number, which the state takes when
	// they are all in: an instance catching up meanwhile does not skip them. (Another writer
	// taking the number meanwhile would make instances skip them until they restart: generate
	// while no one else writes jobs.)
	if seq, err = currentSeq(ctx, g); err != nil {
		return err
	}
	seq++
	var next int64
	if err := g.WithContext(ctx).Raw("SELECT COALESCE(MAX(id), 0) + 1 FROM jobs").Scan(&next).Error; err != nil {
		return err
	}
	// Tens of millions of terms load far faster into a table without its indexes and foreign
	// key, which are built once at the end instead of row by row.
	bulk := g.Dialector.Name() == "postgres" && opts.Jobs >= bulkJobs
	if bulk {
		if err := g.WithContext(ctx).Exec(`ALTER TABLE job_terms DROP CONSTRAINT job_terms_job_id_fkey, DROP CONSTRAINT job_terms_pkey`).Error; err != nil {
			return err
		}
		if err := g.WithContext(ctx).Exec(`DROP INDEX idx_job_terms_job`).Error; err != nil {
			return err
		}
	}
	// Batches are made and written by several workers, each on a connection of its own; a
	// batch's jobs and random draws depend only on its number, so a run is the same whatever
	// the workers' timing.
	const batch = 5000
	batches := (opts.Jobs + batch - 1) / batch
	work := make(chan int)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		done     int
	)
	for range max(opts.Workers, 1) {
		w, err := newGenWriter(ctx, g)
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer w.close()
			for n := range work {
				from := n * batch
				jobs, majors, terms := genBatch(rand.New(rand.NewPCG(opts.Seed, uint64(n)+100)), from, min(from+batch, opts.Jobs), next, seq, now, fairs, zs)
				err := w.write(ctx, jobs, majors, terms)
				var pe *pgconn.PgError
				if errors.As(err, &pe) {
					err = fmt.Errorf("%w: %s", err, pe.Detail)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				done += len(jobs)
				if opts.Progress != nil && err == nil {
					opts.Progress(done)
				}
				mu.Unlock()
			}
		}()
	}
	for n := 0; n < batches; n++ {
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed || ctx.Err() != nil {
			break
		}
		work <- n
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if bulk {
		for _, ddl := range []string{
			`ALTER TABLE job_terms ADD PRIMARY KEY (term, job_id) INCLUDE (weight)`,
			`CREATE INDEX idx_job_terms_job ON job_terms (job_id)`,
			`ALTER TABLE job_terms ADD CONSTRAINT job_terms_job_id_fkey FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE CASCADE`,
		} {
			if err := g.WithContext(ctx).Exec(ddl).Error; err != nil {
				return fmt.Errorf("%s: %w", ddl, err)
			}
		}
	}
	if err := g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := bumpSeq(tx); err != nil {
			return err
		}
		// The terms were made by this tokeniser: into an empty table, RefreshTerms need not
		// make them again.
		var n int64
		if next > 1 {
			return nil
		}
		if err := tx.Raw("SELECT COUNT(*) FROM job_search_state WHERE id = ?", termsVersionRow).Scan(&n).Error; err != nil || n > 0 {
			return err
		}
		return tx.Exec("INSERT INTO job_search_state (id, seq) VALUES (?, ?)", termsVersionRow, termsVersion).Error
	}); err != nil {
		return err
	}
	if g.Dialector.Name() == "postgres" {
		if err := g.WithContext(ctx).Exec("SELECT setval(pg_get_serial_sequence('jobs', 'id'), (SELECT MAX(id) FROM jobs))").Error; err != nil {
			return err
		}
	}
	analyze := "ANALYZE"
	if g.Dialector.Name() == "postgres" {
		analyze = "VACUUM ANALYZE jobs, job_terms, job_majors"
	}
	return g.WithContext(ctx).Exec(analyze).Error
}

// genZone is a generated zone.
type genZone struct {
	id                     int64
	cityZh, cityEn, prov   string
	region, nameZh, nameEn string
}

// genBatch makes jobs [from, to) of a run whose first id is first.
func genBatch(r *rand.Rand, from, to int, first, seq int64, now time.Time, fairs []int64, zones []genZone) ([]Job, []jobMajor, []jobTerm) {
	jobs := make([]Job, 0, to-from)
	var majors []jobMajor
	var terms []jobTerm
	for i := from; i < to; i++ {
		z := zones[r.IntN(len(zones))]
		t := benchTitles[r.IntN(len(benchTitles))]
		var desc []string
		for range 3 + r.IntN(3) {
			desc = append(desc, benchPhrases[r.IntN(len(benchPhrases))])
		}
		sal := 3000 + r.IntN(25)*1000
		pub := now.Add(-time.Duration(r.IntN(90*24*3600)) * time.Second)
		status := JobPublished
		switch n := r.IntN(100); {
		case n < 3:
			status = JobDraft
		case n < 8:
			status = JobClosed
		}
		j := Job{ID: first + int64(i), FairID: fairs[r.IntN(len(fairs))], ZoneID: z.id, Title: t[0], TitleEn: t[1],
			CityZh: z.cityZh, CityEn: z.cityEn, Province: z.prov, Region: z.region,
			Category: Categories[r.IntN(len(Categories))].Code, Degree: Degrees[r.IntN(len(Degrees))].Code,
			SalaryMin: sal, SalaryMax: sal + 2000 + r.IntN(8)*1000, Headcount: 1 + r.IntN(5),
			Deadline: Today(now.AddDate(0, 0, r.IntN(60)-5)), Description: strings.Join(desc, "，") + "。",
			Status: status, SearchSeq: seq, CreatedAt: pub, UpdatedAt: pub}
		if status != JobDraft {
			j.PublishedAt = &pub
		}
		for range 1 + r.IntN(3) {
			j.Majors = append(j.Majors, Majors[r.IntN(len(Majors))].Code)
		}
		j.Majors = slices.Compact(slices.Sorted(slices.Values(j.Majors)))
		for _, m := range j.Majors {
			majors = append(majors, jobMajor{JobID: j.ID, Major: m})
		}
		terms = append(terms, termsOf(&j, z.nameZh+" "+z.nameEn, z.nameZh+" "+z.nameEn)...)
		jobs = append(jobs, j)
	}
	return jobs, majors, terms
}

// genWriter writes generated rows: COPY on PostgreSQL, multi-row inserts elsewhere.
type genWriter struct {
	g    *gorm.DB
	conn *sql.Conn
}

func newGenWriter(ctx context.Context, g *gorm.DB) (*genWriter, error) {
	w := &genWriter{g: g}
	if g.Dialector.Name() != "postgres" {
		return w, nil
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	if w.conn, err = sqlDB.Conn(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *genWriter) close() {
	if w.conn != nil {
		_ = w.conn.Close()
	}
}

func (w *genWriter) write(ctx context.Context, jobs []Job, majors []jobMajor, terms []jobTerm) error {
	if w.conn == nil {
		return w.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Omit("Majors").CreateInBatches(&jobs, 500).Error; err != nil {
				return err
			}
			if err := tx.CreateInBatches(majors, 2000).Error; err != nil {
				return err
			}
			return tx.CreateInBatches(terms, 3000).Error
		})
	}
	return w.conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		var b strings.Builder
		for i := range jobs {
			j := &jobs[i]
			pub := `\N`
			if j.PublishedAt != nil {
				pub = j.PublishedAt.Format(time.RFC3339Nano)
			}
			copyRow(&b, j.ID, j.FairID, j.ZoneID, j.Title, j.TitleEn, j.CityZh, j.CityEn, j.Province, j.Region, j.Category, j.Degree,
				j.SalaryMin, j.SalaryMax, j.Headcount, j.Deadline, j.Description, j.Languages, j.Status, rawCopy(pub), j.SearchSeq, j.CreatedBy,
				j.CreatedAt.Format(time.RFC3339Nano), j.UpdatedAt.Format(time.RFC3339Nano))
		}
		if err := copyIn(ctx, tx, "jobs (id, fair_id, zone_id, title, title_en, city_zh, city_en, province, region, category, degree, salary_min, salary_max, headcount, deadline, description, languages, status, published_at, search_seq, created_by, created_at, updated_at)", &b); err != nil {
			return err
		}
		for _, m := range majors {
			copyRow(&b, m.JobID, m.Major)
		}
		if err := copyIn(ctx, tx, "job_majors (job_id, major)", &b); err != nil {
			return err
		}
		for _, t := range terms {
			copyRow(&b, t.Term, t.JobID, t.Weight)
		}
		if err := copyIn(ctx, tx, "job_terms (term, job_id, weight)", &b); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// rawCopy is a value written into COPY text as it is.
type rawCopy string

var copyEscape = strings.NewReplacer("\\", "\\\\", "\t", "\\t", "\n", "\\n", "\r", "\\r")

// copyRow appends one row in COPY's text format to b.
func copyRow(b *strings.Builder, vals ...any) {
	for i, v := range vals {
		if i > 0 {
			b.WriteByte('\t')
		}
		switch v := v.(type) {
		case string:
			if strings.ContainsAny(v, "\\\t\n\r") {
				v = copyEscape.Replace(v)
			}
			b.WriteString(v)
		case rawCopy:
			b.WriteString(string(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		case int16:
			b.WriteString(strconv.Itoa(int(v)))
		case int:
			b.WriteString(strconv.Itoa(v))
		default:
			fmt.Fprint(b, v)
		}
	}
	b.WriteByte('\n')
}

// copyIn sends the rows in b to table (with its columns) by COPY, and empties b.
func copyIn(ctx context.Context, tx pgx.Tx, table string, b *strings.Builder) error {
	_, err := tx.Conn().PgConn().CopyFrom(ctx, strings.NewReader(b.String()), "COPY "+table+" FROM STDIN")
	b.Reset()
	return err
}

// NewestPublishedZone is the zone of the newest published job: where a benchmark's zone staff
// account publishes (`bench gen-jobs -staff`).
func NewestPublishedZone(ctx context.Context, g *gorm.DB) (int64, error) {
	var zoneID int64
	if err := g.WithContext(ctx).Model(&Job{}).Where("status = ?", JobPublished).Order("id DESC").Limit(1).Pluck("zone_id", &zoneID).Error; err != nil {
		return 0, err
	}
	if zoneID == 0 {
		return 0, errors.New("no published job: no zone for the staff account")
	}
	return zoneID, nil
}
