package server_test

import (
	"fmt"
	"time"

	"zonefair/app/jobfair"
	"zonefair/app/meeting"
	"zonefair/app/web"
)

// meetFixture is a job fair with zones A and B, a published job of enterprise A, and the
// clients the meeting tests use.
type meetFixture struct {
	e     *env
	fair  jobfair.Fair
	job   jobfair.Job
	ent   *client // enterprise A's staff: publishes interview slots
	staff *client // zone A's staff
}

func newMeetFixture(e *env) *meetFixture {
	e.t.Helper()
	f := &meetFixture{e: e, ent: e.as(web.RoleEnterprise), staff: e.as(web.RoleZoneStaff)}
	now := time.Now().UTC()
	e.as(web.RoleAdmin).do("POST", "/api/v1/fairs", map[string]any{
		"nameZh": "2026届网络招聘会", "nameEn": "2026 Online Job Fair",
		"startsAt": now.Add(-time.Hour), "endsAt": now.Add(30 * 24 * time.Hour), "zoneIds": []int64{e.zoneA.ID, e.zoneB.ID},
	}).want(201).json(&f.fair)
	f.ent.do("POST", "/api/v1/jobs", map[string]any{
		"fairId": f.fair.ID, "title": "会计", "category": "finance", "majors": []string{"accounting"},
		"degree": "bachelor", "salaryMin": 6000, "salaryMax": 9000, "headcount": 2,
		"deadline":    time.Now().In(jobfair.China).AddDate(0, 0, 7).Format(time.DateOnly),
		"description": "负责日常账务处理。", "status": "published",
	}).want(201).json(&f.job)
	return f
}

// graduate registers a graduate with a profile; invited also applies to the job and has
// enterprise A move the application to the interview stage.
func (f *meetFixture) graduate(name string, invited bool) (*client, int64) {
	f.e.t.Helper()
	c := f.e.anon()
	c.do("POST", "/api/v1/auth/register", map[string]any{"email": name + "@example.test", "password": testPassword, "name": name, "role": "graduate"}).want(201)
	c.do("PUT", "/api/v1/graduate/profile", profileInput).want(200)
	if !invited {
		return c, 0
	}
	var a jobfair.Application
	c.do("POST", fmt.Sprintf("/api/v1/jobs/%d/apply", f.job.ID), map[string]any{"coverNote": "hi"}).want(201).json(&a)
	f.ent.do("POST", fmt.Sprintf("/api/v1/applications/%d/status", a.ID), map[string]any{"status": "interview"}).want(200)
	return c, a.ID
}

// slot publishes one interview slot of enterprise A starting in `in`.
func (f *meetFixture) slot(in time.Duration, over map[string]any) meeting.Meeting {
	f.e.t.Helper()
	body := map[string]any{"kind": "interview", "startsAt": time.Now().UTC().Add(in), "timeZone": "Europe/Berlin", "minutes": 30, "bufferMinutes": 10, "title": "一面"}
	for k, v := range over {
		body[k] = v
	}
	var out []meeting.Meeting
	f.ent.do("POST", "/api/v1/meeting-slots", body).want(201).json(&out)
	return out[0]
}

func slotPath(id int64, rest string) string {
	return fmt.Sprintf("/api/v1/meeting-slots/%d%s", id, rest)
}
func roomPath(id int64, rest string) string {
	return fmt.Sprintf("/api/v1/meeting-rooms/%d%s", id, rest)
}
func (f *meetFixture) queuePath(zoneID int64, rest string) string {
	return fmt.Sprintf("/api/v1/fairs/%d/booths/%d/queue%s", f.fair.ID, zoneID, rest)
}
