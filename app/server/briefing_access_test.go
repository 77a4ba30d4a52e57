package server_test

import (
	"fmt"
	"testing"
	"time"

	"zonefair/app/briefing"
	"zonefair/app/web"
)

// TestBriefingForgedHostActions proves attendees, and staff of a zone that does not host the
// briefing, cannot turn slides, run polls, moderate or end it — over HTTP or by publishing to
// the live channel — and that nothing changed.
func TestBriefingForgedHostActions(t *testing.T) {
	t.Parallel()
	eachLiveEnv(t, func(t *testing.T, e *liveEnv) {
		admin, staffA, inv := e.as(web.RoleAdmin), e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		// Hosted by zone B: zone A's staff are not its hosts.
		b := e.schedule(admin, briefing.Public, e.zoneB.ID, nil)
		admin.upload(bpath(b.ID, "/slides"), "deck.pdf", slides(t, 3)).want(200)
		admin.do("POST", bpath(b.ID, "/start"), nil).want(200)
		var q briefing.Question
		inv.do("POST", bpath(b.ID, "/questions"), map[string]string{"body": "?"}).want(201).json(&q)
		var poll briefing.Poll
		admin.do("POST", bpath(b.ID, "/polls"), map[string]any{"questionZh": "甲乙", "questionEn": "A or B",
			"options": []map[string]string{{"zh": "甲", "en": "A"}, {"zh": "乙", "en": "B"}}}).want(201).json(&poll)

		forged := []struct {
			method, path string
			body         any
		}{
			{"POST", "/page", map[string]int{"page": 2}},
			{"POST", fmt.Sprintf("/polls/%d/open", poll.ID), nil},
			{"POST", "/polls", map[string]any{"questionZh": "x", "questionEn": "x", "options": []map[string]string{{"zh": "a", "en": "a"}, {"zh": "b", "en": "b"}}}},
			{"PATCH", fmt.Sprintf("/questions/%d", q.ID), map[string]any{"answer": "forged", "hidden": true}},
			{"POST", "/moderation", map[string]any{"userId": e.users[web.RoleAdmin].ID, "removed": true}},
			{"POST", "/end", nil},
			{"PUT", "", map[string]any{"titleZh": "篡改", "titleEn": "Forged", "startsAt": time.Now(), "endsAt": time.Now().Add(time.Hour), "visibility": "public"}},
			{"GET", "/analytics", nil},
			{"GET", "/leads.csv", nil},
		}
		for _, f := range forged {
			if res := inv.do(f.method, bpath(b.ID, f.path), f.body); res.status != 403 {
				t.Errorf("investor %s %s: status %d, want 403", f.method, f.path, res.status)
			}
			if res := staffA.do(f.method, bpath(b.ID, f.path), f.body); res.status != 403 {
				t.Errorf("other zone's staff %s %s: status %d, want 403", f.method, f.path, res.status)
			} else if res.errorBody().Code != "forbidden" {
				t.Errorf("wrong error code")
			}
		}
		// Publishing straight to the channel is refused too: the room takes no client publications.
		s := e.dial(inv)
		s.join(b.Channel)
		for _, kind := range []string{"slide.page", "poll.opened", "qa.update", "mod.kick", "chat"} {
			r := s.reply(s.send(map[string]any{"op": "pub", "ch": b.Channel, "kind": kind, "data": map[string]int{"page": 3, "user": 1}}))
			if r.Error == nil || r.Error.Code != "forbidden" {
				t.Errorf("client publish of %s was not refused: %+v", kind, r)
			}
		}
		var room briefing.Room
		inv.do("GET", bpath(b.ID, "/room"), nil).want(200).json(&room)
		if room.Briefing.Page != 1 || room.Polls != nil && len(room.Polls) != 0 || room.Questions[0].Answer != "" || room.Briefing.Phase != "live" {
			t.Fatalf("a refused action changed the room: %+v", room)
		}
		// Staff of a co-hosting zone are hosts.
		admin.do("PUT", bpath(b.ID, ""), map[string]any{"titleZh": "联合推介会", "titleEn": "Joint briefing", "startsAt": time.Now().Add(-time.Hour),
			"endsAt": time.Now().Add(time.Hour), "visibility": "public", "zoneIds": []int64{e.zoneA.ID, e.zoneB.ID}}).want(200)
		staffA.do("POST", bpath(b.ID, "/page"), map[string]int{"page": 2}).want(200)
	})
}

// TestBriefingEndedIsReadOnly proves that once a briefing ends every write is refused while
// the replay stays readable.
func TestBriefingEndedIsReadOnly(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		host, inv := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		b := e.schedule(host, briefing.Public, e.zoneA.ID, nil)
		host.upload(bpath(b.ID, "/slides"), "deck.pdf", slides(t, 2)).want(200)
		host.do("POST", bpath(b.ID, "/start"), nil).want(200)
		var q briefing.Question
		inv.do("POST", bpath(b.ID, "/questions"), map[string]string{"body": "before the end"}).want(201).json(&q)
		var poll briefing.Poll
		host.do("POST", bpath(b.ID, "/polls"), map[string]any{"questionZh": "甲乙", "questionEn": "A or B",
			"options": []map[string]string{{"zh": "甲", "en": "A"}, {"zh": "乙", "en": "B"}}}).want(201).json(&poll)
		host.do("POST", bpath(b.ID, fmt.Sprintf("/polls/%d/open", poll.ID)), nil).want(200)
		host.do("POST", bpath(b.ID, "/end"), nil).want(200)

		writes := []struct {
			c            *client
			method, path string
			body         any
		}{
			{inv, "POST", "/chat", map[string]string{"body": "late"}},
			{inv, "POST", "/questions", map[string]string{"body": "late"}},
			{inv, "POST", fmt.Sprintf("/questions/%d/vote", q.ID), nil},
			{inv, "POST", fmt.Sprintf("/polls/%d/vote", poll.ID), map[string]int{"option": 0}},
			{inv, "POST", "/registration", map[string]any{"answers": map[string]string{"budget": "1"}}},
			{host, "POST", "/page", map[string]int{"page": 2}},
			{host, "PATCH", fmt.Sprintf("/questions/%d", q.ID), map[string]any{"answer": "late"}},
			{host, "POST", "/polls", map[string]any{"questionZh": "x", "questionEn": "x", "options": []map[string]string{{"zh": "a", "en": "a"}, {"zh": "b", "en": "b"}}}},
			{host, "POST", "/start", nil},
			{host, "POST", "/end", nil},
			{host, "POST", "/moderation", map[string]any{"userId": e.users[web.RoleInvestor].ID, "muted": true}},
			{host, "PUT", "", map[string]any{"titleZh": "改名", "titleEn": "Changed", "startsAt": time.Now(), "endsAt": time.Now().Add(time.Hour), "visibility": "public"}},
		}
		for _, w := range writes {
			res := w.c.do(w.method, bpath(b.ID, w.path), w.body)
			if res.status != 409 {
				t.Errorf("%s %s after the end: status %d, want 409: %s", w.method, w.path, res.status, res.body)
			}
		}
		res := host.upload(bpath(b.ID, "/slides"), "deck.pdf", slides(t, 2))
		if res.status != 409 {
			t.Errorf("slides upload after the end: %d", res.status)
		}
		var rp briefing.Replay
		inv.do("GET", bpath(b.ID, "/replay"), nil).want(200).json(&rp)
		if len(rp.Questions) != 1 || rp.Questions[0].Body != "before the end" || rp.Polls[0].Status != "closed" {
			t.Fatalf("replay after the end: %+v", rp)
		}
	})
}

// TestBriefingVisibility checks who sees and enters public, registered and invite-only
// briefings, on the API and on the live channel, and that a removed attendee stays out.
func TestBriefingVisibility(t *testing.T) {
	t.Parallel()
	eachLiveEnv(t, func(t *testing.T, e *liveEnv) {
		host, inv, grad := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor), e.as(web.RoleGraduate)
		anon := e.anon()
		pub := e.schedule(host, briefing.Public, e.zoneA.ID, nil)
		reg := e.schedule(host, briefing.Registered, e.zoneA.ID, nil)
		inviteOnly := e.schedule(host, briefing.InviteOnly, e.zoneA.ID, nil)
		for _, b := range []briefingOut{pub, reg, inviteOnly} {
			host.do("POST", bpath(b.ID, "/start"), nil).want(200)
		}

		listed := func(c *client) map[int64]bool {
			var l briefing.List
			c.do("GET", "/api/v1/briefings", nil).want(200).json(&l)
			out := map[int64]bool{}
			for _, b := range l.Items {
				out[b.ID] = true
			}
			return out
		}
		if l := listed(anon); !l[pub.ID] || !l[reg.ID] || l[inviteOnly.ID] {
			t.Fatalf("anonymous listing %v", l)
		}
		if l := listed(inv); l[inviteOnly.ID] {
			t.Fatal("an uninvited investor sees the invite-only briefing")
		}
		if l := listed(host); !l[inviteOnly.ID] {
			t.Fatal("the host does not see their invite-only briefing")
		}

		// Public: anonymous visitors read the room and join the channel, but cannot act.
		anon.do("GET", bpath(pub.ID, "/room"), nil).want(200)
		if r := e.dial(anon).join(pub.Channel); r.Error != nil {
			t.Fatalf("anonymous join of a public room: %s", r.Error.Code)
		}
		anon.do("POST", bpath(pub.ID, "/chat"), map[string]string{"body": "hi"}).want(401)
		grad.do("POST", bpath(pub.ID, "/chat"), map[string]string{"body": "hi"}).want(201)

		// Registered: seen by logged-in users, entered only after registering.
		anon.do("GET", bpath(reg.ID, ""), nil).want(401)
		if r := e.dial(anon).join(reg.Channel); r.Error == nil || r.Error.Code != "unauthorized" {
			t.Fatalf("anonymous join of a registered room: %+v", r)
		}
		inv.do("GET", bpath(reg.ID, ""), nil).want(200)
		inv.do("GET", bpath(reg.ID, "/room"), nil).want(403)
		inv.do("POST", bpath(reg.ID, "/questions"), map[string]string{"body": "?"}).want(403)
		s := e.dial(inv)
		if r := s.join(reg.Channel); r.Error == nil || r.Error.Code != "forbidden" {
			t.Fatalf("join before registering: %+v", r)
		}
		inv.do("POST", bpath(reg.ID, "/registration"), map[string]any{"answers": map[string]string{}}).want(400)
		register(inv, reg.ID)
		inv.do("POST", bpath(reg.ID, "/registration"), map[string]any{"answers": map[string]string{"budget": "x"}}).want(409)
		inv.do("GET", bpath(reg.ID, "/room"), nil).want(200)
		if r := s.join(reg.Channel); r.Error != nil {
			t.Fatalf("join after registering: %s", r.Error.Code)
		}

		// Invite-only: invisible until invited, then open to register and enter.
		inv.do("GET", bpath(inviteOnly.ID, ""), nil).want(404)
		inv.do("POST", bpath(inviteOnly.ID, "/registration"), map[string]any{"answers": map[string]string{"budget": "x"}}).want(404)
		host.do("POST", bpath(inviteOnly.ID, "/invites"), map[string]any{"emails": []string{"INVESTOR@example.test"}}).want(204)
		inv.do("GET", bpath(inviteOnly.ID, ""), nil).want(200)
		register(inv, inviteOnly.ID)
		if r := s.join(inviteOnly.Channel); r.Error != nil {
			t.Fatalf("invited join: %s", r.Error.Code)
		}
		grad.do("GET", bpath(inviteOnly.ID, ""), nil).want(404)

		// Removal: the attendee's connection leaves the channel on every instance and stays out.
		host.do("POST", bpath(reg.ID, "/moderation"), map[string]any{"userId": e.users[web.RoleInvestor].ID, "removed": true}).want(200)
		inv.do("GET", bpath(reg.ID, "/room"), nil).want(403)
		inv.do("POST", bpath(reg.ID, "/chat"), map[string]string{"body": "back"}).want(403)
		s2 := e.dial(inv)
		if r := s2.join(reg.Channel); r.Error == nil || r.Error.Code != "forbidden" {
			t.Fatalf("a removed attendee rejoined: %+v", r)
		}
		// Muting stops text but not votes.
		host.do("POST", bpath(pub.ID, "/moderation"), map[string]any{"userId": e.users[web.RoleGraduate].ID, "muted": true}).want(200)
		grad.do("POST", bpath(pub.ID, "/chat"), map[string]string{"body": "again"}).want(403)
		var q briefing.Question
		host.do("POST", bpath(pub.ID, "/questions"), map[string]string{"body": "Q"}).want(201).json(&q)
		grad.do("POST", bpath(pub.ID, fmt.Sprintf("/questions/%d/vote", q.ID)), nil).want(200)
		// Hidden questions reach attendees without their text.
		hostile := "<script>alert(1)</script>"
		var hq briefing.Question
		inv.do("POST", bpath(pub.ID, "/questions"), map[string]string{"body": hostile}).want(201).json(&hq)
		host.do("PATCH", bpath(pub.ID, fmt.Sprintf("/questions/%d", hq.ID)), map[string]any{"hidden": true}).want(200)
		var room briefing.Room
		grad.do("GET", bpath(pub.ID, "/room"), nil).want(200).json(&room)
		for _, x := range room.Questions {
			if x.ID == hq.ID {
				t.Fatal("an attendee sees a hidden question")
			}
		}
		host.do("GET", bpath(pub.ID, "/room"), nil).want(200).json(&room)
		if len(room.Questions) != 2 {
			t.Fatalf("the host sees %d questions, want 2 with the hidden one", len(room.Questions))
		}
	})
}

// TestBriefingPostingIsRateLimited proves one attendee cannot flood a room every attendee
// receives, while others keep posting.
func TestBriefingPostingIsRateLimited(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		host, inv, grad := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor), e.as(web.RoleGraduate)
		b := e.schedule(host, briefing.Public, e.zoneA.ID, nil)
		host.do("POST", bpath(b.ID, "/start"), nil).want(200)
		for range briefing.ChatLimit.Events {
			inv.do("POST", bpath(b.ID, "/chat"), map[string]string{"body": "spam"}).want(201)
		}
		if res := inv.do("POST", bpath(b.ID, "/chat"), map[string]string{"body": "spam"}); res.status != 429 || res.header.Get("Retry-After") == "" {
			t.Fatalf("flooding chat: status %d", res.status)
		}
		grad.do("POST", bpath(b.ID, "/chat"), map[string]string{"body": "still heard"}).want(201)
		var room briefing.Room
		grad.do("GET", bpath(b.ID, "/room"), nil).want(200).json(&room)
		if n := len(room.Chat); n != briefing.ChatLimit.Events+1 {
			t.Fatalf("%d chat messages stored, want %d", n, briefing.ChatLimit.Events+1)
		}
	})
}

// TestBriefingCapacity proves a full briefing refuses registrations, even when they race.
func TestBriefingCapacity(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		host := e.as(web.RoleZoneStaff)
		b := e.schedule(host, briefing.Registered, e.zoneA.ID, map[string]any{"capacity": 1})
		people := []*client{e.as(web.RoleInvestor), e.as(web.RoleGraduate), e.as(web.RoleEnterprise)}
		statuses := make(chan int, len(people))
		for _, c := range people {
			go func() {
				statuses <- c.do("POST", bpath(b.ID, "/registration"), map[string]any{"answers": map[string]string{"budget": "1"}}).status
			}()
		}
		got := map[int]int{}
		for range people {
			got[<-statuses]++
		}
		if got[201] != 1 || got[409] != 2 {
			t.Fatalf("registrations for one seat: %v", got)
		}
	})
}
