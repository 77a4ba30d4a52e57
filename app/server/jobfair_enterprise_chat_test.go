package server_test

import (
	"fmt"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/jobfair"
	"zonefair/app/seed"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// TestEnterpriseBoothChat: a graduate talks to one of the booth's enterprises; its staff see and
// answer that conversation (live on the conversation and their enterprise's inbox) and nothing
// else, another enterprise's staff see none of it, and an enterprise that is not at the booth
// is refused.
func TestEnterpriseBoothChat(t *testing.T) {
	t.Parallel()
	eachFairEnv(t, func(t *testing.T, e *fairEnv) {
		g := e.graduate("asker", true)
		hr, staff := e.as(web.RoleEnterprise), e.as(web.RoleZoneStaff)
		// A second enterprise in zone A with its own staff member.
		other := zone.Enterprise{ZoneID: e.zoneA.ID, NameZh: "丙公司", NameEn: "Gamma Co", Industry: "electronics", Ownership: "domestic"}
		if err := zone.NewStore(e.db).CreateEnterprise(t.Context(), &other); err != nil {
			t.Fatal(err)
		}
		u := account.User{Email: "gamma@example.test", Name: "gamma hr", Role: web.RoleEnterprise, ZoneID: &e.zoneA.ID, EnterpriseID: &other.ID, Locale: "en"}
		if err := account.EnsureUser(t.Context(), account.NewStore(e.db), &u, testPassword); err != nil {
			t.Fatal(err)
		}
		gamma := e.anon()
		gamma.do("POST", "/api/v1/auth/login", map[string]string{"email": u.Email, "password": testPassword}).want(200)

		open := fmt.Sprintf("/api/v1/fairs/%d/booths/%d/chat", e.fair.ID, e.zoneA.ID)
		var withBooth, withAlpha, again jobfair.Conversation
		g.do("POST", open, nil).want(200).json(&withBooth)
		g.do("POST", fmt.Sprintf("%s?enterpriseId=%d", open, e.entA.ID), nil).want(200).json(&withAlpha)
		g.do("POST", fmt.Sprintf("%s?enterpriseId=%d", open, e.entA.ID), nil).want(200).json(&again)
		if withAlpha.ID == withBooth.ID || again.ID != withAlpha.ID || withAlpha.EnterpriseID != e.entA.ID || withAlpha.EnterpriseNameEn != "Alpha Co" || withBooth.EnterpriseID != 0 {
			t.Fatalf("conversations: booth %+v, Alpha %+v, again %+v", withBooth, withAlpha, again)
		}
		wantChannel := fmt.Sprintf("chat:%d.%d.%d.%d", e.fair.ID, e.zoneA.ID, withAlpha.GraduateID, e.entA.ID)
		if withAlpha.Channel != wantChannel {
			t.Fatalf("channel %q, want %q", withAlpha.Channel, wantChannel)
		}
		// An enterprise of another zone is not at this booth; a bad id is a 400.
		g.do("POST", fmt.Sprintf("%s?enterpriseId=%d", open, e.entB.ID), nil).want(400)
		g.do("POST", open+"?enterpriseId=-1", nil).want(400)
		g.do("POST", open+"?enterpriseId=x", nil).want(400)
		hr.do("POST", open, nil).want(403) // staff do not open conversations

		msgs := func(c jobfair.Conversation) string {
			return fmt.Sprintf("/api/v1/chat/conversations/%d/messages", c.ID)
		}
		g.do("POST", msgs(withAlpha), map[string]any{"body": "Do you sponsor internships?"}).want(201)
		var reply jobfair.Message
		hr.do("POST", msgs(withAlpha), map[string]any{"body": "Yes, every summer."}).want(201).json(&reply)
		if !reply.FromStaff {
			t.Fatalf("reply %+v", reply)
		}
		staff.do("GET", msgs(withAlpha), nil).want(200) // the booth's host sees it too
		// The enterprise's staff answer only their enterprise's conversations.
		hr.do("GET", msgs(withBooth), nil).want(404)
		hr.do("POST", msgs(withBooth), map[string]any{"body": "hello"}).want(404)
		gamma.do("GET", msgs(withAlpha), nil).want(404)
		gamma.do("POST", msgs(withAlpha), map[string]any{"body": "hello"}).want(404)

		var list jobfair.ConversationList
		hr.do("GET", "/api/v1/chat/conversations", nil).want(200).json(&list)
		if len(list.Items) != 1 || list.Items[0].ID != withAlpha.ID || list.Items[0].GraduateName != "asker" || list.Items[0].Last == nil || list.Items[0].Last.Body != "Yes, every summer." {
			t.Fatalf("enterprise inbox: %+v", list.Items)
		}
		gamma.do("GET", "/api/v1/chat/conversations", nil).want(200).json(&list)
		if len(list.Items) != 0 {
			t.Fatalf("another enterprise's inbox: %+v", list.Items)
		}
		staff.do("GET", "/api/v1/chat/conversations", nil).want(200).json(&list)
		if len(list.Items) != 2 {
			t.Fatalf("zone staff inbox: %+v", list.Items)
		}
		if n := len(e.pub.on(wantChannel)); n != 2 {
			t.Fatalf("%d publications on the conversation, want 2", n)
		}
		if n := len(e.pub.on(jobfair.EnterpriseInboxChannel(e.fair.ID, e.zoneA.ID, e.entA.ID))); n != 2 {
			t.Fatalf("%d publications on the enterprise's inbox, want 2", n)
		}
		if n := len(e.pub.on(jobfair.BoothChannel(e.fair.ID, e.zoneA.ID))); n != 2 {
			t.Fatalf("%d publications on the booth's inbox, want 2", n)
		}

		// Joining live channels follows the same rights.
		key := fmt.Sprintf("%d.%d.%d.%d", e.fair.ID, e.zoneA.ID, withAlpha.GraduateID, e.entA.ID)
		inbox := fmt.Sprintf("%d.%d.%d", e.fair.ID, e.zoneA.ID, e.entA.ID)
		ent := string(web.RoleEnterprise)
		for _, c := range []struct {
			typ, key, role  string
			user, zone, ent int64
			expect          bool
		}{
			{jobfair.ChatChannelType, key, string(web.RoleGraduate), withAlpha.GraduateID, 0, 0, true},
			{jobfair.ChatChannelType, key, string(web.RoleGraduate), withAlpha.GraduateID + 1000, 0, 0, false},
			{jobfair.ChatChannelType, key, ent, 1, e.zoneA.ID, e.entA.ID, true},
			{jobfair.ChatChannelType, key, ent, 1, e.zoneA.ID, other.ID, false},
			{jobfair.ChatChannelType, key, ent, 1, e.zoneB.ID, e.entA.ID, false},
			{jobfair.ChatChannelType, key, string(web.RoleZoneStaff), 1, e.zoneA.ID, 0, true},
			{jobfair.ChatChannelType, fmt.Sprintf("%d.%d.%d", e.fair.ID, e.zoneA.ID, withAlpha.GraduateID), ent, 1, e.zoneA.ID, e.entA.ID, false},
			{jobfair.BoothChannelType, inbox, ent, 1, e.zoneA.ID, e.entA.ID, true},
			{jobfair.BoothChannelType, inbox, ent, 1, e.zoneA.ID, other.ID, false},
			{jobfair.BoothChannelType, fmt.Sprintf("%d.%d", e.fair.ID, e.zoneA.ID), ent, 1, e.zoneA.ID, e.entA.ID, false},
			{jobfair.BoothChannelType, inbox, string(web.RoleGraduate), withAlpha.GraduateID, 0, 0, false},
			{jobfair.ChatChannelType, key, ent, 1, e.zoneA.ID, 0, false},
		} {
			if got := jobfair.CanJoinChatAs(c.typ, c.key, c.user, c.role, c.zone, c.ent); got != c.expect {
				t.Errorf("CanJoinChatAs(%s, %s, %d, %s, zone %d, enterprise %d) = %v", c.typ, c.key, c.user, c.role, c.zone, c.ent, got)
			}
		}
	})
}

// TestDemoEnterpriseChat: the demo enterprise's staff find a graduate's question in booth chat,
// once however often the demo is seeded.
func TestDemoEnterpriseChat(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, g *gorm.DB) {
		// A copy of the seeded demo: seeding again adds nothing.
		if _, err := seed.Demo(t.Context(), g); err != nil {
			t.Fatal(err)
		}
		hr, err := account.NewStore(g).ByEmail(t.Context(), "hr.enterprise@zonefair.test")
		if err != nil {
			t.Fatal(err)
		}
		list, err := jobfair.NewStore(g, zone.NewStore(g), account.NewStore(g)).Conversations(t.Context(), hr.Actor(), jobfair.ConversationQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) != 1 || list.Items[0].Last == nil || list.Items[0].Last.FromStaff || list.Items[0].EnterpriseID != *hr.EnterpriseID {
			t.Fatalf("the enterprise's conversations: %+v", list.Items)
		}
	})
}
