package video

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zonefair/app/actor"

	jose "github.com/go-jose/go-jose/v3"
	"github.com/go-jose/go-jose/v3/jwt"
	"github.com/livekit/protocol/auth"
	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/briefing"
	"zonefair/app/db/dbtest"
	"zonefair/app/errs"
	"zonefair/app/meeting"
	"zonefair/app/project"
	"zonefair/app/web"
	"zonefair/app/zone"
)

const (
	testKey    = "testkey"
	testSecret = "test-secret-of-at-least-32-characters"
)

// recorder is a live publisher that keeps what was published.
type recorder struct {
	mu    sync.Mutex
	kinds []string
}

func (r *recorder) Publish(_ context.Context, channel, kind string, _ any) (uint64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kinds = append(r.kinds, channel+" "+kind)
	return 0, nil
}

// fixture is a live briefing with its host, two registered attendees and one stranger, plus a
// second briefing with its own attendee, and a fake video server API that records calls.
type fixture struct {
	s                          *Service
	pub                        *recorder
	host, ann, bob, eve, other *actor.Actor
	live, second               int64
	calls                      []string
	mu                         sync.Mutex
}

func setup(t *testing.T, g *gorm.DB) *fixture {
	t.Helper()
	f := &fixture{pub: &recorder{}}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.calls = append(f.calls, r.URL.Path)
		f.mu.Unlock()
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/protobuf")
	}))
	t.Cleanup(api.Close)
	user := func(name string, role web.Role) *actor.Actor {
		u := account.User{Email: strings.ToLower(name) + "@zonefair.test", Name: name, Role: role, Locale: "en"}
		if err := g.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		return &actor.Actor{UserID: u.ID, Name: name, Role: role}
	}
	f.host, f.ann, f.bob, f.eve, f.other = user("Host", web.RoleZoneStaff), user("Ann", web.RoleInvestor), user("Bob", web.RoleInvestor), user("Eve", web.RoleInvestor), user("Oli", web.RoleInvestor)
	now := time.Now().UTC()
	brief := func() int64 {
		b := briefing.Briefing{TitleZh: "推介", TitleEn: "Briefing", StartsAt: now.Add(-10 * time.Minute), EndsAt: now.Add(time.Hour), StartedAt: &now,
			Visibility: briefing.Registered, RawPresenter: "[]", RawQuestions: "[]", CreatedBy: f.host.UserID, CreatedAt: now, UpdatedAt: now}
		if err := g.Create(&b).Error; err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	f.live, f.second = brief(), brief()
	for _, r := range []struct {
		b int64
		p *actor.Actor
	}{{f.live, f.ann}, {f.live, f.bob}, {f.second, f.other}} {
		if err := g.Create(&briefing.Registration{BriefingID: r.b, UserID: r.p.UserID, RawAnswers: "{}", CreatedAt: now}).Error; err != nil {
			t.Fatal(err)
		}
	}
	bs := &briefing.Service{Store: briefing.NewStore(g), Zones: zone.NewStore(g), Projects: &project.Service{Store: project.NewStore(g), Zones: zone.NewStore(g), Users: account.NewStore(g)}, Users: account.NewStore(g)}
	f.s = &Service{Store: NewStore(g), Server: Server{URL: strings.Replace(api.URL, "http://", "ws://", 1), APIKey: testKey, APISecret: testSecret},
		Briefings: bs, Meetings: &meeting.Service{Store: meeting.NewStore(g), Zones: zone.NewStore(g), Users: account.NewStore(g)}, Users: account.NewStore(g), Pub: f.pub}
	return f
}

// grants verifies a token as the video server does and returns its grants.
func grants(t *testing.T, token string) *auth.ClaimGrants {
	t.Helper()
	v, err := auth.ParseAPIToken(token)
	if err != nil {
		t.Fatal(err)
	}
	if v.APIKey() != testKey {
		t.Fatalf("token of key %q", v.APIKey())
	}
	c, err := v.Verify(testSecret)
	if err != nil {
		t.Fatalf("token does not verify: %v", err)
	}
	return c
}

func wantKind(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("got %v, want %v", err, kind)
	}
}

func TestTokenRights(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		f := setup(t, g)
		ctx := context.Background()

		tok, err := f.s.BriefingToken(ctx, f.live, f.host)
		if err != nil {
			t.Fatal(err)
		}
		c := grants(t, tok.Token)
		if tok.Role != RoleHost || !c.Video.GetCanPublish() || c.Video.Room != Room(KindBriefing, f.live) || c.Identity != Identity(f.host.UserID) {
			t.Fatalf("host token: %+v %+v", tok, c.Video)
		}

		tok, err = f.s.BriefingToken(ctx, f.live, f.ann)
		if err != nil {
			t.Fatal(err)
		}
		c = grants(t, tok.Token)
		if tok.Role != RoleAudience || c.Video.GetCanPublish() || c.Video.GetCanPublishData() || !c.Video.GetCanSubscribe() || !c.Video.RoomJoin {
			t.Fatalf("attendee may publish or not watch: %+v", c.Video)
		}
		// The token admits to this briefing's room only and for TokenTTL.
		if c.Video.Room != Room(KindBriefing, f.live) {
			t.Fatalf("room %q", c.Video.Room)
		}

		// Not registered; registered for another briefing: refused.
		_, err = f.s.BriefingToken(ctx, f.live, f.eve)
		wantKind(t, err, errs.ErrForbidden)
		_, err = f.s.BriefingToken(ctx, f.live, f.other)
		wantKind(t, err, errs.ErrForbidden)

		// Brought on stage: publishes camera, microphone and screen.
		on := true
		if _, err := f.s.SetStage(ctx, f.live, f.host, StageInput{UserID: f.ann.UserID, On: &on}); err != nil {
			t.Fatal(err)
		}
		tok, err = f.s.BriefingToken(ctx, f.live, f.ann)
		if err != nil {
			t.Fatal(err)
		}
		c = grants(t, tok.Token)
		if tok.Role != RolePresenter || !c.Video.GetCanPublish() || len(c.Video.CanPublishSources) != 4 {
			t.Fatalf("staged attendee: %+v %+v", tok, c.Video)
		}

		// Ended: nobody gets in.
		if err := g.Model(&briefing.Briefing{}).Where("id = ?", f.live).Update("ended_at", time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		_, err = f.s.BriefingToken(ctx, f.live, f.host)
		wantKind(t, err, errs.ErrConflict)
		_, err = f.s.BriefingToken(ctx, f.live, f.bob)
		wantKind(t, err, errs.ErrConflict)
	})
}

func TestTokenExpires(t *testing.T) {
	s := &Service{Server: Server{URL: "ws://127.0.0.1:1", APIKey: testKey, APISecret: testSecret}}
	tok, err := s.sign("briefing-1", &actor.Actor{UserID: 7, Name: "Ann"}, RoleAudience, false)
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.ParseAPIToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	// A token signed with another secret, or altered, is refused.
	if _, err := v.Verify("another-secret-of-at-least-32-characters"); err == nil {
		t.Fatal("token verified with another secret")
	}
	c, err := v.Verify(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if c.Identity != "user-7" {
		t.Fatalf("identity %q", c.Identity)
	}
	// Ours expire after TokenTTL; the video server refuses one that expired.
	var claims struct {
		Exp int64 `json:"exp"`
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	if err != nil || json.Unmarshal(payload, &claims) != nil {
		t.Fatalf("payload %s %v", payload, err)
	}
	if left := time.Until(time.Unix(claims.Exp, 0)); left <= TokenTTL-time.Minute || left > TokenTTL {
		t.Fatalf("token valid for %s", left)
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(testSecret)}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-2 * TokenTTL)
	old, err := jwt.Signed(sig).Claims(jwt.Claims{Issuer: testKey, Subject: "user-7", NotBefore: jwt.NewNumericDate(past), Expiry: jwt.NewNumericDate(past.Add(TokenTTL))}).
		Claims(&auth.ClaimGrants{Identity: "user-7", Video: &auth.VideoGrant{RoomJoin: true, Room: "briefing-1"}}).CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	v, err = auth.ParseAPIToken(old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(testSecret); err == nil {
		t.Fatal("an expired token verified")
	}
}

func TestStageChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		f := setup(t, g)
		ctx := context.Background()
		up, down, on, off := true, false, true, false

		st, err := f.s.RaiseHand(ctx, f.live, f.ann, up)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Hands) != 1 || st.Hands[0].UserID != f.ann.UserID || len(st.Presenters) != 0 {
			t.Fatalf("after raising: %+v", st)
		}
		if _, err := f.s.RaiseHand(ctx, f.live, f.ann, up); err != nil { // twice is once
			t.Fatal(err)
		}
		_, err = f.s.RaiseHand(ctx, f.live, f.eve, up)
		wantKind(t, err, errs.ErrForbidden)
		_, err = f.s.RaiseHand(ctx, f.live, f.host, up)
		wantKind(t, err, errs.ErrConflict)

		// Attendees cannot put themselves on stage.
		_, err = f.s.SetStage(ctx, f.live, f.bob, StageInput{UserID: f.bob.UserID, On: &on})
		wantKind(t, err, errs.ErrForbidden)
		// Someone not registered for this briefing cannot be brought on.
		_, err = f.s.SetStage(ctx, f.live, f.host, StageInput{UserID: f.other.UserID, On: &on})
		wantKind(t, err, errs.ErrInvalid)

		st, err = f.s.SetStage(ctx, f.live, f.host, StageInput{UserID: f.ann.UserID, On: &on})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Hands) != 0 || len(st.Presenters) != 1 || st.Presenters[0].Name != "Ann" {
			t.Fatalf("after bringing on: %+v", st)
		}
		// Lowering a hand does not leave the stage.
		if st, err = f.s.RaiseHand(ctx, f.live, f.ann, down); err != nil || !st.On(f.ann.UserID) {
			t.Fatalf("lowered hand left the stage: %+v %v", st, err)
		}
		f.mu.Lock()
		if len(f.calls) != 1 || !strings.HasSuffix(f.calls[0], "/UpdateParticipant") {
			t.Fatalf("video server calls %v", f.calls)
		}
		f.mu.Unlock()

		// The host plus three attendees fill the stage.
		for _, name := range []string{"Cai", "Dan", "Fay"} {
			u := account.User{Email: strings.ToLower(name) + "@zonefair.test", Name: name, Role: web.RoleInvestor, Locale: "en"}
			if err := g.Create(&u).Error; err != nil {
				t.Fatal(err)
			}
			if err := g.Create(&briefing.Registration{BriefingID: f.live, UserID: u.ID, RawAnswers: "{}", CreatedAt: time.Now()}).Error; err != nil {
				t.Fatal(err)
			}
			_, err = f.s.SetStage(ctx, f.live, f.host, StageInput{UserID: u.ID, On: &on})
			if name == "Fay" {
				wantKind(t, err, errs.ErrConflict)
			} else if err != nil {
				t.Fatal(err)
			}
		}
		st, err = f.s.SetStage(ctx, f.live, f.host, StageInput{UserID: f.ann.UserID, On: &off})
		if err != nil {
			t.Fatal(err)
		}
		if st.On(f.ann.UserID) || len(st.Presenters) != 2 {
			t.Fatalf("after sending back: %+v", st)
		}
		tok, err := f.s.BriefingToken(ctx, f.live, f.ann)
		if err != nil || tok.CanPublish {
			t.Fatalf("sent back, still publishes: %+v %v", tok, err)
		}
		f.pub.mu.Lock()
		defer f.pub.mu.Unlock()
		if len(f.pub.kinds) < 5 || f.pub.kinds[0] != briefing.Channel(f.live)+" video.stage" {
			t.Fatalf("published %v", f.pub.kinds)
		}
	})
}

// signed is body with the Authorization header the video server sends with it.
func signed(t *testing.T, secret string, body string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	tok, err := auth.NewAccessToken(testKey, secret).SetValidFor(5 * time.Minute).SetSha256(base64.StdEncoding.EncodeToString(sum[:])).ToJWT()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestWebhook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		f := setup(t, g)
		ctx := context.Background()
		room := Room(KindBriefing, f.live)
		joined := `{"event":"participant_joined","room":{"name":"` + room + `"},"participant":{"sid":"PA_ann","identity":"` + Identity(f.ann.UserID) + `","joinedAt":"1700000000"},"createdAt":"1700000000"}`
		published := `{"event":"track_published","room":{"name":"` + room + `"},"participant":{"sid":"PA_ann","identity":"` + Identity(f.ann.UserID) + `"},"createdAt":"1700000030"}`
		left := `{"event":"participant_left","room":{"name":"` + room + `"},"participant":{"sid":"PA_ann","identity":"` + Identity(f.ann.UserID) + `"},"createdAt":"1700000095"}`

		// Unsigned, signed with another secret, or a body other than the one signed: 401.
		wantKind(t, f.s.Webhook(ctx, "", []byte(joined)), errs.ErrUnauthorized)
		wantKind(t, f.s.Webhook(ctx, signed(t, "another-secret-of-at-least-32-characters", joined), []byte(joined)), errs.ErrUnauthorized)
		wantKind(t, f.s.Webhook(ctx, signed(t, testSecret, joined), []byte(strings.Replace(joined, "PA_ann", "PA_eve", 1))), errs.ErrUnauthorized)
		wantKind(t, f.s.Webhook(ctx, "not a token", []byte(joined)), errs.ErrUnauthorized)
		// Signed but not an event: 400.
		wantKind(t, f.s.Webhook(ctx, signed(t, testSecret, "{not json"), []byte("{not json")), errs.ErrInvalid)

		for _, b := range []string{joined, joined, published, left, left} { // deliveries may repeat
			if err := f.s.Webhook(ctx, signed(t, testSecret, b), []byte(b)); err != nil {
				t.Fatal(err)
			}
		}
		stays, err := f.s.Stays(ctx, KindBriefing, f.live)
		if err != nil {
			t.Fatal(err)
		}
		if len(stays) != 1 || stays[0].Name != "Ann" || !stays[0].OnStage || stays[0].Seconds != 95 || stays[0].LeftAt == nil {
			t.Fatalf("stays %+v", stays)
		}
		// Rooms Zonefair did not name are accepted and ignored.
		other := `{"event":"participant_joined","room":{"name":"lobby"},"participant":{"sid":"PA_x","identity":"user-1"}}`
		if err := f.s.Webhook(ctx, signed(t, testSecret, other), []byte(other)); err != nil {
			t.Fatal(err)
		}
		rooms, people, err := f.s.Counts(ctx)
		if err != nil || rooms != 0 || people != 0 {
			t.Fatalf("counts %d %d %v", rooms, people, err)
		}
	})
}

func TestOriginsForThePagePolicy(t *testing.T) {
	for in, want := range map[string]string{
		"ws://127.0.0.1:7880":           "http://127.0.0.1:7880",
		"wss://video.example.org/lk":    "https://video.example.org",
		"https://video.example.org:443": "https://video.example.org:443",
	} {
		if got := Origins(in); len(got) != 1 || got[0] != want {
			t.Fatalf("%s: %v", in, got)
		}
	}
	if Origins("") != nil {
		t.Fatal("origins without a video server")
	}
}

func TestOffWithoutServer(t *testing.T) {
	s := &Service{}
	_, err := s.BriefingToken(context.Background(), 1, &actor.Actor{UserID: 1})
	wantKind(t, err, errs.ErrConflict)
	wantKind(t, s.Webhook(context.Background(), "x", []byte("{}")), errs.ErrConflict)
	if st := s.Status(); st.Enabled || st.URL != "" {
		t.Fatalf("status %+v", st)
	}
}
