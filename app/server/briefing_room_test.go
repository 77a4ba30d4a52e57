package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"zonefair/app/briefing"
	"zonefair/app/web"
)

// TestBriefingRoomFlow walks the scenario: the host turns a slide and both investors
// (one through each instance) see it; a question is asked, upvoted by the other, answered; a
// poll is opened, voted and closed; the replay shows it all; a late joiner gets the state at once.
func TestBriefingRoomFlow(t *testing.T) {
	t.Parallel()
	eachLiveEnv(t, func(t *testing.T, e *liveEnv) {
		ctx := context.Background()
		host, inv := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		other := e.as(web.RoleEnterprise).on(e.second)
		b := e.schedule(host, briefing.Public, e.zoneA.ID, nil)
		var up briefingOut
		host.upload(bpath(b.ID, "/slides"), "deck.pdf", slides(t, 5)).want(200).json(&up)
		if up.SlidesPages != 5 || up.Page != 1 {
			t.Fatalf("slides: %+v", up)
		}
		host.do("POST", bpath(b.ID, "/start"), nil).want(200)

		s1, s2 := e.dial(inv), e.dial2(other)
		for _, s := range []*socket{s1, s2} {
			if r := s.join(b.Channel); r.Error != nil {
				t.Fatalf("join: %s", r.Error.Code)
			}
		}

		host.do("POST", bpath(b.ID, "/page"), map[string]int{"page": 3}).want(200)
		for _, s := range []*socket{s1, s2} {
			var ev briefing.SlideEvent
			_ = json.Unmarshal(s.pub("slide.page").Data, &ev)
			if ev.Page != 3 || ev.Pages != 5 {
				t.Fatalf("slide event %+v", ev)
			}
		}
		host.do("POST", bpath(b.ID, "/page"), map[string]int{"page": 6}).want(400)

		hostile := `<img src=x onerror=alert(1)>"; DROP TABLE users;--`
		var q briefing.Question
		inv.do("POST", bpath(b.ID, "/questions"), map[string]string{"body": hostile}).want(201).json(&q)
		var v briefing.VoteResult
		other.do("POST", bpath(b.ID, fmt.Sprintf("/questions/%d/vote", q.ID)), nil).want(200).json(&v)
		if v.Votes != 1 {
			t.Fatalf("votes after one upvote: %d", v.Votes)
		}
		must(t, e.app.Briefings.Flush(ctx))
		var qa briefing.QAUpdate
		_ = json.Unmarshal(s2.pub("qa.update").Data, &qa)
		if len(qa.Questions) != 1 || qa.Questions[0].Body != hostile || qa.Questions[0].Votes != 1 {
			t.Fatalf("qa update %+v", qa)
		}
		host.do("PATCH", bpath(b.ID, fmt.Sprintf("/questions/%d", q.ID)), map[string]any{"answer": "Nine months.", "pinned": true}).want(200)
		must(t, e.app.Briefings.Flush(ctx))
		_ = json.Unmarshal(s1.until(func(f frame) bool {
			return f.Kind == "qa.update" && json.Unmarshal(f.Data, &qa) == nil && qa.Questions[0].Answer != ""
		}).Data, &qa)
		if qa.Questions[0].Answer != "Nine months." || !qa.Questions[0].Pinned {
			t.Fatalf("answered question %+v", qa.Questions[0])
		}

		var poll briefing.Poll
		host.do("POST", bpath(b.ID, "/polls"), map[string]any{"questionZh": "何时投资？", "questionEn": "When will you invest?",
			"options": []map[string]string{{"zh": "一年内", "en": "Within a year"}, {"zh": "以后", "en": "Later"}}}).want(201).json(&poll)
		host.do("POST", bpath(b.ID, fmt.Sprintf("/polls/%d/open", poll.ID)), nil).want(200)
		s1.pub("poll.opened")
		inv.do("POST", bpath(b.ID, fmt.Sprintf("/polls/%d/vote", poll.ID)), map[string]int{"option": 0}).want(204)
		other.do("POST", bpath(b.ID, fmt.Sprintf("/polls/%d/vote", poll.ID)), map[string]int{"option": 1}).want(204)

		// A late joiner gets the slide, the open poll with its tally and the Q&A at once.
		var room briefing.Room
		e.anon().do("GET", bpath(b.ID, "/room"), nil).want(200).json(&room)
		if room.Briefing.Page != 3 || len(room.Polls) != 1 || room.Polls[0].Status != "open" || room.Polls[0].Total != 2 ||
			len(room.Questions) != 1 || room.Questions[0].Answer != "Nine months." || room.CanAct {
			t.Fatalf("late joiner's room: %+v", room)
		}

		host.do("POST", bpath(b.ID, fmt.Sprintf("/polls/%d/close", poll.ID)), nil).want(200)
		_ = json.Unmarshal(s2.pub("poll.closed").Data, &poll)
		if poll.Status != "closed" || poll.Counts[0] != 1 || poll.Counts[1] != 1 {
			t.Fatalf("closed poll %+v", poll)
		}
		host.do("POST", bpath(b.ID, "/end"), nil).want(200)
		s1.pub("briefing.state")

		var rp briefing.Replay
		inv.do("GET", bpath(b.ID, "/replay"), nil).want(200).json(&rp)
		if len(rp.Turns) != 1 || rp.Turns[0].Page != 3 || len(rp.Questions) != 1 || rp.Questions[0].Answer == "" ||
			len(rp.Polls) != 1 || rp.Polls[0].Total != 2 || rp.Briefing.Phase != "ended" {
			t.Fatalf("replay %+v", rp)
		}
	})
}

// TestBriefingVotesOnce proves one vote per attendee per question and per poll when the same
// user votes many times at once from two sessions on two instances.
func TestBriefingVotesOnce(t *testing.T) {
	t.Parallel()
	eachLiveEnv(t, func(t *testing.T, e *liveEnv) {
		host := e.as(web.RoleZoneStaff)
		b := e.schedule(host, briefing.Public, e.zoneA.ID, nil)
		host.do("POST", bpath(b.ID, "/start"), nil).want(200)
		var q briefing.Question
		host.do("POST", bpath(b.ID, "/questions"), map[string]string{"body": "Land price?"}).want(201).json(&q)
		var poll briefing.Poll
		host.do("POST", bpath(b.ID, "/polls"), map[string]any{"questionZh": "甲乙", "questionEn": "A or B",
			"options": []map[string]string{{"zh": "甲", "en": "A"}, {"zh": "乙", "en": "B"}}}).want(201).json(&poll)
		host.do("POST", bpath(b.ID, fmt.Sprintf("/polls/%d/open", poll.ID)), nil).want(200)

		devices := []*client{e.as(web.RoleInvestor), e.as(web.RoleInvestor).on(e.second)}
		const tries = 8
		var wg sync.WaitGroup
		statuses := make(chan int, 4*tries)
		for i := range tries {
			for _, c := range devices {
				wg.Add(2)
				go func() {
					defer wg.Done()
					statuses <- c.do("POST", bpath(b.ID, fmt.Sprintf("/questions/%d/vote", q.ID)), nil).status
				}()
				go func() {
					defer wg.Done()
					statuses <- c.do("POST", bpath(b.ID, fmt.Sprintf("/polls/%d/vote", poll.ID)), map[string]int{"option": i % 2}).status
				}()
			}
		}
		wg.Wait()
		close(statuses)
		counts := map[int]int{}
		for s := range statuses {
			counts[s]++
		}
		// One question vote (200) and one poll vote (204) succeed; every other try is a 409.
		if counts[200] != 1 || counts[204] != 1 || counts[409] != 4*tries-2 {
			t.Fatalf("statuses %v", counts)
		}
		var room briefing.Room
		devices[0].do("GET", bpath(b.ID, "/room"), nil).want(200).json(&room)
		if room.Questions[0].Votes != 1 || room.Polls[0].Total != 1 || len(room.MyVotes) != 1 || len(room.MyPolls) != 1 {
			t.Fatalf("after the race: question votes %d, poll total %d, mine %v %v", room.Questions[0].Votes, room.Polls[0].Total, room.MyVotes, room.MyPolls)
		}
	})
}

// TestBriefingCoalescesVotes proves that many votes between two flushes reach the room as one
// Q&A update and one tally per poll, carrying the aggregated counts.
func TestBriefingCoalescesVotes(t *testing.T) {
	t.Parallel()
	eachLiveEnv(t, func(t *testing.T, e *liveEnv) {
		ctx := context.Background()
		host := e.as(web.RoleZoneStaff)
		b := e.schedule(host, briefing.Public, e.zoneA.ID, nil)
		host.do("POST", bpath(b.ID, "/start"), nil).want(200)
		watcher := e.dial(e.anon())
		if r := watcher.join(b.Channel); r.Error != nil {
			t.Fatalf("anonymous join of a public room: %s", r.Error.Code)
		}
		var q1, q2 briefing.Question
		host.do("POST", bpath(b.ID, "/questions"), map[string]string{"body": "one"}).want(201).json(&q1)
		host.do("POST", bpath(b.ID, "/questions"), map[string]string{"body": "two"}).want(201).json(&q2)
		var poll briefing.Poll
		host.do("POST", bpath(b.ID, "/polls"), map[string]any{"questionZh": "甲乙", "questionEn": "A or B",
			"options": []map[string]string{{"zh": "甲", "en": "A"}, {"zh": "乙", "en": "B"}}}).want(201).json(&poll)
		host.do("POST", bpath(b.ID, fmt.Sprintf("/polls/%d/open", poll.ID)), nil).want(200)
		// New questions go out whole, once.
		must(t, e.app.Briefings.Flush(ctx))
		var asked briefing.QAUpdate
		_ = json.Unmarshal(watcher.pub("qa.update").Data, &asked)
		if len(asked.Questions) != 2 || asked.Questions[0].Body != "one" {
			t.Fatalf("new questions %+v", asked)
		}
		voters := []*client{e.as(web.RoleInvestor), e.as(web.RoleGraduate), e.as(web.RoleEnterprise).on(e.second), e.as(web.RoleAdmin)}
		for i, c := range voters {
			c.do("POST", bpath(b.ID, fmt.Sprintf("/questions/%d/vote", q1.ID)), nil).want(200)
			if i < 2 {
				c.do("POST", bpath(b.ID, fmt.Sprintf("/questions/%d/vote", q2.ID)), nil).want(200)
			}
			c.do("POST", bpath(b.ID, fmt.Sprintf("/polls/%d/vote", poll.ID)), map[string]int{"option": i % 2}).want(204)
		}
		must(t, e.app.Briefings.Flush(ctx))
		must(t, e.second.Briefings.Flush(ctx))
		host.do("POST", bpath(b.ID, "/chat"), map[string]string{"body": "marker"}).want(201)

		pubs := watcher.collect("chat")
		var updates, tallies []frame
		for _, f := range pubs {
			switch f.Kind {
			case "qa.votes":
				updates = append(updates, f)
			case "poll.tally":
				tallies = append(tallies, f)
			case "qa.update":
				t.Fatalf("votes alone sent whole questions: %s", f.Data)
			}
		}
		// Instance one took three voters' votes, instance two one voter's: at most one message
		// of each kind per instance, never one per vote.
		if len(updates) != 2 || len(tallies) != 2 {
			t.Fatalf("got %d vote updates and %d tallies for 6 question votes and 4 poll votes", len(updates), len(tallies))
		}
		votes := map[int64]int{}
		for _, f := range updates {
			var u struct {
				Votes map[string]int `json:"votes"`
			}
			_ = json.Unmarshal(f.Data, &u)
			for id, n := range u.Votes {
				var qid int64
				fmt.Sscan(id, &qid)
				votes[qid] = max(votes[qid], n)
			}
		}
		if votes[q1.ID] != 4 || votes[q2.ID] != 2 {
			t.Fatalf("coalesced counts %v", votes)
		}
		var tally briefing.Tally
		_ = json.Unmarshal(tallies[1].Data, &tally)
		if tally.Total != 4 || tally.Counts[0] != 2 || tally.Counts[1] != 2 {
			t.Fatalf("tally %+v", tally)
		}
		// Nothing changed since: a flush sends nothing.
		must(t, e.app.Briefings.Flush(ctx))
		host.do("POST", bpath(b.ID, "/chat"), map[string]string{"body": "marker 2"}).want(201)
		for _, f := range watcher.collect("chat") {
			if f.Kind == "qa.update" || f.Kind == "qa.votes" || f.Kind == "poll.tally" {
				t.Fatalf("an idle flush published %s", f.Kind)
			}
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
