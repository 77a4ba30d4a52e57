package video

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/db/dbtest"
	"zonefair/app/errs"
	"zonefair/app/meeting"
	"zonefair/app/web"
)

// TestGroupMeetingTokens: the host invites investors up to 16 people in all; every member gets
// a token that publishes in the meeting's room, nobody else gets one, and none once it ended.
func TestGroupMeetingTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		f := setup(t, g)
		ctx := context.Background()
		if err := g.Exec("INSERT INTO zones (id, slug, name_zh, name_en, province, region) VALUES (?, ?, ?, ?, ?, ?)", 900, "video-zone", "园区", "Zone", "jiangsu", "east").Error; err != nil {
			t.Fatal(err)
		}
		zone := int64(900)
		if err := g.Model(&account.User{}).Where("id = ?", f.host.UserID).Update("zone_id", zone).Error; err != nil {
			t.Fatal(err)
		}
		f.host.ZoneID = zone
		slots, err := f.s.Meetings.CreateSlots(ctx, f.host, meeting.SlotInput{Kind: meeting.Negotiation, Title: "Group", StartsAt: time.Now().Add(time.Hour), TimeZone: "Asia/Shanghai", Minutes: 60})
		if err != nil {
			t.Fatal(err)
		}
		id := slots[0].ID
		m, err := f.s.Meetings.Invite(ctx, f.host, id, meeting.InviteInput{Emails: []string{"ann@zonefair.test", "BOB@zonefair.test"}})
		if err != nil || len(m.Guests) != 2 {
			t.Fatalf("invite: %+v %v", m.Guests, err)
		}
		// Attendees cannot invite; unknown emails and graduates are refused.
		_, err = f.s.Meetings.Invite(ctx, f.ann, id, meeting.InviteInput{Emails: []string{"eve@zonefair.test"}})
		wantKind(t, err, errs.ErrForbidden)
		_, err = f.s.Meetings.Invite(ctx, f.host, id, meeting.InviteInput{Emails: []string{"nobody@zonefair.test"}})
		wantKind(t, err, errs.ErrInvalid)
		grad := account.User{Email: "grad@zonefair.test", Name: "Grad", Role: web.RoleGraduate, Locale: "en"}
		if err := g.Create(&grad).Error; err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Meetings.Invite(ctx, f.host, id, meeting.InviteInput{Emails: []string{"grad@zonefair.test"}})
		wantKind(t, err, errs.ErrInvalid)

		for _, p := range []*actor.Actor{f.host, f.ann, f.bob} {
			tok, err := f.s.MeetingToken(ctx, id, p)
			if err != nil {
				t.Fatal(err)
			}
			c := grants(t, tok.Token)
			if !c.Video.GetCanPublish() || c.Video.Room != Room(KindMeeting, id) || c.Identity != Identity(p.UserID) {
				t.Fatalf("member token %+v", c.Video)
			}
		}
		_, err = f.s.MeetingToken(ctx, id, f.eve)
		wantKind(t, err, errs.ErrNotFound)

		// Sixteen people at most: the host, Ann, Bob and 13 more fit; one more does not.
		var emails []string
		for i := range 14 {
			u := account.User{Email: fmt.Sprintf("team%d@zonefair.test", i), Name: fmt.Sprintf("Team %d", i), Role: web.RoleInvestor, Locale: "en"}
			if err := g.Create(&u).Error; err != nil {
				t.Fatal(err)
			}
			emails = append(emails, u.Email)
		}
		_, err = f.s.Meetings.Invite(ctx, f.host, id, meeting.InviteInput{Emails: emails})
		wantKind(t, err, errs.ErrConflict)
		if m, err = f.s.Meetings.Invite(ctx, f.host, id, meeting.InviteInput{Emails: emails[:13]}); err != nil || len(m.Guests) != meeting.MaxMembers-1 {
			t.Fatalf("13 more: %d %v", len(m.Guests), err)
		}

		if _, err := f.s.Meetings.End(ctx, f.host, id); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.MeetingToken(ctx, id, f.ann)
		wantKind(t, err, errs.ErrConflict)
	})
}
