package signing

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Completion: the sealed PDF of an agreement every signer has signed.

// Seal produces and stores the final PDF of agreement id once every signer has signed.
func (s *Service) Seal(ctx context.Context, id int64) error {
	a, rs, fields, err := s.Store.load(ctx, id)
	if err != nil {
		return err
	}
	if a.Status != StatusSealing {
		return nil
	}
	orig, err := s.Store.original(ctx, id)
	if err != nil {
		return err
	}
	if Hash(orig.Data) != a.OriginalSHA256 {
		return fmt.Errorf("agreement %d: original document does not match the hash fixed at send", id)
	}
	events, err := s.Store.events(ctx, id)
	if err != nil {
		return err
	}
	if c := checkChain(a, events, s.auditKey()); !c.Intact {
		return fmt.Errorf("agreement %d: audit trail broken: %v", id, c.Problems)
	}
	zh, en := s.zoneName(ctx, a.ZoneID)
	zoneName := strings.TrimSpace(zh + " " + en)
	now := s.now()
	final, err := s.Sealer.Seal(sealInput{Agreement: a, ZoneName: zoneName, Recipients: rs, Fields: fields, Events: events,
		Original: orig.Data, VerifyURL: s.VerifyURL(a.VerifyToken), At: now})
	if err != nil {
		return err
	}
	sum := Hash(final)
	sealed := false
	err = s.transition(ctx, id, func(c *change) (*Event, error) {
		if c.a.Status != StatusSealing {
			return nil, nil // sealed meanwhile
		}
		c.at = now
		if err := c.update(map[string]any{"status": StatusCompleted, "final_sha256": sum, "completed_at": now}); err != nil {
			return nil, err
		}
		if err := c.tx.putFinal(ctx, id, final, sum); err != nil {
			return nil, err
		}
		for _, r := range c.rs {
			c.out.mail(r.UserID, msgCompleted, c.a.Title)
		}
		if !slices.ContainsFunc(c.rs, func(r Recipient) bool { return r.UserID == c.a.CreatedBy }) {
			c.out.mail(c.a.CreatedBy, msgCompleted, c.a.Title)
		}
		sealed = true
		c.a.FinalSHA256 = sum
		return &Event{Kind: EventCompleted, Detail: detail("sha256", sum)}, nil
	})
	if err != nil || !sealed {
		return err
	}
	if a.BriefingID != nil && s.Publisher != nil && s.briefingLive(ctx, *a.BriefingID, now) {
		parties := []string{}
		for _, r := range rs {
			if Signs(r.Role) && !slices.Contains(parties, r.Party) && r.Party != "" {
				parties = append(parties, r.Party)
			}
		}
		_, _ = s.Publisher.Publish(ctx, "briefing:"+strconv.FormatInt(*a.BriefingID, 10), "signing.ceremony",
			map[string]any{"agreementId": id, "title": a.Title, "parties": parties, "completedAt": now})
	}
	return nil
}
