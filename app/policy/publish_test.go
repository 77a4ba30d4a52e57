package policy_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/notify"
	"zonefair/app/policy"
)

// TestPolicyPublishNotifies: publishing brings the policy to each matching subscriber's
// notifications and mailbox, in the subscriber's language with a link to the policy; a
// subscriber of something else is told nothing.
func TestPolicyPublishNotifies(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		d.svc.Notify, d.svc.BaseURL = &notify.Service{Store: notify.NewStore(d.g)}, "https://zonefair.test"
		english := d.user(actor.RoleInvestor, nil, "")
		chinese := account.User{Email: "zh@example.test", Name: "读者", Role: actor.RoleGraduate, Locale: "zh-CN"}
		if err := account.EnsureUser(d.ctx, account.NewStore(d.g), &chinese, "correct-horse-battery"); err != nil {
			t.Fatal(err)
		}
		reader := &actor.Actor{UserID: chinese.ID, Role: actor.RoleGraduate}
		elsewhere := d.user(actor.RoleInvestor, nil, "")
		for _, s := range []struct {
			who *actor.Actor
			in  policy.SubscriptionInput
		}{{english, policy.SubscriptionInput{Topic: "rent"}}, {reader, policy.SubscriptionInput{ZoneID: d.suzhou.ID}}, {elsewhere, policy.SubscriptionInput{Topic: "land"}}} {
			if _, err := d.svc.Subscribe(d.ctx, s.who, s.in); err != nil {
				t.Fatal(err)
			}
		}
		pol := d.create(d.staff, true, func(in *policy.Input) {
			in.Level, in.Topics, in.TitleZh, in.TitleEn = policy.ZoneLevel, []string{"rent"}, "园区租金补贴", "Park rent subsidy"
		})
		link := "https://zonefair.test/policies/" + strconv.FormatInt(pol.ID, 10)

		notices := func(userID int64) []notify.Notification {
			t.Helper()
			list, err := d.svc.Notify.List(d.ctx, userID, notify.ListQuery{})
			if err != nil {
				t.Fatal(err)
			}
			return list.Items
		}
		for _, u := range []int64{english.UserID, chinese.ID} {
			got := notices(u)
			var data struct {
				PolicyID int64 `json:"policyId"`
			}
			if len(got) != 1 || got[0].Kind != policy.KindPublished || json.Unmarshal(got[0].Data, &data) != nil || data.PolicyID != pol.ID {
				t.Errorf("user %d's notifications: %+v", u, got)
			}
		}
		if got := notices(elsewhere.UserID); len(got) != 0 {
			t.Errorf("a subscriber of another topic was notified: %+v", got)
		}

		mail := func(userID int64) []notify.Stored {
			t.Helper()
			u, err := account.NewStore(d.g).ByID(d.ctx, userID)
			if err != nil {
				t.Fatal(err)
			}
			page, err := (&notify.Outbox{Store: notify.NewStore(d.g)}).ListTo(d.ctx, u.Email, notify.OutboxQuery{})
			if err != nil {
				t.Fatal(err)
			}
			return page.Items
		}
		if got := mail(english.UserID); len(got) != 1 || got[0].Subject != "New policy: Park rent subsidy" || !strings.Contains(got[0].Body, link) {
			t.Errorf("the English subscriber's mail: %+v", got)
		}
		if got := mail(chinese.ID); len(got) != 1 || got[0].Subject != "新政策：园区租金补贴" || !strings.Contains(got[0].Body, link) {
			t.Errorf("the Chinese subscriber's mail: %+v", got)
		}
		if got := mail(elsewhere.UserID); len(got) != 0 {
			t.Errorf("a subscriber of another topic was mailed: %+v", got)
		}
	})
}
