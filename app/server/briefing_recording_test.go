package server_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zonefair/app/account"
	"zonefair/app/briefing"
	"zonefair/app/seed"
	"zonefair/app/web"
)

// staffOf logs in a zone staff member of zoneID (created on first use).
func (e *env) staffOf(zoneID int64) *client {
	e.t.Helper()
	u := account.User{Email: fmt.Sprintf("staff.%d@example.test", zoneID), Name: "Other zone staff", Role: web.RoleZoneStaff, ZoneID: &zoneID, Locale: "en"}
	if err := account.EnsureUser(context.Background(), account.NewStore(e.db), &u, testPassword); err != nil {
		e.t.Fatal(err)
	}
	c := e.anon()
	c.do("POST", "/api/v1/auth/login", map[string]string{"email": u.Email, "password": testPassword}).want(200)
	return c
}

// TestBriefingRecordingAfterEnd proves the hosts can add, change and clear the recording link
// after the briefing ended, the replay shows it, nobody else can, a link that is not a plain
// http(s) address is refused, and everything else stays read-only.
func TestBriefingRecordingAfterEnd(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		host, admin, inv := e.as(web.RoleZoneStaff), e.as(web.RoleAdmin), e.as(web.RoleInvestor)
		otherZone := e.staffOf(e.zoneB.ID)
		b := e.schedule(host, briefing.Public, e.zoneA.ID, nil)
		host.do("POST", bpath(b.ID, "/start"), nil).want(200)
		host.do("POST", bpath(b.ID, "/end"), nil).want(200)
		rec := bpath(b.ID, "/recording")
		const link = "https://video.example.test/replays/42?t=0#start"

		// Only its hosts and admins set it.
		e.anon().do("PUT", rec, map[string]string{"url": link}).want(401)
		for name, c := range map[string]*client{"investor": inv, "another zone's staff": otherZone} {
			res := c.do("PUT", rec, map[string]string{"url": link})
			if res.status != 403 || res.errorBody().Code != "forbidden" {
				t.Errorf("%s set the recording: status %d %s", name, res.status, res.body)
			}
		}

		// Hostile or malformed links are refused, and nothing is stored.
		for _, bad := range []string{
			"javascript:alert(1)", "ftp://files.example.test/rec.mp4", "video.example.test/rec", "https://", "//video.example.test/rec",
			"https://video.example.test/<script>alert(1)</script>", `https://video.example.test/"onmouseover="alert(1)`,
			"https://video.example.test/a b", "https://user:pw@video.example.test/rec", "https://video.example.test/\u0000",
			"https://video.example.test/" + strings.Repeat("a", 500),
		} {
			res := host.do("PUT", rec, map[string]string{"url": bad})
			if res.status != 400 {
				t.Errorf("link %q: status %d, want 400: %s", bad, res.status, res.body)
				continue
			}
			if d := res.errorBody(); len(d.Details) != 1 || d.Details[0].Field != "url" || d.Details[0].Message == "" {
				t.Errorf("link %q: details %+v", bad, d.Details)
			}
		}
		host.do("PUT", rec, map[string]any{"url": link, "titleEn": "smuggled"}).want(400)

		// The host adds it after the end; the replay shows it.
		var out briefing.Briefing
		host.do("PUT", rec, map[string]string{"url": link}).want(200).json(&out)
		if out.RecordingURL != link || out.Phase != briefing.Ended {
			t.Fatalf("after setting: %+v", out)
		}
		replayLink := func() string {
			var rp briefing.Replay
			inv.do("GET", bpath(b.ID, "/replay"), nil).want(200).json(&rp)
			return rp.Briefing.RecordingURL
		}
		if got := replayLink(); got != link {
			t.Fatalf("replay recording %q, want %q", got, link)
		}
		// An admin may change it, and a host may clear it.
		admin.do("PUT", rec, map[string]string{"url": "http://media.example.test/r.m3u8"}).want(200)
		if got := replayLink(); got != "http://media.example.test/r.m3u8" {
			t.Fatalf("after the admin's change: %q", got)
		}
		host.do("PUT", rec, map[string]string{"url": ""}).want(200).json(&out)
		if out.RecordingURL != "" || replayLink() != "" {
			t.Fatalf("not cleared: %+v", out)
		}

		// Everything else stays read-only, including the recording through the full edit.
		res := host.do("PUT", bpath(b.ID, ""), map[string]any{"titleZh": "改名", "titleEn": "Changed", "startsAt": time.Now(), "endsAt": time.Now().Add(time.Hour),
			"visibility": "public", "recordingUrl": link})
		if res.status != 409 || res.errorBody().Code != "conflict" {
			t.Fatalf("full edit after the end: %d %s", res.status, res.body)
		}
		host.do("POST", bpath(b.ID, "/page"), map[string]int{"page": 1}).want(409)
		var d briefing.Detail
		inv.do("GET", bpath(b.ID, ""), nil).want(200).json(&d)
		if d.TitleEn != "Suzhou Industrial Park briefing" || d.RecordingURL != "" {
			t.Fatalf("a refused edit changed the briefing: %+v", d.Briefing)
		}

		// Before the end it works too (a link announced ahead).
		up := e.schedule(host, briefing.Public, e.zoneA.ID, map[string]any{"startsAt": time.Now().Add(time.Hour), "endsAt": time.Now().Add(2 * time.Hour)})
		host.do("PUT", bpath(up.ID, "/recording"), map[string]string{"url": link}).want(200).json(&out)
		if out.RecordingURL != link || out.Phase != briefing.Upcoming {
			t.Fatalf("upcoming: %+v", out)
		}
		otherZone.do("PUT", bpath(up.ID, "/recording"), map[string]string{"url": link}).want(403)
		e.as(web.RoleInvestor).do("PUT", bpath(up.ID+1000, "/recording"), map[string]string{"url": link}).want(403)
		admin.do("PUT", bpath(up.ID+1000, "/recording"), map[string]string{"url": link}).want(404)
	})
}

// TestBriefingOwnQuestionUpvote proves the server refuses a vote on one's own question, with a
// message in the caller's language, and counts nothing.
func TestBriefingOwnQuestionUpvote(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		host, inv, grad := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor), e.as(web.RoleGraduate)
		b := e.schedule(host, briefing.Public, e.zoneA.ID, nil)
		host.do("POST", bpath(b.ID, "/start"), nil).want(200)
		var q briefing.Question
		inv.do("POST", bpath(b.ID, "/questions"), map[string]string{"body": "Mine"}).want(201).json(&q)
		vote := bpath(b.ID, fmt.Sprintf("/questions/%d/vote", q.ID))

		for lang, want := range map[string]string{"en": "You cannot upvote your own question.", "zh-CN": "不能为自己提出的问题投票。"} {
			inv.lang = lang
			res := inv.do("POST", vote, nil)
			if res.status != 403 {
				t.Fatalf("own vote (%s): status %d, want 403: %s", lang, res.status, res.body)
			}
			if d := res.errorBody(); d.Code != "forbidden" || d.Message != want {
				t.Errorf("own vote (%s): %+v", lang, d)
			}
		}
		inv.lang = "en"
		var room briefing.Room
		inv.do("GET", bpath(b.ID, "/room"), nil).want(200).json(&room)
		if room.Questions[0].Votes != 0 || len(room.MyVotes) != 0 {
			t.Fatalf("a refused vote counted: %+v, my votes %v", room.Questions[0], room.MyVotes)
		}

		// Someone else's vote counts, once; a host's own question is refused the same way.
		var v briefing.VoteResult
		grad.do("POST", vote, nil).want(200).json(&v)
		if v.Votes != 1 {
			t.Fatalf("votes %d", v.Votes)
		}
		grad.do("POST", vote, nil).want(409)
		var hq briefing.Question
		host.do("POST", bpath(b.ID, "/questions"), map[string]string{"body": "From the host"}).want(201).json(&hq)
		host.do("POST", bpath(b.ID, fmt.Sprintf("/questions/%d/vote", hq.ID)), nil).want(403)
		inv.do("POST", bpath(b.ID, fmt.Sprintf("/questions/%d/vote", hq.ID)), nil).want(200)
	})
}

// TestBriefingDemoSlides proves the demo's live and past briefings have a real slide deck
// uploaded through the briefings' upload path, the live one on a turned page and the past
// one with a timeline of page turns, and that the seed stays idempotent with files.
func TestBriefingDemoSlides(t *testing.T) {
	t.Parallel()
	eachDemoEnv(t, func(t *testing.T, e *env) {
		// A copy of the demo seeded with its files: seeding again adds nothing.
		if _, err := seed.Demo(context.Background(), e.db, seed.UploadDir(e.app.Briefings.UploadDir)); err != nil {
			t.Fatal(err)
		}
		phase := func(p string) briefing.Briefing {
			var l briefing.List
			e.anon().do("GET", "/api/v1/briefings?phase="+p, nil).want(200).json(&l)
			if len(l.Items) != 1 {
				t.Fatalf("%d %s demo briefings", len(l.Items), p)
			}
			return l.Items[0]
		}
		live, past, upcoming := phase("live"), phase("ended"), phase("upcoming")
		if live.SlidesPages != 5 || live.Page != 2 || live.SlidesURL == "" {
			t.Fatalf("the demo live briefing has no slides on a page: pages %d, page %d, %q", live.SlidesPages, live.Page, live.SlidesURL)
		}
		if upcoming.SlidesPages != 0 {
			t.Errorf("the upcoming demo briefing has slides")
		}
		for _, b := range []briefing.Briefing{live, past} {
			res := e.anon().do("GET", b.SlidesURL, nil).want(200)
			if !bytes.HasPrefix(res.body, []byte("%PDF-")) || res.header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("slides of %q: %s, %.20q", b.TitleEn, res.header.Get("Content-Type"), res.body)
			}
		}
		var rp briefing.Replay
		e.anon().do("GET", bpath(past.ID, "/replay"), nil).want(200).json(&rp)
		if rp.Briefing.SlidesPages != 5 || len(rp.Turns) != 4 || rp.Turns[0].Page != 2 || rp.Turns[3].Page != 5 {
			t.Fatalf("past demo briefing: pages %d, turns %+v", rp.Briefing.SlidesPages, rp.Turns)
		}
		for i := 1; i < len(rp.Turns); i++ {
			if !rp.Turns[i].At.After(rp.Turns[i-1].At) || rp.Turns[i].At.After(rp.Briefing.EndsAt) || rp.Turns[0].At.Before(rp.Briefing.StartsAt) {
				t.Fatalf("turns out of the time slot: %+v (%s – %s)", rp.Turns, rp.Briefing.StartsAt, rp.Briefing.EndsAt)
			}
		}
		// Nobody voted for their own question.
		var own int64
		e.db.Raw("SELECT COUNT(*) FROM briefing_question_votes v JOIN briefing_questions q ON q.id = v.question_id WHERE q.user_id = v.user_id").Scan(&own)
		if own != 0 {
			t.Fatalf("%d demo votes on one's own question", own)
		}
	})
}
