package video

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"github.com/twitchtv/twirp"

	"zonefair/app/actor"
	"zonefair/app/briefing"
	"zonefair/app/errs"
)

// Stage states.
const (
	Hand    = "hand"
	OnStage = "stage"
)

// stageRow is one row of video_stage.
type stageRow struct {
	BriefingID int64
	UserID     int64
	Name       string
	State      string
	HandAt     *int64
	UpdatedNs  int64
	By         int64
}

func (stageRow) TableName() string { return "video_stage" }

// Person is someone at the stage.
type Person struct {
	UserID   int64     `json:"userId"`
	Identity string    `json:"identity"`
	Name     string    `json:"name"`
	Since    time.Time `json:"since"`
}

// Stage is a briefing's raised hands (oldest first) and the attendees on stage; it goes out
// as "video.stage" on the briefing's live channel after every change.
type Stage struct {
	Hands      []Person `json:"hands"`
	Presenters []Person `json:"presenters"`
	Max        int      `json:"max"` // presenters at once, the host included
}

// On reports whether userID is on stage.
func (st Stage) On(userID int64) bool {
	return slices.ContainsFunc(st.Presenters, func(p Person) bool { return p.UserID == userID })
}

// Stage reads briefing id's stage.
func (s *Service) Stage(ctx context.Context, id int64) (Stage, error) {
	st := Stage{Hands: []Person{}, Presenters: []Person{}, Max: MaxStage}
	rows, err := s.Store.Stage(ctx, id)
	if err != nil {
		return st, err
	}
	for _, r := range rows {
		p := Person{UserID: r.UserID, Identity: Identity(r.UserID), Name: r.Name, Since: time.Unix(0, r.UpdatedNs).UTC()}
		if r.State == OnStage {
			st.Presenters = append(st.Presenters, p)
		} else {
			st.Hands = append(st.Hands, p)
		}
	}
	return st, nil
}

// StageOf returns briefing id's stage to someone in its room.
func (s *Service) StageOf(ctx context.Context, id int64, p *actor.Actor) (Stage, error) {
	a, err := s.Briefings.VideoAccess(ctx, id, p)
	if err != nil {
		return Stage{}, err
	}
	if !a.Host && (!a.Registered || a.Removed) {
		return Stage{}, errs.New(errs.ErrForbidden, "video.register")
	}
	return s.Stage(ctx, id)
}

// HandInput raises or lowers the caller's hand.
type HandInput struct {
	Raised *bool `json:"raised" validate:"required"`
}

// RaiseHand raises or lowers a registered attendee's hand during the live briefing. Lowering
// does not take a presenter off stage; hosts do that. Hands are Zonefair's own: they work
// without a video server too, and the host answers one by bringing the attendee on stage (with
// a video server) or by replying and lowering it (SetStage with on false).
func (s *Service) RaiseHand(ctx context.Context, id int64, p *actor.Actor, raised bool) (Stage, error) {
	a, err := s.Briefings.VideoAccess(ctx, id, p)
	if err != nil {
		return Stage{}, err
	}
	switch {
	case a.Host:
		return Stage{}, errs.New(errs.ErrConflict, "video.host_stage")
	case a.Removed:
		return Stage{}, errs.New(errs.ErrForbidden, "video.removed")
	case !a.Registered:
		return Stage{}, errs.New(errs.ErrForbidden, "video.register")
	case a.Briefing.PhaseAt(s.now()) != briefing.Live:
		return Stage{}, errs.New(errs.ErrConflict, "video.not_live")
	}
	now := s.now().UnixNano()
	if raised {
		row := stageRow{BriefingID: id, UserID: p.UserID, Name: p.Name, State: Hand, HandAt: &now, UpdatedNs: now}
		err = s.Store.Transaction(ctx, func(tx *Store) error {
			at, err := tx.AtStage(ctx, id, p.UserID)
			if err != nil || at {
				return err // already raised or on stage: nothing changes
			}
			return tx.AddStage(ctx, &row)
		})
	} else {
		err = s.Store.LowerHand(ctx, id, p.UserID)
	}
	if err != nil {
		return Stage{}, err
	}
	return s.stageChanged(ctx, id)
}

// StageInput brings an attendee on stage or sends them back.
type StageInput struct {
	UserID int64 `json:"userId" validate:"required,gte=1"`
	On     *bool `json:"on" validate:"required"`
}

// SetStage is a host bringing a registered attendee on stage (at most MaxStage-1 at once) or
// sending them back to the audience, which also lowers a raised hand the host answered. The
// video server changes their rights at once; tracks they published are stopped when they leave
// the stage. Bringing on stage needs a video server; lowering a hand does not.
func (s *Service) SetStage(ctx context.Context, id int64, p *actor.Actor, in StageInput) (Stage, error) {
	if *in.On {
		if err := s.off(); err != nil {
			return Stage{}, err
		}
	}
	a, err := s.Briefings.VideoAccess(ctx, id, p)
	if err != nil {
		return Stage{}, err
	}
	if !a.Host {
		return Stage{}, errs.New(errs.ErrForbidden, "briefing.not_host")
	}
	if a.Briefing.PhaseAt(s.now()) != briefing.Live {
		return Stage{}, errs.New(errs.ErrConflict, "video.not_live")
	}
	if *in.On {
		err = s.bringOn(ctx, id, p, in.UserID)
	} else {
		err = s.Store.LeaveStage(ctx, id, in.UserID)
	}
	if err != nil {
		return Stage{}, err
	}
	if s.Enabled() {
		s.permit(ctx, id, in.UserID, *in.On)
	}
	return s.stageChanged(ctx, id)
}

func (s *Service) bringOn(ctx context.Context, id int64, host *actor.Actor, userID int64) error {
	ok, err := s.Briefings.Attendee(ctx, id, userID)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Invalid("userId", "video.not_attendee")
	}
	u, err := s.Users.ByID(ctx, userID) // a removed account goes on stage unnamed
	if err != nil && !errors.Is(err, errs.ErrNotFound) {
		return err
	}
	name := u.Name
	now := s.now().UnixNano()
	return s.Store.Transaction(ctx, func(tx *Store) error {
		rows, err := tx.Presenters(ctx, id)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(rows, func(r stageRow) bool { return r.UserID == userID }) {
			return nil
		}
		if len(rows) >= MaxStage-1 {
			return errs.New(errs.ErrConflict, "video.stage_full")
		}
		moved, err := tx.PutOnStage(ctx, id, userID, name, host.UserID, now)
		if err != nil || moved {
			return err
		}
		return tx.AddStage(ctx, &stageRow{BriefingID: id, UserID: userID, Name: name, State: OnStage, UpdatedNs: now, By: host.UserID})
	})
}

// stageChanged reads the stage and tells the room.
func (s *Service) stageChanged(ctx context.Context, id int64) (Stage, error) {
	st, err := s.Stage(ctx, id)
	if err != nil {
		return st, err
	}
	if s.Pub != nil {
		if _, err := s.Pub.Publish(ctx, briefing.Channel(id), "video.stage", st); err != nil {
			s.log().Warn("video stage publish failed", "briefing_id", id, "err", err)
		}
	}
	return st, nil
}

// permit changes a connected participant's rights on the video server. A participant who is
// not connected gets the new rights with their next token, so "not found" is no failure.
func (s *Service) permit(ctx context.Context, id, userID int64, publish bool) {
	room := s.Server.room(KindBriefing, id)
	tok, err := auth.NewAccessToken(s.Server.APIKey, s.Server.APISecret).
		SetVideoGrant(&auth.VideoGrant{RoomAdmin: true, Room: room}).SetValidFor(time.Minute).ToJWT()
	if err != nil {
		s.log().Warn("video admin token", "err", err)
		return
	}
	h := make(http.Header)
	h.Set("Authorization", "Bearer "+tok)
	ctx, err = twirp.WithHTTPRequestHeaders(ctx, h)
	if err != nil {
		return
	}
	perm := &livekit.ParticipantPermission{CanSubscribe: true, CanPublish: publish, CanPublishData: publish}
	if publish {
		perm.CanPublishSources = []livekit.TrackSource{livekit.TrackSource_CAMERA, livekit.TrackSource_MICROPHONE, livekit.TrackSource_SCREEN_SHARE, livekit.TrackSource_SCREEN_SHARE_AUDIO}
	}
	rooms := livekit.NewRoomServiceProtobufClient(s.apiURL(), s.client())
	_, err = rooms.UpdateParticipant(ctx, &livekit.UpdateParticipantRequest{Room: room, Identity: Identity(userID), Permission: perm})
	var te twirp.Error
	if err != nil && !(errors.As(err, &te) && te.Code() == twirp.NotFound) {
		s.log().Warn("video participant rights not changed; they apply on the next connection", "briefing_id", id, "user_id", userID, "err", err)
	}
}
