package policy_test

import (
	"errors"
	"slices"
	"testing"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/policy"
	"zonefair/app/testenv"
)

// TestPolicyAccessPerRole: a draft is seen, edited, published and deleted by those who manage
// it only — admins any, a zone's staff their zone's, province staff their province's
// provincial ones — and hidden (not found) from everyone else; once published, everyone reads
// it and only its managers are offered to edit it. Investors, graduates, enterprise staff and
// anonymous callers issue nothing.
func TestPolicyAccessPerRole(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		xianStaff := d.user(actor.RoleZoneStaff, &d.xian.ID, "")
		enterprise := d.user(actor.RoleEnterprise, &d.suzhou.ID, "")
		investor := d.user(actor.RoleInvestor, nil, "")
		graduate := d.user(actor.RoleGraduate, nil, "")
		people := map[string]*actor.Actor{"admin": d.admin, "suzhou staff": d.staff, "xian staff": xianStaff, "jiangsu": d.jiangsu,
			"shaanxi": d.other, "enterprise": enterprise, "investor": investor, "graduate": graduate, "anonymous": nil}

		zoneLevel := func(in *policy.Input) { in.Level = policy.ZoneLevel }
		provincial := func(in *policy.Input) { in.Level = policy.Provincial }
		drafts := []struct {
			name     string
			pol      policy.Policy
			managers []string
		}{
			{"Suzhou's draft", d.create(d.staff, false, zoneLevel), []string{"admin", "suzhou staff"}},
			{"Jiangsu's draft", d.create(d.jiangsu, false, provincial), []string{"admin", "jiangsu"}},
			{"a national draft", d.create(d.admin, false, nil), []string{"admin"}},
		}
		if drafts[0].pol.ZoneNameEn != d.suzhou.NameEn || drafts[0].pol.ZoneNameZh != d.suzhou.NameZh {
			t.Fatalf("a zone's policy is named after its zone: %q %q", drafts[0].pol.ZoneNameZh, drafts[0].pol.ZoneNameEn)
		}
		for _, dr := range drafts {
			for who, p := range people {
				manages := slices.Contains(dr.managers, who)
				got, err := d.svc.Get(d.ctx, dr.pol.ID, p)
				switch {
				case manages && (err != nil || !got.CanEdit):
					t.Errorf("%s to %s: %+v, %v; want it, editable", dr.name, who, got.CanEdit, err)
				case !manages && !errors.Is(err, errs.ErrNotFound):
					t.Errorf("%s to %s: %v, want not found", dr.name, who, err)
				}
				if manages {
					continue
				}
				if _, err := d.svc.Update(d.ctx, dr.pol.ID, p, input(nil)); !errors.Is(err, errs.ErrForbidden) {
					t.Errorf("%s edited by %s: %v, want forbidden", dr.name, who, err)
				}
				if _, err := d.svc.Publish(d.ctx, dr.pol.ID, p); !errors.Is(err, errs.ErrForbidden) {
					t.Errorf("%s published by %s: %v, want forbidden", dr.name, who, err)
				}
				if err := d.svc.Delete(d.ctx, dr.pol.ID, p); !errors.Is(err, errs.ErrForbidden) {
					t.Errorf("%s deleted by %s: %v, want forbidden", dr.name, who, err)
				}
			}
			// The last of its managers publishes it: then everyone reads it.
			if _, err := d.svc.Publish(d.ctx, dr.pol.ID, people[dr.managers[len(dr.managers)-1]]); err != nil {
				t.Fatalf("%s published by its manager: %v", dr.name, err)
			}
			for who, p := range people {
				got, err := d.svc.Get(d.ctx, dr.pol.ID, p)
				if err != nil || got.Status != policy.Published || got.CanEdit != slices.Contains(dr.managers, who) {
					t.Errorf("published %s to %s: status %q, may edit %v, %v", dr.name, who, got.Status, got.CanEdit, err)
				}
			}
		}

		for _, who := range []string{"enterprise", "investor", "graduate", "anonymous"} {
			_, err := d.svc.Create(d.ctx, people[who], input(nil), true)
			testenv.Refused(t, who+" issuing a policy", err, errs.ErrForbidden, "forbidden")
		}
		page, err := d.svc.Search(d.ctx, nil, policy.Query{State: "all"})
		if err != nil || page.Total != int64(len(drafts)) {
			t.Fatalf("after refused issuers: %d policies, %v; want %d", page.Total, err, len(drafts))
		}
		if _, err := d.svc.Subscribe(d.ctx, nil, policy.SubscriptionInput{Topic: "tax"}); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("an anonymous subscription: %v", err)
		}
		if subs, err := d.svc.Subscriptions(d.ctx, nil); err != nil || len(subs) != 0 {
			t.Fatalf("an anonymous caller's subscriptions: %+v, %v", subs, err)
		}
	})
}

// TestPolicyUpdate: an edit replaces the texts the search finds and the topics; a published
// policy stays published and its subscribers are not told again; an admin's edit that names
// no zone keeps the zone of a zone's policy; moving a policy to an unknown zone is refused.
func TestPolicyUpdate(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		reader := d.user(actor.RoleInvestor, nil, "")
		if _, err := d.svc.Subscribe(d.ctx, reader, policy.SubscriptionInput{ZoneID: d.suzhou.ID}); err != nil {
			t.Fatal(err)
		}
		pol := d.create(d.staff, true, func(in *policy.Input) { in.Level = policy.ZoneLevel })
		told := func() []int64 {
			t.Helper()
			var ids []int64
			if err := d.g.Table("policy_deliveries").Where("policy_id = ?", pol.ID).Pluck("user_id", &ids).Error; err != nil {
				t.Fatal(err)
			}
			return ids
		}
		if got := told(); !slices.Equal(got, []int64{reader.UserID}) {
			t.Fatalf("told on publishing: %v", got)
		}
		edited, err := d.svc.Update(d.ctx, pol.ID, d.admin, input(func(in *policy.Input) {
			in.Level, in.TitleZh, in.TitleEn, in.Topics = policy.ZoneLevel, "园区人才公寓补贴", "Talent housing allowance", []string{"talent", "rent"}
		}))
		if err != nil {
			t.Fatal(err)
		}
		if edited.Status != policy.Published || edited.ZoneID == nil || *edited.ZoneID != d.suzhou.ID || !slices.Equal(edited.Topics, []string{"rent", "talent"}) || edited.TitleEn != "Talent housing allowance" {
			t.Fatalf("the edited policy: status %q zone %v topics %v title %q", edited.Status, edited.ZoneID, edited.Topics, edited.TitleEn)
		}
		if got := told(); !slices.Equal(got, []int64{reader.UserID}) {
			t.Fatalf("told again on an edit: %v", got)
		}
		for q, want := range map[string]int64{"housing": 1, "人才公寓": 1, "notice": 0} {
			if page, err := d.svc.Search(d.ctx, nil, policy.Query{Q: q}); err != nil || page.Total != want {
				t.Errorf("search %q after the edit: %d, %v; want %d", q, page.Total, err, want)
			}
		}
		if page, err := d.svc.Search(d.ctx, nil, policy.Query{Topic: "tax"}); err != nil || page.Total != 0 {
			t.Errorf("the old topic still finds the policy: %d, %v", page.Total, err)
		}
		_, err = d.svc.Update(d.ctx, pol.ID, d.admin, input(func(in *policy.Input) { in.Level, in.ZoneID = policy.ZoneLevel, 999999 }))
		testenv.Refused(t, "moving a policy to an unknown zone", err, errs.ErrInvalid, "field.zone_unknown")
		if _, err := d.svc.Update(d.ctx, 999999, d.admin, input(nil)); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("editing an unknown policy: %v", err)
		}
	})
}

// TestPackageListing: packages are listed with their zone's names and how many published
// policies they hold, newest first, of one zone when asked; a package must belong to a zone
// that exists.
func TestPackageListing(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		a := d.create(d.admin, true, nil)
		b := d.create(d.admin, true, func(in *policy.Input) { in.Level, in.ZoneID = policy.ZoneLevel, d.xian.ID })
		draft := d.create(d.staff, false, func(in *policy.Input) { in.Level = policy.ZoneLevel })
		sip, err := d.svc.SavePackage(d.ctx, 0, d.staff, policy.PackageInput{TitleZh: "园区政策包", TitleEn: "Park package", PolicyIDs: []int64{a.ID}})
		if err != nil {
			t.Fatal(err)
		}
		xian, err := d.svc.SavePackage(d.ctx, 0, d.admin, policy.PackageInput{ZoneID: d.xian.ID, TitleZh: "西安政策包", TitleEn: "Xi'an package", PolicyIDs: []int64{b.ID, a.ID}})
		if err != nil {
			t.Fatal(err)
		}
		list, err := d.svc.Packages(d.ctx, d.staff, policy.PackageQuery{})
		if err != nil || len(list) != 2 {
			t.Fatalf("packages: %+v, %v", list, err)
		}
		if list[0].ID != xian.ID || list[0].ZoneNameEn != d.xian.NameEn || list[0].PolicyCount != 2 || list[0].CanEdit {
			t.Errorf("Xi'an's package to Suzhou's staff: %+v", list[0])
		}
		if list[1].ID != sip.ID || list[1].ZoneNameZh != d.suzhou.NameZh || list[1].PolicyCount != 1 || !list[1].CanEdit {
			t.Errorf("Suzhou's package to its staff: %+v", list[1])
		}
		if list, err := d.svc.Packages(d.ctx, nil, policy.PackageQuery{ZoneID: d.suzhou.ID}); err != nil || len(list) != 1 || list[0].ID != sip.ID {
			t.Errorf("Suzhou's packages: %+v, %v", list, err)
		}
		_, err = d.svc.SavePackage(d.ctx, 0, d.admin, policy.PackageInput{TitleZh: "无区政策包", TitleEn: "No zone"})
		testenv.Refused(t, "a package of no zone", err, errs.ErrInvalid, "field.zone_unknown")
		_, err = d.svc.SavePackage(d.ctx, 0, d.admin, policy.PackageInput{ZoneID: 999999, TitleZh: "未知区政策包", TitleEn: "Unknown zone"})
		testenv.Refused(t, "a package of an unknown zone", err, errs.ErrInvalid, "field.zone_unknown")
		_, err = d.svc.SavePackage(d.ctx, 0, d.jiangsu, policy.PackageInput{ZoneID: d.suzhou.ID, TitleZh: "省级政策包", TitleEn: "Province package"})
		if !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("province staff assembling a zone's package: %v", err)
		}
		_, err = d.svc.SavePackage(d.ctx, sip.ID, d.staff, policy.PackageInput{TitleZh: "园区政策包", TitleEn: "Park package", PolicyIDs: []int64{draft.ID}})
		testenv.Refused(t, "a draft in a package", err, errs.ErrInvalid, "policy.package_policy")
		if _, err := d.svc.GetPackage(d.ctx, 999999, nil); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("an unknown package: %v", err)
		}
	})
}
