package seed

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/policy"
	"zonefair/app/zone"
)

type demoPolicy struct {
	key                  string
	level, zone, prov    string
	issuerZh, issuerEn   string
	doc                  string
	titleZh, titleEn     string
	sumZh, sumEn         string
	applyZh, applyEn     string
	topics, owners, size []string
	issued, effective    string
	expires              string
}

// upcoming is the first day of next month in Beijing: the date of the demo policy that is not
// in force yet.
func upcoming() string {
	t := time.Now().In(time.FixedZone("CST", 8*3600))
	return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

var demoPolicies = []demoPolicy{
	{"catalogue", policy.National, "", "", "国家发展和改革委员会、商务部", "National Development and Reform Commission; Ministry of Commerce", "2022年第52号令",
		"鼓励外商投资产业目录（2022年版）", "Catalogue of Industries for Encouraging Foreign Investment (2022 Edition)",
		"目录内鼓励类外商投资项目，在投资总额内进口的自用设备免征关税，并可按规定享受土地、税收等优惠。",
		"Encouraged foreign-invested projects import equipment for their own use within their total investment free of customs duty, and enjoy land and tax incentives as provided.",
		"向项目所在地商务主管部门申请《国家鼓励发展的内外资项目确认书》。", "Ask the local commerce department for the confirmation letter for encouraged projects.",
		[]string{"foreign_investment", "tax"}, []string{"foreign", "joint"}, nil, "2022-10-26", "2023-01-01", ""},
	{"stabilise", policy.National, "", "", "商务部", "Ministry of Commerce", "商资函〔2020〕100号",
		"关于应对新冠肺炎疫情做好稳外贸稳外资促消费工作的通知", "Notice on stabilising foreign trade and foreign investment and promoting consumption in response to COVID-19",
		"支持国家级经开区开展网上招商、视频招商，加强外资项目跟踪服务，对重点外资企业实行专人服务。",
		"National-level zones promote investment online and by video, follow foreign-invested projects closely and give key foreign-invested enterprises a dedicated contact.",
		"由所在开发区投资促进部门统一受理。", "Handled by the investment promotion office of the zone.",
		[]string{"foreign_investment", "trade", "epidemic_relief"}, nil, nil, "2020-03-10", "2020-03-10", "2020-12-31"},
	{"social", policy.National, "", "", "人力资源和社会保障部、财政部、国家税务总局", "Ministry of Human Resources and Social Security; Ministry of Finance; State Taxation Administration", "人社部发〔2020〕11号",
		"关于阶段性减免企业社会保险费的通知", "Notice on temporarily reducing and exempting enterprises' social insurance contributions",
		"2020年2月至6月，免征中小微企业三项社会保险单位缴费部分，大型企业减半征收。",
		"From February to June 2020, SMEs pay no employer contributions to three social insurances; large enterprises pay half.",
		"无需申请，由社保经办机构直接减免。", "No application needed: the social insurance agency applies the relief.",
		[]string{"employment", "epidemic_relief"}, nil, nil, "2020-02-20", "2020-02-01", "2020-12-31"},
	{"smalltax", policy.National, "", "", "财政部、国家税务总局", "Ministry of Finance; State Taxation Administration", "财政部 税务总局公告2023年第12号",
		"关于进一步支持小微企业和个体工商户发展有关税费政策的公告", "Announcement on tax policies further supporting small and micro enterprises",
		"小型微利企业减按25%计算应纳税所得额，按20%的税率缴纳企业所得税，内外资企业同等适用。",
		"Small low-profit enterprises count 25 % of their income as taxable and pay 20 % corporate income tax; domestic and foreign-invested enterprises alike.",
		"在年度汇算清缴时自行申报享受。", "Claim it yourself in the annual tax return.",
		[]string{"tax"}, []string{"domestic", "foreign", "joint"}, []string{"micro", "small"}, "2023-08-02", "2023-01-01", "2027-12-31"},
	{"reinvest", policy.National, "", "", "财政部、国家税务总局、国家发展和改革委员会、商务部", "Ministry of Finance; State Taxation Administration; NDRC; Ministry of Commerce", "财税〔2018〕102号",
		"关于扩大境外投资者以分配利润直接投资暂不征收预提所得税政策适用范围的通知", "Notice on deferring withholding tax on profits foreign investors reinvest in China",
		"境外投资者以分配利润直接投资于非禁止外商投资的项目和领域，暂不征收预提所得税。",
		"Profits a foreign investor reinvests directly in projects and sectors not prohibited to foreign investment are not subject to withholding tax for now.",
		"向利润分配企业的主管税务机关提交相关资料。", "File the documents with the tax office of the enterprise distributing the profits.",
		[]string{"foreign_investment", "tax"}, []string{"foreign"}, nil, "2018-09-29", "2018-01-01", ""},
	{"jsrent", policy.Provincial, "", "jiangsu", "江苏省人民政府", "People's Government of Jiangsu Province", "苏政发〔2020〕15号",
		"关于应对新型冠状病毒肺炎疫情影响推动经济循环畅通和稳定持续发展的若干政策措施", "Measures of Jiangsu Province to keep the economy running through the epidemic",
		"对承租国有资产类经营用房的中小企业，减免2月、3月房租；鼓励各类业主减免租金。",
		"SMEs renting premises owned by the state pay no rent for February and March; other landlords are encouraged to waive rent.",
		"向出租方提出申请，凭租赁合同办理。", "Apply to the landlord with the lease.",
		[]string{"rent", "finance", "epidemic_relief"}, []string{"domestic", "foreign", "joint"}, []string{"micro", "small", "medium"}, "2020-02-07", "2020-02-07", "2020-12-31"},
	{"jsfdi", policy.Provincial, "", "jiangsu", "江苏省商务厅", "Jiangsu Department of Commerce", "苏商资〔2025〕8号",
		"江苏省进一步稳外资促投资若干措施", "Jiangsu measures to further stabilise foreign investment",
		"对新设或增资的重大外资项目给予最高3000万元奖励；外资研发中心享受进口科研用品免税。",
		"Major new or expanded foreign-invested projects receive rewards of up to CNY 30 million; foreign R&D centres import research supplies tax-free.",
		"每年3月通过江苏省商务厅网站集中申报。", "Apply each March through the Jiangsu Department of Commerce website.",
		[]string{"foreign_investment", "innovation"}, []string{"foreign", "joint"}, nil, "2025-03-18", "2025-04-01", "2027-12-31"},
	{"sxtrade", policy.Provincial, "", "shaanxi", "陕西省商务厅", "Shaanxi Department of Commerce", "陕商发〔2025〕21号",
		"陕西省支持外贸企业稳订单拓市场若干措施", "Shaanxi measures helping exporters keep orders and reach new markets",
		"对参加境外展会的外贸企业给予展位费70%补助；扩大出口信用保险覆盖面。",
		"Exporters attending trade fairs abroad get 70 % of the booth fee back; export credit insurance covers more firms.",
		"展会结束后60日内向所在市商务局申报。", "Apply to the city commerce bureau within 60 days after the fair.",
		[]string{"trade", "finance"}, []string{"domestic", "foreign", "joint"}, nil, "2025-05-06", "2025-05-06", "2026-12-31"},
	{"siptalent", policy.ZoneLevel, "suzhou-industrial-park", "", "苏州工业园区管理委员会", "Suzhou Industrial Park Administrative Committee", "苏园管〔2026〕30号",
		"苏州工业园区高端人才安居补贴办法", "Housing subsidies for high-level talent in Suzhou Industrial Park",
		"在园区企业全职工作的高端人才，可申请最高100万元购房补贴或每月5000元租房补贴。",
		"High-level talent working full time for an enterprise in the park may receive up to CNY 1 million towards a home or CNY 5,000 a month towards rent.",
		"通过园区人才服务平台在线申请，受理后30个工作日内发放。", "Apply online through the park's talent service portal; paid within 30 working days.",
		[]string{"talent", "employment"}, nil, nil, "2026-11-10", "", ""},
	{"siprent", policy.ZoneLevel, "suzhou-industrial-park", "", "苏州工业园区管理委员会", "Suzhou Industrial Park Administrative Committee", "苏园管〔2026〕12号",
		"园区中小企业房租补贴实施细则", "Rent subsidies for small and medium enterprises in Suzhou Industrial Park",
		"租用园区载体的中小企业，首两年按实际租金的50%给予补贴，内外资企业一视同仁。",
		"SMEs renting space in the park's buildings get half their rent back for the first two years, domestic and foreign-invested alike.",
		"每季度首月通过园区企业服务中心申报。", "Apply in the first month of each quarter at the park's enterprise service centre.",
		[]string{"rent", "finance"}, []string{"domestic", "foreign", "joint"}, []string{"micro", "small", "medium"}, "2026-02-20", "2026-03-01", "2027-12-31"},
	{"siprd", policy.ZoneLevel, "suzhou-industrial-park", "", "苏州工业园区经济发展委员会", "Suzhou Industrial Park Economic Development Committee", "",
		"外资研发中心认定与奖励办法", "Recognition and rewards for foreign-invested R&D centres",
		"经认定的外资研发中心，按研发投入的10%给予奖励，最高500万元。",
		"Recognised foreign-invested R&D centres are rewarded 10 % of their R&D spending, up to CNY 5 million.",
		"提交研发中心认定申请表及上年度研发费用审计报告。", "Submit the recognition form and last year's audited R&D expenses.",
		[]string{"innovation", "foreign_investment"}, []string{"foreign", "joint"}, nil, "2025-06-01", "2025-07-01", ""},
	{"tedajobs", policy.ZoneLevel, "tianjin-teda", "", "天津经济技术开发区管理委员会", "TEDA Administrative Committee", "",
		"泰达高校毕业生就业见习补贴", "TEDA traineeship subsidies for college graduates",
		"企业吸纳高校毕业生参加就业见习的，按每人每月2000元给予见习补贴。",
		"Enterprises taking college graduates as trainees receive CNY 2,000 per trainee per month.",
		"见习期满后向开发区人力资源局申请。", "Apply to the TEDA human resources bureau after the traineeship.",
		[]string{"employment", "talent"}, []string{"domestic", "foreign", "joint"}, nil, "2026-04-15", "2026-05-01", "2027-04-30"},
	{"xianjobs", policy.Municipal, "xian-etdz", "", "西安市人力资源和社会保障局", "Xi'an Human Resources and Social Security Bureau", "市人社发〔2026〕5号",
		"西安市失业保险稳岗返还", "Xi'an refunds of unemployment insurance to enterprises that keep their staff",
		"上年度未裁员或裁员率低于规定标准的参保企业，返还其上年度实际缴纳失业保险费的60%。",
		"Insured enterprises that laid off nobody, or few enough, last year get 60 % of last year's unemployment insurance contributions back.",
		"无需申请，符合条件的企业由系统自动识别发放。", "No application: eligible enterprises are identified and paid automatically.",
		[]string{"employment", "finance"}, nil, []string{"micro", "small", "medium"}, "2026-03-01", "2026-03-01", "2026-12-31"},
}

// demoIndustries names the industries a demo policy is meant for; the others are for every
// industry.
var demoIndustries = map[string][]string{
	"siprd":     {"semiconductors", "biomedicine", "ai", "software"},
	"siptalent": {"semiconductors", "biomedicine", "ai"},
	"jsfdi":     {"electronics", "equipment", "new-materials"},
	"tedajobs":  {"automotive", "biomedicine", "electronics"},
}

// demoPackages are the packages of two zones, by policy key.
var demoPackages = []struct {
	zone             string
	titleZh, titleEn string
	introZh, introEn string
	keys             []string
}{
	{"suzhou-industrial-park", "外资企业一站式政策包", "One-stop policy package for foreign-invested enterprises",
		"汇集国家、江苏省和园区面向外资企业的主要支持政策，帮助企业一次看全、按需申请。",
		"The main national, Jiangsu and park policies for foreign-invested enterprises in one place, so you can see them all and apply for what you need.",
		[]string{"catalogue", "reinvest", "jsfdi", "siprd", "siprent", "smalltax", "siptalent"}},
	{"tianjin-teda", "泰达稳就业政策包", "TEDA employment support package",
		"面向在泰达招聘高校毕业生的内外资企业。", "For domestic and foreign enterprises in TEDA hiring college graduates.",
		[]string{"tedajobs", "smalltax", "catalogue"}},
}

// demoPolicyData publishes the demo policies and packages as the platform admin. It does
// nothing when policies exist.
func demoPolicyData(ctx context.Context, g *gorm.DB) error {
	var n int64
	if err := g.WithContext(ctx).Model(&policy.Policy{}).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	admin, err := account.NewStore(g).ByEmail(ctx, "admin@zonefair.test")
	if err != nil {
		return err
	}
	p := admin.Actor()
	svc := &policy.Service{Store: policy.NewStore(g), Zones: zone.NewStore(g), Users: account.NewStore(g)}
	zones := zone.NewStore(g)
	zoneID := func(slug string) (int64, error) {
		if slug == "" {
			return 0, nil
		}
		z, err := zones.BySlug(ctx, slug)
		return z.ID, err
	}
	ids := map[string]int64{}
	for _, d := range demoPolicies {
		zid, err := zoneID(d.zone)
		if err != nil {
			return fmt.Errorf("policy %s: %w", d.key, err)
		}
		effective := d.effective
		if effective == "" {
			effective = upcoming()
		}
		in := policy.Input{Level: d.level, ZoneID: zid, Province: d.prov, IssuerZh: d.issuerZh, IssuerEn: d.issuerEn, DocNumber: d.doc,
			TitleZh: d.titleZh, TitleEn: d.titleEn, SummaryZh: d.sumZh, SummaryEn: d.sumEn,
			BodyZh: d.sumZh + "\n\n" + d.applyZh, BodyEn: d.sumEn + "\n\n" + d.applyEn, ApplyZh: d.applyZh, ApplyEn: d.applyEn,
			Topics: d.topics, Ownerships: d.owners, Sizes: d.size, Industries: demoIndustries[d.key], IssuedOn: d.issued, EffectiveOn: effective, ExpiresOn: d.expires}
		out, err := svc.Create(ctx, p, in, true)
		if err != nil {
			return fmt.Errorf("policy %s: %w", d.key, err)
		}
		ids[d.key] = out.ID
	}
	for _, d := range demoPackages {
		zid, err := zoneID(d.zone)
		if err != nil {
			return err
		}
		in := policy.PackageInput{ZoneID: zid, TitleZh: d.titleZh, TitleEn: d.titleEn, IntroZh: d.introZh, IntroEn: d.introEn}
		for _, k := range d.keys {
			in.PolicyIDs = append(in.PolicyIDs, ids[k])
		}
		if _, err := svc.SavePackage(ctx, 0, p, in); err != nil {
			return fmt.Errorf("package %s: %w", d.titleEn, err)
		}
	}
	return nil
}
