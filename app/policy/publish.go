package policy

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"zonefair/app/account"
	"zonefair/app/errs"
	"zonefair/app/notify"
	"zonefair/app/web"
	"zonefair/app/zone"
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
func (s *Service) Publish(ctx context.Context, id int64, p *web.Principal) (Policy, error) {
	pol, err := s.managed(ctx, id, p)
	if err != nil {
		return pol, err
	}
	if pol.Status == Published {
		return pol, errs.New(errs.ErrConflict, "policy.already_published")
	}
	now := s.now()
	var told []recipient
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Policy{}).Where("id = ? AND status = ?", id, Draft).Updates(map[string]any{"status": Published, "published_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.ErrConflict, "policy.already_published")
		}
		if StateOn(pol.EffectiveOn, pol.ExpiresOn, Today(now)) == Expired {
			return nil
		}
		var err error
		told, err = s.deliver(tx, &pol)
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

// deliver records and stores the notifications of pol for its subscribers not yet told.
func (s *Service) deliver(tx *gorm.DB, pol *Policy) ([]recipient, error) {
	var topics []string
	if err := tx.Model(&topicRow{}).Where("policy_id = ?", pol.ID).Pluck("topic", &topics).Error; err != nil {
		return nil, err
	}
	sub := tx.Session(&gorm.Session{NewDB: true})
	cond, args := "policy_subscriptions.topic IN ?", []any{topics}
	switch {
	case pol.ZoneID != nil:
		cond, args = cond+" OR policy_subscriptions.zone_id = ?", append(args, *pol.ZoneID)
	case pol.Level == Provincial:
		cond, args = cond+" OR policy_subscriptions.zone_id IN (?)", append(args, sub.Model(&zone.Zone{}).Select("id").Where("province = ?", pol.Province))
	}
	var ids []int64
	err := tx.Model(&Subscription{}).Distinct("user_id").
		Where("("+cond+")", args...).
		Where("user_id NOT IN (?)", sub.Model(&delivery{}).Select("user_id").Where("policy_id = ?", pol.ID)).
		Order("user_id").Pluck("user_id", &ids).Error
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	users, err := s.Users.ByIDs(tx.Statement.Context, ids)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(users, func(a, b account.User) int { return cmp.Compare(a.ID, b.ID) })
	rs := make([]recipient, 0, len(users))
	for _, u := range users {
		rs = append(rs, recipient{UserID: u.ID, Email: u.Email, Locale: u.Locale})
	}
	now := s.now()
	told := make([]recipient, 0, len(rs))
	data := notice(*pol)
	for _, r := range rs {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&delivery{PolicyID: pol.ID, UserID: r.UserID, CreatedAt: now})
		if res.Error != nil {
			return nil, res.Error
		}
		if res.RowsAffected == 0 {
			continue
		}
		if s.Notify != nil {
			if _, err := s.Notify.Add(tx, r.UserID, KindPublished, data); err != nil {
				return nil, err
			}
		}
		told = append(told, r)
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
