package briefing

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/db/dbtest"
	"zonefair/app/errs"
)

// TestRegistrationAndRemoval covers what decides a seat in the room: one registration per
// user (a second is a conflict), cancelling it (a second cancel is a 404), and removal by the
// hosts, which keeps the registration but is seen apart.
func TestRegistrationAndRemoval(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		s := NewStore(g)
		u := account.User{Email: "store-attendee@example.test", Name: "Attendee", Role: "investor", Locale: "en"}
		if err := account.NewStore(g).Create(ctx, &u); err != nil {
			t.Fatal(err)
		}
		start := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		in := Input{TitleZh: "推介会", TitleEn: "Briefing", StartsAt: start, EndsAt: start.Add(time.Hour), Visibility: Public}
		var b Briefing
		in.apply(&b)
		if err := s.CreateBriefing(ctx, &b); err != nil {
			t.Fatal(err)
		}
		seat := func(wantRegistered, wantRemoved bool) {
			t.Helper()
			reg, err := s.Registered(ctx, b.ID, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			removed, err := s.Removed(ctx, b.ID, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if reg != wantRegistered || removed != wantRemoved {
				t.Fatalf("registered %v, removed %v; want %v, %v", reg, removed, wantRegistered, wantRemoved)
			}
		}
		seat(false, false)
		r := Registration{BriefingID: b.ID, UserID: u.ID, RawAnswers: "{}", CreatedAt: time.Now()}
		if err := s.Register(ctx, &r); err != nil {
			t.Fatal(err)
		}
		again := Registration{BriefingID: b.ID, UserID: u.ID, RawAnswers: "{}", CreatedAt: time.Now()}
		if err := s.Register(ctx, &again); !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("second registration: %v, want a conflict", err)
		}
		seat(true, false)
		m := Moderation{BriefingID: b.ID, UserID: u.ID, Removed: true, By: u.ID, UpdatedAt: time.Now()}
		if err := s.SaveModeration(ctx, &m, false); err != nil {
			t.Fatal(err)
		}
		seat(true, true)
		if err := s.Unregister(ctx, b.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		seat(false, true)
		if err := s.Unregister(ctx, b.ID, u.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("cancelling twice: %v, want not found", err)
		}
	})
}
