package jobfair

import (
	"context"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"zonefair/app/errs"
	"zonefair/app/textsearch"
)

// Search term weights per field: a match in the title counts most.
const (
	weightTitle    = 8
	weightEmployer = 4
	weightTag      = 3
	weightCity     = 2
	weightBody     = 1
)

// The states of a job posting.
const (
	JobDraft     = "draft"
	JobPublished = "published"
	JobClosed    = "closed"
)

// Job is a posting at a zone's booth, by the zone itself or one of its enterprises.
type Job struct {
	ID           int64      `json:"id"`
	FairID       int64      `json:"fairId"`
	ZoneID       int64      `json:"zoneId"`
	EnterpriseID *int64     `json:"enterpriseId"`
	Title        string     `json:"title"`
	TitleEn      string     `json:"titleEn"`
	CityZh       string     `json:"cityZh"`
	CityEn       string     `json:"cityEn"`
	Province     string     `json:"province"`
	Region       string     `json:"region"`
	Category     string     `json:"category"`
	Degree       string     `json:"degree" enum:"associate,bachelor,master,doctorate"`
	SalaryMin    int        `json:"salaryMin"`
	SalaryMax    int        `json:"salaryMax"`
	Headcount    int        `json:"headcount"`
	Deadline     string     `json:"deadline" format:"date"`
	Description  string     `json:"description"`
	Languages    string     `json:"languages"`
	Status       string     `json:"status" enum:"draft,published,closed"`
	PublishedAt  *time.Time `json:"publishedAt"`
	SearchSeq    int64      `json:"-"`
	CreatedBy    int64      `json:"-"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`

	Majors       []string `json:"majors" gorm:"-"`
	EmployerZh   string   `json:"employerZh" gorm:"-"`
	EmployerEn   string   `json:"employerEn" gorm:"-"`
	ZoneNameZh   string   `json:"zoneNameZh" gorm:"-"`
	ZoneNameEn   string   `json:"zoneNameEn" gorm:"-"`
	Open         bool     `json:"open" gorm:"-"`
	Applications *int64   `json:"applications,omitempty" gorm:"-"`
}

// TableName is the jobs table.
func (Job) TableName() string { return "jobs" }

type jobMajor struct {
	JobID int64
	Major string
}

func (jobMajor) TableName() string { return "job_majors" }

type jobTerm struct {
	Term   string
	JobID  int64
	Weight int16
}

func (jobTerm) TableName() string { return "job_terms" }

// JobInput is a new or edited job. ZoneID is needed only from admins; staff post for their own
// zone, and enterprise staff for their own enterprise.
type JobInput struct {
	FairID       int64    `json:"fairId" validate:"required,gte=1"`
	ZoneID       int64    `json:"zoneId,omitempty" validate:"gte=0"`
	EnterpriseID *int64   `json:"enterpriseId,omitempty" validate:"omitempty,gte=1"`
	Title        string   `json:"title" validate:"required,min=2,max=200,text"`
	TitleEn      string   `json:"titleEn,omitempty" validate:"max=200,text"`
	CityZh       string   `json:"cityZh,omitempty" validate:"max=100,text"`
	CityEn       string   `json:"cityEn,omitempty" validate:"max=100,text"`
	Category     string   `json:"category" validate:"required,max=40"`
	Majors       []string `json:"majors" validate:"max=10"`
	Degree       string   `json:"degree" validate:"required,oneof=associate bachelor master doctorate"`
	SalaryMin    int      `json:"salaryMin" validate:"gte=0,lte=1000000"`
	SalaryMax    int      `json:"salaryMax" validate:"gte=0,lte=1000000"`
	Headcount    int      `json:"headcount" validate:"gte=1,lte=10000"`
	Deadline     string   `json:"deadline" validate:"required,datetime=2006-01-02" format:"date"`
	Description  string   `json:"description" validate:"max=20000,text"`
	Languages    string   `json:"languages,omitempty" validate:"max=300,text"`
	Status       string   `json:"status" validate:"required,oneof=draft published closed"`
}

func (in JobInput) check() error {
	if _, ok := find(Categories, in.Category); !ok {
		return errs.Invalid("category", "field.category")
	}
	for _, m := range in.Majors {
		if _, ok := find(Majors, m); !ok {
			return errs.Invalid("majors", "field.major")
		}
	}
	if in.SalaryMax > 0 && in.SalaryMax < in.SalaryMin {
		return errs.Invalid("salaryMax", "field.salary_range")
	}
	return nil
}

// SaveJob creates (ID 0) or updates j with its majors and search terms, and advances the
// search sequence, all in one transaction. Applications refer to the job by id and are never
// touched by an edit.
func (s *Store) SaveJob(ctx context.Context, j *Job) error {
	nm, err := s.employerNames(ctx, []Job{*j})
	if err != nil {
		return err
	}
	if err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return saveJob(tx, j, nm) }); err != nil {
		return err
	}
	s.committed(ctx, j.SearchSeq)
	return nil
}

// saveJob writes j inside tx; nm holds the names of its zone and enterprise.
func saveJob(tx *gorm.DB, j *Job, nm names) error {
	seq, err := bumpSeq(tx)
	if err != nil {
		return err
	}
	j.SearchSeq = seq
	if j.Status == JobPublished && j.PublishedAt == nil {
		now := tx.NowFunc()
		j.PublishedAt = &now
	}
	if j.ID == 0 {
		err = tx.Create(j).Error
	} else {
		err = tx.Save(j).Error
	}
	if err != nil {
		return err
	}
	if err := tx.Where("job_id = ?", j.ID).Delete(&jobMajor{}).Error; err != nil {
		return err
	}
	j.Majors = slices.Compact(slices.Sorted(slices.Values(j.Majors)))
	if len(j.Majors) > 0 {
		rows := make([]jobMajor, len(j.Majors))
		for i, m := range j.Majors {
			rows[i] = jobMajor{JobID: j.ID, Major: m}
		}
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
	}
	if err := tx.Where("job_id = ?", j.ID).Delete(&jobTerm{}).Error; err != nil {
		return err
	}
	return tx.CreateInBatches(jobTerms(j, nm), 500).Error
}

// jobTerms computes the search terms of j, including its employer's and zone's names from nm.
func jobTerms(j *Job, nm names) []jobTerm {
	zone := nm.zones[j.ZoneID]
	employer := zone
	if j.EnterpriseID != nil {
		employer = nm.enterprises[*j.EnterpriseID]
	}
	return termsOf(j, employer.zh+" "+employer.en, zone.zh+" "+zone.en)
}

func termsOf(j *Job, employer, zone string) []jobTerm {
	m := map[string]int16{}
	textsearch.AddTerms(m, j.Title+" "+j.TitleEn, weightTitle)
	textsearch.AddTerms(m, employer, weightEmployer)
	textsearch.AddTerms(m, zone, weightCity)
	if c, ok := find(Categories, j.Category); ok {
		textsearch.AddTerms(m, c.NameZh+" "+c.NameEn, weightTag)
	}
	for _, code := range j.Majors {
		if mj, ok := find(Majors, code); ok {
			textsearch.AddTerms(m, mj.NameZh+" "+mj.NameEn, weightTag)
		}
	}
	textsearch.AddTerms(m, j.CityZh+" "+j.CityEn, weightCity)
	textsearch.AddTerms(m, j.Description+" "+j.Languages, weightBody)
	out := make([]jobTerm, 0, len(m))
	for t, w := range m {
		out = append(out, jobTerm{Term: t, JobID: j.ID, Weight: w})
	}
	slices.SortFunc(out, func(a, b jobTerm) int { return compareStrings(a.Term, b.Term) })
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Job returns job id with its majors and names.
func (s *Store) Job(ctx context.Context, id int64, now time.Time) (Job, error) {
	jobs, err := s.jobsByID(ctx, []int64{id}, now)
	if err != nil {
		return Job{}, err
	}
	if len(jobs) == 0 {
		return Job{}, errs.NotFound("job")
	}
	return jobs[0], nil
}

// jobsByID loads jobs in the order of ids, leaving out ids that do not exist. Jobs are only
// written with the search sequence advanced, so a row kept by the index (see stored) is
// current while the index holds the job at the row's sequence: reading it again needs no
// query of its own (see fresh). A Store inside a transaction has no index and reads the tables.
func (s *Store) jobsByID(ctx context.Context, ids []int64, now time.Time) ([]Job, error) {
	out := []Job{}
	if len(ids) == 0 {
		return out, nil
	}
	if s.index != nil {
		jobs, err := s.fresh(ctx, now, func() ([]Job, int64, error) { return s.stored(ctx, ids) })
		if err != nil {
			return nil, err
		}
		// A job the index does not hold (an id that does not exist) is looked for in the table.
		if len(jobs) == len(ids) {
			return jobs, nil
		}
	}
	var jobs []Job
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&jobs).Error; err != nil {
		return nil, err
	}
	at := map[int64]Job{}
	for _, j := range jobs {
		at[j.ID] = j
	}
	for _, id := range ids {
		if j, ok := at[id]; ok {
			out = append(out, j)
		}
	}
	_, err := s.decorate(ctx, out, now, false)
	return out, err
}

// fresh returns the jobs read returns from the index, decorated, as of a moment after fresh
// was called — like a read of the tables. read gives the jobs and the search sequence the
// index was at when it found them. With shared versions (fromVersions) that takes no
// query unless something changed. Otherwise it takes one: the query that fetches their names
// also reads the current sequence, and when the index turns out to have been behind, it
// catches up and reads again: then it holds at least everything written before the call.
func (s *Store) fresh(ctx context.Context, now time.Time, read func() ([]Job, int64, error)) ([]Job, error) {
	if v, ok := s.shared(ctx); ok {
		return s.fromVersions(ctx, now, v, read)
	}
	checked := time.Now()
	for caughtUp := false; ; caughtUp = true {
		jobs, at, err := read()
		if err != nil {
			return nil, err
		}
		current, err := s.decorate(ctx, jobs, now, true)
		if err != nil {
			return nil, err
		}
		if current <= at || caughtUp {
			// The sequence just read is the database's: a shared version that lost it (the
			// store restarted) gets it back.
			if !s.versionsDown.Load() {
				s.committed(ctx, current)
			}
			s.checked.Store(checked.UnixNano())
			return jobs, nil
		}
		if err := s.index.catchUp(ctx); err != nil {
			return nil, err
		}
	}
}

// clone is a copy of j that shares nothing with it.
func (j *Job) clone() Job {
	c := *j
	c.Majors = slices.Clone(j.Majors)
	if j.EnterpriseID != nil {
		id := *j.EnterpriseID
		c.EnterpriseID = &id
	}
	if j.PublishedAt != nil {
		t := *j.PublishedAt
		c.PublishedAt = &t
	}
	if j.Applications != nil {
		n := *j.Applications
		c.Applications = &n
	}
	return c
}

// decorate fills the employer and zone names and the openness of jobs, and — unless they
// come from the index with them — their majors. Names are read in one query of their owner's:
// zones and enterprises are renamed without the search sequence moving. For jobs from the
// index it also reads the current search sequence (even for no jobs); that happens only when
// the shared versions cannot tell it (see fresh), at most every recheckEvery while they can.
func (s *Store) decorate(ctx context.Context, jobs []Job, now time.Time, indexed bool) (seq int64, err error) {
	if len(jobs) == 0 && !indexed {
		return 0, nil
	}
	if indexed {
		if seq, err = currentSeq(ctx, s.db); err != nil {
			return 0, err
		}
	}
	nm, err := s.employerNames(ctx, jobs)
	if err != nil {
		return 0, err
	}
	var spans map[int64]fairSpan
	if indexed {
		spans = s.index.fairSpans(jobs)
	} else {
		spans = map[int64]fairSpan{}
		ids, fairIDs := make([]int64, len(jobs)), make([]int64, len(jobs))
		for i, j := range jobs {
			ids[i], fairIDs[i] = j.ID, j.FairID
		}
		var majors []jobMajor
		if err := s.db.WithContext(ctx).Where("job_id IN ?", ids).Order("major").Find(&majors).Error; err != nil {
			return 0, err
		}
		byJob := map[int64][]string{}
		for _, m := range majors {
			byJob[m.JobID] = append(byJob[m.JobID], m.Major)
		}
		for i := range jobs {
			jobs[i].Majors = byJob[jobs[i].ID]
		}
		var fairs []Fair
		if err := s.db.WithContext(ctx).Where("id IN ?", distinct(fairIDs)).Find(&fairs).Error; err != nil {
			return 0, err
		}
		for _, f := range fairs {
			spans[f.ID] = fairSpan{f.StartsAt, f.EndsAt}
		}
	}
	finish(jobs, nm, spans, indexed, now)
	return seq, nil
}

// employers returns the distinct zones and enterprises jobs are posted by.
func employers(jobs []Job) (zoneIDs, entIDs []int64) {
	zoneIDs, entIDs = make([]int64, 0, len(jobs)), []int64{}
	for _, j := range jobs {
		zoneIDs = append(zoneIDs, j.ZoneID)
		if j.EnterpriseID != nil {
			entIDs = append(entIDs, *j.EnterpriseID)
		}
	}
	return distinct(zoneIDs), distinct(entIDs)
}

// name is a zone's or an enterprise's name in both languages.
type name struct{ zh, en string }

// names are the names of the zones and enterprises some jobs are posted by.
type names struct{ zones, enterprises map[int64]name }

// employerNames reads the names of the employers of jobs.
func (s *Store) employerNames(ctx context.Context, jobs []Job) (names, error) {
	zoneIDs, entIDs := employers(jobs)
	return s.readNames(ctx, zoneIDs, entIDs)
}

// readNames reads the names of zones and enterprises from their owner, in one query. An
// enterprise that does not exist is left out.
func (s *Store) readNames(ctx context.Context, zoneIDs, entIDs []int64) (names, error) {
	if len(zoneIDs)+len(entIDs) == 0 {
		return names{zones: map[int64]name{}, enterprises: map[int64]name{}}, nil
	}
	zs, es, err := s.zones.EmployerNames(ctx, zoneIDs, entIDs)
	if err != nil {
		return names{}, err
	}
	out := names{zones: make(map[int64]name, len(zs)), enterprises: make(map[int64]name, len(es))}
	for id, n := range zs {
		out.zones[id] = name{n.Zh, n.En}
	}
	for id, n := range es {
		out.enterprises[id] = name{n.Zh, n.En}
	}
	return out, nil
}

// finish puts names and openness on jobs.
func finish(jobs []Job, nm names, spans map[int64]fairSpan, indexed bool, now time.Time) {
	today := Today(now)
	for i := range jobs {
		j := &jobs[i]
		if j.Majors == nil {
			j.Majors = []string{}
		}
		z := nm.zones[j.ZoneID]
		j.ZoneNameZh, j.ZoneNameEn, j.EmployerZh, j.EmployerEn = z.zh, z.en, z.zh, z.en
		if j.EnterpriseID != nil {
			if e, ok := nm.enterprises[*j.EnterpriseID]; ok {
				j.EmployerZh, j.EmployerEn = e.zh, e.en
			} else if indexed {
				// Deleting an enterprise sets its jobs' enterprise_id to NULL without a new
				// search sequence: the zone is the employer now, as a read of the row would say.
				j.EnterpriseID = nil
			}
		}
		f := spans[j.FairID]
		j.Open = isOpen(j.Status, j.Deadline, today, phase(now, f.start, f.end))
	}
}

// distinct returns ids sorted, without repeats.
func distinct(ids []int64) []int64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// isOpen reports whether a job takes applications.
func isOpen(status, deadline, today, fairPhase string) bool {
	return status == JobPublished && deadline >= today && fairPhase == PhaseOpen
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
