package video

import (
	"context"
	"testing"
	"time"

	"zonefair/app/actor"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/db/dbtest"
	"zonefair/app/errs"
	"zonefair/app/meeting"
	"zonefair/app/web"
)

// TestPresenceRights: the stays the webhooks recorded in a briefing's room are read by those who
// may read its attendance analytics (staff of its zone, its creator, admins) and nobody else;
// those of a meeting's room by its participants only, not even by zone staff who manage it.
func TestPresenceRights(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		f := setup(t, g)
		ctx := context.Background()
		for _, z := range []int64{901, 902} {
			if err := g.Exec("INSERT INTO zones (id, slug, name_zh, name_en, province, region) VALUES (?, ?, ?, ?, ?, ?)", z, "presence-zone-"+string(rune('a'+z-901)), "园区", "Zone", "jiangsu", "east").Error; err != nil {
				t.Fatal(err)
			}
		}
		user := func(name string, role web.Role, zone int64) *actor.Actor {
			u := account.User{Email: name + "@presence.test", Name: name, Role: role, Locale: "en"}
			if zone != 0 {
				u.ZoneID = &zone
			}
			if err := g.Create(&u).Error; err != nil {
				t.Fatal(err)
			}
			return &actor.Actor{UserID: u.ID, Name: name, Role: role, ZoneID: zone}
		}
		colleague, outsider, admin := user("colleague", web.RoleZoneStaff, 901), user("outsider", web.RoleZoneStaff, 902), user("admin", web.RoleAdmin, 0)
		if err := g.Exec("INSERT INTO briefing_zones (briefing_id, zone_id) VALUES (?, ?)", f.live, 901).Error; err != nil {
			t.Fatal(err)
		}

		// Ann joins the briefing's room, goes on stage and leaves after 95 s; Bob is still in.
		room := Room(KindBriefing, f.live)
		for _, b := range []string{
			`{"event":"participant_joined","room":{"name":"` + room + `"},"participant":{"sid":"PA_ann","identity":"` + Identity(f.ann.UserID) + `","joinedAt":"1700000000"},"createdAt":"1700000000"}`,
			`{"event":"track_published","room":{"name":"` + room + `"},"participant":{"sid":"PA_ann","identity":"` + Identity(f.ann.UserID) + `"},"createdAt":"1700000030"}`,
			`{"event":"participant_joined","room":{"name":"` + room + `"},"participant":{"sid":"PA_bob","identity":"` + Identity(f.bob.UserID) + `","joinedAt":"1700000010"},"createdAt":"1700000010"}`,
			`{"event":"participant_left","room":{"name":"` + room + `"},"participant":{"sid":"PA_ann","identity":"` + Identity(f.ann.UserID) + `"},"createdAt":"1700000095"}`,
		} {
			if err := f.s.Webhook(ctx, signed(t, testSecret, b), []byte(b)); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range []*actor.Actor{f.host, colleague, admin} {
			stays, err := f.s.BriefingStays(ctx, f.live, p)
			if err != nil {
				t.Fatalf("%s: %v", p.Name, err)
			}
			if len(stays) != 2 || stays[0].Name != "Ann" || !stays[0].OnStage || stays[0].Seconds != 95 || stays[0].LeftAt == nil ||
				stays[1].Name != "Bob" || stays[1].OnStage || stays[1].LeftAt != nil {
				t.Fatalf("%s reads %+v", p.Name, stays)
			}
		}
		// Attendees, staff of another zone and the attendee of another briefing may not.
		for _, p := range []*actor.Actor{f.ann, f.bob, outsider, f.other} {
			_, err := f.s.BriefingStays(ctx, f.live, p)
			wantKind(t, err, errs.ErrForbidden)
		}
		_, err := f.s.BriefingStays(ctx, f.live+1000, admin)
		wantKind(t, err, errs.ErrNotFound)

		// A meeting of the host's zone with Ann as its guest; Bob is not invited.
		if err := g.Model(&account.User{}).Where("id = ?", f.host.UserID).Update("zone_id", 901).Error; err != nil {
			t.Fatal(err)
		}
		f.host.ZoneID = 901
		slots, err := f.s.Meetings.CreateSlots(ctx, f.host, meeting.SlotInput{Kind: meeting.Negotiation, Title: "Talks", StartsAt: time.Now().Add(time.Hour), TimeZone: "Asia/Shanghai", Minutes: 60})
		if err != nil {
			t.Fatal(err)
		}
		id := slots[0].ID
		if _, err := f.s.Meetings.Invite(ctx, f.host, id, meeting.InviteInput{Emails: []string{"ann@zonefair.test"}}); err != nil {
			t.Fatal(err)
		}
		mroom := Room(KindMeeting, id)
		for _, b := range []string{
			`{"event":"participant_joined","room":{"name":"` + mroom + `"},"participant":{"sid":"PA_m_host","identity":"` + Identity(f.host.UserID) + `","joinedAt":"1700000000"},"createdAt":"1700000000"}`,
			`{"event":"participant_joined","room":{"name":"` + mroom + `"},"participant":{"sid":"PA_m_ann","identity":"` + Identity(f.ann.UserID) + `","joinedAt":"1700000060"},"createdAt":"1700000060"}`,
			`{"event":"room_finished","room":{"name":"` + mroom + `"},"createdAt":"1700001260"}`,
		} {
			if err := f.s.Webhook(ctx, signed(t, testSecret, b), []byte(b)); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range []*actor.Actor{f.host, f.ann} {
			stays, err := f.s.MeetingStays(ctx, id, p)
			if err != nil {
				t.Fatalf("%s: %v", p.Name, err)
			}
			if len(stays) != 2 || stays[0].Name != "Host" || stays[0].Seconds != 1260 || stays[1].Name != "Ann" || stays[1].Seconds != 1200 || stays[1].LeftAt == nil {
				t.Fatalf("%s reads %+v", p.Name, stays)
			}
		}
		// Staff of the zone who do not take part may manage the meeting but not read its record;
		// nobody else learns it exists.
		_, err = f.s.MeetingStays(ctx, id, colleague)
		wantKind(t, err, errs.ErrForbidden)
		for _, p := range []*actor.Actor{f.bob, outsider} {
			_, err = f.s.MeetingStays(ctx, id, p)
			wantKind(t, err, errs.ErrNotFound)
		}
	})
}
