package server_test

import (
	"fmt"
	"strings"
	"testing"

	"zonefair/app/jobfair"
	"zonefair/app/notify"
	"zonefair/app/web"
)

// TestApplicationConversation covers the conversation on an application: its graduate and its
// employer write to each other, each message reaches the conversation's live channel and the
// other side's notifications and mail, and no one else may read, write or join it.
func TestApplicationConversation(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		ent, staff := e.as(web.RoleEnterprise), e.as(web.RoleZoneStaff)
		job := e.post(ent, e.job("财务分析师", nil))
		g := e.graduate("talker", true)
		var a jobfair.Application
		g.do("POST", fmt.Sprintf("/api/v1/jobs/%d/apply", job.ID), nil).want(201).json(&a)
		path := fmt.Sprintf("/api/v1/applications/%d/messages", a.ID)

		var th jobfair.Thread
		g.do("GET", path, nil).want(200).json(&th)
		if len(th.Items) != 0 || th.Channel != fmt.Sprintf("application:%d.%d.%d.%d", a.ID, a.UserID, e.zoneA.ID, e.entA.ID) {
			t.Fatalf("new thread %+v", th)
		}
		var m jobfair.AppMessage
		g.do("POST", path, map[string]any{"body": "  When is the interview?  "}).want(201).json(&m)
		if m.FromEmployer || m.Body != "When is the interview?" {
			t.Fatalf("graduate's message %+v", m)
		}
		ent.do("POST", path, map[string]any{"body": "Friday 10:00, building A"}).want(201).json(&m)
		staff.do("POST", path, map[string]any{"body": "See you there"}).want(201)
		g.do("POST", path, map[string]any{"body": " "}).want(400)

		// Others see nothing: another graduate, the other zone's staff.
		e.graduate("stranger", false).do("GET", path, nil).want(404)
		e.as(web.RoleGraduate).do("POST", path, map[string]any{"body": "hi"}).want(404)

		ent.do("GET", path, nil).want(200).json(&th)
		if len(th.Items) != 3 || th.Items[0].FromEmployer || !th.Items[1].FromEmployer || th.Items[1].Body != "Friday 10:00, building A" {
			t.Fatalf("thread %+v", th.Items)
		}
		if pubs := e.pub.on(th.Channel); len(pubs) != 3 || pubs[1].Kind != "application.message" {
			t.Fatalf("live publications on the thread: %+v", pubs)
		}

		// The graduate is told of the employer's two messages; the enterprise's staff of the
		// graduate's one, with a link to the applicant.
		var list notify.List
		g.do("GET", "/api/v1/notifications", nil).want(200).json(&list)
		if len(list.Items) != 2 || list.Items[1].Kind != "application.message" || !strings.Contains(list.Items[1].TextEn, "Friday 10:00, building A") ||
			list.Items[1].Link != fmt.Sprintf("/applications?id=%d&messages=1", a.ID) {
			t.Fatalf("graduate's notifications %+v", list.Items)
		}
		ent.do("GET", "/api/v1/notifications", nil).want(200).json(&list)
		if len(list.Items) != 1 || !strings.Contains(list.Items[0].TextEn, "When is the interview?") || list.Items[0].Link != fmt.Sprintf("/employer/applicants?application=%d", a.ID) {
			t.Fatalf("enterprise's notifications %+v", list.Items)
		}
		var box notify.OutboxPage
		e.as(web.RoleAdmin).do("GET", "/api/v1/admin/outbox", nil).want(200).json(&box)
		mailed := ""
		for _, it := range box.Items {
			if it.To == "talker@example.test" {
				mailed += it.Body
			}
		}
		if !strings.Contains(mailed, "Friday 10:00, building A") || !strings.Contains(mailed, fmt.Sprintf("/applications?id=%d", a.ID)) {
			t.Fatalf("graduate's mail %q", mailed)
		}
	})
}

// TestApplicationChannelRights checks who may join an application's live channel, by its name.
func TestApplicationChannelRights(t *testing.T) {
	t.Parallel()
	key := "12.5.3.9"
	cases := []struct {
		user      int64
		role      web.Role
		zone, ent int64
		want      bool
	}{
		{5, web.RoleGraduate, 0, 0, true},
		{6, web.RoleGraduate, 0, 0, false},
		{7, web.RoleZoneStaff, 3, 0, true},
		{7, web.RoleZoneStaff, 4, 0, false},
		{8, web.RoleEnterprise, 3, 9, true},
		{8, web.RoleEnterprise, 3, 10, false},
		{9, web.RoleInvestor, 3, 9, false},
		{1, web.RoleAdmin, 0, 0, true},
	}
	for _, c := range cases {
		if got := jobfair.CanJoinApplication(key, c.user, string(c.role), c.zone, c.ent); got != c.want {
			t.Errorf("%+v: %v", c, got)
		}
	}
	for _, bad := range []string{"12.5.3", "12.5.3.9.1", "0.5.3.9", "x.5.3.9", "12.-5.3.9"} {
		if jobfair.CanJoinApplication(bad, 5, string(web.RoleGraduate), 0, 0) {
			t.Errorf("key %q admits", bad)
		}
	}
	// A zone's own job has no enterprise: enterprise staff never match it.
	if jobfair.CanJoinApplication("12.5.3.0", 8, string(web.RoleEnterprise), 3, 0) {
		t.Error("enterprise staff without an enterprise joined a zone job's thread")
	}
}
