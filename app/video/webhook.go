package video

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"github.com/livekit/protocol/webhook"
	"google.golang.org/protobuf/encoding/protojson"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// presence is one row of video_presence: one stay of one person in one room.
type presence struct {
	ID          int64
	Kind        string
	RefID       int64
	UserID      int64
	Participant string
	Published   bool
	JoinedNs    int64
	LeftNs      *int64
	Seconds     int
}

func (presence) TableName() string { return "video_presence" }

// verify checks that body was signed by the video server: the Authorization header is a token
// of our API key whose sha256 claim is the body's hash.
func (s *Service) verify(authz string, body []byte) error {
	if authz == "" {
		return errs.New(errs.ErrUnauthorized, "video.signature")
	}
	v, err := auth.ParseAPIToken(authz)
	if err != nil || v.APIKey() != s.Server.APIKey {
		return errs.New(errs.ErrUnauthorized, "video.signature")
	}
	claims, err := v.Verify(s.Server.APISecret)
	if err != nil {
		return errs.New(errs.ErrUnauthorized, "video.signature")
	}
	sum := sha256.Sum256(body)
	if claims.Sha256 != base64.StdEncoding.EncodeToString(sum[:]) {
		return errs.New(errs.ErrUnauthorized, "video.signature")
	}
	return nil
}

// Webhook records one event the video server signed: who joined and left which room, and who
// published there (was on stage). Events of rooms Zonefair did not name are accepted and
// ignored; an unsigned or altered body is 401, a body that is not an event 400. Deliveries may
// repeat: each change applies once.
func (s *Service) Webhook(ctx context.Context, authz string, body []byte) error {
	if err := s.off(); err != nil {
		return err
	}
	if err := s.verify(authz, body); err != nil {
		return err
	}
	var ev livekit.WebhookEvent
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(bytes.TrimSpace(body), &ev); err != nil {
		return errs.Invalid("body", "field.invalid")
	}
	kind, ref, ok := s.Server.parseRoom(ev.GetRoom().GetName())
	if !ok {
		return nil
	}
	at := s.now()
	if ev.CreatedAt > 0 {
		at = time.Unix(ev.CreatedAt, 0).UTC()
	}
	pi := ev.GetParticipant()
	user, known := parseIdentity(pi.GetIdentity())
	switch ev.Event {
	case webhook.EventParticipantJoined:
		if !known {
			return nil
		}
		joined := at
		if pi.GetJoinedAt() > 0 {
			joined = time.Unix(pi.GetJoinedAt(), 0).UTC()
		}
		return s.Store.Join(ctx, &presence{Kind: kind, RefID: ref, UserID: user, Participant: pi.GetSid(), JoinedNs: joined.UnixNano()})
	case webhook.EventTrackPublished:
		return s.Store.Published(ctx, pi.GetSid())
	case webhook.EventParticipantLeft:
		return s.Store.Leave(ctx, pi.GetSid(), at)
	case webhook.EventRoomFinished:
		return s.Store.CloseRoom(ctx, kind, ref, at)
	}
	return nil
}

// Stay is one person's time in a video room.
type Stay struct {
	UserID   int64      `json:"userId"`
	Name     string     `json:"name"`
	OnStage  bool       `json:"onStage"` // published camera, microphone or screen
	JoinedAt time.Time  `json:"joinedAt"`
	LeftAt   *time.Time `json:"leftAt"` // nil while still in the room
	Seconds  int        `json:"seconds"`
}

// BriefingStays lists who was in briefing id's video room and on stage, for those who may read
// its attendance analytics: its hosts (staff of its zones, its creator, admins).
func (s *Service) BriefingStays(ctx context.Context, id int64, p *actor.Actor) ([]Stay, error) {
	a, err := s.Briefings.VideoAccess(ctx, id, p)
	if err != nil {
		return nil, err
	}
	if !a.Host {
		return nil, errs.New(errs.ErrForbidden, "briefing.not_host")
	}
	return s.Stays(ctx, KindBriefing, id)
}

// MeetingStays lists who was in meeting id's video room, for its participants only: the
// meeting's record is theirs (staff managing it without taking part get 403, others 404).
func (s *Service) MeetingStays(ctx context.Context, id int64, p *actor.Actor) ([]Stay, error) {
	if _, err := s.Meetings.Room(ctx, p, id); err != nil {
		return nil, err
	}
	return s.Stays(ctx, KindMeeting, id)
}

// Stays lists who was in a room and for how long, first joined first.
func (s *Service) Stays(ctx context.Context, kind string, ref int64) ([]Stay, error) {
	rows, err := s.Store.Stays(ctx, kind, ref)
	if err != nil {
		return []Stay{}, err
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.UserID)
	}
	users, err := s.Users.ByIDs(ctx, ids)
	if err != nil {
		return []Stay{}, err
	}
	names := make(map[int64]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name
	}
	out := make([]Stay, 0, len(rows))
	for _, r := range rows {
		st := Stay{UserID: r.UserID, Name: names[r.UserID], OnStage: r.Published, JoinedAt: time.Unix(0, r.JoinedNs).UTC(), Seconds: r.Seconds}
		if r.LeftNs != nil {
			t := time.Unix(0, *r.LeftNs).UTC()
			st.LeftAt = &t
		}
		out = append(out, st)
	}
	return out, nil
}

// Counts is how many rooms have someone in them and how many people are in rooms, as the
// webhooks recorded them (every instance reads the same rows).
func (s *Service) Counts(ctx context.Context) (rooms, participants int64, err error) {
	return s.Store.Counts(ctx)
}
