package meeting_test

import (
	"testing"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/meeting"
	"zonefair/app/testenv"
)

// TestQueueRules: a graduate holds one place however often they join; staff see names, the
// graduates only places; staff take the first graduate still there while the booth holds fewer
// conversations than it may, a conversation forgotten by its host stops counting after twice
// its length, and a place whose page stopped beating lapses after Grace.
func TestQueueRules(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		fair, booth := w.fair.ID, w.zone.ID
		ann, bob := w.user(actor.RoleGraduate), w.user(actor.RoleGraduate)
		_, err := w.svc.JoinQueue(w.ctx, ann, fair, w.other.ID)
		testenv.Refused(t, "joining a zone without a booth at the fair", err, errs.ErrNotFound, "meeting.not_in_fair")
		_, err = w.svc.SetBooth(w.ctx, ann, fair, booth, meeting.BoothInput{Parallel: 5, Minutes: 5})
		testenv.Refused(t, "a graduate setting the booth", err, errs.ErrForbidden, "forbidden")
		if _, err := w.svc.SetBooth(w.ctx, w.hr, fair, booth, meeting.BoothInput{Parallel: 1, Minutes: 10}); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if q, err := w.svc.JoinQueue(w.ctx, ann, fair, booth); err != nil || q.Position != 1 || len(q.Waiting) != 1 || q.WaitMinutes != 0 {
				t.Fatalf("ann joins: %+v, %v", q, err)
			}
		}
		q, err := w.svc.JoinQueue(w.ctx, bob, fair, booth)
		if err != nil || q.Position != 2 || q.WaitMinutes != 10 || q.Staff || q.Waiting[0].UserID != 0 || q.Waiting[0].Name != "" {
			t.Fatalf("bob's view: %+v, %v", q, err)
		}
		if q, err := w.svc.QueueFor(w.ctx, w.staff, fair, booth); err != nil || !q.Staff || len(q.Waiting) != 2 || q.Waiting[0].UserID != ann.UserID || q.Waiting[0].Name != ann.Name {
			t.Fatalf("the staff's view: %+v, %v", q, err)
		}

		m, err := w.svc.TakeNext(w.ctx, w.hr, fair, booth)
		if err != nil || m.Source != meeting.FromWalkUp || m.Role != meeting.Host || len(m.Guests) != 1 || m.Guests[0].UserID != ann.UserID {
			t.Fatalf("taking the first: %+v, %v", m, err)
		}
		if m.EnterpriseID == nil || *m.EnterpriseID != w.ent.ID {
			t.Fatalf("enterprise staff's walk-up belongs to enterprise %v", m.EnterpriseID)
		}
		_, err = w.svc.TakeNext(w.ctx, w.staff, fair, booth)
		testenv.Refused(t, "a second conversation at a booth holding one", err, errs.ErrConflict, "meeting.queue_busy")
		if q, _ := w.svc.Heartbeat(w.ctx, bob, fair, booth); q.Position != 1 || q.Active != 1 || q.WaitMinutes != 10 {
			t.Fatalf("bob after ann was taken: %+v", q)
		}
		if q, _ := w.svc.QueueFor(w.ctx, ann, fair, booth); q.Mine == nil || q.Mine.Status != "taken" || q.Mine.MeetingID == nil || *q.Mine.MeetingID != m.ID {
			t.Fatalf("ann's place after she was taken: %+v", q.Mine)
		}

		// Twenty-one minutes later nobody ended the walk-up and bob's page went away.
		w.clock.advance(2*10*time.Minute + time.Minute)
		_, err = w.svc.TakeNext(w.ctx, w.staff, fair, booth)
		testenv.Refused(t, "taking from a queue whose only place lapsed", err, errs.ErrConflict, "meeting.queue_empty")
		_, err = w.svc.Heartbeat(w.ctx, bob, fair, booth)
		testenv.Refused(t, "the heartbeat of a lapsed place", err, errs.ErrNotFound, "meeting.not_in_queue")
		if q, err := w.svc.JoinQueue(w.ctx, bob, fair, booth); err != nil || q.Position != 1 || q.Active != 0 {
			t.Fatalf("bob joins again: %+v, %v", q, err)
		}
		w.clock.advance(meeting.Grace - time.Second)
		if q, err := w.svc.Heartbeat(w.ctx, bob, fair, booth); err != nil || q.Position != 1 {
			t.Fatalf("a heartbeat within Grace: %+v, %v", q, err)
		}
		w.clock.advance(meeting.Grace - time.Second)
		m2, err := w.svc.TakeNext(w.ctx, w.staff, fair, booth)
		if err != nil || m2.Guests[0].UserID != bob.UserID || m2.EnterpriseID != nil {
			t.Fatalf("zone staff take bob: %+v, %v", m2, err)
		}

		cat := w.user(actor.RoleGraduate)
		if _, err := w.svc.JoinQueue(w.ctx, cat, fair, booth); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.LeaveQueue(w.ctx, cat, fair, booth); err != nil {
			t.Fatal(err)
		}
		err = w.svc.LeaveQueue(w.ctx, cat, fair, booth)
		testenv.Refused(t, "leaving twice", err, errs.ErrNotFound, "meeting.not_in_queue")
		if q, _ := w.svc.QueueFor(w.ctx, w.staff, fair, booth); len(q.Waiting) != 0 {
			t.Fatalf("waiting after everyone was taken or left: %+v", q.Waiting)
		}
	})
}

// TestExpectedWait: the wait counts the rounds of conversations ahead of a place.
func TestExpectedWait(t *testing.T) {
	for _, c := range []struct{ position, active, parallel, minutes, want int }{
		{1, 0, 2, 10, 0},  // a free seat
		{2, 1, 2, 10, 10}, // one ahead takes the last free seat
		{2, 0, 2, 10, 0},
		{3, 0, 2, 10, 10},
		{5, 2, 2, 10, 30}, // four ahead of two busy seats: three rounds
		{0, 0, 2, 10, 0},  // not waiting
		{3, 0, 0, 10, 0},  // a booth taking nobody
	} {
		if got := meeting.ExpectedWait(c.position, c.active, c.parallel, c.minutes); got != c.want {
			t.Errorf("ExpectedWait(%d, %d, %d, %d) = %d, want %d", c.position, c.active, c.parallel, c.minutes, got, c.want)
		}
	}
}
