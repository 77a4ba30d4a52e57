package signing

import (
	"context"
	"time"
)

// Every use case that changes an agreement follows one sequence: lock the agreement, load it,
// check the change is allowed, update, record the event in the trail, queue the zone's
// webhooks, and, once committed, tell the participants. locked and transition are that
// sequence; the use cases supply only their check and update.

// locked runs f in one transaction that holds agreement id's lock, with the agreement, its
// recipients and its fields loaded.
func (s *Service) locked(ctx context.Context, id int64, f func(tx *Store, a Agreement, rs []Recipient, fields []Field) error) error {
	return s.Store.Transaction(ctx, func(tx *Store) error {
		if err := tx.lock(ctx, id); err != nil {
			return err
		}
		a, rs, fields, err := tx.load(ctx, id)
		if err != nil {
			return err
		}
		return f(tx, a, rs, fields)
	})
}

// change is one step of an agreement's lifecycle under way.
type change struct {
	ctx    context.Context
	tx     *Store
	a      Agreement // as loaded; the step leaves in it the status it moves the agreement to
	rs     []Recipient
	fields []Field
	at     time.Time // when the step happens: the time of its event
	out    outbox    // whom to tell once the step is committed
}

// update sets columns of the agreement, keeping c.a's status in step with the stored one.
func (c *change) update(cols map[string]any) error {
	if err := c.tx.updateAgreement(c.ctx, c.a.ID, cols); err != nil {
		return err
	}
	if st, ok := cols["status"].(string); ok {
		c.a.Status = st
	}
	return nil
}

// record appends an event to the agreement's trail at the step's time, before the one step
// returns.
func (c *change) record(s *Service, e *Event) error {
	e.AgreementID = c.a.ID
	return s.appendEvent(c.ctx, c.tx, e, c.at)
}

// transition runs step on agreement id: step checks and updates the locked agreement and
// returns the event that records the change (nil when there is nothing to change). transition
// appends that event, queues the webhooks for it, and once committed tells the participants in
// c.out and whoever has the agreement open.
func (s *Service) transition(ctx context.Context, id int64, step func(c *change) (*Event, error)) error {
	var (
		c  change
		ev *Event
	)
	err := s.locked(ctx, id, func(tx *Store, a Agreement, rs []Recipient, fields []Field) error {
		c = change{ctx: ctx, tx: tx, a: a, rs: rs, fields: fields, at: s.now()}
		var err error
		if ev, err = step(&c); err != nil || ev == nil {
			return err
		}
		if err := c.record(s, ev); err != nil {
			return err
		}
		return s.enqueueHooks(ctx, tx, c.a, ev.Kind, &c.out)
	})
	if err != nil || ev == nil {
		return err
	}
	s.flush(ctx, id, c.a.Status, ev.Kind, c.out)
	return nil
}

// event is an entry of the trail made by m's request, about recipient (0: none).
func (m Meta) event(kind string, recipient int64, detail string) *Event {
	return &Event{Kind: kind, UserID: m.UserID, RecipientID: recipient, IP: m.IP, UserAgent: m.UserAgent, Detail: detail}
}
