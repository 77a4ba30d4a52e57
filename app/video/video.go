// Package video owns video on the LiveKit SFU: access tokens per role for briefing stages and
// meeting rooms, a briefing's stage (raised hands, up to four presenters brought on and sent
// back by hosts), the webhook receiver that checks LiveKit's signature and records who was in
// each room and on stage for how long, and the video server's readiness and metrics. Without
// a configured server every route says so (409 video.off) and pages fall back to the external
// stream and peer-to-peer meetings.
package video

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zonefair/app/briefing"
	"zonefair/app/errs"
	"zonefair/app/meeting"
	"zonefair/app/notify"
	"zonefair/app/web"
)

// MaxStage is how many people present at once on a briefing's stage, the host included: hosts
// bring on at most MaxStage-1 attendees.
const MaxStage = 4

// TokenTTL is how long an access token admits its holder to the room. LiveKit checks it on
// connecting only; pages ask for a new token for each (re)connection.
const TokenTTL = 10 * time.Minute

// Kinds of video room.
const (
	KindBriefing = "briefing"
	KindMeeting  = "meeting"
)

// Server is a LiveKit server: the address browsers connect to and the key pair that signs
// tokens and webhooks.
type Server struct {
	URL       string
	APIKey    string
	APISecret string
	// RoomPrefix starts the name of each of this install's rooms, so that installs sharing one
	// video server (or a test run's server pairs) keep their rooms apart and ignore each other's
	// webhooks; empty names rooms "<kind>-<id>".
	RoomPrefix string
}

// Service is the video use cases. Create one per process.
type Service struct {
	Store     *Store
	Server    Server // empty URL: video is off
	Briefings *briefing.Service
	Meetings  *meeting.Service
	Users     Users
	Pub       notify.Publisher // the live hub, for stage changes; nil publishes nothing
	Log       *slog.Logger
	// HTTP talks to the video server's API; nil is a client with a 5 s timeout.
	HTTP *http.Client
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Enabled reports whether a video server is configured.
func (s *Service) Enabled() bool { return s.Server.URL != "" }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func (s *Service) client() *http.Client {
	if s.HTTP == nil {
		return &http.Client{Timeout: 5 * time.Second}
	}
	return s.HTTP
}

func (s *Service) off() error {
	if !s.Enabled() {
		return errs.New(errs.ErrConflict, "video.off")
	}
	return nil
}

// Room names the video room of a briefing or a meeting: "briefing-12", "meeting-7".
func Room(kind string, id int64) string { return kind + "-" + strconv.FormatInt(id, 10) }

// room is the name of a room of this install on the video server.
func (s Server) room(kind string, id int64) string { return s.RoomPrefix + Room(kind, id) }

// parseRoom reads one of this install's room names back; ok is false for rooms it did not name.
func (s Server) parseRoom(name string) (kind string, id int64, ok bool) {
	name, ok = strings.CutPrefix(name, s.RoomPrefix)
	if !ok {
		return "", 0, false
	}
	return parseRoom(name)
}

// parseRoom reads a room name back; ok is false for rooms Zonefair did not name.
func parseRoom(name string) (kind string, id int64, ok bool) {
	kind, n, found := strings.Cut(name, "-")
	if !found || (kind != KindBriefing && kind != KindMeeting) {
		return "", 0, false
	}
	id, err := strconv.ParseInt(n, 10, 64)
	return kind, id, err == nil && id > 0
}

// Identity is the participant identity of a user in every room: "user-<id>".
func Identity(userID int64) string { return "user-" + strconv.FormatInt(userID, 10) }

func parseIdentity(identity string) (int64, bool) {
	n, ok := strings.CutPrefix(identity, "user-")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(n, 10, 64)
	return id, err == nil && id > 0
}

// Origins are what a page's Content-Security-Policy must let it connect to besides websockets:
// the HTTP origin of the video server at url (none when video is off).
func Origins(url string) []string {
	if url == "" {
		return nil
	}
	s := &Service{Server: Server{URL: url}}
	u := s.apiURL()
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			u = u[:i+3+j]
		}
	}
	return []string{u}
}

// apiURL is the video server's HTTP address (its API shares the websocket's host and port).
func (s *Service) apiURL() string {
	u := s.Server.URL
	switch {
	case strings.HasPrefix(u, "ws://"):
		u = "http://" + strings.TrimPrefix(u, "ws://")
	case strings.HasPrefix(u, "wss://"):
		u = "https://" + strings.TrimPrefix(u, "wss://")
	}
	return strings.TrimRight(u, "/")
}

// Ready checks that the video server answers; /readyz reports it as "video".
func (s *Service) Ready(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.apiURL()+"/", nil)
	if err != nil {
		return err
	}
	res, err := s.client().Do(req)
	if err != nil {
		return fmt.Errorf("video server unreachable: %w", err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("video server answered %d", res.StatusCode)
	}
	return nil
}

// Status tells pages whether video goes through the SFU.
type Status struct {
	Enabled bool   `json:"enabled"`
	URL     string `json:"url"` // where browsers connect; empty when off
	// MaxStage and MaxMeeting are the presenters on a briefing's stage and people in a meeting.
	MaxStage   int `json:"maxStage"`
	MaxMeeting int `json:"maxMeeting"`
}

// Status is the video settings pages need.
func (s *Service) Status() Status {
	return Status{Enabled: s.Enabled(), URL: s.Server.URL, MaxStage: MaxStage, MaxMeeting: meeting.MaxMembers}
}

func init() {
	web.AddMessages(map[string][2]string{
		"video.off":          {"未配置视频服务器（LiveKit）。", "No video server (LiveKit) is configured."},
		"video.not_live":     {"推介会未在直播。", "The briefing is not live."},
		"video.register":     {"请先报名参加本推介会。", "Register for this briefing first."},
		"video.removed":      {"您已被移出本推介会。", "You were removed from this briefing."},
		"video.stage_full":   {"台上已满（最多 4 位主讲人）。", "The stage is full (at most 4 presenters)."},
		"video.not_attendee": {"该用户未报名本推介会。", "That user is not registered for this briefing."},
		"video.host_stage":   {"主持人始终可以发言。", "Hosts are always on stage."},
		"video.meeting_over": {"会面已结束或已取消。", "The meeting has ended or was cancelled."},
		"video.signature":    {"Webhook 签名无效。", "Invalid webhook signature."},
	})
}
