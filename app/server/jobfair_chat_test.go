package server_test

import (
	"fmt"
	"testing"

	"zonefair/app/jobfair"
	"zonefair/app/live"
	"zonefair/app/web"
)

// TestBoothChat: one conversation per graduate per booth, staff of that booth only, history in
// order, every message published live to the conversation and the booth's inbox.
func TestBoothChat(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		g := e.graduate("chatter", true)
		other := e.graduate("other", true)
		staff := e.as(web.RoleZoneStaff)
		open := fmt.Sprintf("/api/v1/fairs/%d/booths/%d/chat", e.fair.ID, e.zoneA.ID)
		var c1, c2, c3 jobfair.Conversation
		g.do("POST", open, nil).want(200).json(&c1)
		g.do("POST", open, nil).want(200).json(&c2)
		other.do("POST", open, nil).want(200).json(&c3)
		if c1.ID != c2.ID || c1.ID == c3.ID || c1.Channel != jobfair.ChatChannel(e.fair.ID, e.zoneA.ID, c1.GraduateID) {
			t.Fatalf("conversations: %+v %+v %+v", c1, c2, c3)
		}
		g.do("POST", fmt.Sprintf("/api/v1/fairs/%d/booths/%d/chat", e.fair.ID, 99999), nil).want(404)

		msgs := fmt.Sprintf("/api/v1/chat/conversations/%d/messages", c1.ID)
		hostile := "<script>alert('x')</script>"
		g.do("POST", msgs, map[string]any{"body": hostile}).want(201)
		staff.do("POST", msgs, map[string]any{"body": "您好，欢迎投递！"}).want(201)
		g.do("POST", msgs, map[string]any{"body": "   "}).want(400)
		g.do("POST", msgs, map[string]any{"body": "a\x00b"}).want(400)
		other.do("POST", msgs, map[string]any{"body": "intrusion"}).want(404)
		other.do("GET", msgs, nil).want(404)
		e.as(web.RoleEnterprise).do("GET", msgs, nil).want(404) // not their enterprise's conversation

		var page jobfair.MessagePage
		staff.do("GET", msgs, nil).want(200).json(&page)
		if len(page.Items) != 2 || page.Items[0].Body != hostile || !page.Items[1].FromStaff {
			t.Fatalf("history: %+v", page)
		}
		g.do("GET", msgs+"?limit=1", nil).want(200).json(&page)
		if len(page.Items) != 1 || !page.HasMore || page.Items[0].FromStaff != true {
			t.Fatalf("latest page: %+v", page)
		}
		var list jobfair.ConversationList
		staff.do("GET", "/api/v1/chat/conversations", nil).want(200).json(&list)
		if len(list.Items) != 2 || list.Items[0].ID != c1.ID || list.Items[0].Last == nil || list.Items[0].GraduateName != "chatter" {
			t.Fatalf("staff inbox: %+v", list.Items)
		}
		if n := len(e.pub.on(c1.Channel)); n != 2 {
			t.Fatalf("%d publications on the conversation, want 2", n)
		}
		if n := len(e.pub.on(jobfair.BoothChannel(e.fair.ID, e.zoneA.ID))); n != 2 {
			t.Fatalf("%d publications on the booth inbox, want 2", n)
		}
		// Joining rights follow from the channel name.
		key := fmt.Sprintf("%d.%d.%d", e.fair.ID, e.zoneA.ID, c1.GraduateID)
		for _, c := range []struct {
			user   int64
			role   web.Role
			zone   int64
			typ    string
			key    string
			expect bool
		}{
			{c1.GraduateID, web.RoleGraduate, 0, jobfair.ChatChannelType, key, true},
			{c3.GraduateID, web.RoleGraduate, 0, jobfair.ChatChannelType, key, false},
			{1, web.RoleZoneStaff, e.zoneA.ID, jobfair.ChatChannelType, key, true},
			{1, web.RoleZoneStaff, e.zoneB.ID, jobfair.ChatChannelType, key, false},
			{1, web.RoleZoneStaff, e.zoneA.ID, jobfair.BoothChannelType, fmt.Sprintf("%d.%d", e.fair.ID, e.zoneA.ID), true},
			{c1.GraduateID, web.RoleGraduate, 0, jobfair.BoothChannelType, fmt.Sprintf("%d.%d", e.fair.ID, e.zoneA.ID), false},
			{c1.GraduateID, web.RoleGraduate, 0, jobfair.ChatChannelType, "x.1.2", false},
		} {
			if got := jobfair.CanJoinChat(c.typ, c.key, c.user, string(c.role), c.zone); got != c.expect {
				t.Errorf("CanJoinChat(%s, %s, %d, %s, %d) = %v", c.typ, c.key, c.user, c.role, c.zone, got)
			}
		}
	})
}

// TestFairPages covers fair creation rules, the home page and booths.
func TestFairPages(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		admin, staff := e.as(web.RoleAdmin), e.as(web.RoleZoneStaff)
		e.post(staff, e.job("会计", nil))
		var d jobfair.FairDetail
		e.anon().do("GET", fmt.Sprintf("/api/v1/fairs/%d", e.fair.ID), nil).want(200).json(&d)
		if d.Phase != "open" || len(d.Booths) != 2 || d.Stats.OpenJobs != 1 {
			t.Fatalf("fair home: %+v", d)
		}
		var b jobfair.BoothDetail
		e.anon().do("GET", fmt.Sprintf("/api/v1/fairs/%d/booths/%d", e.fair.ID, e.zoneA.ID), nil).want(200).json(&b)
		if b.OpenJobs != 1 || len(b.Jobs) != 1 || len(b.Enterprises) != 1 {
			t.Fatalf("booth: %+v", b)
		}
		e.anon().do("GET", fmt.Sprintf("/api/v1/fairs/%d/booths/%d", e.fair.ID, 424242), nil).want(404)
		e.anon().do("GET", "/api/v1/fairs/424242", nil).want(404)
		bad := map[string]any{"nameZh": "测试招聘会", "nameEn": "Test fair", "startsAt": "2026-06-02T00:00:00Z", "endsAt": "2026-06-01T00:00:00Z"}
		admin.do("POST", "/api/v1/fairs", bad).want(400)
		bad["endsAt"], bad["zoneIds"] = "2026-06-03T00:00:00Z", []int64{424242}
		admin.do("POST", "/api/v1/fairs", bad).want(400)
		// A zone with jobs at the fair stays in it.
		keep := map[string]any{"nameZh": "改名", "nameEn": "Renamed", "startsAt": e.fair.StartsAt, "endsAt": e.fair.EndsAt, "zoneIds": []int64{e.zoneB.ID}}
		admin.do("PUT", fmt.Sprintf("/api/v1/fairs/%d", e.fair.ID), keep).want(409)
		// Closing the fair closes its jobs to search.
		keep["zoneIds"], keep["endsAt"] = []int64{e.zoneA.ID, e.zoneB.ID}, e.fair.StartsAt.Add(1)
		admin.do("PUT", fmt.Sprintf("/api/v1/fairs/%d", e.fair.ID), keep).want(200)
		var r jobfair.Results
		e.anon().do("GET", "/api/v1/jobs?q=会计", nil).want(200).json(&r)
		if r.Total != 0 {
			t.Fatalf("a closed fair's job is still found: %+v", r.Items)
		}
	})
}

// TestChatChannelRights checks the channel types handed to the live hub.
func TestChatChannelRights(t *testing.T) {
	t.Parallel()
	types := jobfair.ChatChannels()
	if len(types) != 3 || types[0].Name != jobfair.ChatChannelType || types[1].Name != jobfair.BoothChannelType || types[2].Name != jobfair.ApplicationChannelType {
		t.Fatalf("channel types: %+v", types)
	}
	grad := live.Identity{UserID: 7, Role: string(web.RoleGraduate)}
	staff := live.Identity{UserID: 8, Role: string(web.RoleZoneStaff), ZoneID: 3}
	// An application's thread: its graduate and its zone's staff, never anonymous readers.
	if types[2].Rights(grad, "12.7.3.0") != live.CanJoin || types[2].Rights(grad, "12.9.3.0") != 0 ||
		types[2].Rights(staff, "12.7.3.0") != live.CanJoin || types[2].Rights(live.Identity{}, "12.7.3.0") != 0 {
		t.Fatal("application channel rights")
	}
	if types[0].Rights(grad, "1.3.7") != live.CanJoin || types[0].Rights(grad, "1.3.9") != 0 ||
		types[0].Rights(staff, "1.3.7") != live.CanJoin || types[0].Rights(live.Identity{}, "1.3.7") != 0 {
		t.Fatal("conversation channel rights")
	}
	if types[1].Rights(staff, "1.3") != live.CanJoin || types[1].Rights(grad, "1.3") != 0 {
		t.Fatal("booth inbox rights")
	}
}

// Instances keep the identities of their callers between requests: a graduate who renames
// themself on one instance sends their next message on the other under the new name, and
// staff moved to another zone (by an operator, who then tells the instances) lose the first
// zone's conversations on every instance at once.
func TestIdentityChangesReachEveryInstance(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		second := e.instance(&recorder{}, t.TempDir())
		g := e.graduate("before", true)
		g2 := g.on(second)
		var c jobfair.Conversation
		g2.do("POST", fmt.Sprintf("/api/v1/fairs/%d/booths/%d/chat", e.fair.ID, e.zoneA.ID), nil).want(200).json(&c)
		msgs := fmt.Sprintf("/api/v1/chat/conversations/%d/messages", c.ID)
		var m jobfair.Message
		g2.do("POST", msgs, map[string]any{"body": "一"}).want(201).json(&m)
		first := m.SenderName
		g.do("PATCH", "/api/v1/account", map[string]any{"name": "改名以后"}).want(200)
		g2.do("POST", msgs, map[string]any{"body": "二"}).want(201).json(&m)
		if m.SenderName != "改名以后" || first == m.SenderName {
			t.Errorf("after renaming on one instance the other sends as %q (before: %q)", m.SenderName, first)
		}

		staff := e.as(web.RoleZoneStaff)
		staff2 := staff.on(second)
		staff.do("GET", msgs, nil).want(200)
		staff2.do("GET", msgs, nil).want(200)
		e.db.Exec("UPDATE users SET zone_id = ? WHERE id = ?", e.zoneB.ID, e.users[web.RoleZoneStaff].ID)
		e.accountsChanged()
		staff.do("GET", msgs, nil).want(404)
		staff2.do("GET", msgs, nil).want(404)
		e.db.Exec("UPDATE users SET zone_id = ? WHERE id = ?", e.zoneA.ID, e.users[web.RoleZoneStaff].ID)
		e.accountsChanged()
		staff2.do("GET", msgs, nil).want(200)
	})
}
