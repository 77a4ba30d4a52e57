package video

import (
	"context"
	"encoding/json"

	"github.com/livekit/protocol/auth"

	"zonefair/app/actor"
	"zonefair/app/briefing"
	"zonefair/app/errs"
	"zonefair/app/meeting"
)

// Roles in a video room, carried in the token's metadata for pages to label tiles.
const (
	RoleHost      = "host"      // a briefing's host: always publishes
	RolePresenter = "presenter" // an attendee brought on stage
	RoleAudience  = "audience"  // watches and listens
	RoleMember    = "member"    // a meeting's member
)

// Token admits one person to one video room.
type Token struct {
	URL        string `json:"url"`
	Room       string `json:"room"`
	Identity   string `json:"identity"`
	Token      string `json:"token"`
	Role       string `json:"role" enum:"host,presenter,audience,member"`
	CanPublish bool   `json:"canPublish"`
	Stage      Stage  `json:"stage"` // briefings only
}

// sources a presenter publishes: camera, microphone and a shared screen with its sound.
var sources = []string{"camera", "microphone", "screen_share", "screen_share_audio"}

// sign makes the access token: everyone subscribes; publishers publish their camera,
// microphone and screen; nobody else publishes anything, data included.
func (s *Service) sign(room string, p *actor.Actor, role string, publish bool) (string, error) {
	grant := &auth.VideoGrant{RoomJoin: true, Room: room, CanSubscribe: ptr(true), CanPublish: ptr(publish), CanPublishData: ptr(publish),
		CanUpdateOwnMetadata: ptr(false)}
	if publish {
		grant.CanPublishSources = sources
	}
	meta, _ := json.Marshal(map[string]string{"role": role})
	return auth.NewAccessToken(s.Server.APIKey, s.Server.APISecret).SetVideoGrant(grant).SetIdentity(Identity(p.UserID)).
		SetName(p.Name).SetMetadata(string(meta)).SetValidFor(TokenTTL).ToJWT()
}

func ptr[T any](v T) *T { return &v }

// BriefingToken admits p to briefing id's stage. Hosts publish; registered attendees watch,
// and publish while on stage; anyone else (not registered, removed, another briefing's
// attendee) is refused, as is everyone once the briefing ended and attendees before it starts.
func (s *Service) BriefingToken(ctx context.Context, id int64, p *actor.Actor) (Token, error) {
	if err := s.off(); err != nil {
		return Token{}, err
	}
	a, err := s.Briefings.VideoAccess(ctx, id, p)
	if err != nil {
		return Token{}, err
	}
	phase := a.Briefing.PhaseAt(s.now())
	switch {
	case phase == briefing.Ended:
		return Token{}, errs.New(errs.ErrConflict, "briefing.ended")
	case a.Host:
	case a.Removed:
		return Token{}, errs.New(errs.ErrForbidden, "video.removed")
	case !a.Registered:
		return Token{}, errs.New(errs.ErrForbidden, "video.register")
	case phase != briefing.Live:
		return Token{}, errs.New(errs.ErrConflict, "video.not_live")
	}
	st, err := s.Stage(ctx, id)
	if err != nil {
		return Token{}, err
	}
	role := RoleAudience
	switch {
	case a.Host:
		role = RoleHost
	case st.On(p.UserID):
		role = RolePresenter
	}
	t := Token{URL: s.Server.URL, Room: s.Server.room(KindBriefing, id), Identity: Identity(p.UserID), Role: role, CanPublish: role != RoleAudience, Stage: st}
	t.Token, err = s.sign(t.Room, p, role, t.CanPublish)
	return t, err
}

// MeetingToken admits a member of meeting id to its room while the meeting is open; every
// member publishes. Others get the meeting's 403 or 404.
func (s *Service) MeetingToken(ctx context.Context, id int64, p *actor.Actor) (Token, error) {
	if err := s.off(); err != nil {
		return Token{}, err
	}
	m, err := s.Meetings.Room(ctx, p, id)
	if err != nil {
		return Token{}, err
	}
	if m.Status != meeting.Open || m.EndedAt != nil {
		return Token{}, errs.New(errs.ErrConflict, "video.meeting_over")
	}
	t := Token{URL: s.Server.URL, Room: s.Server.room(KindMeeting, id), Identity: Identity(p.UserID), Role: RoleMember, CanPublish: true, Stage: Stage{Hands: []Person{}, Presenters: []Person{}}}
	t.Token, err = s.sign(t.Room, p, RoleMember, true)
	return t, err
}
