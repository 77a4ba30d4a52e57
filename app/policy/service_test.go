package policy_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/db/dbtest"
	"zonefair/app/errs"
	"zonefair/app/policy"
	"zonefair/app/testenv"
	"zonefair/app/zone"
)

func init() {
	// Cheap hashes keep the fixtures' accounts fast under -race; the algorithm is the same.
	account.HashParams.Memory, account.HashParams.Iterations = 1024, 1
}

// desk is two zones in two provinces, a policy service on a fixed day (2026-06-01 in
// Beijing) and the people who issue policies.
type desk struct {
	t              *testing.T
	ctx            context.Context
	g              *gorm.DB
	svc            *policy.Service
	suzhou, xian   zone.Zone
	admin, staff   *actor.Actor // staff: of Suzhou
	jiangsu, other *actor.Actor // province staff of Jiangsu and of Shaanxi
	users          int
}

func eachDesk(t *testing.T, f func(t *testing.T, d *desk)) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		d := &desk{t: t, ctx: ctx, g: g, svc: &policy.Service{Store: policy.NewStore(g), Zones: zone.NewStore(g), Users: account.NewStore(g), Now: func() time.Time { return time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC) }}}
		zones := zone.NewStore(g)
		d.suzhou = zone.Zone{Slug: "sip", NameZh: "苏州工业园区", NameEn: "Suzhou Industrial Park", Province: "jiangsu", Region: "east", CityZh: "苏州", CityEn: "Suzhou"}
		d.xian = zone.Zone{Slug: "xian", NameZh: "西安经开区", NameEn: "Xi'an ETDZ", Province: "shaanxi", Region: "west", CityZh: "西安", CityEn: "Xi'an"}
		for _, z := range []*zone.Zone{&d.suzhou, &d.xian} {
			if err := zones.Create(ctx, z); err != nil {
				t.Fatal(err)
			}
		}
		d.admin = d.user(actor.RoleAdmin, nil, "")
		d.staff = d.user(actor.RoleZoneStaff, &d.suzhou.ID, "")
		d.jiangsu = d.user(actor.RoleProvince, nil, "jiangsu")
		d.other = d.user(actor.RoleProvince, nil, "shaanxi")
		f(t, d)
	})
}

func (d *desk) user(role actor.Role, zoneID *int64, province string) *actor.Actor {
	d.t.Helper()
	d.users++
	u := account.User{Email: fmt.Sprintf("u%d@example.test", d.users), Name: fmt.Sprintf("User %d", d.users), Role: role, ZoneID: zoneID, Province: province, Locale: "en"}
	if err := account.EnsureUser(d.ctx, account.NewStore(d.g), &u, "correct-horse-battery"); err != nil {
		d.t.Fatal(err)
	}
	p := &actor.Actor{UserID: u.ID, Name: u.Name, Role: role, Province: province}
	if zoneID != nil {
		p.ZoneID = *zoneID
	}
	return p
}

// input is a valid national policy on tax, in force from 2026-01-01, changed by over.
func input(over func(in *policy.Input)) policy.Input {
	in := policy.Input{Level: policy.National, IssuerZh: "财政部", IssuerEn: "Ministry of Finance", TitleZh: "关于减免税收的通知",
		TitleEn: "Notice on tax relief", SummaryZh: "小微企业减免所得税。", SummaryEn: "Income tax relief for small firms.",
		Topics: []string{"tax"}, IssuedOn: "2026-01-01", EffectiveOn: "2026-01-01"}
	if over != nil {
		over(&in)
	}
	return in
}

func (d *desk) create(p *actor.Actor, publish bool, over func(in *policy.Input)) policy.Policy {
	d.t.Helper()
	pol, err := d.svc.Create(d.ctx, p, input(over), publish)
	if err != nil {
		d.t.Fatalf("create: %v", err)
	}
	return pol
}

// TestPolicyValidation: dates, topics and beneficiaries are checked, and each issuer publishes
// at its own level only — zone staff their zone's and city's, province staff their province's.
func TestPolicyValidation(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		for _, c := range []struct {
			what  string
			who   *actor.Actor
			over  func(in *policy.Input)
			field string
		}{
			{"a malformed date", d.admin, func(in *policy.Input) { in.EffectiveOn = "2026-13-01" }, "policy.date"},
			{"no issue date", d.admin, func(in *policy.Input) { in.IssuedOn = "" }, "policy.date"},
			{"expiring the day it takes effect", d.admin, func(in *policy.Input) { in.ExpiresOn = in.EffectiveOn }, "policy.dates"},
			{"an unknown topic", d.admin, func(in *policy.Input) { in.Topics = []string{"tax", "lottery"} }, "policy.topic"},
			{"an unknown ownership", d.admin, func(in *policy.Input) { in.Ownerships = []string{"state"} }, "policy.ownership"},
			{"an unknown size", d.admin, func(in *policy.Input) { in.Sizes = []string{"huge"} }, "policy.size"},
			{"an unknown industry", d.admin, func(in *policy.Input) { in.Industries = []string{"alchemy"} }, "field.industry"},
			{"zone staff issuing a national policy", d.staff, nil, "policy.level_zone"},
			{"province staff issuing a zone policy", d.jiangsu, func(in *policy.Input) { in.Level = policy.ZoneLevel }, "policy.level_province"},
			{"a provincial policy without a province", d.admin, func(in *policy.Input) { in.Level = policy.Provincial }, "policy.province_needed"},
			{"a zone policy without a zone", d.admin, func(in *policy.Input) { in.Level = policy.ZoneLevel }, "policy.zone_needed"},
			{"a zone policy of an unknown zone", d.admin, func(in *policy.Input) { in.Level, in.ZoneID = policy.ZoneLevel, 999999 }, "field.zone_unknown"},
		} {
			_, err := d.svc.Create(d.ctx, c.who, input(c.over), false)
			testenv.Refused(t, c.what, err, errs.ErrInvalid, c.field)
		}
		_, err := d.svc.Create(d.ctx, d.staff, input(func(in *policy.Input) { in.Level, in.ZoneID = policy.ZoneLevel, d.xian.ID }), false)
		testenv.Refused(t, "zone staff issuing for another zone", err, errs.ErrForbidden, "forbidden")
		var n int64
		d.g.Model(&policy.Policy{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d refused policies stored", n)
		}

		// What each issuer may do, and where it lands.
		own := d.create(d.staff, false, func(in *policy.Input) { in.Level = policy.Municipal; in.Topics = []string{"rent", "tax", "rent"} })
		if own.ZoneID == nil || *own.ZoneID != d.suzhou.ID || own.Status != policy.Draft || !slices.Equal(own.Topics, []string{"rent", "tax"}) || !own.CanEdit {
			t.Fatalf("zone staff's municipal draft: %+v", own)
		}
		prov := d.create(d.jiangsu, false, func(in *policy.Input) { in.Level, in.Province, in.ZoneID = policy.Provincial, "shaanxi", d.xian.ID })
		if prov.Province != "jiangsu" || prov.ZoneID != nil {
			t.Fatalf("province staff's policy lands in province %q zone %v, want their own province, no zone", prov.Province, prov.ZoneID)
		}
		if _, err := d.svc.Update(d.ctx, prov.ID, d.other, input(func(in *policy.Input) { in.Level, in.Province = policy.Provincial, "shaanxi" })); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("another province's staff editing: %v", err)
		}
		if err := d.svc.Delete(d.ctx, own.ID, d.jiangsu); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("province staff deleting a zone's policy: %v", err)
		}
		if _, err := d.svc.Get(d.ctx, own.ID, nil); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("an anonymous reader sees a draft: %v", err)
		}
		if _, err := d.svc.Publish(d.ctx, own.ID, d.staff); err != nil {
			t.Fatal(err)
		}
		_, err = d.svc.Publish(d.ctx, own.ID, d.staff)
		testenv.Refused(t, "publishing twice", err, errs.ErrConflict, "policy.already_published")
		if got, err := d.svc.Get(d.ctx, own.ID, nil); err != nil || got.CanEdit || got.State != policy.Current {
			t.Fatalf("the published policy to a reader: %+v, %v", got, err)
		}
		if err := d.svc.Delete(d.ctx, own.ID, d.staff); err != nil {
			t.Fatal(err)
		}
		if _, err := d.svc.Get(d.ctx, own.ID, d.admin); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("a deleted policy: %v", err)
		}
	})
}

// TestPolicySearch: filters narrow by level, topic, zone, province (a province's own policies
// and its zones'), beneficiary (an empty list benefits everyone) and state on the day; text
// finds Chinese by two characters and English by prefix, title matches first; drafts are
// listed only to those who manage them.
func TestPolicySearch(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		national := d.create(d.admin, true, nil)
		rent := d.create(d.staff, true, func(in *policy.Input) {
			in.Level, in.TitleZh, in.TitleEn, in.Topics = policy.ZoneLevel, "园区厂房租金补贴办法", "Factory rent subsidies in the park", []string{"rent"}
			in.SummaryZh, in.SummaryEn = "外资企业租用厂房可获补贴，减免税收另行规定。", "Foreign firms renting factories get a subsidy."
			in.Ownerships, in.Sizes, in.Industries = []string{"foreign", "joint"}, []string{"small"}, []string{"electronics"}
		})
		jiangsu := d.create(d.jiangsu, true, func(in *policy.Input) {
			in.Level, in.TitleZh, in.TitleEn, in.Topics = policy.Provincial, "江苏省人才引进办法", "Jiangsu talent attraction measures", []string{"talent"}
			in.EffectiveOn = "2026-07-01" // upcoming on the day
		})
		expired := d.create(d.admin, true, func(in *policy.Input) {
			in.TitleZh, in.TitleEn, in.Topics, in.IssuedOn, in.EffectiveOn, in.ExpiresOn = "疫情纾困措施", "Epidemic relief measures", []string{"epidemic_relief"}, "2020-02-01", "2020-02-01", "2021-01-01"
		})
		xian := d.create(d.admin, true, func(in *policy.Input) {
			in.Level, in.ZoneID, in.TitleZh, in.TitleEn, in.Topics = policy.ZoneLevel, d.xian.ID, "西安经开区创新券", "Innovation vouchers in Xi'an", []string{"innovation"}
		})
		draft := d.create(d.staff, false, func(in *policy.Input) {
			in.Level, in.TitleZh, in.TitleEn = policy.ZoneLevel, "园区草稿政策", "Draft park policy"
		})

		search := func(who *actor.Actor, q policy.Query) []int64 {
			t.Helper()
			page, err := d.svc.Search(d.ctx, who, q)
			if err != nil {
				t.Fatalf("search %+v: %v", q, err)
			}
			if int(page.Total) != len(page.Items) {
				t.Fatalf("search %+v: total %d for %d items on one page", q, page.Total, len(page.Items))
			}
			ids := []int64{}
			for _, p := range page.Items {
				ids = append(ids, p.ID)
			}
			return ids
		}
		same := func(what string, got []int64, want ...policy.Policy) {
			t.Helper()
			ids := []int64{}
			for _, p := range want {
				ids = append(ids, p.ID)
			}
			if !slices.Equal(got, ids) {
				t.Errorf("%s: %v, want %v", what, got, ids)
			}
		}
		// Active (the default) is current and upcoming, newest issued first.
		same("active", search(nil, policy.Query{}), xian, jiangsu, rent, national)
		same("all states", search(nil, policy.Query{State: "all"}), xian, jiangsu, rent, national, expired)
		same("current", search(nil, policy.Query{State: policy.Current}), xian, rent, national)
		same("upcoming", search(nil, policy.Query{State: policy.Upcoming}), jiangsu)
		same("expired", search(nil, policy.Query{State: policy.Expired}), expired)
		same("level", search(nil, policy.Query{Level: policy.ZoneLevel}), xian, rent)
		same("topic", search(nil, policy.Query{Topic: "rent"}), rent)
		same("zone", search(nil, policy.Query{ZoneID: d.xian.ID}), xian)
		same("province", search(nil, policy.Query{Province: "jiangsu"}), jiangsu, rent)
		same("ownership", search(nil, policy.Query{Ownership: "foreign"}), xian, jiangsu, rent, national)
		same("ownership not benefiting", search(nil, policy.Query{Ownership: "domestic"}), xian, jiangsu, national)
		same("size", search(nil, policy.Query{Size: "large"}), xian, jiangsu, national)
		same("industry", search(nil, policy.Query{Industry: "electronics", Level: policy.ZoneLevel}), xian, rent)
		same("industry not benefiting", search(nil, policy.Query{Industry: "automotive", Level: policy.ZoneLevel}), xian)
		same("a LIKE wildcard is a letter", search(nil, policy.Query{Industry: "%"}), xian, jiangsu, national)

		same("two Chinese characters", search(nil, policy.Query{Q: "租金"}), rent)
		same("title before summary", search(nil, policy.Query{Q: "减免税收"}), national, rent)
		same("an English prefix", search(nil, policy.Query{Q: "subsid"}), rent)
		same("English words together", search(nil, policy.Query{Q: "talent jiangsu"}), jiangsu)
		same("text and a filter", search(nil, policy.Query{Q: "减免税收", Topic: "tax"}), national)
		same("no match", search(nil, policy.Query{Q: "lottery"}))
		same("only punctuation", search(nil, policy.Query{Q: "!!!"}))

		same("drafts, anonymous", search(nil, policy.Query{Drafts: true}))
		same("drafts, their zone's staff", search(d.staff, policy.Query{Drafts: true}), draft)
		same("drafts, another province", search(d.other, policy.Query{Drafts: true}))
		same("drafts, admin", search(d.admin, policy.Query{Drafts: true}), draft)

		page, err := d.svc.Search(d.ctx, nil, policy.Query{State: "all", PageSize: 2, Page: 2})
		if err != nil || page.Total != 5 || len(page.Items) != 2 || page.Items[0].ID != rent.ID {
			t.Fatalf("page 2 of 2: %+v, %v", page, err)
		}
	})
}

// TestPolicySubscriptions: publishing tells each subscriber of one of the policy's topics or of
// its zone once, however many of their subscriptions match; a provincial policy reaches the
// subscribers of the province's zones; an already expired one reaches nobody.
func TestPolicySubscriptions(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		both := d.user(actor.RoleInvestor, nil, "")
		byZone := d.user(actor.RoleInvestor, nil, "")
		byOther := d.user(actor.RoleInvestor, nil, "")
		for _, s := range []struct {
			who *actor.Actor
			in  policy.SubscriptionInput
		}{{both, policy.SubscriptionInput{Topic: "rent"}}, {both, policy.SubscriptionInput{ZoneID: d.suzhou.ID}}, {byZone, policy.SubscriptionInput{ZoneID: d.suzhou.ID}}, {byOther, policy.SubscriptionInput{ZoneID: d.xian.ID}}} {
			if _, err := d.svc.Subscribe(d.ctx, s.who, s.in); err != nil {
				t.Fatal(err)
			}
		}
		again, err := d.svc.Subscribe(d.ctx, byZone, policy.SubscriptionInput{ZoneID: d.suzhou.ID})
		if subs, _ := d.svc.Subscriptions(d.ctx, byZone); err != nil || len(subs) != 1 || subs[0].ID != again.ID || again.ZoneNameEn != d.suzhou.NameEn {
			t.Fatalf("subscribing twice: %+v, %v; subscriptions %+v", again, err, subs)
		}
		_, err = d.svc.Subscribe(d.ctx, byZone, policy.SubscriptionInput{Topic: "rent", ZoneID: d.suzhou.ID})
		testenv.Refused(t, "a topic and a zone", err, errs.ErrInvalid, "policy.subscription_target")
		_, err = d.svc.Subscribe(d.ctx, byZone, policy.SubscriptionInput{})
		testenv.Refused(t, "neither", err, errs.ErrInvalid, "policy.subscription_target")
		_, err = d.svc.Subscribe(d.ctx, byZone, policy.SubscriptionInput{Topic: "lottery"})
		testenv.Refused(t, "an unknown topic", err, errs.ErrInvalid, "policy.topic")
		_, err = d.svc.Subscribe(d.ctx, byZone, policy.SubscriptionInput{ZoneID: 999999})
		testenv.Refused(t, "an unknown zone", err, errs.ErrInvalid, "field.zone_unknown")

		told := func(pol policy.Policy) []int64 {
			t.Helper()
			var ids []int64
			if err := d.g.Table("policy_deliveries").Where("policy_id = ?", pol.ID).Order("user_id").Pluck("user_id", &ids).Error; err != nil {
				t.Fatal(err)
			}
			return ids
		}
		rent := d.create(d.staff, true, func(in *policy.Input) { in.Level, in.Topics = policy.ZoneLevel, []string{"rent", "tax"} })
		if got := told(rent); !slices.Equal(got, []int64{both.UserID, byZone.UserID}) {
			t.Fatalf("the zone's rent policy was told to %v, want %d and %d once each", got, both.UserID, byZone.UserID)
		}
		prov := d.create(d.jiangsu, true, func(in *policy.Input) { in.Level = policy.Provincial })
		if got := told(prov); !slices.Equal(got, []int64{both.UserID, byZone.UserID}) {
			t.Fatalf("Jiangsu's policy was told to %v, want the subscribers of its zone", got)
		}
		old := d.create(d.admin, true, func(in *policy.Input) {
			in.Level, in.ZoneID, in.IssuedOn, in.EffectiveOn, in.ExpiresOn = policy.ZoneLevel, d.xian.ID, "2020-01-01", "2020-01-01", "2021-01-01"
		})
		if got := told(old); len(got) != 0 {
			t.Fatalf("an expired policy was told to %v", got)
		}
		if err := d.svc.Unsubscribe(d.ctx, byOther, again.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("unsubscribing someone else's subscription: %v", err)
		}
		if err := d.svc.Unsubscribe(d.ctx, byZone, again.ID); err != nil {
			t.Fatal(err)
		}
		later := d.create(d.staff, true, func(in *policy.Input) { in.Level = policy.ZoneLevel })
		if got := told(later); !slices.Equal(got, []int64{both.UserID}) {
			t.Fatalf("after unsubscribing, a zone policy was told to %v", got)
		}
	})
}

// TestPolicyPackages: a zone's staff assemble its published policies in their order; drafts
// and unknown policies are refused, a policy listed twice appears once, and another zone's staff
// may not touch the package.
func TestPolicyPackages(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		a := d.create(d.admin, true, nil)
		b := d.create(d.staff, true, func(in *policy.Input) { in.Level = policy.ZoneLevel })
		draft := d.create(d.staff, false, func(in *policy.Input) { in.Level = policy.ZoneLevel })
		in := policy.PackageInput{TitleZh: "外资支持政策包", TitleEn: "Support for foreign investors", PolicyIDs: []int64{b.ID, a.ID, b.ID}}
		pk, err := d.svc.SavePackage(d.ctx, 0, d.staff, in)
		if err != nil || pk.ZoneID != d.suzhou.ID || pk.PolicyCount != 2 || len(pk.Policies) != 2 || pk.Policies[0].ID != b.ID || pk.Policies[1].ID != a.ID || !pk.CanEdit {
			t.Fatalf("package: %+v, %v", pk, err)
		}
		in.PolicyIDs = []int64{a.ID, draft.ID}
		_, err = d.svc.SavePackage(d.ctx, pk.ID, d.staff, in)
		testenv.Refused(t, "a draft in a package", err, errs.ErrInvalid, "policy.package_policy")
		in.PolicyIDs = []int64{999999}
		_, err = d.svc.SavePackage(d.ctx, pk.ID, d.staff, in)
		testenv.Refused(t, "an unknown policy in a package", err, errs.ErrInvalid, "policy.package_policy")
		xianStaff := d.user(actor.RoleZoneStaff, &d.xian.ID, "")
		in.PolicyIDs = []int64{a.ID}
		if _, err := d.svc.SavePackage(d.ctx, pk.ID, xianStaff, in); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("another zone's staff editing the package: %v", err)
		}
		if err := d.svc.DeletePackage(d.ctx, pk.ID, xianStaff); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("another zone's staff deleting the package: %v", err)
		}
		list, err := d.svc.Packages(d.ctx, nil, policy.PackageQuery{ZoneID: d.xian.ID})
		if err != nil || len(list) != 0 {
			t.Fatalf("Xi'an's packages: %+v, %v", list, err)
		}
		if got, err := d.svc.GetPackage(d.ctx, pk.ID, nil); err != nil || len(got.Policies) != 2 || got.CanEdit {
			t.Fatalf("the package to a reader: %+v, %v", got, err)
		}
		// A deleted policy leaves its packages.
		if err := d.svc.Delete(d.ctx, b.ID, d.staff); err != nil {
			t.Fatal(err)
		}
		if got, err := d.svc.GetPackage(d.ctx, pk.ID, nil); err != nil || len(got.Policies) != 1 || got.Policies[0].ID != a.ID || got.PolicyCount != 1 {
			t.Fatalf("after deleting a policy: %+v, %v", got, err)
		}
		if err := d.svc.DeletePackage(d.ctx, pk.ID, d.staff); err != nil {
			t.Fatal(err)
		}
		if _, err := d.svc.Get(d.ctx, a.ID, nil); err != nil {
			t.Fatalf("a deleted package took its policy: %v", err)
		}
	})
}
