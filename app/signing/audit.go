package signing

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The audit trail is a chain: every entry's hash covers the entry and the previous entry's hash,
// and the agreement row keeps the last hash (its head). The hashes are HMAC-SHA256 under a key
// derived from the server secret, so someone who can write to the database but does not hold
// the secret cannot rewrite a trail, head included, without the check noticing.
//
// Trails written before the key existed (or by a process without the secret, such as the demo
// seed) hold plain SHA-256 hashes. They are accepted only as the start of a trail followed by a
// keyed EventKeyed checkpoint, which KeyLegacyTrails appends once when the server starts.

// auditKeyInfo names the audit chain's key among the keys derived from the server secret.
const auditKeyInfo = "zonefair signing audit chain"

// auditKey derives the audit chain's key from the server secret; nil without a secret.
func auditKey(secret []byte) []byte {
	if len(secret) == 0 {
		return nil
	}
	k, err := hkdf.Key(sha256.New, secret, []byte("zonefair"), auditKeyInfo, 32)
	if err != nil {
		panic(err) // only for lengths hkdf cannot produce; 32 bytes always can
	}
	return k
}

func (s *Service) auditKey() []byte {
	s.keyOnce.Do(func() { s.key = auditKey(s.Secret) })
	return s.key
}

// Entry formats, in the order they were introduced: plain SHA-256, HMAC, and HMAC of a trail
// whose head is authenticated too (Agreement.AuditMAC). A trail holding any anchored entry must
// carry a valid head MAC, so it cannot be shortened; trails older than the head MAC are
// anchored once at start (AnchorLegacyTrails).
const (
	formatNone     = 0 // matches no format: edited, or written with another key
	formatPlain    = 1
	formatKeyed    = 2
	formatAnchored = 3
)

var formatVersions = [...]string{formatPlain: "zonefair-audit-v1", formatKeyed: "zonefair-audit-v2", formatAnchored: "zonefair-audit-v3"}

// digest is the hash of e chained to e.PrevHash in format f: plain SHA-256, or HMAC-SHA256
// under key. Times are hashed at microsecond precision, the finest both databases keep.
func (e *Event) digest(key []byte, f int) string {
	var h hash.Hash = sha256.New()
	if f != formatPlain {
		h = hmac.New(sha256.New, key)
	}
	for _, part := range []string{
		formatVersions[f], e.PrevHash, strconv.FormatInt(e.AgreementID, 10), strconv.FormatInt(e.Seq, 10),
		e.Kind, strconv.FormatInt(e.UserID, 10), strconv.FormatInt(e.RecipientID, 10),
		e.IP, e.UserAgent, e.Detail, e.At.UTC().Format(time.RFC3339Nano),
	} {
		fmt.Fprintf(h, "%d:%s\n", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// format tells which format e's stored hash is in under key (nil: only the plain one).
func (e *Event) format(key []byte) int {
	if key != nil {
		for _, f := range []int{formatAnchored, formatKeyed} {
			if hmac.Equal([]byte(e.digest(key, f)), []byte(e.Hash)) {
				return f
			}
		}
	}
	if hmac.Equal([]byte(e.digest(nil, formatPlain)), []byte(e.Hash)) {
		return formatPlain
	}
	return formatNone
}

// headMAC authenticates an agreement's head: its number of entries and the last one's hash.
// Entries alone cannot show that entries were cut from the end of a trail; the head MAC can,
// since making one for the shortened head needs the key.
func headMAC(key []byte, agreementID, seq int64, head string) string {
	h := hmac.New(sha256.New, key)
	fmt.Fprintf(h, "zonefair-audit-head-v1\n%d\n%d\n%s\n", agreementID, seq, head)
	return hex.EncodeToString(h.Sum(nil))
}

// appendEvent adds e at the end of its agreement's trail inside st's transaction. The agreement
// row's audit_seq is bumped first, which locks the row, so concurrent appends are serialised
// and the chain never forks.
func (s *Service) appendEvent(ctx context.Context, st *Store, e *Event, now time.Time) error {
	return appendEvent(ctx, st, s.auditKey(), e, now)
}

// appendEvent writes anchored entries and the head MAC with key, plain entries without one.
func appendEvent(ctx context.Context, st *Store, key []byte, e *Event, now time.Time) error {
	seq, head, err := st.nextSeq(ctx, e.AgreementID)
	if err != nil {
		return err
	}
	e.ID = 0
	e.Seq, e.PrevHash = seq, head
	e.At = now.UTC().Truncate(time.Microsecond)
	e.UserAgent = clip(e.UserAgent, 490)
	e.Detail = clip(e.Detail, 1990)
	mac := ""
	if key == nil {
		e.Hash = e.digest(nil, formatPlain)
	} else {
		e.Hash = e.digest(key, formatAnchored)
		mac = headMAC(key, e.AgreementID, e.Seq, e.Hash)
	}
	return st.insertEvent(ctx, e, mac)
}

// Chain is the result of checking an agreement's audit trail.
type Chain struct {
	Intact bool `json:"intact"`
	Count  int  `json:"count"`
	// Unkeyed is how many entries at the start of the trail predate the key (see EventKeyed).
	Unkeyed int `json:"unkeyed"`
	// Anchored tells that the trail's length is authenticated too, so entries cut from its end
	// are found; false for a trail written before that (its Proof says what then holds).
	Anchored bool `json:"anchored"`
	// Proof says what the check can prove of this trail: ProofAnchored, ProofLegacy or
	// ProofUnkeyed. The pages word it in the reader's language.
	Proof    string         `json:"proof" enum:"anchored,legacy,unkeyed"`
	Problems []AuditProblem `json:"problems"`
}

// What the check of a trail can prove.
const (
	// ProofAnchored: every entry and the trail's length are authenticated by the server key, so
	// entries edited, reordered, inserted or removed (also from the end) are found.
	ProofAnchored = "anchored"
	// ProofLegacy: every entry is authenticated by the server key but the trail's length was
	// not, so entries removed from its end before it was anchored cannot be found.
	ProofLegacy = "legacy"
	// ProofUnkeyed: entries are chained by plain SHA-256 only; whoever can write the database
	// can rewrite them.
	ProofUnkeyed = "unkeyed"
)

// AuditProblem is one way an audit trail fails its check: a code, which the pages word in the
// reader's language, with the entries it concerns (0 where the code names none).
type AuditProblem struct {
	Code string `json:"code" enum:"sequence,not_chained,edited,older_format,unkeyed_start,empty,length,head_rewritten,head_unauthenticated,no_completion,seal_no_entry,trail_shorter,seal_entry_rewritten,seal_completion_rewritten"`
	// Entry is the entry concerned (for unkeyed_start, the last of the entries concerned).
	Entry int64 `json:"entry"`
	// Found is what the trail holds: its number of entries, or the sequence number an entry carries.
	Found int64 `json:"found"`
	// Recorded is what the agreement row or the sealed file records.
	Recorded int64 `json:"recorded"`
}

// Codes of audit problems. The trail's own check:
const (
	ProblemSequence            = "sequence"             // entry Entry carries sequence Found: one is missing or was inserted
	ProblemNotChained          = "not_chained"          // entry Entry does not follow the one before (reordered or replaced)
	ProblemEdited              = "edited"               // entry Entry does not match its hash
	ProblemOlderFormat         = "older_format"         // entry Entry is in an older format after the trail was anchored
	ProblemUnkeyedStart        = "unkeyed_start"        // entries 1–Entry are not sealed by the key
	ProblemEmpty               = "empty"                // no entries, yet every agreement starts with one
	ProblemLength              = "length"               // the trail holds Found entries, the agreement records Recorded
	ProblemHeadRewritten       = "head_rewritten"       // entry Entry, the last, is not the end the agreement records
	ProblemHeadUnauthenticated = "head_unauthenticated" // the trail ends at entry Entry, not at the end the server recorded
	ProblemNoCompletion        = "no_completion"        // a completed agreement whose trail of Found entries holds no completion
)

// Codes of audit problems found by comparing an uploaded sealed file with the trail:
const (
	ProblemSealNoEntry             = "seal_no_entry"             // the sealed file records no entry
	ProblemTrailShorter            = "trail_shorter"             // the trail ends at entry Found, the seal records Recorded entries
	ProblemSealEntryRewritten      = "seal_entry_rewritten"      // entry Entry is not the one the seal records
	ProblemSealCompletionRewritten = "seal_completion_rewritten" // entry Entry is not the completion of this file
)

// String describes p for logs.
func (p AuditProblem) String() string {
	return fmt.Sprintf("%s(entry %d, found %d, recorded %d)", p.Code, p.Entry, p.Found, p.Recorded)
}

// checkChain recomputes every hash of events (ordered by seq) under key and compares the end of
// the chain with the head kept on the agreement, so edited, reordered, inserted and deleted
// entries, and trails rewritten without the key, are all found. Unkeyed entries pass only as
// the start of the trail sealed by a keyed checkpoint. Once a trail holds an anchored entry its
// head must carry the head MAC, so a trail cut short, head and count set back to an earlier
// entry, is found too. A nil key checks an unkeyed trail (a process without the server secret).
func checkChain(a Agreement, events []Event, key []byte) Chain {
	c := Chain{Count: len(events), Problems: []AuditProblem{}}
	add := func(p AuditProblem) { c.Problems = append(c.Problems, p) }
	prev := ""
	keyed := false
	for i, e := range events {
		f := formatNone
		switch {
		case e.Seq != int64(i+1):
			add(AuditProblem{Code: ProblemSequence, Entry: int64(i + 1), Found: e.Seq})
		case e.PrevHash != prev:
			add(AuditProblem{Code: ProblemNotChained, Entry: e.Seq})
		default:
			f = e.format(key)
		}
		switch {
		case f == formatNone:
			if e.Seq == int64(i+1) && e.PrevHash == prev {
				add(AuditProblem{Code: ProblemEdited, Entry: e.Seq})
			}
		case f == formatPlain && key != nil && keyed:
			add(AuditProblem{Code: ProblemEdited, Entry: e.Seq})
		case f == formatPlain:
			if key != nil {
				c.Unkeyed++
			}
		case f == formatKeyed && c.Anchored:
			add(AuditProblem{Code: ProblemOlderFormat, Entry: e.Seq})
		default:
			if !keyed && c.Unkeyed > 0 && e.Kind != EventKeyed {
				add(AuditProblem{Code: ProblemUnkeyedStart, Entry: int64(c.Unkeyed)})
			}
			keyed = true
			c.Anchored = c.Anchored || f == formatAnchored
		}
		prev = e.Hash
	}
	if key != nil && c.Unkeyed > 0 && !keyed {
		add(AuditProblem{Code: ProblemUnkeyedStart, Entry: int64(c.Unkeyed)})
	}
	if key != nil && len(events) == 0 && a.AuditSeq == 0 && a.ID != 0 {
		add(AuditProblem{Code: ProblemEmpty})
	}
	switch n := int64(len(events)); {
	case n != a.AuditSeq:
		add(AuditProblem{Code: ProblemLength, Found: n, Recorded: a.AuditSeq})
	case prev != a.AuditHead:
		add(AuditProblem{Code: ProblemHeadRewritten, Entry: n})
	case (c.Anchored || a.AuditMAC != "") && key != nil && !hmac.Equal([]byte(headMAC(key, a.ID, a.AuditSeq, a.AuditHead)), []byte(a.AuditMAC)):
		add(AuditProblem{Code: ProblemHeadUnauthenticated, Entry: n})
	}
	if a.Status == StatusCompleted && !slices.ContainsFunc(events, func(e Event) bool { return e.Kind == EventCompleted }) {
		add(AuditProblem{Code: ProblemNoCompletion, Found: int64(len(events))})
	}
	switch {
	case c.Anchored:
		c.Proof = ProofAnchored
	case keyed:
		c.Proof = ProofLegacy
	default:
		c.Proof = ProofUnkeyed
	}
	c.Intact = len(c.Problems) == 0
	return c
}

// Trail returns and checks the audit trail of a.
func (s *Service) Trail(ctx context.Context, a Agreement) (Trail, error) {
	es, err := s.Store.events(ctx, a.ID)
	if err != nil {
		return Trail{Events: []Event{}}, err
	}
	return Trail{Events: es, Chain: checkChain(a, es, s.auditKey())}, nil
}

// KeyLegacyTrails upgrades the trails of a database from before the current format; the server
// runs it at start and it returns how many trails it upgraded.
//
// A database whose trails are all unkeyed (written before the key, or by the demo seed, which
// has no secret) has every trail that checks out as an unkeyed chain sealed by a keyed
// EventKeyed checkpoint, which records when it was done and how many entries came before.
// Unkeyed trails that do not check out are left as they are, broken. Once any trail is keyed
// that step does nothing.
//
// A database whose trails are keyed but not anchored (written before the head MAC) has every
// intact trail anchored by an EventAnchored entry, which records how many entries came before;
// from then on entries cut from the end are found. Once any trail is anchored that step does
// nothing, so a trail cut back past its anchor later is never anchored again: to make this
// step run again one would have to delete every anchored entry of every agreement, which
// leaves every agreement written since with an empty, broken trail.
func (s *Service) KeyLegacyTrails(ctx context.Context) (int, error) {
	key := s.auditKey()
	if key == nil {
		return 0, nil
	}
	heads, err := s.Store.trailHeads(ctx)
	if err != nil {
		return 0, err
	}
	formats := make([]int, len(heads))
	keyed, anchored := false, false
	for i, h := range heads {
		formats[i] = h.format(key)
		keyed = keyed || formats[i] >= formatKeyed
		anchored = anchored || formats[i] == formatAnchored
	}
	switch {
	case anchored:
		// This database has been through both upgrades: a head in an older format is a
		// rewrite by someone without the key (or a cut), never sealed.
		for i, u := range heads {
			if formats[i] != formatAnchored {
				s.log().Warn("audit trail not anchored; left broken", "agreement", u.AgreementID)
			}
		}
		return 0, nil
	case keyed:
		return s.upgradeTrails(ctx, heads, formats, formatKeyed, EventAnchored, "entries")
	default:
		return s.upgradeTrails(ctx, heads, formats, formatPlain, EventKeyed, "unkeyed")
	}
}

// upgradeTrails appends a checkpoint of kind, written in the current format, to every trail
// whose head is in format from and that checks out as it stands.
func (s *Service) upgradeTrails(ctx context.Context, heads []Event, formats []int, from int, kind, what string) (int, error) {
	key := s.auditKey()
	check := key
	if from == formatPlain {
		check = nil
	}
	n := 0
	for i, h := range heads {
		if formats[i] != from {
			continue
		}
		done := false
		err := s.Store.Transaction(ctx, func(tx *Store) error {
			if err := tx.lock(ctx, h.AgreementID); err != nil {
				return err
			}
			a, err := tx.agreement(ctx, h.AgreementID)
			if err != nil {
				return err
			}
			es, err := tx.events(ctx, a.ID)
			if err != nil {
				return err
			}
			if len(es) == 0 || es[len(es)-1].format(key) != from || !checkChain(a, es, check).Intact {
				return nil
			}
			done = true
			return appendEvent(ctx, tx, key, &Event{AgreementID: a.ID, Kind: kind, Detail: detail(what, strconv.Itoa(len(es)))}, s.now())
		})
		if err != nil {
			return n, err
		}
		if done {
			n++
		} else {
			s.log().Warn("legacy audit trail does not check out; left broken", "agreement", h.AgreementID)
		}
	}
	return n, nil
}

func detail(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(kv[i] + "=" + kv[i+1])
	}
	return b.String()
}
