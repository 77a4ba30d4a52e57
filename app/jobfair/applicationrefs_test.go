package jobfair

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/db/dbtest"
	"zonefair/app/zone"
)

// refsWorld is a zone with an enterprise at a fair, a job of each, and a graduate.
type refsWorld struct {
	s                *Store
	zone, other      zone.Zone
	ent              zone.Enterprise
	fair             Fair
	firmJob, zoneJob Job
}

func newRefsWorld(t *testing.T, g *gorm.DB) *refsWorld {
	t.Helper()
	ctx := context.Background()
	zones := zone.NewStore(g)
	w := &refsWorld{s: testStore(g)}
	w.zone = zone.Zone{Slug: "refs-home", NameZh: "本区", NameEn: "Home Zone", Province: "jiangsu", Region: "east"}
	w.other = zone.Zone{Slug: "refs-other", NameZh: "他区", NameEn: "Other Zone", Province: "shaanxi", Region: "west"}
	for _, z := range []*zone.Zone{&w.zone, &w.other} {
		if err := zones.Create(ctx, z); err != nil {
			t.Fatal(err)
		}
	}
	w.ent = zone.Enterprise{ZoneID: w.zone.ID, NameZh: "甲公司", NameEn: "Alpha Co", Industry: "electronics", Ownership: "foreign"}
	if err := zones.CreateEnterprise(ctx, &w.ent); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	w.fair = Fair{NameZh: "招聘会", NameEn: "Job Fair", StartsAt: now.Add(-time.Hour), EndsAt: now.Add(30 * 24 * time.Hour), ZoneIDs: []int64{w.zone.ID}}
	if err := w.s.SaveFair(ctx, &w.fair); err != nil {
		t.Fatal(err)
	}
	job := func(title, titleEn string, ent *int64) Job {
		j := Job{FairID: w.fair.ID, ZoneID: w.zone.ID, EnterpriseID: ent, Title: title, TitleEn: titleEn, Category: "finance", Degree: "bachelor",
			SalaryMin: 6000, SalaryMax: 9000, Headcount: 1, Deadline: now.Add(7 * 24 * time.Hour).Format(time.DateOnly),
			Description: "负责日常工作。", Status: JobPublished, Majors: []string{"accounting"}}
		if err := w.s.SaveJob(ctx, &j); err != nil {
			t.Fatal(err)
		}
		return j
	}
	w.firmJob, w.zoneJob = job("会计", "Accountant", &w.ent.ID), job("招商专员", "", nil)
	return w
}

// graduate adds a graduate's account and returns its id.
func graduate(t *testing.T, g *gorm.DB, n int) int64 {
	t.Helper()
	u := account.User{Email: fmt.Sprintf("refs-grad%d@example.test", n), Name: fmt.Sprintf("Grad %d", n), Role: "graduate", Locale: "en"}
	if err := account.NewStore(g).Create(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// apply files userID's application to j at status.
func (w *refsWorld) apply(t *testing.T, g *gorm.DB, userID int64, j Job, status string) Application {
	t.Helper()
	a := Application{JobID: j.ID, UserID: userID, FairID: j.FairID, ZoneID: j.ZoneID, EnterpriseID: j.EnterpriseID, Status: status,
		Day: Today(time.Now()), CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := g.Create(&a).Error; err != nil {
		t.Fatal(err)
	}
	return a
}

// Interviews lists a graduate's own applications in the interview stage, oldest first, in one
// query; FillJobs names their jobs and employers (the enterprise, or the zone for its own
// jobs, with no English title left empty).
func TestInterviews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		w := newRefsWorld(t, g)
		ann, bob := graduate(t, g, 1), graduate(t, g, 2)
		first := w.apply(t, g, ann, w.firmJob, StatusInterview)
		second := w.apply(t, g, ann, w.zoneJob, StatusInterview)
		w.apply(t, g, bob, w.firmJob, StatusInterview)
		w.apply(t, g, bob, w.zoneJob, StatusSubmitted)

		counted, n := dbtest.Counting(g)
		apps, err := NewStore(counted, nil, nil).Interviews(ctx, ann)
		if err != nil {
			t.Fatal(err)
		}
		if n.Load() != 1 {
			t.Errorf("%d queries, want 1", n.Load())
		}
		if len(apps) != 2 || apps[0].ID != first.ID || apps[1].ID != second.ID {
			t.Fatalf("interviews = %+v", apps)
		}
		if apps[0].ZoneID != w.zone.ID || apps[0].EnterpriseID == nil || *apps[0].EnterpriseID != w.ent.ID || apps[1].EnterpriseID != nil {
			t.Errorf("zone and enterprise = %+v", apps)
		}
		if apps[0].JobTitle != "" {
			t.Errorf("titles before FillJobs: %q", apps[0].JobTitle)
		}
		if err := w.s.FillJobs(ctx, apps); err != nil {
			t.Fatal(err)
		}
		if a := apps[0]; a.JobTitle != "会计" || a.JobTitleEn != "Accountant" || a.EmployerZh != "甲公司" || a.EmployerEn != "Alpha Co" {
			t.Errorf("enterprise's job: %+v", a)
		}
		if a := apps[1]; a.JobTitle != "招商专员" || a.JobTitleEn != "" || a.EmployerZh != "本区" || a.EmployerEn != "Home Zone" {
			t.Errorf("zone's job: %+v", a)
		}
		// Bob's submitted application is no invitation; a graduate without any has none.
		if apps, err := w.s.Interviews(ctx, bob); err != nil || len(apps) != 1 || apps[0].JobID != w.firmJob.ID {
			t.Errorf("bob: %+v, %v", apps, err)
		}
		if apps, err := w.s.Interviews(ctx, graduate(t, g, 3)); err != nil || len(apps) != 0 {
			t.Errorf("nobody: %+v, %v", apps, err)
		}
		if err := w.s.FillJobs(ctx, nil); err != nil {
			t.Errorf("no applications: %v", err)
		}
	})
}

// HasBooth tells the zones taking part in a fair from the others and from unknown fairs.
func TestHasBooth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		w := newRefsWorld(t, g)
		for _, c := range []struct {
			fair, zone int64
			want       bool
		}{{w.fair.ID, w.zone.ID, true}, {w.fair.ID, w.other.ID, false}, {w.fair.ID + 100, w.zone.ID, false}} {
			if got, err := w.s.HasBooth(ctx, c.fair, c.zone); err != nil || got != c.want {
				t.Errorf("HasBooth(%d, %d) = %v, %v; want %v", c.fair, c.zone, got, err, c.want)
			}
		}
	})
}
