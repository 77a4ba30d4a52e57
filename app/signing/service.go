package signing

import (
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"sync"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// Service carries out the signing use cases; each owns its transaction.
type Service struct {
	Store     *Store
	Sealer    *Sealer
	Sender    Sender    // nil sends nothing (then no code can be sent)
	Publisher Publisher // nil publishes nothing
	Secret    []byte    // keys the one-time code hashes and the audit chain
	BaseURL   string    // public URL, for links and the verification QR code
	Log       *slog.Logger
	Now       func() time.Time
	// Backoff is the wait before each webhook retry; a delivery fails after the last.
	Backoff []time.Duration
	// Client posts webhooks; nil uses a client that refuses private addresses.
	Hooks *Hooks
	// The owners of the records an agreement names (links.go).
	Zones     Zones
	Projects  Projects
	Briefings Briefings
	Users     Users

	kickOnce sync.Once
	kick     chan struct{}
	keyOnce  sync.Once
	key      []byte
}

func (s *Service) kicker() chan struct{} {
	s.kickOnce.Do(func() { s.kick = make(chan struct{}, 1) })
	return s.kick
}

// Meta is who made a request and from where, for the audit trail.
type Meta struct {
	UserID    int64
	IP        string
	UserAgent string
}

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

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// VerifyURL is the public verification page of token.
func (s *Service) VerifyURL(token string) string { return s.BaseURL + "/verify/" + token }

func conflict(key string) *errs.Error { return errs.New(errs.ErrConflict, key) }

// currentStep is the lowest step with a pending signer; 0 when every signer has signed.
func currentStep(rs []Recipient) int {
	step := 0
	for _, r := range rs {
		if Signs(r.Role) && r.Status == "pending" && (step == 0 || r.Step < step) {
			step = r.Step
		}
	}
	return step
}

func mine(rs []Recipient, userID int64) (Recipient, bool) {
	for _, r := range rs {
		if r.UserID == userID {
			return r, true
		}
	}
	return Recipient{}, false
}

func (s *Service) expired(a Agreement) bool {
	return a.ExpiresAt != nil && !s.now().Before(*a.ExpiresAt)
}

// open checks that a can be signed now.
func (s *Service) open(a Agreement) error {
	switch {
	case a.Status == StatusSent && s.expired(a):
		return conflict("signing.expired")
	case a.Status == StatusSent:
		return nil
	case a.Status == StatusExpired:
		return conflict("signing.expired")
	case a.Status == StatusDraft:
		return conflict("signing.not_sent")
	default:
		return conflict("signing.closed")
	}
}

// chinaTime is Beijing time, in which the agreements' zones sign and date them.
var chinaTime = time.FixedZone("CST", 8*3600)

// SigningDate is the date a date field shows for a signature made at t: the day in Beijing, where
// the zone is (a signature at 07:00 in Suzhou is dated that day, not the day before in UTC).
func SigningDate(t time.Time) string { return t.In(chinaTime).Format("2006-01-02") }

func trim(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// Party reports whether p may read agreement a: its zone's managers, and its recipients once
// it has been sent.
func Party(p *actor.Actor, a Agreement, rs []Recipient) bool {
	if p.ManagesZone(a.ZoneID) {
		return true
	}
	_, ok := mine(rs, p.UserID)
	return ok && a.Status != StatusDraft
}

// missing is a 404 for a kind of thing of this package.
func missing(what string) *errs.Error { return errs.New(errs.ErrNotFound, "signing.missing_"+what) }
