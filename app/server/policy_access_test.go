package server_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"zonefair/app/web"
)

// TestPolicyAccess: each issuer manages only its own policies; drafts stay with their
// managers; nobody else may write.
func TestPolicyAccess(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff, admin, investor := e.as(web.RoleZoneStaff), e.as(web.RoleAdmin), e.as(web.RoleInvestor)
		province := e.provinceStaff("jiangsu")

		mine := createPolicy(staff, false, nil)
		if mine.ZoneID == nil || *mine.ZoneID != e.zoneA.ID || mine.Status != "draft" || !mine.CanEdit {
			t.Fatalf("zone staff's draft: %+v", mine)
		}
		// A draft is its manager's alone.
		e.anon().do("GET", ppath(mine.ID, ""), nil).want(404)
		investor.do("GET", ppath(mine.ID, ""), nil).want(404)
		staff.do("GET", ppath(mine.ID, ""), nil).want(200)

		// Zone staff may not issue national policies, nor write into another zone.
		staff.do("POST", "/api/v1/policies", policyInput(map[string]any{"level": "national"})).want(400)
		other := createPolicy(admin, true, map[string]any{"zoneId": e.zoneB.ID, "titleEn": "Xi'an talent subsidy"})
		if other.ZoneID == nil || *other.ZoneID != e.zoneB.ID {
			t.Fatalf("admin's zone-B policy: %+v", other)
		}
		staff.do("PUT", ppath(other.ID, ""), policyInput(nil)).want(403)
		staff.do("DELETE", ppath(other.ID, ""), nil).want(403)
		staff.do("POST", ppath(other.ID, "/publish"), nil).want(403)
		staff.upload(ppath(other.ID, "/attachments"), "x.pdf", pdf("x")).want(403)
		// A zone-staff request naming zone B is refused, not filed under zone A.
		staff.do("POST", "/api/v1/policies", policyInput(map[string]any{"zoneId": e.zoneB.ID})).want(403)
		forced := createPolicy(staff, false, nil)

		// Province staff issue provincial policies of their own province only.
		prov := createPolicy(province, true, map[string]any{"level": "provincial", "province": "shaanxi", "titleEn": "Jiangsu foreign trade support"})
		if prov.Province != "jiangsu" || prov.ZoneID != nil {
			t.Fatalf("province staff's policy: %+v", prov)
		}
		province.do("POST", "/api/v1/policies", policyInput(map[string]any{"level": "zone", "zoneId": e.zoneA.ID})).want(400)
		province.do("PUT", ppath(mine.ID, ""), policyInput(nil)).want(403)
		staff.do("PUT", ppath(prov.ID, ""), policyInput(nil)).want(403)

		// Roles that issue nothing are refused at the door.
		for _, role := range []web.Role{web.RoleInvestor, web.RoleGraduate, web.RoleEnterprise} {
			e.as(role).do("POST", "/api/v1/policies", policyInput(nil)).want(403)
		}
		investor.do("POST", "/api/v1/policy-packages", map[string]any{"titleZh": "包", "titleEn": "Pack"}).want(403)
		e.anon().do("POST", "/api/v1/policy-subscriptions", map[string]any{"topic": "tax"}).want(401)

		// Edits by the manager work and keep the policy published.
		var edited policyOut
		admin.do("PUT", ppath(other.ID, ""), policyInput(map[string]any{"titleEn": "Xi'an talent subsidy, 2026 edition"})).want(200).json(&edited)
		if edited.Status != "published" || edited.TitleEn != "Xi'an talent subsidy, 2026 edition" || *edited.ZoneID != e.zoneB.ID {
			t.Fatalf("edited: %+v", edited)
		}
		staff.do("DELETE", ppath(mine.ID, ""), nil).want(204)
		staff.do("GET", ppath(mine.ID, ""), nil).want(404)

		// The drafts list shows each manager their own.
		var drafts policyPage
		staff.do("GET", "/api/v1/policies?drafts=true", nil).want(200).json(&drafts)
		if drafts.Total != 1 || drafts.Items[0].ID != forced.ID {
			t.Fatalf("zone staff's drafts: %+v", drafts)
		}
		investor.do("GET", "/api/v1/policies?drafts=true", nil).want(200).json(&drafts)
		if drafts.Total != 0 {
			t.Fatalf("an investor sees drafts: %+v", drafts)
		}
	})
}

// TestPolicyPackages: zones assemble ordered packages of published policies; an expired
// policy in a package shows as expired.
func TestPolicyPackages(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff, admin := e.as(web.RoleZoneStaff), e.as(web.RoleAdmin)
		a := createPolicy(staff, true, map[string]any{"titleEn": "Policy A"})
		b := createPolicy(admin, true, map[string]any{"level": "national", "titleEn": "Policy B", "issuedOn": day(-400), "effectiveOn": day(-400), "expiresOn": day(-30)})
		draft := createPolicy(staff, false, nil)

		in := map[string]any{"titleZh": "外资企业政策包", "titleEn": "Package for foreign-invested enterprises", "introZh": "一站式了解", "introEn": "All in one place", "policyIds": []int64{b.ID, a.ID}}
		staff.do("POST", "/api/v1/policy-packages", map[string]any{"titleZh": "含草稿", "titleEn": "With a draft", "policyIds": []int64{draft.ID}}).want(400)
		var pk struct {
			ID       int64       `json:"id"`
			ZoneID   int64       `json:"zoneId"`
			Policies []policyOut `json:"policies"`
		}
		staff.do("POST", "/api/v1/policy-packages", in).want(201).json(&pk)
		if pk.ZoneID != e.zoneA.ID || len(pk.Policies) != 2 || pk.Policies[0].ID != b.ID || pk.Policies[0].State != "expired" || pk.Policies[1].State != "current" {
			t.Fatalf("package: %+v", pk)
		}
		// Reordered by a later save; another zone's staff may not touch it.
		in["policyIds"] = []int64{a.ID}
		staff.do("PUT", fmt.Sprintf("/api/v1/policy-packages/%d", pk.ID), in).want(200).json(&pk)
		if len(pk.Policies) != 1 || pk.Policies[0].ID != a.ID {
			t.Fatalf("saved package: %+v", pk)
		}
		var bPack struct {
			ID int64 `json:"id"`
		}
		admin.do("POST", "/api/v1/policy-packages", map[string]any{"zoneId": e.zoneB.ID, "titleZh": "西安政策包", "titleEn": "Xi'an package"}).want(201).json(&bPack)
		staff.do("PUT", fmt.Sprintf("/api/v1/policy-packages/%d", bPack.ID), in).want(403)
		staff.do("DELETE", fmt.Sprintf("/api/v1/policy-packages/%d", bPack.ID), nil).want(403)

		var list []struct {
			ID          int64 `json:"id"`
			PolicyCount int   `json:"policyCount"`
		}
		e.anon().do("GET", fmt.Sprintf("/api/v1/policy-packages?zoneId=%d", e.zoneA.ID), nil).want(200).json(&list)
		if len(list) != 1 || list[0].ID != pk.ID || list[0].PolicyCount != 1 {
			t.Fatalf("zone A's packages: %+v", list)
		}
		e.anon().do("GET", "/api/v1/policy-packages/999999", nil).want(404)
	})
}

// TestPolicyBadInput: malformed or implausible input is refused with a clear 4xx and stores
// nothing; attachments are judged by their content.
func TestPolicyBadInput(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff := e.as(web.RoleZoneStaff)
		staff.do("POST", "/api/v1/policies", `{"level":"zone",`).want(400)
		staff.do("POST", "/api/v1/policies", `{"level":7}`).want(400)
		staff.do("POST", "/api/v1/policies", policyInput(map[string]any{"extra": true})).want(400)
		for field, v := range map[string]any{
			"topics": []string{"astrology"}, "ownerships": []string{"state"}, "sizes": []string{"giant"},
			"issuedOn": "2026-13-01", "effectiveOn": "soon", "expiresOn": day(-6), "titleZh": "标题\x00", "industries": []string{"nope"},
		} {
			res := staff.do("POST", "/api/v1/policies", policyInput(map[string]any{field: v}))
			if res.status != 400 || len(res.errorBody().Details) == 0 {
				t.Errorf("%s=%v: status %d %s", field, v, res.status, res.body)
			}
		}
		staff.do("POST", "/api/v1/policies", policyInput(map[string]any{"titleEn": strings.Repeat("x", 301)})).want(400)
		staff.do("GET", "/api/v1/policies?pageSize=1000", nil).want(400)
		staff.do("GET", "/api/v1/policies?state=someday", nil).want(400)
		staff.do("GET", "/api/v1/policies/abc", nil).want(404)
		staff.do("POST", "/api/v1/policy-subscriptions", map[string]any{"topic": "tax", "zoneId": e.zoneA.ID}).want(400)
		staff.do("POST", "/api/v1/policy-subscriptions", map[string]any{"topic": "astrology"}).want(400)
		staff.do("POST", "/api/v1/policy-subscriptions", map[string]any{"zoneId": 999999}).want(400)
		var n int64
		e.db.Table("policies").Count(&n)
		if n != 0 {
			t.Fatalf("%d policies stored from bad input", n)
		}

		// Hostile text is kept as text.
		hostile := `<script>alert("x")</script> 园区`
		p := createPolicy(staff, true, map[string]any{"titleEn": hostile})
		var got policyOut
		e.anon().do("GET", ppath(p.ID, ""), nil).want(200).json(&got)
		if got.TitleEn != hostile {
			t.Fatalf("title came back as %q", got.TitleEn)
		}

		// A renamed text file is not a PDF; a real one is stored and served back.
		if res := staff.upload(ppath(p.ID, "/attachments"), "notice.pdf", []byte("%PDF-1.4 not really\n%%EOF")); res.status != 415 {
			t.Fatalf("fake PDF: status %d", res.status)
		}
		staff.upload(ppath(p.ID, "/attachments"), "empty.pdf", nil).want(400)
		body := pdf("Policy notice")
		staff.upload(ppath(p.ID, "/attachments"), "通知.pdf", body).want(201)
		e.anon().do("GET", ppath(p.ID, ""), nil).want(200).json(&got)
		if len(got.Attachments) != 1 || got.Attachments[0].Name != "通知.pdf" || got.Attachments[0].Pages != 1 {
			t.Fatalf("attachments: %+v", got.Attachments)
		}
		res := e.anon().do("GET", got.Attachments[0].URL, nil).want(200)
		if string(res.body) != string(body) || res.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("attachment served as %q, %d bytes", res.header.Get("Content-Type"), len(res.body))
		}
		e.anon().do("GET", ppath(p.ID, "/attachments/999999"), nil).want(404)
		staff.do("DELETE", got.Attachments[0].URL, nil).want(204)
		e.anon().do("GET", got.Attachments[0].URL, nil).want(404)
	})
}

// TestPolicyPublishOnce: publishing the same draft from many requests at once succeeds once.
func TestPolicyPublishOnce(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff, investor := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		investor.do("POST", "/api/v1/policy-subscriptions", map[string]any{"topic": "rent"}).want(201)
		p := createPolicy(staff, false, nil)
		var wg sync.WaitGroup
		statuses := make(chan int, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses <- staff.do("POST", ppath(p.ID, "/publish"), nil).status
			}()
		}
		wg.Wait()
		close(statuses)
		ok := 0
		for s := range statuses {
			switch s {
			case 200:
				ok++
			case 409:
			default:
				t.Errorf("publish: status %d", s)
			}
		}
		if ok != 1 {
			t.Fatalf("%d publishes succeeded, want 1", ok)
		}
		if got := notificationsOf(investor, "policy.published"); len(got) != 1 {
			t.Fatalf("%d notifications, want 1", len(got))
		}
	})
}
