package policy

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/notify"
	"zonefair/app/web"
)

// KindPublished is the notification a subscriber receives for a new matching policy.
const KindPublished = "policy.published"

// recipient is a subscriber to tell about a policy.
type recipient struct {
	UserID int64
	Email  string
	Locale string
}

// Publish makes a draft public and brings it to every subscriber of one of its topics or of
// its zone (a provincial policy reaches the subscribers of the province's zones). Each
// subscriber is told once per policy, however many of their subscriptions match and however
// often publishing is attempted: the delivery rows are the record, claimed in the same
// transaction as the notifications. An already expired policy is published as an archive
// entry and told to nobody.
func (s *Service) Publish(ctx context.Context, id int64, p *actor.Actor) (Policy, error) {
	pol, err := s.managed(ctx, id, p)
	if err != nil {
		return pol, err
	}
	if pol.Status == Published {
		return pol, errs.New(errs.ErrConflict, "policy.already_published")
	}
	now := s.now()
	expired := StateOn(pol.EffectiveOn, pol.ExpiresOn, Today(now)) == Expired
	var zones []int64
	if !expired && pol.ZoneID == nil && pol.Level == Provincial {
		if zones, err = s.Zones.IDsInProvince(ctx, pol.Province); err != nil {
			return pol, err
		}
	}
	var told []recipient
	err = s.Store.Transaction(ctx, func(tx *Store) error {
		if err := tx.MarkPublished(ctx, id, now); err != nil {
			return err
		}
		if expired {
			return nil
		}
		var err error
		told, err = s.deliver(ctx, tx, &pol, zones)
		return err
	})
	if err != nil {
		return pol, err
	}
	out, err := s.Get(ctx, id, p)
	if err != nil {
		return out, err
	}
	if s.Notify != nil {
		data := notice(out)
		for _, r := range told {
			s.Notify.Publish(ctx, r.UserID, KindPublished, data)
			s.Notify.Email(ctx, s.mail(out, r))
		}
	}
	return out, nil
}

// deliver records and stores, in tx, the notifications of pol for its subscribers not yet
// told; zones are the province's for a provincial policy.
func (s *Service) deliver(ctx context.Context, tx *Store, pol *Policy, zones []int64) ([]recipient, error) {
	ids, err := tx.Subscribers(ctx, pol, zones)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	users, err := s.Users.ByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(users, func(a, b account.User) int { return cmp.Compare(a.ID, b.ID) })
	now := s.now()
	told := make([]recipient, 0, len(users))
	data := notice(*pol)
	for _, u := range users {
		claimed, err := tx.ClaimDelivery(ctx, pol.ID, u.ID, now)
		if err != nil {
			return nil, err
		}
		if !claimed {
			continue
		}
		if s.Notify != nil {
			if _, err := s.Notify.Add(tx.db, u.ID, KindPublished, data); err != nil {
				return nil, err
			}
		}
		told = append(told, recipient{UserID: u.ID, Email: u.Email, Locale: u.Locale})
	}
	return told, nil
}

// notice is the data of a policy.published notification.
func notice(p Policy) map[string]any {
	return map[string]any{"policyId": p.ID, "titleZh": p.TitleZh, "titleEn": p.TitleEn, "level": p.Level,
		"issuerZh": p.IssuerZh, "issuerEn": p.IssuerEn, "effectiveOn": p.EffectiveOn,
		"subjectZh": "新政策：" + p.TitleZh, "subjectEn": "New policy: " + p.TitleEn}
}

func (s *Service) link(id int64) string { return s.BaseURL + "/policies/" + strconv.FormatInt(id, 10) }

func (s *Service) mail(p Policy, r recipient) notify.Mail {
	if r.Locale == string(web.LocaleEn) {
		return notify.Mail{To: r.Email, Subject: "New policy: " + p.TitleEn,
			Text: fmt.Sprintf("%s\nIssued by %s, effective %s.\n\n%s\n\nRead it: %s\n", p.TitleEn, p.IssuerEn, p.EffectiveOn, p.SummaryEn, s.link(p.ID))}
	}
	return notify.Mail{To: r.Email, Subject: "新政策：" + p.TitleZh,
		Text: fmt.Sprintf("%s\n发布机关：%s，自 %s 起施行。\n\n%s\n\n查看全文：%s\n", p.TitleZh, p.IssuerZh, p.EffectiveOn, p.SummaryZh, s.link(p.ID))}
}
