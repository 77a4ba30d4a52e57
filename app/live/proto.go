package live

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"time"
)

// Close codes the server sends; doc.go describes what a client does with each.
const (
	CloseRestart  = 1012 // server restarting or draining: reconnect after the hint
	CloseReauth   = 4001 // identity changed or ticket refused: fetch a new ticket, then reconnect
	CloseInvalid  = 4002 // protocol violation (binary frame, bad JSON): fix the client; reconnect after the hint
	CloseRate     = 4008 // too many messages: reconnect after the hint
	CloseSlow     = 4009 // fell behind: the outbound queue overflowed or a write waited too long; reconnect and resume
	CloseTimeout  = 4010 // nothing, not even a pong, arrived within the ping interval and pong wait
	CloseOversize = 1009 // message larger than the limit
)

// request is every message a client may send.
type request struct {
	ID    uint64          `json:"id"`
	Op    string          `json:"op"`
	Ch    string          `json:"ch"`
	Since *position       `json:"since"`
	Kind  string          `json:"kind"`
	Data  json.RawMessage `json:"data"`
	User  int64           `json:"user"`
}

type position struct {
	Off   uint64 `json:"off"`
	Epoch string `json:"epoch"`
}

// frame is every message the server sends except publications, which are spliced (pubFrame).
type frame struct {
	T         string            `json:"t"`
	ID        uint64            `json:"id,omitempty"`
	Ch        string            `json:"ch,omitempty"`
	Epoch     string            `json:"epoch,omitempty"`
	Off       *uint64           `json:"off,omitempty"`
	Recovered *bool             `json:"recovered,omitempty"`
	N         *int              `json:"n,omitempty"`
	Members   []json.RawMessage `json:"members,omitempty"`
	Member    json.RawMessage   `json:"member,omitempty"`
	Error     *replyError       `json:"error,omitempty"`
}

type replyError struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	RetryAfter int64  `json:"retryAfter,omitempty"` // milliseconds
}

func errorFrame(id uint64, code, msg string, retry time.Duration) []byte {
	b, _ := json.Marshal(frame{T: "reply", ID: id, Error: &replyError{Code: code, Message: msg,
		RetryAfter: retry.Milliseconds()}})
	return b
}

// reason builds a close reason: a short JSON object naming the cause and, when the client should
// come back, how many milliseconds to wait first. It stays far below the 123-byte limit.
func reason(why string, retry time.Duration) string {
	s := `{"reason":"` + why + `"`
	if retry > 0 {
		s += `,"retry":` + strconv.FormatInt(retry.Milliseconds(), 10)
	}
	return s + "}"
}

// jitter spreads reconnects of many clients over [lo, hi).
func jitter(lo, hi time.Duration) time.Duration {
	return lo + rand.N(hi-lo)
}
