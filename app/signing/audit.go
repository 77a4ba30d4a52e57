package signing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// digest is the hash of e chained to e.PrevHash. Times are hashed at microsecond precision,
// the finest both databases keep.
func (e *Event) digest() string {
	h := sha256.New()
	for _, part := range []string{
		"zonefair-audit-v1", e.PrevHash, strconv.FormatInt(e.AgreementID, 10), strconv.FormatInt(e.Seq, 10),
		e.Kind, strconv.FormatInt(e.UserID, 10), strconv.FormatInt(e.RecipientID, 10),
		e.IP, e.UserAgent, e.Detail, e.At.UTC().Format(time.RFC3339Nano),
	} {
		fmt.Fprintf(h, "%d:%s\n", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// appendEvent adds e at the end of its agreement's trail inside tx. The agreement row's
// audit_seq is bumped first, which locks the row, so concurrent appends are serialised and the
// chain never forks.
func appendEvent(tx *gorm.DB, e *Event, now time.Time) error {
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
	e.Hash = e.digest()
	if err := tx.Create(e).Error; err != nil {
		return err
	}
	return tx.Model(&Agreement{}).Where("id = ?", e.AgreementID).UpdateColumn("audit_head", e.Hash).Error
}

// Chain is the result of checking an agreement's audit trail.
type Chain struct {
	Intact   bool     `json:"intact"`
	Count    int      `json:"count"`
	Problems []string `json:"problems"`
}

// checkChain recomputes every hash of events (ordered by seq) and compares the end of the chain
// with the head kept on the agreement, so edited, reordered, inserted and deleted entries are
// all found.
func checkChain(a Agreement, events []Event) Chain {
	c := Chain{Count: len(events), Problems: []string{}}
	prev := ""
	for i, e := range events {
		switch {
		case e.Seq != int64(i+1):
			c.Problems = append(c.Problems, fmt.Sprintf("entry %d: sequence %d, expected %d (an entry is missing or was inserted)", i+1, e.Seq, i+1))
		case e.PrevHash != prev:
			c.Problems = append(c.Problems, fmt.Sprintf("entry %d: does not follow the previous entry", e.Seq))
		case e.digest() != e.Hash:
			c.Problems = append(c.Problems, fmt.Sprintf("entry %d: content does not match its hash (edited)", e.Seq))
		}
		prev = e.Hash
	}
	if int64(len(events)) != a.AuditSeq || prev != a.AuditHead {
		c.Problems = append(c.Problems, fmt.Sprintf("trail ends at entry %d but the agreement recorded %d entries (entries deleted or added)", len(events), a.AuditSeq))
	}
	c.Intact = len(c.Problems) == 0
	return c
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
