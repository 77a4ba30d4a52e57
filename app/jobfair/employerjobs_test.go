package jobfair

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/actor"
	"zonefair/app/db/dbtest"
	"zonefair/app/errs"
	"zonefair/app/testenv"
	"zonefair/app/zone"
)

// Posting and editing a job: who may post where, what a job keeps when edited, and what the
// zone fills in.
func TestPostAndEditJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		d, _ := fixture(t, g, 0)
		svc := &Service{Store: d.store}
		zones := zone.NewStore(g)
		home, other := d.zones[0], d.zones[1]
		ent := zone.Enterprise{ZoneID: home, NameZh: "甲公司", NameEn: "Alpha Co", Industry: "electronics", Ownership: "foreign"}
		rival := zone.Enterprise{ZoneID: home, NameZh: "乙公司", NameEn: "Beta Co", Industry: "electronics", Ownership: "domestic"}
		for _, e := range []*zone.Enterprise{&ent, &rival} {
			if err := zones.CreateEnterprise(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		outside := zone.Zone{Slug: "not-in-the-fair", NameZh: "场外开发区", NameEn: "Outside ETDZ", Province: "jiangsu", Region: "east", CityZh: "南京", CityEn: "Nanjing"}
		if err := zones.Create(ctx, &outside); err != nil {
			t.Fatal(err)
		}
		admin := &actor.Actor{UserID: 1, Role: actor.RoleAdmin}
		staff := &actor.Actor{UserID: 2, Role: actor.RoleZoneStaff, ZoneID: home}
		employer := &actor.Actor{UserID: 3, Role: actor.RoleEnterprise, ZoneID: home, EnterpriseID: ent.ID}
		rivalStaff := &actor.Actor{UserID: 4, Role: actor.RoleEnterprise, ZoneID: home, EnterpriseID: rival.ID}
		otherStaff := &actor.Actor{UserID: 5, Role: actor.RoleZoneStaff, ZoneID: other}
		graduate := &actor.Actor{UserID: 6, Role: actor.RoleGraduate}
		input := func(change func(*JobInput)) JobInput {
			in := JobInput{FairID: d.fairID, Title: "嵌入式软件工程师", TitleEn: "Embedded software engineer", Category: Categories[0].Code,
				Degree: Degrees[0].Code, Headcount: 2, Deadline: Today(time.Now().AddDate(0, 0, 20)), Status: JobPublished}
			if change != nil {
				change(&in)
			}
			return in
		}
		_, err := svc.PostJob(ctx, graduate, input(func(in *JobInput) { in.ZoneID = home }))
		testenv.Refused(t, "a graduate posts", err, errs.ErrForbidden, "forbidden")
		_, err = svc.PostJob(ctx, staff, input(func(in *JobInput) { in.ZoneID = other }))
		testenv.Refused(t, "zone staff post in another zone", err, errs.ErrForbidden, "forbidden")
		_, err = svc.PostJob(ctx, employer, input(func(in *JobInput) { in.EnterpriseID = &rival.ID }))
		testenv.Refused(t, "enterprise staff post for another enterprise", err, errs.ErrForbidden, "forbidden")
		_, err = svc.PostJob(ctx, admin, input(nil))
		testenv.Refused(t, "an admin names no zone", err, errs.ErrInvalid, "field.required")
		_, err = svc.PostJob(ctx, admin, input(func(in *JobInput) { in.ZoneID = outside.ID }))
		testenv.Refused(t, "a zone outside the fair", err, errs.ErrInvalid, "field.fair_zone")
		_, err = svc.PostJob(ctx, admin, input(func(in *JobInput) { in.ZoneID = home; in.EnterpriseID = &ent.ID; in.Category = "no-such-category" }))
		testenv.Refused(t, "an unknown category", err, errs.ErrInvalid, "field.category")

		// Staff post in their zone without naming it; the zone's city fills an empty one.
		posted, err := svc.PostJob(ctx, staff, input(nil))
		if err != nil {
			t.Fatal(err)
		}
		if posted.ZoneID != home || posted.CityEn != benchCities[0][1] || posted.CityZh != benchCities[0][0] || posted.Province != benchProvinces[0][0] || posted.EnterpriseID != nil {
			t.Errorf("staff's job: zone %d city %q/%q province %q enterprise %v", posted.ZoneID, posted.CityZh, posted.CityEn, posted.Province, posted.EnterpriseID)
		}
		// Enterprise staff's job is their enterprise's, whatever they name.
		own, err := svc.PostJob(ctx, employer, input(func(in *JobInput) { in.CityEn = "Wujiang" }))
		if err != nil {
			t.Fatal(err)
		}
		if own.EnterpriseID == nil || *own.EnterpriseID != ent.ID || own.CityEn != "Wujiang" || own.CityZh != "" {
			t.Errorf("employer's job: enterprise %v city %q/%q", own.EnterpriseID, own.CityZh, own.CityEn)
		}

		// Who may edit: the zone's staff and the enterprise's, not a rival nor another zone.
		if _, err := svc.ManagedJob(ctx, rivalStaff, own.ID); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("a rival enterprise reads the job to edit: %v", err)
		}
		if _, err := svc.ManagedJob(ctx, otherStaff, own.ID); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("another zone's staff read the job to edit: %v", err)
		}
		if _, err := svc.ManagedJob(ctx, staff, own.ID+1000); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("a job that does not exist: %v", err)
		}
		_, err = svc.EditJob(ctx, rivalStaff, own, input(nil))
		testenv.Refused(t, "a rival edits", err, errs.ErrForbidden, "forbidden")

		j, err := svc.ManagedJob(ctx, staff, own.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.EditJob(ctx, admin, j, input(func(in *JobInput) { in.ZoneID = other }))
		testenv.Refused(t, "moving a job to another zone", err, errs.ErrInvalid, "field.job_move")
		_, err = svc.EditJob(ctx, staff, j, input(func(in *JobInput) { in.Status = JobDraft }))
		testenv.Refused(t, "a published job back to draft", err, errs.ErrConflict, "job.unpublish")

		// The edit form sends the job's enterprise back with the rest.
		edited, err := svc.EditJob(ctx, staff, j, input(func(in *JobInput) {
			in.EnterpriseID = &ent.ID
			in.Title = "  资深嵌入式工程师 "
			in.Status = JobClosed
		}))
		if err != nil {
			t.Fatal(err)
		}
		if edited.ID != own.ID || edited.Title != "资深嵌入式工程师" || edited.Status != JobClosed || edited.EnterpriseID == nil || *edited.EnterpriseID != ent.ID {
			t.Errorf("edited job: %+v", edited)
		}
		// What was refused changed nothing.
		again, err := svc.ManagedJob(ctx, admin, own.ID)
		if err != nil || again.Title != edited.Title || again.ZoneID != home || again.Status != JobClosed {
			t.Errorf("the job after the refused edits: %+v (%v)", again, err)
		}
	})
}
