package server_test

import (
	"encoding/json"
	"testing"
	"time"

	"zonefair/app/jobfair"
	"zonefair/app/meeting"
)

// TestMeetingSignalling: only the meeting's members join its channel; what one member
// publishes (WebRTC offers, answers, candidates) reaches the other members and nobody else,
// across instances; chat and the outcome arrive from the server; the outcome moves the
// graduate's application, which the graduate sees.
func TestMeetingSignalling(t *testing.T) {
	t.Parallel()
	eachLiveEnv(t, func(t *testing.T, e *liveEnv) {
		f := newMeetFixture(e.env)
		s := f.slot(4*time.Hour, nil)
		g, app := f.graduate("candidate", true)
		g.do("POST", slotPath(s.ID, "/booking"), map[string]any{"applicationId": app}).want(201)
		stranger, _ := f.graduate("eavesdropper", false)
		ch := meeting.Channel(s.ID)

		host, guest := e.dial(f.ent), e.dial2(g)
		for _, sk := range []*socket{host, guest} {
			if r := sk.join(ch); r.Error != nil {
				t.Fatalf("member refused: %+v", r.Error)
			}
		}
		spy, staffSpy, anon := e.dial(stranger), e.dial2(f.staff), e.dial(e.anon())
		for _, sk := range []*socket{spy, staffSpy, anon} {
			if r := sk.join(ch); r.Error == nil {
				t.Fatal("a non-member joined the room's channel")
			}
			r := sk.reply(sk.send(map[string]any{"op": "pub", "ch": ch, "kind": "rtc.offer", "data": map[string]any{"sdp": "forged"}}))
			if r.Error == nil {
				t.Fatal("a non-member published into the room")
			}
		}

		offer := map[string]any{"from": "a1", "to": "b2", "sdp": "v=0 offer"}
		if r := host.reply(host.send(map[string]any{"op": "pub", "ch": ch, "kind": "rtc.offer", "data": offer})); r.Error != nil {
			t.Fatalf("host publish: %+v", r.Error)
		}
		got := guest.pub("rtc.offer")
		var data map[string]string
		_ = json.Unmarshal(got.Data, &data)
		if data["sdp"] != "v=0 offer" {
			t.Fatalf("guest got %s", got.Data)
		}
		guest.reply(guest.send(map[string]any{"op": "pub", "ch": ch, "kind": "rtc.answer", "data": map[string]any{"from": "b2", "to": "a1", "sdp": "v=0 answer"}}))
		host.pub("rtc.answer")

		// A reconnect rejoins the same room.
		again := e.dial(g)
		if r := again.join(ch); r.Error != nil {
			t.Fatalf("rejoin: %+v", r.Error)
		}

		// Chat goes through the API and reaches the room from the server.
		f.ent.do("POST", roomPath(s.ID, "/chat"), map[string]any{"text": "<b>hello</b>"}).want(201)
		c := guest.pub("chat")
		var msg meeting.Message
		_ = json.Unmarshal(c.Data, &msg)
		if msg.Body != "<b>hello</b>" {
			t.Fatalf("chat: %s", c.Data)
		}

		// Notes are the host's; the outcome moves the application and reaches the guest.
		f.ent.do("PUT", roomPath(s.ID, "/notes"), map[string]any{"notes": "strong on IFRS"}).want(204)
		var st meeting.RoomState
		f.ent.do("GET", roomPath(s.ID, ""), nil).want(200).json(&st)
		if st.Notes != "strong on IFRS" {
			t.Fatalf("notes: %q", st.Notes)
		}
		g.do("GET", roomPath(s.ID, ""), nil).want(200).json(&st)
		if st.Notes != "" {
			t.Fatal("the guest read the interviewer's notes")
		}
		f.ent.do("POST", roomPath(s.ID, "/outcome"), map[string]any{"outcome": "offer", "note": "Welcome aboard"}).want(200)
		out := guest.pub("outcome")
		var m meeting.Meeting
		_ = json.Unmarshal(out.Data, &m)
		if m.Outcome != "offer" || m.Status != meeting.Ended {
			t.Fatalf("outcome frame: %s", out.Data)
		}
		f.ent.do("POST", roomPath(s.ID, "/outcome"), map[string]any{"outcome": "rejected"}).want(409)
		var apps jobfair.ApplicationList
		g.do("GET", "/api/v1/graduate/applications", nil).want(200).json(&apps)
		if len(apps.Items) != 1 || apps.Items[0].Status != jobfair.StatusOffer {
			t.Fatalf("application after the outcome: %+v", apps.Items)
		}
		var n int64
		e.db.Table("notifications").Where("kind = ? AND user_id = ?", "application.updated", apps.Items[0].UserID).Count(&n)
		if n < 2 {
			t.Fatalf("graduate had %d application notices", n)
		}

		// The spies saw none of it.
		for _, sk := range []*socket{spy, staffSpy, anon} {
			deadline := time.After(300 * time.Millisecond)
		drain:
			for {
				select {
				case fr, ok := <-sk.frames:
					if !ok {
						break drain
					}
					if fr.T == "pub" || fr.Ch == ch && fr.Error == nil {
						t.Fatalf("a non-member received %+v", fr)
					}
				case <-deadline:
					break drain
				}
			}
		}
	})
}
