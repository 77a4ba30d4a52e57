package server_test

import (
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"zonefair/app/meeting"
	"zonefair/app/web"
)

// TestMeetingQueue: graduates queue in order and see their place and wait; staff take the
// next, never more than the booth's conversations at once, never one graduate twice, even
// when they all press at once; a page gone past the grace period loses its place.
func TestMeetingQueue(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		f := newMeetFixture(e)
		var gs []*client
		for i := range 5 {
			c, _ := f.graduate(fmt.Sprintf("walker%d", i), false)
			gs = append(gs, c)
		}
		a := e.zoneA.ID
		f.staff.do("PUT", f.queuePath(a, "/settings"), map[string]any{"parallel": 2, "minutes": 10}).want(200)
		for i, c := range gs {
			var q meeting.Queue
			c.do("POST", f.queuePath(a, ""), nil).want(200).json(&q)
			if q.Position != i+1 {
				t.Fatalf("graduate %d at position %d", i, q.Position)
			}
		}
		// Joining twice keeps the place.
		var q meeting.Queue
		gs[1].do("POST", f.queuePath(a, ""), nil).want(200).json(&q)
		if q.Position != 2 || len(q.Waiting) != 5 {
			t.Fatalf("rejoin: position %d of %d", q.Position, len(q.Waiting))
		}
		// Position 4 with two conversations free: the first two go at once, then one round.
		gs[3].do("GET", f.queuePath(a, ""), nil).want(200).json(&q)
		if q.Position != 4 || q.WaitMinutes != 10 || q.Waiting[0].UserID != 0 || q.Waiting[0].Name != "" {
			t.Fatalf("graduate's view: %+v", q)
		}
		f.staff.do("GET", f.queuePath(a, ""), nil).want(200).json(&q)
		if !q.Staff || q.Waiting[0].Name != "walker0" || q.Waiting[4].Name != "walker4" {
			t.Fatalf("staff view: %+v", q.Waiting)
		}

		// walker2 leaves; walker4's page has been gone longer than the grace period.
		gs[2].do("DELETE", f.queuePath(a, ""), nil).want(204)
		gs[2].do("DELETE", f.queuePath(a, ""), nil).want(404)
		e.db.Table("meeting_queue").Where("user_id = (SELECT id FROM users WHERE email = ?)", "walker4@example.test").Update("seen_at", time.Now().UTC().Add(-time.Minute))
		gs[0].do("POST", f.queuePath(a, "/heartbeat"), nil).want(200).json(&q)
		if len(q.Waiting) != 3 {
			t.Fatalf("after leaving and lapsing, %d wait", len(q.Waiting))
		}
		gs[4].do("POST", f.queuePath(a, "/heartbeat"), nil).want(404)

		// Refusals: staff of another zone, a graduate taking, staff joining, a zone not at the fair.
		f.staff.do("POST", f.queuePath(e.zoneB.ID, "/next"), nil).want(403)
		f.staff.do("PUT", f.queuePath(e.zoneB.ID, "/settings"), map[string]any{"parallel": 9, "minutes": 10}).want(403)
		e.as(web.RoleAdmin).do("POST", "/api/v1/fairs", map[string]any{"nameZh": "另一场", "nameEn": "Other", "startsAt": time.Now().Add(-time.Hour), "endsAt": time.Now().Add(time.Hour), "zoneIds": []int64{e.zoneB.ID}}).want(201)
		gs[0].do("POST", f.queuePath(a, "/next"), nil).want(403)
		f.staff.do("POST", f.queuePath(a, ""), nil).want(403)
		gs[0].do("POST", fmt.Sprintf("/api/v1/fairs/%d/booths/%d/queue", f.fair.ID+1, a), nil).want(404)

		// Four staff press "next" at once with two conversations allowed: two are taken, in
		// queue order, by different staff; the others are told the booth is busy.
		staff := []*client{f.staff, f.ent, e.as(web.RoleZoneStaff), e.as(web.RoleEnterprise)}
		taken := make([]meeting.Meeting, len(staff))
		statuses := make([]int, len(staff))
		var wg sync.WaitGroup
		for i, c := range staff {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := c.do("POST", f.queuePath(a, "/next"), nil)
				statuses[i] = res.status
				if res.status == 201 {
					res.json(&taken[i])
				}
			}()
		}
		wg.Wait()
		var guests []string
		for i, st := range statuses {
			switch st {
			case 201:
				if len(taken[i].Guests) != 1 || taken[i].Source != meeting.FromWalkUp {
					t.Fatalf("taken: %+v", taken[i])
				}
				guests = append(guests, taken[i].Guests[0].Name)
			case 409:
			default:
				t.Fatalf("take next: %v", statuses)
			}
		}
		sort.Strings(guests)
		if fmt.Sprint(guests) != "[walker0 walker1]" {
			t.Fatalf("taken %v (statuses %v), want the first two", guests, statuses)
		}
		// The graduate taken sees their meeting; walker3 is now first.
		gs[0].do("GET", f.queuePath(a, ""), nil).want(200).json(&q)
		if q.Mine == nil || q.Mine.Status != "taken" || q.Mine.MeetingID == nil || q.Position != 0 {
			t.Fatalf("taken graduate's view: %+v", q.Mine)
		}
		gs[3].do("GET", f.queuePath(a, ""), nil).want(200).json(&q)
		if q.Position != 1 || q.Active != 2 || q.WaitMinutes != 10 {
			t.Fatalf("walker3: position %d, active %d, wait %d", q.Position, q.Active, q.WaitMinutes)
		}
		// Ending one conversation frees a place for walker3.
		for i, st := range statuses {
			if st == 201 {
				staff[i].do("POST", roomPath(taken[i].ID, "/end"), nil).want(200)
				break
			}
		}
		var next meeting.Meeting
		f.staff.do("POST", f.queuePath(a, "/next"), nil).want(201).json(&next)
		if next.Guests[0].Name != "walker3" {
			t.Fatalf("next: %+v", next.Guests)
		}
		f.staff.do("POST", f.queuePath(a, "/next"), nil).want(409)
	})
}

func TestMeetingExpectedWait(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ pos, active, parallel, minutes, want int }{
		{1, 0, 2, 10, 0}, {2, 0, 2, 10, 0}, {3, 0, 2, 10, 10}, {1, 2, 2, 10, 10}, {3, 2, 2, 10, 20}, {0, 0, 2, 10, 0}, {4, 1, 3, 5, 5},
	} {
		if got := meeting.ExpectedWait(c.pos, c.active, c.parallel, c.minutes); got != c.want {
			t.Errorf("ExpectedWait%v = %d", c, got)
		}
	}
}
