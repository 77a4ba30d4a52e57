package video

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
	"zonefair/app/errs"
)

// TestHandsWithoutVideoServer: without a video server an attendee still raises a hand, the host
// sees it (and everyone in the room is told), answers by replying and lowers it; bringing anyone
// on stage needs the video server and says so; the video server is never called.
func TestHandsWithoutVideoServer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		f := setup(t, g)
		f.s.Server = Server{} // no video server configured
		ctx := context.Background()
		up, on, off := true, true, false

		st, err := f.s.RaiseHand(ctx, f.live, f.ann, up)
		if err != nil || len(st.Hands) != 1 || st.Hands[0].UserID != f.ann.UserID {
			t.Fatalf("raised without a video server: %+v %v", st, err)
		}
		if st, err = f.s.StageOf(ctx, f.live, f.host); err != nil || len(st.Hands) != 1 {
			t.Fatalf("the host's view: %+v %v", st, err)
		}
		// Strangers and hosts cannot raise one; attendees cannot answer one.
		_, err = f.s.RaiseHand(ctx, f.live, f.eve, up)
		wantKind(t, err, errs.ErrForbidden)
		_, err = f.s.SetStage(ctx, f.live, f.bob, StageInput{UserID: f.ann.UserID, On: &off})
		wantKind(t, err, errs.ErrForbidden)

		_, err = f.s.SetStage(ctx, f.live, f.host, StageInput{UserID: f.ann.UserID, On: &on})
		wantKind(t, err, errs.ErrConflict)
		if st, _ = f.s.Stage(ctx, f.live); len(st.Hands) != 1 || len(st.Presenters) != 0 {
			t.Fatalf("a refused bring-on changed the stage: %+v", st)
		}
		// The host replied: the hand comes down.
		st, err = f.s.SetStage(ctx, f.live, f.host, StageInput{UserID: f.ann.UserID, On: &off})
		if err != nil || len(st.Hands) != 0 || len(st.Presenters) != 0 {
			t.Fatalf("answered hand: %+v %v", st, err)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if len(f.calls) != 0 {
			t.Fatalf("the video server was called: %v", f.calls)
		}
		f.pub.mu.Lock()
		defer f.pub.mu.Unlock()
		if len(f.pub.kinds) != 2 {
			t.Fatalf("room told %v, want the raise and the answer", f.pub.kinds)
		}
	})
}
