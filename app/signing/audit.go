package signing

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
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

// digest is the hash of e chained to e.PrevHash: HMAC-SHA256 under key, or plain SHA-256 (the
// unkeyed format) when key is nil. Times are hashed at microsecond precision, the finest both
// databases keep.
func (e *Event) digest(key []byte) string {
	var h hash.Hash
	version := "zonefair-audit-v1"
	if key != nil {
		h, version = hmac.New(sha256.New, key), "zonefair-audit-v2"
	} else {
		h = sha256.New()
	}
	for _, part := range []string{
		version, e.PrevHash, strconv.FormatInt(e.AgreementID, 10), strconv.FormatInt(e.Seq, 10),
		e.Kind, strconv.FormatInt(e.UserID, 10), strconv.FormatInt(e.RecipientID, 10),
		e.IP, e.UserAgent, e.Detail, e.At.UTC().Format(time.RFC3339Nano),
	} {
		fmt.Fprintf(h, "%d:%s\n", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// matches reports whether e's stored hash is its digest under key.
func (e *Event) matches(key []byte) bool {
	return hmac.Equal([]byte(e.digest(key)), []byte(e.Hash))
}

// appendEvent adds e at the end of its agreement's trail inside tx. The agreement row's
// audit_seq is bumped first, which locks the row, so concurrent appends are serialised and the
// chain never forks.
func (s *Service) appendEvent(tx *gorm.DB, e *Event, now time.Time) error {
	return appendEvent(tx, s.auditKey(), e, now)
}

func appendEvent(tx *gorm.DB, key []byte, e *Event, now time.Time) error {
	res := tx.Model(&Agreement{}).Where("id = ?", e.AgreementID).UpdateColumn("audit_seq", gorm.Expr("audit_seq + 1"))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("audit: agreement %d not found", e.AgreementID)
	}
	var head struct {
		AuditSeq  int64
		AuditHead string
	}
	if err := tx.Model(&Agreement{}).Select("audit_seq, audit_head").Where("id = ?", e.AgreementID).Take(&head).Error; err != nil {
		return err
	}
	e.ID = 0
	e.Seq, e.PrevHash = head.AuditSeq, head.AuditHead
	e.At = now.UTC().Truncate(time.Microsecond)
	e.UserAgent = clip(e.UserAgent, 490)
	e.Detail = clip(e.Detail, 1990)
	e.Hash = e.digest(key)
	if err := tx.Create(e).Error; err != nil {
		return err
	}
	return tx.Model(&Agreement{}).Where("id = ?", e.AgreementID).UpdateColumn("audit_head", e.Hash).Error
}

// Chain is the result of checking an agreement's audit trail.
type Chain struct {
	Intact bool `json:"intact"`
	Count  int  `json:"count"`
	// Unkeyed is how many entries at the start of the trail predate the key (see EventKeyed).
	Unkeyed  int      `json:"unkeyed"`
	Problems []string `json:"problems"`
}

// checkChain recomputes every hash of events (ordered by seq) under key and compares the end of
// the chain with the head kept on the agreement, so edited, reordered, inserted and deleted
// entries, and trails rewritten without the key, are all found. Unkeyed entries pass only as
// the start of the trail sealed by a keyed EventKeyed checkpoint. A nil key checks an unkeyed
// trail (a process without the server secret).
func checkChain(a Agreement, events []Event, key []byte) Chain {
	c := Chain{Count: len(events), Problems: []string{}}
	prev := ""
	keyed := false
	for i, e := range events {
		switch {
		case e.Seq != int64(i+1):
			c.Problems = append(c.Problems, fmt.Sprintf("entry %d: sequence %d, expected %d (an entry is missing or was inserted)", i+1, e.Seq, i+1))
		case e.PrevHash != prev:
			c.Problems = append(c.Problems, fmt.Sprintf("entry %d: does not follow the previous entry", e.Seq))
		case key != nil && e.matches(key):
			if !keyed && c.Unkeyed > 0 && e.Kind != EventKeyed {
				c.Problems = append(c.Problems, fmt.Sprintf("entries 1–%d are not sealed by the key (rewritten without it)", c.Unkeyed))
			}
			keyed = true
		case (key == nil || !keyed) && e.matches(nil):
			if key != nil {
				c.Unkeyed++
			}
		default:
			c.Problems = append(c.Problems, fmt.Sprintf("entry %d: content does not match its hash (edited)", e.Seq))
		}
		prev = e.Hash
	}
	if key != nil && c.Unkeyed > 0 && !keyed {
		c.Problems = append(c.Problems, fmt.Sprintf("entries 1–%d are not sealed by the key (rewritten without it)", c.Unkeyed))
	}
	if int64(len(events)) != a.AuditSeq || prev != a.AuditHead {
		c.Problems = append(c.Problems, fmt.Sprintf("trail ends at entry %d but the agreement recorded %d entries (entries deleted or added)", len(events), a.AuditSeq))
	}
	c.Intact = len(c.Problems) == 0
	return c
}

// events reads agreement id's trail in order.
func events(g *gorm.DB, id int64) ([]Event, error) {
	out := []Event{}
	err := g.Where("agreement_id = ?", id).Order("seq, id").Find(&out).Error
	return out, err
}

// Trail returns and checks the audit trail of a.
func (s *Service) Trail(ctx context.Context, a Agreement) (Trail, error) {
	es, err := events(s.DB.WithContext(ctx), a.ID)
	if err != nil {
		return Trail{Events: []Event{}}, err
	}
	return Trail{Events: es, Chain: checkChain(a, es, s.auditKey())}, nil
}

// KeyLegacyTrails upgrades a database whose trails are all unkeyed (written before the key, or
// by the demo seed, which has no secret): it seals every trail that checks out as an unkeyed
// chain by appending a keyed EventKeyed checkpoint, which records when it was done and how many
// entries came before. Unkeyed trails that do not check out are left as they are, broken. Once
// any trail is keyed it does nothing. It returns how many trails it sealed; the server runs it
// at start.
func (s *Service) KeyLegacyTrails(ctx context.Context) (int, error) {
	key := s.auditKey()
	if key == nil {
		return 0, nil
	}
	var heads []Event
	err := s.DB.WithContext(ctx).Table("signing_events AS e").Select("e.*").
		Joins("JOIN signing_agreements AS a ON a.id = e.agreement_id AND a.audit_seq = e.seq").Find(&heads).Error
	if err != nil {
		return 0, err
	}
	// Once any trail is keyed, this database has been through the upgrade: an unkeyed head is
	// then a rewrite by someone without the key, never sealed.
	for _, h := range heads {
		if h.matches(key) {
			for _, u := range heads {
				if !u.matches(key) {
					s.log().Warn("audit trail not keyed; left broken", "agreement", u.AgreementID)
				}
			}
			return 0, nil
		}
	}
	n := 0
	for _, h := range heads {
		if !h.matches(nil) {
			continue
		}
		done := false
		err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := lock(tx, h.AgreementID); err != nil {
				return err
			}
			var a Agreement
			if err := tx.First(&a, h.AgreementID).Error; err != nil {
				return err
			}
			es, err := events(tx, a.ID)
			if err != nil {
				return err
			}
			if len(es) == 0 || es[len(es)-1].matches(key) || !checkChain(a, es, nil).Intact {
				return nil
			}
			done = true
			return appendEvent(tx, key, &Event{AgreementID: a.ID, Kind: EventKeyed, Detail: detail("unkeyed", strconv.Itoa(len(es)))}, s.now())
		})
		if err != nil {
			return n, err
		}
		if done {
			n++
		} else {
			s.log().Warn("unkeyed audit trail does not check out; left broken", "agreement", h.AgreementID)
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
