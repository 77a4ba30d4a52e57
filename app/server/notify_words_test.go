package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"zonefair/app/notify"
	"zonefair/app/project"
	"zonefair/app/web"
)

type worded struct {
	Kind   string `json:"kind"`
	TextZh string `json:"textZh"`
	TextEn string `json:"textEn"`
	Link   string `json:"link"`
}

// notices returns c's notifications, failing on any that reads as the generic text.
func notices(t *testing.T, c *client) []worded {
	t.Helper()
	var list struct{ Items []worded }
	c.do("GET", "/api/v1/notifications", nil).want(200).json(&list)
	for _, n := range list.Items {
		if n.TextZh == "" || n.TextZh == notify.Generic.TextZh || n.TextEn == notify.Generic.TextEn || !strings.HasPrefix(n.Link, "/") {
			t.Errorf("%s reads %+v", n.Kind, n)
		}
	}
	return list.Items
}

// TestNotificationsSayWhatHappened walks an investor's interest and meeting request through
// the zone's answer: both sides' notifications name the project, the people and the time and
// link to the request, and each side gets the same words by email.
func TestNotificationsSayWhatHappened(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff, inv := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		p := newProject(e, staff, nil)
		inv.do("POST", fmt.Sprintf("/api/v1/projects/%d/interest", p.ID), map[string]string{"message": "hi"}).want(201)
		at := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Minute)
		var m project.MeetingRequest
		inv.do("POST", "/api/v1/meetings", map[string]any{"projectId": p.ID, "proposed": []time.Time{at}}).want(201).json(&m)
		staff.do("POST", fmt.Sprintf("/api/v1/meetings/%d/accept", m.ID), map[string]any{"startsAt": at}).want(200)

		link := fmt.Sprintf("/meetings/%d", m.ID)
		got := notices(t, staff)
		if len(got) != 3 || got[2].Kind != "project.interest" || got[1].Kind != "meeting.requested" || got[0].Kind != "meeting.accepted" {
			t.Fatalf("staff notifications %+v", got)
		}
		if !strings.Contains(got[1].TextEn, p.TitleEn) || !strings.Contains(got[1].TextZh, p.TitleZh) || got[1].Link != link {
			t.Errorf("request reads %+v", got[1])
		}
		mine := notices(t, inv)
		if len(mine) != 1 || !strings.Contains(mine[0].TextEn, "accepted") || !strings.Contains(mine[0].TextEn, e.zoneA.NameEn) || mine[0].Link != link {
			t.Fatalf("investor notifications %+v", mine)
		}

		var outbox struct {
			Items []struct{ To, Subject, Body string }
		}
		e.as(web.RoleAdmin).do("GET", "/api/v1/admin/outbox", nil).want(200).json(&outbox)
		mailed := map[string]string{}
		for _, o := range outbox.Items {
			mailed[o.To] += o.Subject + "\n" + o.Body
		}
		if s := mailed[e.users[web.RoleInvestor].Email]; !strings.Contains(s, mine[0].TextEn) || !strings.Contains(s, link) {
			t.Errorf("investor's mail:\n%s", s)
		}
		if s := mailed[e.users[web.RoleZoneStaff].Email]; !strings.Contains(s, got[1].TextEn) || !strings.Contains(s, got[2].TextEn) {
			t.Errorf("staff's mail:\n%s", s)
		}
	})
}

// TestMailboxOnlyInDemos keeps each user's mail to the outbox's admins unless the demo mailbox
// is on (ZONEFAIR_DEMO without SMTP), which these tests' servers are not.
func TestMailboxOnlyInDemos(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		var info notify.MailboxInfo
		e.as(web.RoleInvestor).do("GET", "/api/v1/mailbox/info", nil).want(200).json(&info)
		if info.Enabled {
			t.Fatal("mailbox open outside a demo")
		}
		e.as(web.RoleInvestor).do("GET", "/api/v1/mailbox", nil).want(404)
		e.anon().do("GET", "/api/v1/mailbox/info", nil).want(401)
	})
}
