package server_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zonefair/app/meeting"
	"zonefair/app/web"
)

// TestMeetingBookingRules covers publishing, who may book what, calendars, reminders, and
// cancelling and moving bookings within the rules.
func TestMeetingBookingRules(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := newMeetFixture(e)
		s1 := f.slot(3*time.Hour, nil)
		if s1.Capacity != 1 || s1.Booked != 0 || s1.TimeZone != "Europe/Berlin" || s1.EnterpriseID == nil || *s1.EnterpriseID != e.entA.ID {
			t.Fatalf("slot: %+v", s1)
		}
		// Within the buffer of s1, a bad zone, the past, a negotiation by enterprise staff.
		f.ent.do("POST", "/api/v1/meeting-slots", map[string]any{"kind": "interview", "startsAt": s1.StartsAt.Add(35 * time.Minute), "timeZone": "Asia/Shanghai", "minutes": 30}).want(409)
		f.ent.do("POST", "/api/v1/meeting-slots", map[string]any{"kind": "interview", "startsAt": s1.StartsAt.Add(5 * time.Hour), "timeZone": "Mars/Olympus", "minutes": 30}).want(400)
		f.ent.do("POST", "/api/v1/meeting-slots", map[string]any{"kind": "interview", "startsAt": time.Now().Add(-time.Hour), "timeZone": "UTC", "minutes": 30}).want(400)
		f.ent.do("POST", "/api/v1/meeting-slots", map[string]any{"kind": "negotiation", "startsAt": s1.StartsAt.Add(5 * time.Hour), "timeZone": "UTC", "minutes": 30}).want(403)
		f.ent.do("POST", "/api/v1/meeting-slots", `{"kind":"interview","startsAt":"soon"}`).want(400)
		var series []meeting.Meeting
		f.ent.do("POST", "/api/v1/meeting-slots", map[string]any{"kind": "interview", "startsAt": s1.StartsAt.Add(2 * time.Hour), "timeZone": "America/New_York", "minutes": 20, "bufferMinutes": 5, "repeat": 3}).want(201).json(&series)
		if len(series) != 3 || !series[1].StartsAt.Equal(series[0].StartsAt.Add(25*time.Minute)) {
			t.Fatalf("series: %+v", series)
		}
		s2 := series[0]

		// A graduate without an application in the interview stage sees nothing to book.
		stranger, _ := f.graduate("stranger", false)
		var none meeting.Bookable
		stranger.do("GET", "/api/v1/meeting-slots/bookable", nil).want(200).json(&none)
		if len(none.Slots) != 0 || len(none.Invitations) != 0 {
			t.Fatalf("uninvited sees %+v", none)
		}
		stranger.do("POST", slotPath(s1.ID, "/booking"), map[string]any{"applicationId": 1}).want(403)

		g, app := f.graduate("grace", true)
		var b meeting.Bookable
		g.do("GET", "/api/v1/meeting-slots/bookable", nil).want(200).json(&b)
		if len(b.Invitations) != 1 || b.Invitations[0].ApplicationID != app || len(b.Slots) != 4 {
			t.Fatalf("bookable: %+v", b)
		}
		var booked meeting.Meeting
		g.do("POST", slotPath(s1.ID, "/booking"), map[string]any{"applicationId": app}).want(201).json(&booked)
		if booked.Booked != 1 || booked.Role != meeting.Guest || len(booked.Guests) != 1 || booked.HostName == "" {
			t.Fatalf("booked: %+v", booked)
		}
		if e := g.do("POST", slotPath(s1.ID, "/booking"), map[string]any{"applicationId": app}).want(409).errorBody(); e.Code != "conflict" {
			t.Fatalf("rebook: %+v", e)
		}
		// One booking per application: the same invitation cannot take a second slot.
		g.do("POST", slotPath(s2.ID, "/booking"), map[string]any{"applicationId": app}).want(409)
		var n int64
		e.db.Table("notifications").Where("kind = ? AND user_id IN ?", "meeting.booked", []int64{e.users[web.RoleEnterprise].ID, booked.Guests[0].UserID}).Count(&n)
		if n != 2 {
			t.Fatalf("%d booking notifications, want host and guest", n)
		}

		// Calendar files for members only.
		cal := g.do("GET", roomPath(s1.ID, "/calendar.ics"), nil).want(200)
		if !strings.Contains(string(cal.body), "BEGIN:VCALENDAR") || !strings.Contains(string(cal.body), s1.StartsAt.UTC().Format("20060102T150405Z")) {
			t.Fatalf("calendar: %s", cal.body)
		}
		stranger.do("GET", roomPath(s1.ID, "/calendar.ics"), nil).want(404)

		// Both see it among their meetings.
		for _, c := range []*client{g, f.ent} {
			var mine []meeting.Meeting
			c.do("GET", "/api/v1/meeting-rooms", nil).want(200).json(&mine)
			if len(mine) != 1 || mine[0].ID != s1.ID {
				t.Fatalf("my meetings: %+v", mine)
			}
		}

		// Moving: the booking ends on s2, s1 is free again; moving to another publisher's or a
		// full slot is refused.
		var moved meeting.Meeting
		g.do("POST", slotPath(s1.ID, "/booking/move"), map[string]any{"to": s2.ID}).want(200).json(&moved)
		if moved.ID != s2.ID || moved.Booked != 1 {
			t.Fatalf("moved: %+v", moved)
		}
		var after []meeting.Meeting
		f.ent.do("GET", "/api/v1/meeting-slots", nil).want(200).json(&after)
		for _, m := range after {
			if m.ID == s1.ID && (m.Booked != 0 || len(m.Guests) != 0) {
				t.Fatalf("s1 after the move: %+v", m)
			}
		}
		g.do("DELETE", slotPath(s1.ID, "/booking"), nil).want(404)
		g.do("DELETE", slotPath(s2.ID, "/booking"), nil).want(204)
		g.do("POST", slotPath(s1.ID, "/booking"), map[string]any{"applicationId": app}).want(201)

		// Less than an hour before the start a booking stays as it is.
		soon := f.slot(20*time.Minute, map[string]any{"bufferMinutes": 0, "minutes": 10})
		g2, app2 := f.graduate("gina", true)
		g2.do("POST", slotPath(soon.ID, "/booking"), map[string]any{"applicationId": app2}).want(201)
		g2.do("DELETE", slotPath(soon.ID, "/booking"), nil).want(409)
		g2.do("POST", slotPath(soon.ID, "/booking/move"), map[string]any{"to": series[2].ID}).want(409)

		// Reminders go once, to host and guest.
		ctx := context.Background()
		sent, err := e.app.Meetings.Remind(ctx)
		if err != nil || sent != 0 {
			t.Fatalf("remind: %d, %v (the soon slot starts in 20 min)", sent, err)
		}
		e.db.Table("meetings").Where("id = ?", soon.ID).Update("starts_at", time.Now().UTC().Add(10*time.Minute))
		if sent, err = e.app.Meetings.Remind(ctx); err != nil || sent != 1 {
			t.Fatalf("remind: %d, %v", sent, err)
		}
		if sent, _ = e.app.Meetings.Remind(ctx); sent != 0 {
			t.Fatal("a reminder went twice")
		}
		e.db.Table("notifications").Where("kind = ?", "meeting.reminder").Count(&n)
		if n != 2 {
			t.Fatalf("%d reminders, want 2", n)
		}

		// The publisher withdraws s1: the guest is told and may book again elsewhere.
		f.ent.do("DELETE", slotPath(s1.ID, ""), nil).want(200)
		g.do("POST", slotPath(s1.ID, "/booking"), map[string]any{"applicationId": app}).want(409)
		g.do("POST", slotPath(s2.ID, "/booking"), map[string]any{"applicationId": app}).want(201)
		e.db.Table("notifications").Where("kind = ?", "meeting.cancelled").Count(&n)
		if n == 0 {
			t.Fatal("the guest of a withdrawn slot was not told")
		}
	})
}

// TestMeetingNegotiationBooking: an investor books a zone's negotiation slot only with an
// accepted meeting request of that zone.
func TestMeetingNegotiationBooking(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff, inv := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		var slots []meeting.Meeting
		staff.do("POST", "/api/v1/meeting-slots", map[string]any{"kind": "negotiation", "startsAt": time.Now().Add(48 * time.Hour), "timeZone": "America/Los_Angeles", "minutes": 45}).want(201).json(&slots)
		inv.do("POST", slotPath(slots[0].ID, "/booking"), map[string]any{"requestId": 1}).want(403)
		at := time.Now().UTC().Add(72 * time.Hour).Truncate(time.Minute)
		var req struct{ ID int64 }
		inv.do("POST", "/api/v1/meetings", map[string]any{"zoneId": e.zoneA.ID, "proposed": []time.Time{at}, "message": "Plant in Suzhou"}).want(201).json(&req)
		inv.do("POST", slotPath(slots[0].ID, "/booking"), map[string]any{"requestId": req.ID}).want(403)
		staff.do("POST", fmt.Sprintf("/api/v1/meetings/%d/accept", req.ID), map[string]any{"startsAt": at}).want(200)
		var m meeting.Meeting
		inv.do("POST", slotPath(slots[0].ID, "/booking"), map[string]any{"requestId": req.ID}).want(201).json(&m)
		if m.Kind != meeting.Negotiation || m.Booked != 1 {
			t.Fatalf("negotiation: %+v", m)
		}
		// The request's link leads to the same room.
		var room meeting.Meeting
		inv.do("POST", fmt.Sprintf("/api/v1/meeting-requests/%d/room", req.ID), nil).want(200).json(&room)
		if room.ID != m.ID {
			t.Fatalf("request room %d, booked %d", room.ID, m.ID)
		}
		e.as(web.RoleGraduate).do("POST", slotPath(slots[0].ID, "/booking"), map[string]any{"applicationId": 1}).want(403)
	})
}

// TestMeetingConcurrentBooking: however many book at once, a slot takes exactly its capacity.
func TestMeetingConcurrentBooking(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := newMeetFixture(e)
		for _, capacity := range []int{1, 2} {
			s := f.slot(time.Duration(3+capacity*2)*time.Hour, map[string]any{"capacity": capacity})
			type guest struct {
				c   *client
				app int64
			}
			var gs []guest
			for i := range 6 {
				c, app := f.graduate(fmt.Sprintf("race%d-%d", capacity, i), true)
				gs = append(gs, guest{c, app})
			}
			statuses := make([]int, len(gs))
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, g := range gs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					statuses[i] = g.c.do("POST", slotPath(s.ID, "/booking"), map[string]any{"applicationId": g.app}).status
				}()
			}
			close(start)
			wg.Wait()
			won, lost := 0, 0
			for _, st := range statuses {
				switch st {
				case 201:
					won++
				case 409:
					lost++
				}
			}
			if won != capacity || lost != len(gs)-capacity {
				t.Fatalf("capacity %d: statuses %v", capacity, statuses)
			}
			var row struct{ Booked int }
			e.db.Table("meetings").Select("booked").Where("id = ?", s.ID).Scan(&row)
			var guests int64
			e.db.Table("meeting_members").Where("meeting_id = ? AND role = ?", s.ID, "guest").Count(&guests)
			if row.Booked != capacity || guests != int64(capacity) {
				t.Fatalf("capacity %d: booked %d, %d guests", capacity, row.Booked, guests)
			}
		}

		// One graduate clicking twice in two tabs on a roomy slot: one booking.
		s := f.slot(12*time.Hour, map[string]any{"capacity": 3})
		g, app := f.graduate("twice", true)
		tab := e.anon()
		tab.do("POST", "/api/v1/auth/login", map[string]string{"email": "twice@example.test", "password": testPassword}).want(200)
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, c := range []*client{g, tab} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = c.do("POST", slotPath(s.ID, "/booking"), map[string]any{"applicationId": app}).status
			}()
		}
		wg.Wait()
		if statuses[0]+statuses[1] != 201+409 {
			t.Fatalf("two tabs: %v", statuses)
		}
	})
}

// TestMeetingAccess: a meeting is its members'; staff of its zone who are not in it are
// refused, everyone else does not see it at all.
func TestMeetingAccess(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := newMeetFixture(e)
		s := f.slot(5*time.Hour, nil)
		g, app := f.graduate("member", true)
		g.do("POST", slotPath(s.ID, "/booking"), map[string]any{"applicationId": app}).want(201)
		stranger, _ := f.graduate("outsider", false)
		other := e.as(web.RoleInvestor)

		g.do("GET", roomPath(s.ID, ""), nil).want(200)
		f.ent.do("GET", roomPath(s.ID, ""), nil).want(200)
		f.staff.do("GET", roomPath(s.ID, ""), nil).want(403)
		for _, c := range []*client{stranger, other} {
			c.do("GET", roomPath(s.ID, ""), nil).want(404)
			c.do("POST", roomPath(s.ID, "/chat"), map[string]any{"text": "hi"}).want(404)
		}
		g.do("PUT", roomPath(s.ID, "/notes"), map[string]any{"notes": "x"}).want(403)
		f.staff.do("PUT", roomPath(s.ID, "/notes"), map[string]any{"notes": "x"}).want(403)
		f.staff.do("POST", roomPath(s.ID, "/outcome"), map[string]any{"outcome": "offer"}).want(403)
		f.ent.do("POST", roomPath(s.ID, "/outcome"), map[string]any{"outcome": "signed"}).want(400)
		g.do("GET", roomPath(999999, ""), nil).want(404)
		g.do("GET", "/api/v1/meeting-rooms/abc", nil).want(404)
		f.ent.do("POST", roomPath(s.ID, "/chat"), `{"text":`).want(400)
		f.ent.do("POST", roomPath(s.ID, "/chat"), map[string]any{"text": strings.Repeat("x", 2001)}).want(400)

		// Zone B's staff neither see nor withdraw zone A's slots (403: the slot is another zone's).
		bStaff := e.anon()
		bStaff.do("POST", "/api/v1/auth/register", map[string]any{"email": "b@example.test", "password": testPassword, "name": "B", "role": "graduate"}).want(201)
		e.db.Table("users").Where("email = ?", "b@example.test").Updates(map[string]any{"role": "zone_staff", "zone_id": e.zoneB.ID})
		e.accountsChanged()
		bStaff = e.anon()
		bStaff.do("POST", "/api/v1/auth/login", map[string]string{"email": "b@example.test", "password": testPassword}).want(200)
		bStaff.do("DELETE", slotPath(s.ID, ""), nil).want(403)
		bStaff.do("GET", roomPath(s.ID, ""), nil).want(404)
		var list []meeting.Meeting
		bStaff.do("GET", "/api/v1/meeting-slots", nil).want(200).json(&list)
		if len(list) != 0 {
			t.Fatalf("zone B staff list zone A's slots: %+v", list)
		}

		// Hostile chat is stored and returned as the text it is.
		hostile := `<img src=x onerror="alert(1)">`
		f.ent.do("POST", roomPath(s.ID, "/chat"), map[string]any{"text": hostile}).want(201)
		var st meeting.RoomState
		g.do("GET", roomPath(s.ID, ""), nil).want(200).json(&st)
		if len(st.Messages) != 1 || st.Messages[0].Body != hostile || st.Notes != "" || st.Channel != meeting.Channel(s.ID) {
			t.Fatalf("room state: %+v", st)
		}
	})
}
