package policy

import (
	"context"
	"slices"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// Subscription asks for every newly published policy of a topic, or of a zone (a zone's
// own and municipal policies and its province's provincial ones).
type Subscription struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"-"`
	Topic     string    `json:"topic"`
	ZoneID    int64     `json:"zoneId"`
	CreatedAt time.Time `json:"createdAt"`

	ZoneNameZh string `json:"zoneNameZh" gorm:"-"`
	ZoneNameEn string `json:"zoneNameEn" gorm:"-"`
}

// TableName is the policy_subscriptions table.
func (Subscription) TableName() string { return "policy_subscriptions" }

// SubscriptionInput names one topic or one zone.
type SubscriptionInput struct {
	Topic  string `json:"topic" validate:"max=40"`
	ZoneID int64  `json:"zoneId" validate:"gte=0"`
}

// Subscribe adds a subscription for the caller; subscribing twice returns the existing one.
func (s *Service) Subscribe(ctx context.Context, p *actor.Actor, in SubscriptionInput) (Subscription, error) {
	if p == nil {
		return Subscription{}, errs.Forbidden()
	}
	if (in.Topic == "") == (in.ZoneID == 0) {
		return Subscription{}, errs.Invalid("topic", "policy.subscription_target")
	}
	if in.Topic != "" && !slices.Contains(Topics, in.Topic) {
		return Subscription{}, errs.Invalid("topic", "policy.topic")
	}
	if err := s.zoneKnown(ctx, in.ZoneID); err != nil {
		return Subscription{}, err
	}
	sub := Subscription{UserID: p.UserID, Topic: in.Topic, ZoneID: in.ZoneID, CreatedAt: s.now()}
	if err := s.Store.Subscribe(ctx, &sub); err != nil {
		return sub, err
	}
	list := []Subscription{sub}
	return list[0], s.decorateSubs(ctx, list)
}

// Subscriptions lists the caller's subscriptions.
func (s *Service) Subscriptions(ctx context.Context, p *actor.Actor) ([]Subscription, error) {
	if p == nil {
		return []Subscription{}, nil
	}
	out, err := s.Store.Subscriptions(ctx, p.UserID)
	if err != nil {
		return out, err
	}
	return out, s.decorateSubs(ctx, out)
}

// Unsubscribe removes one of the caller's subscriptions.
func (s *Service) Unsubscribe(ctx context.Context, p *actor.Actor, id int64) error {
	if p == nil {
		return errs.NotFound("policy_subscription")
	}
	return s.Store.Unsubscribe(ctx, p.UserID, id)
}

func (s *Service) decorateSubs(ctx context.Context, subs []Subscription) error {
	var ids []int64
	for _, sub := range subs {
		if sub.ZoneID > 0 {
			ids = append(ids, sub.ZoneID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	zs, err := s.Zones.RefsByID(ctx, ids)
	if err != nil {
		return err
	}
	for i := range subs {
		if z, ok := zs[subs[i].ZoneID]; ok {
			subs[i].ZoneNameZh, subs[i].ZoneNameEn = z.NameZh, z.NameEn
		}
	}
	return nil
}
