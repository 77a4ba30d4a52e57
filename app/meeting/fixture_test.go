package meeting_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/db/dbtest"
	"zonefair/app/jobfair"
	"zonefair/app/meeting"
	"zonefair/app/project"
	"zonefair/app/zone"
)

func init() {
	// Cheap hashes keep the fixtures' accounts fast under -race; the algorithm is the same.
	account.HashParams.Memory, account.HashParams.Iterations = 1024, 1
}

// clock is the meetings' time, moved by the tests.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time               { return c.now }
func (c *clock) advance(d time.Duration)      { c.now = c.now.Add(d) }
func (c *clock) at(d time.Duration) time.Time { return c.now.Add(d) }

// world is a zone with one enterprise, its staff, a job fair with the zone's booth and a
// published job of the enterprise, on one database, with a meeting service on a test clock.
type world struct {
	t     *testing.T
	ctx   context.Context
	g     *gorm.DB
	clock *clock
	svc   *meeting.Service
	jobs  *jobfair.Service
	zone  zone.Zone
	other zone.Zone
	ent   zone.Enterprise
	fair  jobfair.Fair
	job   jobfair.Job
	// hr is the enterprise's staff member, staff the zone's; both publish slots.
	hr, staff *actor.Actor
	users     int
}

// eachWorld runs f on a fresh world on every database kind.
func eachWorld(t *testing.T, f func(t *testing.T, w *world)) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) { f(t, newWorld(t, g)) })
}

func newWorld(t *testing.T, g *gorm.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, ctx: ctx, g: g, clock: &clock{now: time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)}}
	zones, users := zone.NewStore(g), account.NewStore(g)
	w.jobs = &jobfair.Service{Store: jobfair.NewStore(g, zones, users), Now: w.clock.Now}
	w.svc = &meeting.Service{Store: meeting.NewStore(g), Fair: w.jobs.Store, Zones: zones, Users: users, Requests: project.NewStore(g), Now: w.clock.Now}
	w.zone = zone.Zone{Slug: "home", NameZh: "本区", NameEn: "Home Zone", Province: "jiangsu", Region: "east", CityZh: "苏州", CityEn: "Suzhou"}
	w.other = zone.Zone{Slug: "other", NameZh: "他区", NameEn: "Other Zone", Province: "shaanxi", Region: "west", CityZh: "西安", CityEn: "Xi'an"}
	for _, z := range []*zone.Zone{&w.zone, &w.other} {
		must(t, zones.Create(ctx, z))
	}
	w.ent = zone.Enterprise{ZoneID: w.zone.ID, NameZh: "甲公司", NameEn: "Alpha Co", Industry: "electronics", Ownership: "foreign"}
	must(t, zones.CreateEnterprise(ctx, &w.ent))
	w.hr = w.user(actor.RoleEnterprise)
	w.staff = w.user(actor.RoleZoneStaff)
	w.fair = jobfair.Fair{NameZh: "招聘会", NameEn: "Job Fair", StartsAt: w.clock.at(-time.Hour), EndsAt: w.clock.at(30 * 24 * time.Hour), ZoneIDs: []int64{w.zone.ID}}
	must(t, w.jobs.Store.SaveFair(ctx, &w.fair))
	entID := w.ent.ID
	w.job = jobfair.Job{FairID: w.fair.ID, ZoneID: w.zone.ID, EnterpriseID: &entID, Title: "会计", TitleEn: "Accountant", Category: "finance",
		Degree: "bachelor", SalaryMin: 6000, SalaryMax: 9000, Headcount: 2, Deadline: w.clock.at(7 * 24 * time.Hour).Format(time.DateOnly),
		Description: "负责日常账务处理。", Status: jobfair.JobPublished, Majors: []string{"accounting"}, CreatedBy: w.hr.UserID}
	must(t, w.jobs.Store.SaveJob(ctx, &w.job))
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// user adds an account of role (staff in the world's zone, enterprise staff of its enterprise)
// and returns it as the services see it.
func (w *world) user(role actor.Role) *actor.Actor {
	w.t.Helper()
	w.users++
	u := account.User{Email: fmt.Sprintf("%s%d@example.test", role, w.users), Name: fmt.Sprintf("%s %d", role, w.users), Role: role, Locale: "en"}
	p := &actor.Actor{Role: role}
	switch role {
	case actor.RoleZoneStaff:
		u.ZoneID, p.ZoneID = &w.zone.ID, w.zone.ID
	case actor.RoleEnterprise:
		u.ZoneID, u.EnterpriseID = &w.zone.ID, &w.ent.ID
		p.ZoneID, p.EnterpriseID = w.zone.ID, w.ent.ID
	}
	must(w.t, account.EnsureUser(w.ctx, account.NewStore(w.g), &u, "correct-horse-battery"))
	p.UserID, p.Name = u.ID, u.Name
	return p
}

// email is p's login email.
func (w *world) email(p *actor.Actor) string {
	w.t.Helper()
	u, err := account.NewStore(w.g).ByID(w.ctx, p.UserID)
	must(w.t, err)
	return u.Email
}

// invited is a graduate whose application to the world's job is at the interview stage, with
// that application's id.
func (w *world) invited() (*actor.Actor, int64) {
	w.t.Helper()
	grad := w.user(actor.RoleGraduate)
	_, err := w.jobs.Store.SaveProfile(w.ctx, grad.UserID, jobfair.ProfileInput{School: "南京大学", Major: "accounting", Degree: "bachelor", GraduationYear: 2026})
	must(w.t, err)
	app, _, err := w.jobs.Apply(w.ctx, grad.UserID, w.job.ID, "")
	must(w.t, err)
	_, err = w.jobs.ChangeStatus(w.ctx, w.hr, []int64{app.ID}, jobfair.StatusInterview, "")
	must(w.t, err)
	return grad, app.ID
}

// slot publishes one interview slot of the enterprise, hosted by hr, starting in `in`.
func (w *world) slot(in time.Duration, capacity int) meeting.Meeting {
	w.t.Helper()
	ms, err := w.svc.CreateSlots(w.ctx, w.hr, meeting.SlotInput{Kind: meeting.Interview, StartsAt: w.clock.at(in), TimeZone: "Asia/Shanghai",
		Minutes: 30, BufferMinutes: 10, Capacity: capacity})
	must(w.t, err)
	return ms[0]
}

// booked reads slot id's booked count.
func (w *world) booked(id int64) int {
	w.t.Helper()
	var m meeting.Meeting
	must(w.t, w.g.First(&m, id).Error)
	return m.Booked
}
