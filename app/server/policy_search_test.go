package server_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"zonefair/app/web"
)

func searchPolicies(c *client, query string) policyPage {
	c.e.t.Helper()
	var out policyPage
	c.do("GET", "/api/v1/policies?"+query, nil).want(200).json(&out)
	return out
}

func policyTitles(p policyPage) []string {
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		out[i] = it.TitleEn
	}
	return out
}

// TestPolicySearch finds policies by two Chinese characters, by English word prefixes, and by
// filters; expired and not-yet-effective policies are marked, and expired ones stay out of
// the default list.
func TestPolicySearch(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff, admin := e.as(web.RoleZoneStaff), e.as(web.RoleAdmin)
		createPolicy(staff, true, nil) // rent relief, zone A, current
		createPolicy(admin, true, map[string]any{
			"level": "national", "issuerZh": "商务部", "issuerEn": "Ministry of Commerce",
			"titleZh": "鼓励外商投资产业目录", "titleEn": "Catalogue of industries for encouraged foreign investment",
			"summaryZh": "外商投资鼓励类项目享受进口设备免征关税。", "summaryEn": "Encouraged foreign investment projects import equipment duty-free.",
			"topics": []string{"foreign_investment", "tax"}, "ownerships": []string{"foreign", "joint"}, "sizes": []string{},
		})
		createPolicy(admin, true, map[string]any{
			"level": "national", "titleZh": "阶段性减免社会保险费", "titleEn": "Temporary social insurance relief",
			"topics": []string{"employment"}, "issuedOn": day(-500), "effectiveOn": day(-500), "expiresOn": day(-100),
		})
		createPolicy(staff, true, map[string]any{
			"titleZh": "人才安居补贴", "titleEn": "Talent housing subsidy", "topics": []string{"talent"},
			"issuedOn": day(-3), "effectiveOn": day(30), "expiresOn": "",
		})
		createPolicy(staff, false, map[string]any{"titleZh": "房租草稿", "titleEn": "Draft rent"})

		cases := []struct {
			query string
			want  []string
		}{
			{"q=" + url.QueryEscape("房租"), []string{"Rent relief for small and medium enterprises in the park"}},
			{"q=" + url.QueryEscape("外商"), []string{"Catalogue of industries for encouraged foreign investment"}},
			{"q=" + url.QueryEscape("补贴"), []string{"Talent housing subsidy"}},
			{"q=invest", []string{"Catalogue of industries for encouraged foreign investment"}},
			{"q=" + url.QueryEscape("rent relief"), []string{"Rent relief for small and medium enterprises in the park"}},
			{"q=nothingmatches", nil},
			{"topic=tax", []string{"Catalogue of industries for encouraged foreign investment"}},
			{"level=zone&ownership=foreign", []string{"Talent housing subsidy", "Rent relief for small and medium enterprises in the park"}},
			{"ownership=domestic&size=medium", []string{"Talent housing subsidy", "Rent relief for small and medium enterprises in the park"}},
			{"ownership=joint&size=large", []string{"Catalogue of industries for encouraged foreign investment"}},
			{"province=jiangsu", []string{"Talent housing subsidy", "Rent relief for small and medium enterprises in the park"}},
			{"state=expired", []string{"Temporary social insurance relief"}},
			{"state=upcoming", []string{"Talent housing subsidy"}},
			{"q=" + url.QueryEscape("社会保险"), nil},
			{"q=" + url.QueryEscape("社会保险") + "&state=all", []string{"Temporary social insurance relief"}},
		}
		for _, c := range cases {
			got := policyTitles(searchPolicies(e.anon(), c.query))
			if !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("%s: got %q, want %q", c.query, got, c.want)
			}
		}
		states := map[string]string{}
		for _, p := range searchPolicies(e.anon(), "state=all").Items {
			states[p.TitleEn] = p.State
		}
		if states["Temporary social insurance relief"] != "expired" || states["Talent housing subsidy"] != "upcoming" || states["Rent relief for small and medium enterprises in the park"] != "current" {
			t.Fatalf("states: %v", states)
		}
	})
}

// TestPolicySubscription: a newly published policy reaches each matching subscriber once —
// in-app, live and by email — and nobody else; an expired one reaches nobody.
func TestPolicySubscription(t *testing.T) {
	t.Parallel()
	eachLiveEnv(t, func(t *testing.T, e *liveEnv) {
		staff, admin, investor, ent, grad := e.as(web.RoleZoneStaff), e.as(web.RoleAdmin), e.as(web.RoleInvestor), e.as(web.RoleEnterprise), e.as(web.RoleGraduate)
		// The investor matches twice (topic and zone) and is still told once.
		investor.do("POST", "/api/v1/policy-subscriptions", map[string]any{"topic": "rent"}).want(201)
		investor.do("POST", "/api/v1/policy-subscriptions", map[string]any{"topic": "rent"}).want(201) // idempotent
		var zoneSub struct {
			ID         int64  `json:"id"`
			ZoneNameEn string `json:"zoneNameEn"`
		}
		investor.do("POST", "/api/v1/policy-subscriptions", map[string]any{"zoneId": e.zoneA.ID}).want(201).json(&zoneSub)
		if zoneSub.ZoneNameEn != e.zoneA.NameEn {
			t.Fatalf("zone subscription: %+v", zoneSub)
		}
		var subs []map[string]any
		investor.do("GET", "/api/v1/policy-subscriptions", nil).want(200).json(&subs)
		if len(subs) != 2 {
			t.Fatalf("subscriptions: %+v", subs)
		}
		ent.do("POST", "/api/v1/policy-subscriptions", map[string]any{"topic": "tax"}).want(201)
		grad.do("POST", "/api/v1/policy-subscriptions", map[string]any{"zoneId": e.zoneB.ID}).want(201)

		ws := e.dial2(investor)
		if r := ws.join(fmt.Sprintf("user:%d", e.users[web.RoleInvestor].ID)); r.Error != nil {
			t.Fatalf("join: %+v", r.Error)
		}
		p := createPolicy(staff, false, nil)
		if got := notificationsOf(investor, "policy.published"); len(got) != 0 {
			t.Fatalf("a draft was delivered: %+v", got)
		}
		staff.do("POST", ppath(p.ID, "/publish"), nil).want(200)
		f := ws.pub("policy.published")
		if !strings.Contains(string(f.Data), fmt.Sprintf(`"policyId":%d`, p.ID)) {
			t.Fatalf("live notice: %s", f.Data)
		}
		got := notificationsOf(investor, "policy.published")
		if len(got) != 1 || got[0]["titleEn"] != "Rent relief for small and medium enterprises in the park" {
			t.Fatalf("investor's notifications: %+v", got)
		}
		if n := notificationsOf(ent, "policy.published"); len(n) != 0 {
			t.Fatalf("a non-matching subscriber was told: %+v", n)
		}
		if n := notificationsOf(grad, "policy.published"); len(n) != 0 {
			t.Fatalf("another zone's subscriber was told: %+v", n)
		}
		var mails int64
		e.db.Table("mail_outbox").Where("recipient = ?", e.users[web.RoleInvestor].Email).Count(&mails)
		if mails != 1 {
			t.Fatalf("%d mails to the investor, want 1", mails)
		}
		// Editing a published policy tells nobody again.
		staff.do("PUT", ppath(p.ID, ""), policyInput(map[string]any{"titleEn": "Rent relief, revised"})).want(200)
		staff.do("POST", ppath(p.ID, "/publish"), nil).want(409)
		if n := notificationsOf(investor, "policy.published"); len(n) != 1 {
			t.Fatalf("%d notifications after an edit, want 1", len(n))
		}
		// A provincial policy reaches the subscribers of the province's zones; an expired one
		// is archived silently.
		createPolicy(admin, true, map[string]any{"level": "provincial", "province": "shaanxi", "topics": []string{"trade"}, "titleEn": "Shaanxi trade"})
		if n := notificationsOf(grad, "policy.published"); len(n) != 1 {
			t.Fatalf("graduate subscribed to Xi'an: %d notifications, want 1", len(n))
		}
		createPolicy(staff, true, map[string]any{"issuedOn": day(-400), "effectiveOn": day(-400), "expiresOn": day(-1), "titleEn": "Old rent relief"})
		if n := notificationsOf(investor, "policy.published"); len(n) != 1 {
			t.Fatalf("an expired policy was delivered: %d notifications", len(n))
		}
		// Unsubscribing stops delivery; others' subscriptions cannot be removed.
		grad.do("DELETE", fmt.Sprintf("/api/v1/policy-subscriptions/%d", zoneSub.ID), nil).want(404)
		investor.do("DELETE", fmt.Sprintf("/api/v1/policy-subscriptions/%d", zoneSub.ID), nil).want(204)
	})
}
