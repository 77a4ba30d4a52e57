package policy

import (
	"context"
	"slices"
	"time"

	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/web"
	"zonefair/app/zone"
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
func (s *Service) Subscribe(ctx context.Context, p *web.Principal, in SubscriptionInput) (Subscription, error) {
	if (in.Topic == "") == (in.ZoneID == 0) {
		return Subscription{}, errs.Invalid("topic", "policy.subscription_target")
	}
	if in.Topic != "" && !slices.Contains(Topics, in.Topic) {
		return Subscription{}, errs.Invalid("topic", "policy.topic")
	}
	if in.ZoneID > 0 {
		if err := zone.NewStore(s.DB).Exists(ctx, in.ZoneID); err != nil {
			return Subscription{}, errs.Invalid("zoneId", "field.zone_unknown")
		}
	}
	sub := Subscription{UserID: p.UserID, Topic: in.Topic, ZoneID: in.ZoneID, CreatedAt: s.now()}
	g := s.DB.WithContext(ctx)
	if err := g.Create(&sub).Error; err != nil {
		if !db.IsUniqueViolation(err) {
			return sub, err
		}
		if err := g.Where("user_id = ? AND topic = ? AND zone_id = ?", p.UserID, in.Topic, in.ZoneID).First(&sub).Error; err != nil {
			return sub, err
		}
	}
	list := []Subscription{sub}
	return list[0], s.decorateSubs(ctx, list)
}

// Subscriptions lists the caller's subscriptions.
func (s *Service) Subscriptions(ctx context.Context, p *web.Principal) ([]Subscription, error) {
	out := []Subscription{}
	if err := s.DB.WithContext(ctx).Where("user_id = ?", p.UserID).Order("id").Find(&out).Error; err != nil {
		return out, err
	}
	return out, s.decorateSubs(ctx, out)
}

// Unsubscribe removes one of the caller's subscriptions.
func (s *Service) Unsubscribe(ctx context.Context, p *web.Principal, id int64) error {
	res := s.DB.WithContext(ctx).Where("id = ? AND user_id = ?", id, p.UserID).Delete(&Subscription{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.NotFound("policy_subscription")
	}
	return nil
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
	var zs []zone.Zone
	if err := s.DB.WithContext(ctx).Select("id, name_zh, name_en").Where("id IN ?", ids).Find(&zs).Error; err != nil {
		return err
	}
	for i := range subs {
		for _, z := range zs {
			if z.ID == subs[i].ZoneID {
				subs[i].ZoneNameZh, subs[i].ZoneNameEn = z.NameZh, z.NameEn
			}
		}
	}
	return nil
}
