// Package seed loads the demo data set: real national-level development zones with sample
// enterprises, and one account of each role.
package seed

import (
	"context"
	"fmt"
	"io"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// DemoPassword is the password of every demo account; documented in the README.
const DemoPassword = "Zonefair-demo-2026"

// Account is one demo login.
type Account struct {
	Email string
	Role  web.Role
	Note  string
}

// Option changes how Demo loads the demo data.
type Option func(*options)

type options struct {
	uploadDir string
}

// UploadDir is where the server keeps uploaded files (<data dir>/uploads): the demo briefings'
// slides are stored there. Without it the demo has no files, and its briefings no slides.
func UploadDir(dir string) Option { return func(o *options) { o.uploadDir = dir } }

// Demo loads the demo data into g unless zones already exist, and returns the demo accounts.
// Running it twice changes nothing.
func Demo(ctx context.Context, g *gorm.DB, opts ...Option) ([]Account, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	zones := zone.NewStore(g)
	users := account.NewStore(g)
	n, err := zones.Count(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		err := g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			store := zone.NewStore(tx)
			for _, dz := range zone.DemoZones {
				if err := createZone(ctx, store, dz); err != nil {
					return fmt.Errorf("zone %s: %w", dz.Slug, err)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	home, err := zones.BySlug(ctx, zone.DemoZones[0].Slug)
	if err != nil {
		return nil, err
	}
	detail, err := zones.Get(ctx, home.ID)
	if err != nil {
		return nil, err
	}
	var enterpriseID *int64
	if len(detail.Enterprises) > 0 {
		enterpriseID = &detail.Enterprises[0].ID
	}
	zoneID := home.ID
	demo := []struct {
		user account.User
		note string
	}{
		{account.User{Email: "admin@zonefair.test", Name: "平台管理员 Platform Admin", Role: web.RoleAdmin, Organization: "商务部 Ministry of Commerce"}, "ministry / platform admin"},
		{account.User{Email: "staff.suzhou@zonefair.test", Name: "王芳 Wang Fang", Role: web.RoleZoneStaff, ZoneID: &zoneID, Organization: home.NameZh}, "zone staff of " + home.NameEn},
		{account.User{Email: "hr.enterprise@zonefair.test", Name: "李强 Li Qiang", Role: web.RoleEnterprise, ZoneID: &zoneID, EnterpriseID: enterpriseID}, "enterprise staff in " + home.NameEn},
		{account.User{Email: "investor@zonefair.test", Name: "Anna Schmidt", Role: web.RoleInvestor, Locale: "en", Organization: "Rheinland Precision GmbH", Country: "Germany"}, "investor"},
		{account.User{Email: "graduate@zonefair.test", Name: "陈晨 Chen Chen", Role: web.RoleGraduate, Organization: "南京大学 Nanjing University"}, "graduate"},
		{account.User{Email: "province.jiangsu@zonefair.test", Name: "周敏 Zhou Min", Role: web.RoleProvince, Province: home.Province, Organization: "江苏省商务厅 Jiangsu Department of Commerce"}, "province reviewer of " + home.Province},
		{account.User{Email: "province.shaanxi@zonefair.test", Name: "赵磊 Zhao Lei", Role: web.RoleProvince, Province: "shaanxi", Organization: "陕西省商务厅 Shaanxi Department of Commerce"}, "province reviewer of shaanxi"},
	}
	var out []Account
	for _, d := range demo {
		u := d.user
		if u.Locale == "" {
			u.Locale = "zh-CN"
		}
		if err := account.EnsureUser(ctx, users, &u, DemoPassword); err != nil {
			return nil, fmt.Errorf("account %s: %w", u.Email, err)
		}
		out = append(out, Account{Email: u.Email, Role: u.Role, Note: d.note})
	}
	if err := demoJobFair(ctx, g, "graduate@zonefair.test"); err != nil {
		return nil, fmt.Errorf("job fair: %w", err)
	}
	if err := demoEnterpriseChat(ctx, g); err != nil {
		return nil, fmt.Errorf("enterprise chat: %w", err)
	}
	if err := demoSigning(ctx, g); err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	if err := demoBriefings(ctx, g, o.uploadDir); err != nil {
		return nil, fmt.Errorf("briefings: %w", err)
	}
	if err := demoMeetings(ctx, g); err != nil {
		return nil, fmt.Errorf("meetings: %w", err)
	}
	if err := demoAssessment(ctx, g); err != nil {
		return nil, fmt.Errorf("assessment: %w", err)
	}
	if err := demoPolicyData(ctx, g); err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	if err := demoMonitoring(ctx, g); err != nil {
		return nil, fmt.Errorf("monitoring: %w", err)
	}
	return out, nil
}

func createZone(ctx context.Context, store *zone.Store, dz zone.DemoZone) error {
	p, ok := zone.ProvinceByCode(dz.Province)
	if !ok {
		return fmt.Errorf("unknown province %q", dz.Province)
	}
	z := zone.Zone{
		Slug: dz.Slug, NameZh: dz.NameZh, NameEn: dz.NameEn, Province: p.Code, Region: p.Region,
		CityZh: dz.CityZh, CityEn: dz.CityEn, DescriptionZh: dz.DescriptionZh, DescriptionEn: dz.DescriptionEn,
		Website: dz.Website, EstablishedYear: dz.EstablishedYear, Industries: dz.Industries,
		ContactName: "投资促进局 Investment Promotion Bureau", ContactEmail: "invest@" + dz.Slug + ".zonefair.test",
	}
	if err := store.Create(ctx, &z); err != nil {
		return err
	}
	for _, de := range dz.Enterprises {
		e := zone.Enterprise{
			ZoneID: z.ID, NameZh: de.NameZh, NameEn: de.NameEn, Industry: de.Industry, Ownership: de.Ownership,
			Country: de.Country, Employees: de.Employees, DescriptionZh: de.DescriptionZh, DescriptionEn: de.DescriptionEn, Website: de.Website,
		}
		if err := store.CreateEnterprise(ctx, &e); err != nil {
			return err
		}
	}
	return nil
}

// Print lists the demo accounts for the person who ran the seed.
func Print(w io.Writer, accounts []Account) {
	fmt.Fprintln(w, "Demo accounts (password for all: "+DemoPassword+"):")
	for _, a := range accounts {
		fmt.Fprintf(w, "  %-30s %-17s %s\n", a.Email, a.Role, a.Note)
	}
}
