package meeting_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/live"
	"zonefair/app/meeting"
	"zonefair/app/project"
)

// leads records the leads an outcome moves.
type leads struct{ moved []int64 }

func (l *leads) UpdateLead(_ context.Context, id int64, _ *actor.Actor, in project.LeadUpdate) (project.Lead, error) {
	l.moved = append(l.moved, id)
	return project.Lead{ID: id, Status: in.Status}, nil
}

// TestRoom: a booked interview's members enter its room, chat (the latest lines, oldest
// first), the host alone keeps notes, records the outcome once and the meeting ends; the live
// channel admits members only, and none once the slot is withdrawn.
func TestRoom(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		slot := w.slot(3*time.Hour, 1)
		ann, annApp := w.invited()
		b, err := w.svc.Bookable(w.ctx, ann)
		if err != nil || len(b.Invitations) != 1 || b.Invitations[0].TitleZh != "会计 · 甲公司" || b.Invitations[0].TitleEn != "Accountant · Alpha Co" {
			t.Fatalf("invitation titles: %+v, %v", b.Invitations, err)
		}
		if len(b.Slots) != 1 || b.Slots[0].HostName != w.hr.Name || b.Slots[0].ZoneNameEn != "Home Zone" || b.Slots[0].EnterpriseNameEn != "Alpha Co" {
			t.Fatalf("slot names: %+v", b.Slots)
		}
		if _, err := w.svc.Book(w.ctx, ann, slot.ID, meeting.BookInput{ApplicationID: annApp}); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"  hello ", "second"} {
			if _, err := w.svc.Chat(w.ctx, ann, slot.ID, meeting.TextInput{Text: text}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.svc.SaveNotes(w.ctx, w.hr, slot.ID, meeting.NotesInput{Notes: "strong candidate"}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.SaveNotes(w.ctx, ann, slot.ID, meeting.NotesInput{Notes: "mine"}); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("a guest's notes: %v", err)
		}
		st, err := w.svc.State(w.ctx, ann, slot.ID)
		if err != nil || len(st.Messages) != 2 || st.Messages[0].Body != "hello" || st.Messages[1].Body != "second" || st.Messages[0].Name != ann.Name || st.Notes != "" {
			t.Fatalf("guest's room: %+v, %v", st, err)
		}
		if st, err := w.svc.State(w.ctx, w.hr, slot.ID); err != nil || st.Notes != "strong candidate" || st.Meeting.Role != meeting.Host || len(st.Meeting.Guests) != 1 {
			t.Fatalf("host's room: %+v, %v", st, err)
		}
		if _, err := w.svc.State(w.ctx, w.staff, slot.ID); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("zone staff outside the room: %v", err)
		}
		if _, err := w.svc.State(w.ctx, w.user(actor.RoleGraduate), slot.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("a stranger: %v", err)
		}
		if mine, err := w.svc.Mine(w.ctx, ann); err != nil || len(mine) != 1 || mine[0].ID != slot.ID || mine[0].Role != meeting.Guest {
			t.Fatalf("ann's meetings: %+v, %v", mine, err)
		}

		ch := w.svc.LiveChannel()
		key := func(id int64) string { return meeting.Channel(id)[len(meeting.ChannelType)+1:] }
		if r := ch.Rights(live.Identity{UserID: ann.UserID}, key(slot.ID)); r != live.CanJoin|live.CanPublish {
			t.Fatalf("member's rights: %v", r)
		}
		if r := ch.Rights(live.Identity{UserID: w.staff.UserID}, key(slot.ID)); r != 0 {
			t.Fatalf("non-member's rights: %v", r)
		}

		if _, err := w.svc.Outcome(w.ctx, ann, slot.ID, meeting.OutcomeInput{Outcome: "offer"}); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("a guest's outcome: %v", err)
		}
		m, err := w.svc.Outcome(w.ctx, w.hr, slot.ID, meeting.OutcomeInput{Outcome: "next_round", Note: " again "})
		if err != nil || m.Status != meeting.Ended || m.Outcome != "next_round" || m.OutcomeNote != "again" || m.EndedAt == nil {
			t.Fatalf("outcome: %+v, %v", m, err)
		}
		if _, err := w.svc.Outcome(w.ctx, w.hr, slot.ID, meeting.OutcomeInput{Outcome: "offer"}); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("a second outcome: %v", err)
		}
		if _, err := w.svc.End(w.ctx, w.hr, slot.ID); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("ending an ended meeting: %v", err)
		}

		other := w.slot(6*time.Hour, 1)
		bob, bobApp := w.invited()
		if _, err := w.svc.Book(w.ctx, bob, other.ID, meeting.BookInput{ApplicationID: bobApp}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.CancelSlot(w.ctx, w.hr, other.ID); err != nil {
			t.Fatal(err)
		}
		if r := ch.Rights(live.Identity{UserID: w.hr.UserID}, key(other.ID)); r != 0 {
			t.Fatalf("rights in a withdrawn slot: %v", r)
		}
		if m, err := w.svc.End(w.ctx, w.hr, other.ID); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("ending a withdrawn slot: %+v, %v", m, err)
		}
	})
}

// TestRequestRoom: an accepted meeting request gets one room, whoever of the investor and the
// zone's staff opens it first, hosted by the staff member who accepted; nobody else finds it,
// a pending request has none, and the negotiation's outcome moves the investor's lead on the
// request's project.
func TestRequestRoom(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		store := project.NewStore(w.g)
		pr := project.Project{ZoneID: w.zone.ID, TitleZh: "项目", TitleEn: "Project", Industry: "equipment", Currency: "CNY", Status: "open"}
		must(t, store.CreateProject(w.ctx, &pr))
		inv := w.user(actor.RoleInvestor)
		lead := project.Lead{ProjectID: pr.ID, ZoneID: w.zone.ID, InvestorID: inv.UserID, Status: project.LeadMeeting}
		must(t, store.CreateLead(w.ctx, &lead))
		at := w.clock.at(24 * time.Hour)
		request := func(status string) int64 {
			r := project.MeetingRequest{ZoneID: w.zone.ID, ProjectID: &pr.ID, InvestorID: inv.UserID, RawProposed: "[]", Minutes: 40, Status: status}
			if status == project.MeetingAccepted {
				r.StartsAt, r.DecidedBy = &at, &w.staff.UserID
			}
			must(t, store.CreateMeetingRequest(w.ctx, &r))
			return r.ID
		}
		accepted, pending := request(project.MeetingAccepted), request(project.MeetingPending)
		l := &leads{}
		w.svc.Leads = l

		b, err := w.svc.Bookable(w.ctx, inv)
		if err != nil || len(b.Invitations) != 1 || b.Invitations[0].RequestID != accepted || b.Invitations[0].TitleEn != "Home Zone" || b.Invitations[0].TitleZh != "本区" {
			t.Fatalf("investor's invitations: %+v, %v", b.Invitations, err)
		}
		// With a negotiation slot of the zone, the title comes with the slot's names.
		_, err = w.svc.CreateSlots(w.ctx, w.staff, meeting.SlotInput{Kind: meeting.Negotiation, StartsAt: w.clock.at(3 * time.Hour), TimeZone: "Asia/Shanghai", Minutes: 30})
		must(t, err)
		b, err = w.svc.Bookable(w.ctx, inv)
		if err != nil || len(b.Slots) != 1 || len(b.Invitations) != 1 || b.Invitations[0].TitleEn != "Home Zone" || b.Invitations[0].TitleZh != "本区" {
			t.Fatalf("investor's invitations beside a slot: %+v, %v", b, err)
		}
		m, err := w.svc.RequestRoom(w.ctx, inv, accepted)
		if err != nil || m.Source != meeting.FromRequest || m.HostID != w.staff.UserID || !m.StartsAt.Equal(at) || m.Minutes != 40 || m.Role != meeting.Guest {
			t.Fatalf("room: %+v, %v", m, err)
		}
		if again, err := w.svc.RequestRoom(w.ctx, w.staff, accepted); err != nil || again.ID != m.ID || again.Role != meeting.Host {
			t.Fatalf("staff's room: %+v, %v", again, err)
		}
		if _, err := w.svc.RequestRoom(w.ctx, w.user(actor.RoleInvestor), accepted); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("another investor: %v", err)
		}
		if _, err := w.svc.RequestRoom(w.ctx, inv, pending); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("pending request: %v", err)
		}
		if _, err := w.svc.RequestRoom(w.ctx, inv, pending+100); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("unknown request: %v", err)
		}
		if _, err := w.svc.Outcome(w.ctx, w.staff, m.ID, meeting.OutcomeInput{Outcome: "negotiating"}); err != nil {
			t.Fatal(err)
		}
		if len(l.moved) != 1 || l.moved[0] != lead.ID {
			t.Fatalf("leads moved: %v, want [%d]", l.moved, lead.ID)
		}
	})
}

// TestManagedSlots: enterprise staff list their enterprise's slots, zone staff their zone's
// (the enterprise's included), by kind and start; past ones on request; others may not.
func TestManagedSlots(t *testing.T) {
	eachWorld(t, func(t *testing.T, w *world) {
		interview := w.slot(3*time.Hour, 2)
		neg, err := w.svc.CreateSlots(w.ctx, w.staff, meeting.SlotInput{Kind: meeting.Negotiation, StartsAt: w.clock.at(2 * time.Hour), TimeZone: "Asia/Shanghai", Minutes: 30})
		must(t, err)
		ids := func(ms []meeting.Meeting) []int64 {
			out := []int64{}
			for _, m := range ms {
				out = append(out, m.ID)
			}
			return out
		}
		if ms, err := w.svc.ManagedSlots(w.ctx, w.hr, meeting.SlotFilter{}); err != nil || len(ms) != 1 || ms[0].ID != interview.ID {
			t.Fatalf("enterprise's slots: %v, %v", ids(ms), err)
		}
		if ms, err := w.svc.ManagedSlots(w.ctx, w.staff, meeting.SlotFilter{}); err != nil || len(ms) != 2 || ms[0].ID != neg[0].ID || ms[1].ID != interview.ID {
			t.Fatalf("zone's slots: %v, %v", ids(ms), err)
		}
		if ms, err := w.svc.ManagedSlots(w.ctx, w.staff, meeting.SlotFilter{Kind: meeting.Interview}); err != nil || len(ms) != 1 || ms[0].ID != interview.ID {
			t.Fatalf("zone's interviews: %v, %v", ids(ms), err)
		}
		w.clock.advance(24 * time.Hour)
		if ms, err := w.svc.ManagedSlots(w.ctx, w.staff, meeting.SlotFilter{}); err != nil || len(ms) != 0 {
			t.Fatalf("a day later: %v, %v", ids(ms), err)
		}
		if ms, err := w.svc.ManagedSlots(w.ctx, w.staff, meeting.SlotFilter{Past: true}); err != nil || len(ms) != 2 {
			t.Fatalf("past slots: %v, %v", ids(ms), err)
		}
		if _, err := w.svc.ManagedSlots(w.ctx, w.user(actor.RoleInvestor), meeting.SlotFilter{}); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("an investor: %v", err)
		}
	})
}
