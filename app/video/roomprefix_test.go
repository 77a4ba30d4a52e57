package video

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
)

// Installs sharing one video server keep their rooms apart by a prefix: their tokens name the
// prefixed room, and the events of another install's room of the same number are accepted and
// ignored.
func TestRoomPrefix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		f := setup(t, g)
		f.s.Server.RoomPrefix = "pair1-"
		ctx := context.Background()

		tok, err := f.s.BriefingToken(ctx, f.live, f.ann)
		if err != nil {
			t.Fatal(err)
		}
		want := "pair1-" + Room(KindBriefing, f.live)
		if c := grants(t, tok.Token); tok.Room != want || c.Video.Room != want {
			t.Fatalf("token room %q, grant %q, want %q", tok.Room, c.Video.Room, want)
		}

		ours := `{"event":"participant_joined","room":{"name":"` + want + `"},"participant":{"sid":"PA_ann","identity":"` + Identity(f.ann.UserID) + `"},"createdAt":"1700000000"}`
		theirs := `{"event":"participant_joined","room":{"name":"` + Room(KindBriefing, f.live) + `"},"participant":{"sid":"PA_bob","identity":"` + Identity(f.bob.UserID) + `"},"createdAt":"1700000000"}`
		for _, b := range []string{ours, theirs} {
			if err := f.s.Webhook(ctx, signed(t, testSecret, b), []byte(b)); err != nil {
				t.Fatal(err)
			}
		}
		stays, err := f.s.Stays(ctx, KindBriefing, f.live)
		if err != nil {
			t.Fatal(err)
		}
		if len(stays) != 1 || stays[0].UserID != f.ann.UserID {
			t.Fatalf("stays %+v, want Ann's only", stays)
		}
	})
}
