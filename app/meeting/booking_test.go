package meeting_test

import (
	"testing"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/meeting"
	"zonefair/app/testenv"
)

// TestSlotRules: a host's slots never overlap, buffers included, whoever else publishes at
// the same time; repeated slots follow each other at length plus buffer; a slot starts in the
// future in a real time zone; enterprise staff publish interviews only.
func TestSlotRules(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		in := meeting.SlotInput{Kind: meeting.Interview, StartsAt: w.clock.at(24 * time.Hour), TimeZone: "Europe/Berlin", Minutes: 30, BufferMinutes: 10, Repeat: 3}
		ms, err := w.svc.CreateSlots(w.ctx, w.hr, in)
		if err != nil || len(ms) != 3 {
			t.Fatalf("three slots: %d, %v", len(ms), err)
		}
		for i, m := range ms {
			if want := in.StartsAt.Add(time.Duration(i*40) * time.Minute); !m.StartsAt.Equal(want) || m.Capacity != 1 || m.Booked != 0 || m.Status != meeting.Open {
				t.Fatalf("slot %d: %+v, want start %s, capacity 1", i, m, want)
			}
			if m.EnterpriseID == nil || *m.EnterpriseID != w.ent.ID || m.ZoneID != w.zone.ID || m.HostID != w.hr.UserID {
				t.Fatalf("slot %d belongs to zone %d enterprise %v host %d", i, m.ZoneID, m.EnterpriseID, m.HostID)
			}
		}
		last := ms[2].EndsAt() // 10:00 + 2×40 min + 30 min
		one := func(start time.Time, buffer int) meeting.SlotInput {
			return meeting.SlotInput{Kind: meeting.Interview, StartsAt: start, TimeZone: "Asia/Shanghai", Minutes: 30, BufferMinutes: buffer}
		}
		_, err = w.svc.CreateSlots(w.ctx, w.hr, one(last.Add(9*time.Minute), 0))
		testenv.Refused(t, "a slot inside the last one's buffer", err, errs.ErrConflict, "meeting.overlap")
		_, err = w.svc.CreateSlots(w.ctx, w.hr, one(in.StartsAt.Add(-35*time.Minute), 10))
		testenv.Refused(t, "a slot whose own buffer reaches the first", err, errs.ErrConflict, "meeting.overlap")
		if _, err := w.svc.CreateSlots(w.ctx, w.hr, one(last.Add(10*time.Minute), 0)); err != nil {
			t.Fatalf("a slot right after the buffer: %v", err)
		}
		colleague := w.user(actor.RoleEnterprise)
		if _, err := w.svc.CreateSlots(w.ctx, colleague, one(in.StartsAt, 10)); err != nil {
			t.Fatalf("another host at the same time: %v", err)
		}
		// A cancelled slot frees its time.
		if _, err := w.svc.CancelSlot(w.ctx, w.hr, ms[1].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.CreateSlots(w.ctx, w.hr, one(ms[1].StartsAt, 10)); err != nil {
			t.Fatalf("a slot in a cancelled one's time: %v", err)
		}

		_, err = w.svc.CreateSlots(w.ctx, w.hr, one(w.clock.now, 0))
		testenv.Refused(t, "a slot starting now", err, errs.ErrInvalid, "meeting.time_past")
		for _, tz := range []string{"Mars/Olympus", "Local"} {
			bad := one(w.clock.at(48*time.Hour), 0)
			bad.TimeZone = tz
			_, err = w.svc.CreateSlots(w.ctx, w.hr, bad)
			testenv.Refused(t, "time zone "+tz, err, errs.ErrInvalid, "meeting.time_zone")
		}
		neg := one(w.clock.at(72*time.Hour), 0)
		neg.Kind = meeting.Negotiation
		_, err = w.svc.CreateSlots(w.ctx, w.hr, neg)
		testenv.Refused(t, "enterprise staff publishing a negotiation", err, errs.ErrForbidden, "meeting.kind_role")
		if ms, err := w.svc.CreateSlots(w.ctx, w.staff, neg); err != nil || ms[0].EnterpriseID != nil || ms[0].ZoneID != w.zone.ID {
			t.Fatalf("zone staff publishing a negotiation: %+v, %v", ms, err)
		}
		_, err = w.svc.CreateSlots(w.ctx, w.user(actor.RoleGraduate), one(w.clock.at(96*time.Hour), 0))
		testenv.Refused(t, "a graduate publishing", err, errs.ErrForbidden, "forbidden")
	})
}

// TestBookingRules: only a graduate invited to interview by the slot's employer books it, once
// per invitation; a full slot takes nobody more; a booking moves or is given up until an hour
// before the start, which frees its place; a started slot is not booked.
func TestBookingRules(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		pair := w.slot(3*time.Hour, 2)
		single := w.slot(6*time.Hour, 1)
		ann, annApp := w.invited()
		bob, bobApp := w.invited()
		cat, catApp := w.invited()

		_, err := w.svc.Book(w.ctx, w.user(actor.RoleGraduate), single.ID, meeting.BookInput{ApplicationID: annApp})
		testenv.Refused(t, "a graduate with someone else's application", err, errs.ErrForbidden, "meeting.not_invited")
		_, err = w.svc.Book(w.ctx, ann, single.ID, meeting.BookInput{})
		testenv.Refused(t, "a booking naming no invitation", err, errs.ErrForbidden, "meeting.not_invited")

		m, err := w.svc.Book(w.ctx, ann, single.ID, meeting.BookInput{ApplicationID: annApp})
		if err != nil || m.Role != meeting.Guest || len(m.Guests) != 1 || m.Guests[0].UserID != ann.UserID {
			t.Fatalf("ann books: %+v, %v", m, err)
		}
		_, err = w.svc.Book(w.ctx, bob, single.ID, meeting.BookInput{ApplicationID: bobApp})
		testenv.Refused(t, "bob on a full slot", err, errs.ErrConflict, "meeting.full")
		_, err = w.svc.Book(w.ctx, ann, pair.ID, meeting.BookInput{ApplicationID: annApp})
		testenv.Refused(t, "ann's invitation used twice", err, errs.ErrConflict, "meeting.already_booked")
		if n := w.booked(pair.ID); n != 0 {
			t.Fatalf("a refused booking took a place: %d booked", n)
		}
		for _, g := range []struct {
			who *actor.Actor
			app int64
		}{{bob, bobApp}, {cat, catApp}} {
			if _, err := w.svc.Book(w.ctx, g.who, pair.ID, meeting.BookInput{ApplicationID: g.app}); err != nil {
				t.Fatalf("booking the pair: %v", err)
			}
		}
		if n := w.booked(pair.ID); n != 2 {
			t.Fatalf("pair: %d booked, want 2", n)
		}

		// Moving: to the same employer's slot, in one step.
		_, err = w.svc.Move(w.ctx, ann, single.ID, meeting.MoveInput{To: pair.ID})
		testenv.Refused(t, "moving to a full slot", err, errs.ErrConflict, "meeting.full")
		if w.booked(single.ID) != 1 {
			t.Fatal("a refused move gave up the booking")
		}
		later := w.slot(9*time.Hour, 1)
		if m, err := w.svc.Move(w.ctx, ann, single.ID, meeting.MoveInput{To: later.ID}); err != nil || m.ID != later.ID {
			t.Fatalf("moving to a free slot: %+v, %v", m, err)
		}
		if w.booked(single.ID) != 0 || w.booked(later.ID) != 1 {
			t.Fatalf("after the move: %d and %d booked", w.booked(single.ID), w.booked(later.ID))
		}
		neg, err := w.svc.CreateSlots(w.ctx, w.staff, meeting.SlotInput{Kind: meeting.Negotiation, StartsAt: w.clock.at(12 * time.Hour), TimeZone: "Asia/Shanghai", Minutes: 30})
		must(t, err)
		_, err = w.svc.Move(w.ctx, ann, later.ID, meeting.MoveInput{To: neg[0].ID})
		testenv.Refused(t, "moving an interview to a negotiation", err, errs.ErrInvalid, "meeting.same_kind")

		// Until an hour before the start; giving up frees the place for someone else.
		w.clock.advance(2*time.Hour + time.Minute) // the pair starts in 59 minutes
		err = w.svc.CancelBooking(w.ctx, bob, pair.ID)
		testenv.Refused(t, "cancelling 59 minutes before", err, errs.ErrConflict, "meeting.too_late")
		_, err = w.svc.Move(w.ctx, bob, pair.ID, meeting.MoveInput{To: later.ID})
		testenv.Refused(t, "moving 59 minutes before", err, errs.ErrConflict, "meeting.too_late")
		if err := w.svc.CancelBooking(w.ctx, ann, later.ID); err != nil {
			t.Fatalf("cancelling 6 hours before: %v", err)
		}
		err = w.svc.CancelBooking(w.ctx, ann, later.ID)
		testenv.Refused(t, "cancelling again", err, errs.ErrNotFound, "meeting.not_booked")
		if w.booked(later.ID) != 0 {
			t.Fatalf("a given-up booking kept its place: %d booked", w.booked(later.ID))
		}
		if _, err := w.svc.Book(w.ctx, ann, later.ID, meeting.BookInput{ApplicationID: annApp}); err != nil {
			t.Fatalf("booking again after giving up: %v", err)
		}

		w.clock.advance(time.Hour) // the pair has started
		dave, daveApp := w.invited()
		_, err = w.svc.Book(w.ctx, dave, pair.ID, meeting.BookInput{ApplicationID: daveApp})
		testenv.Refused(t, "booking a started slot", err, errs.ErrConflict, "meeting.started")

		// A cancelled slot gives its guests' invitations back.
		if _, err := w.svc.CancelSlot(w.ctx, w.hr, later.ID); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Book(w.ctx, dave, later.ID, meeting.BookInput{ApplicationID: daveApp})
		testenv.Refused(t, "booking a cancelled slot", err, errs.ErrConflict, "meeting.not_open")
		again := w.slot(10*time.Hour, 1)
		if _, err := w.svc.Book(w.ctx, ann, again.ID, meeting.BookInput{ApplicationID: annApp}); err != nil {
			t.Fatalf("ann books with the invitation her cancelled slot gave back: %v", err)
		}
	})
}

// TestBookableAndReminders: a graduate sees the open slots of the employers that invited them,
// with free places, in time order; a booked meeting is reminded once, RemindBefore its start.
func TestBookableAndReminders(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		late, soon := w.slot(5*time.Hour, 1), w.slot(2*time.Hour, 1)
		full := w.slot(8*time.Hour, 1)
		ann, annApp := w.invited()
		bob, bobApp := w.invited()
		if _, err := w.svc.Book(w.ctx, bob, full.ID, meeting.BookInput{ApplicationID: bobApp}); err != nil {
			t.Fatal(err)
		}
		b, err := w.svc.Bookable(w.ctx, ann)
		if err != nil || len(b.Invitations) != 1 || b.Invitations[0].ApplicationID != annApp || b.Invitations[0].MeetingID != nil {
			t.Fatalf("ann's invitations: %+v, %v", b.Invitations, err)
		}
		if len(b.Slots) != 2 || b.Slots[0].ID != soon.ID || b.Slots[1].ID != late.ID {
			t.Fatalf("ann may book %+v, want the two free slots, soonest first", b.Slots)
		}
		if b, err := w.svc.Bookable(w.ctx, w.user(actor.RoleGraduate)); err != nil || len(b.Invitations) != 0 || len(b.Slots) != 0 {
			t.Fatalf("an uninvited graduate may book %+v, %v", b, err)
		}
		if _, err := w.svc.Book(w.ctx, ann, soon.ID, meeting.BookInput{ApplicationID: annApp}); err != nil {
			t.Fatal(err)
		}
		if b, _ := w.svc.Bookable(w.ctx, ann); b.Invitations[0].MeetingID == nil || *b.Invitations[0].MeetingID != soon.ID {
			t.Fatalf("the invitation does not show its booking: %+v", b.Invitations)
		}

		w.clock.advance(2*time.Hour - meeting.RemindBefore - time.Minute)
		if n, err := w.svc.Remind(w.ctx); err != nil || n != 0 {
			t.Fatalf("reminders 16 minutes before: %d, %v", n, err)
		}
		w.clock.advance(2 * time.Minute)
		if n, err := w.svc.Remind(w.ctx); err != nil || n != 1 {
			t.Fatalf("reminders 14 minutes before: %d, %v", n, err)
		}
		if n, err := w.svc.Remind(w.ctx); err != nil || n != 0 {
			t.Fatalf("the reminder went again: %d, %v", n, err)
		}
	})
}

// TestGroupMeetings: the host invites colleagues of the meeting's enterprise and investors up
// to MaxMembers people in all, nobody else, and nobody twice.
func TestGroupMeetings(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		m := w.slot(3*time.Hour, 1)
		var investors []string
		for range meeting.MaxMembers - 2 {
			investors = append(investors, w.email(w.user(actor.RoleInvestor)))
		}
		colleague := w.user(actor.RoleEnterprise)
		got, err := w.svc.Invite(w.ctx, w.hr, m.ID, meeting.InviteInput{Emails: investors})
		if err != nil || len(got.Guests) != meeting.MaxMembers-2 {
			t.Fatalf("inviting %d investors: %d guests, %v", len(investors), len(got.Guests), err)
		}
		// Inviting someone already there changes nothing.
		if got, err := w.svc.Invite(w.ctx, w.hr, m.ID, meeting.InviteInput{Emails: investors[:2]}); err != nil || len(got.Guests) != meeting.MaxMembers-2 {
			t.Fatalf("inviting members again: %d guests, %v", len(got.Guests), err)
		}
		grad := w.user(actor.RoleGraduate)
		_, err = w.svc.Invite(w.ctx, w.hr, m.ID, meeting.InviteInput{Emails: []string{w.email(grad)}})
		testenv.Refused(t, "inviting a graduate", err, errs.ErrInvalid, "meeting.not_invitable")
		_, err = w.svc.Invite(w.ctx, w.hr, m.ID, meeting.InviteInput{Emails: []string{"nobody@example.test"}})
		testenv.Refused(t, "inviting an unknown email", err, errs.ErrInvalid, "meeting.unknown_email")
		_, err = w.svc.Invite(w.ctx, w.user(actor.RoleInvestor), m.ID, meeting.InviteInput{Emails: investors[:1]})
		testenv.Refused(t, "an outsider inviting", err, errs.ErrNotFound, "not_found.meeting")

		if got, err := w.svc.Invite(w.ctx, w.hr, m.ID, meeting.InviteInput{Emails: []string{w.email(colleague)}}); err != nil || len(got.Guests) != meeting.MaxMembers-1 {
			t.Fatalf("the 16th person: %d guests, %v", len(got.Guests), err)
		}
		_, err = w.svc.Invite(w.ctx, w.hr, m.ID, meeting.InviteInput{Emails: []string{w.email(w.user(actor.RoleInvestor))}})
		testenv.Refused(t, "a 17th person", err, errs.ErrConflict, "meeting.group_full")
		var n int64
		must(t, w.g.Table("meeting_members").Where("meeting_id = ?", m.ID).Count(&n).Error)
		if n != meeting.MaxMembers {
			t.Fatalf("%d members, want %d", n, meeting.MaxMembers)
		}
	})
}
