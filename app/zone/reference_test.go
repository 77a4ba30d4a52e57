package zone

import (
	"encoding/json"
	"regexp"
	"testing"
	"unicode"
)

func TestRegionsAndProvinces(t *testing.T) {
	if len(Provinces) != 31 {
		t.Errorf("%d provinces, want 31", len(Provinces))
	}
	want := map[string]int{"east": 10, "central": 6, "west": 12, "northeast": 3}
	if len(Regions) != len(want) {
		t.Errorf("%d regions, want %d", len(Regions), len(want))
	}
	got := map[string]int{}
	seen := map[string]bool{}
	for _, p := range Provinces {
		if seen[p.Code] {
			t.Errorf("province %q listed twice", p.Code)
		}
		seen[p.Code] = true
		got[p.Region]++
		if p.NameZh == "" || p.NameEn == "" {
			t.Errorf("province %q lacks a name", p.Code)
		}
		if q, ok := ProvinceByCode(p.Code); !ok || q != p {
			t.Errorf("ProvinceByCode(%q) = %+v, %v", p.Code, q, ok)
		}
	}
	for _, r := range Regions {
		if got[r.Code] != want[r.Code] {
			t.Errorf("region %q has %d provinces, want %d", r.Code, got[r.Code], want[r.Code])
		}
	}
	if _, ok := ProvinceByCode("taipei"); ok {
		t.Error("ProvinceByCode accepted an unknown code")
	}
	if _, ok := ProvinceByCode(""); ok {
		t.Error("ProvinceByCode accepted an empty code")
	}
}

func TestIndustries(t *testing.T) {
	seen := map[string]bool{}
	for _, i := range Industries {
		if seen[i.Code] {
			t.Errorf("industry %q listed twice", i.Code)
		}
		seen[i.Code] = true
		if !IsIndustry(i.Code) || i.NameZh == "" || i.NameEn == "" {
			t.Errorf("industry %+v is incomplete or not recognised", i)
		}
	}
	for _, code := range []string{"", "Electronics", "mining", "ai "} {
		if IsIndustry(code) {
			t.Errorf("IsIndustry(%q) = true", code)
		}
	}
}

func TestProvinceOrderFollowsList(t *testing.T) {
	order := provinceOrder()
	if order["beijing"] != 0 || order["xinjiang"] != len(Provinces)-1 || len(order) != len(Provinces) {
		t.Errorf("provinceOrder() = %v", order)
	}
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func TestDemoZones(t *testing.T) {
	if len(DemoZones) < 35 {
		t.Errorf("%d demo zones, want at least 35", len(DemoZones))
	}
	if DemoZones[0].Slug != "suzhou-industrial-park" {
		t.Errorf("first demo zone is %q, want suzhou-industrial-park", DemoZones[0].Slug)
	}
	slugs := map[string]bool{}
	names := map[string]bool{}
	regions := map[string]int{}
	provinces := map[string]bool{}
	for _, z := range DemoZones {
		if !slugRE.MatchString(z.Slug) {
			t.Errorf("slug %q is not lower-case words joined by hyphens", z.Slug)
		}
		if slugs[z.Slug] {
			t.Errorf("slug %q used twice", z.Slug)
		}
		slugs[z.Slug] = true
		if names[z.NameZh] || names[z.NameEn] {
			t.Errorf("zone %s: name used twice", z.Slug)
		}
		names[z.NameZh], names[z.NameEn] = true, true
		p, ok := ProvinceByCode(z.Province)
		if !ok {
			t.Errorf("zone %s: unknown province %q", z.Slug, z.Province)
		}
		regions[p.Region]++
		provinces[z.Province] = true
		if !hasHan(z.NameZh) || !hasHan(z.CityZh) || !hasHan(z.DescriptionZh) ||
			z.NameEn == "" || z.CityEn == "" || z.DescriptionEn == "" {
			t.Errorf("zone %s lacks a Chinese or English name, city or description", z.Slug)
		}
		if z.EstablishedYear < 1984 || z.EstablishedYear > 2025 {
			t.Errorf("zone %s: established %d", z.Slug, z.EstablishedYear)
		}
		if len(z.Industries) == 0 {
			t.Errorf("zone %s has no industries", z.Slug)
		}
		inZone := map[string]bool{}
		for _, code := range z.Industries {
			if !IsIndustry(code) {
				t.Errorf("zone %s: unknown industry %q", z.Slug, code)
			}
			if inZone[code] {
				t.Errorf("zone %s: industry %q listed twice", z.Slug, code)
			}
			inZone[code] = true
		}
		checkEnterprises(t, z, inZone)
	}
	for _, r := range Regions {
		if regions[r.Code] == 0 {
			t.Errorf("no demo zone in region %q", r.Code)
		}
	}
	for _, p := range Provinces {
		if !provinces[p.Code] {
			t.Errorf("no demo zone in %s", p.Code)
		}
	}
}

var countryRE = regexp.MustCompile(`^[A-Z]{2}$`)

func checkEnterprises(t *testing.T, z DemoZone, industries map[string]bool) {
	t.Helper()
	if n := len(z.Enterprises); n < 2 || n > 4 {
		t.Errorf("zone %s has %d demo enterprises, want 2 to 4", z.Slug, n)
	}
	for _, e := range z.Enterprises {
		if !hasHan(e.NameZh) || e.NameEn == "" || !hasHan(e.DescriptionZh) || e.DescriptionEn == "" {
			t.Errorf("zone %s: enterprise %q lacks a name or description", z.Slug, e.NameEn)
		}
		if !industries[e.Industry] {
			t.Errorf("zone %s: enterprise %q has industry %q outside the zone's", z.Slug, e.NameEn, e.Industry)
		}
		if !countryRE.MatchString(e.Country) || e.Employees <= 0 {
			t.Errorf("zone %s: enterprise %q has country %q, %d employees", z.Slug, e.NameEn, e.Country, e.Employees)
		}
		switch {
		case e.Ownership == "domestic" && e.Country != "CN",
			e.Ownership != "domestic" && e.Ownership != "foreign" && e.Ownership != "joint",
			e.Ownership != "domestic" && e.Country == "CN":
			t.Errorf("zone %s: enterprise %q is %q from %q", z.Slug, e.NameEn, e.Ownership, e.Country)
		}
	}
}

func TestReferenceJSON(t *testing.T) {
	b, err := json.Marshal(Provinces[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"code":"beijing","nameZh":"北京市","nameEn":"Beijing","region":"east"}`; string(b) != want {
		t.Errorf("province JSON = %s, want %s", b, want)
	}
	b, _ = json.Marshal(Regions[0])
	if want := `{"code":"east","nameZh":"东部地区","nameEn":"Eastern China"}`; string(b) != want {
		t.Errorf("region JSON = %s, want %s", b, want)
	}
}
