package seed

import (
	"context"
	"fmt"
	"time"

	"zonefair/app/account"
	"zonefair/app/actor"

	"gorm.io/gorm"

	"zonefair/app/jobfair"
	"zonefair/app/notify"
	"zonefair/app/zone"
)

// demoJob is a job template: titles, category, majors, degree, monthly salary in CNY and a
// bilingual description.
type demoJob struct {
	title, titleEn, category string
	majors                   []string
	degree                   string
	salMin, salMax           int
	desc, languages          string
}

// demoJobs are the templates each enterprise draws from, by its industry.
var demoJobs = map[string][]demoJob{
	"semiconductors": {
		{"半导体工艺工程师", "Semiconductor Process Engineer", "semiconductor", []string{"microelectronics", "materials"}, "master", 12000, 20000, "负责光刻、刻蚀等工艺的开发与良率提升。\nDevelop lithography and etch processes and improve yield.", "英语读写熟练 / Good written English"},
		{"芯片验证工程师", "Chip Verification Engineer", "semiconductor", []string{"electronic-engineering", "microelectronics"}, "master", 15000, 25000, "基于 UVM 搭建验证环境，完成模块级与系统级验证。\nBuild UVM testbenches for block and system verification.", ""},
	},
	"biomedicine": {
		{"药物研发助理", "Drug R&D Assistant", "biomedicine", []string{"pharmacy", "biotechnology"}, "master", 9000, 14000, "参与抗体药物的细胞培养与纯化工艺研究。\nSupport cell culture and purification process development for antibodies.", "英语六级 / CET-6"},
		{"质量控制专员（QC）", "Quality Control Specialist", "quality", []string{"pharmacy", "chemical-engineering"}, "bachelor", 7000, 10000, "按 GMP 要求完成原辅料与成品检验。\nTest materials and products under GMP.", ""},
	},
	"ai": {
		{"机器视觉算法工程师", "Machine Vision Engineer", "software", []string{"computer-science", "automation"}, "master", 18000, 30000, "开发工业缺陷检测的深度学习模型并部署到产线。\nBuild and deploy deep-learning models for industrial defect inspection.", "能阅读英文论文 / Reads English papers"},
		{"Java 后端开发工程师", "Java Backend Developer", "software", []string{"software-engineering", "computer-science"}, "bachelor", 12000, 20000, "使用 Java 和 Spring Boot 开发数据平台服务。\nDevelop data-platform services in Java and Spring Boot.", ""},
	},
	"new-materials": {
		{"材料研发工程师", "Materials R&D Engineer", "chemicals", []string{"materials", "chemical-engineering"}, "master", 10000, 16000, "负责纳米涂层配方开发与性能测试。\nDevelop nano-coating formulations and test their performance.", ""},
	},
	"finance": {
		{"财务会计", "Accountant", "finance", []string{"accounting", "finance"}, "bachelor", 7000, 11000, "负责总账、报表编制与税务申报，熟悉用友或 SAP。\nGeneral ledger, reporting and tax filing; Yonyou or SAP experience welcome.", "英语四级 / CET-4"},
	},
	"automotive": {
		{"汽车零部件设计工程师", "Auto Parts Design Engineer", "automotive", []string{"vehicle-engineering", "mechanical-engineering"}, "bachelor", 9000, 15000, "使用 CATIA 完成制动系统零部件设计与校核。\nDesign and verify brake components in CATIA.", ""},
		{"生产管理培训生", "Production Management Trainee", "manufacturing", []string{"mechanical-engineering", "business-admin"}, "bachelor", 6500, 9000, "轮岗学习冲压、焊装、总装等环节，培养为班组长。\nRotate through stamping, welding and assembly to become a team leader.", ""},
	},
	"electronics": {
		{"电子工程师", "Electronics Engineer", "electrical", []string{"electronic-engineering", "electrical-engineering"}, "bachelor", 9000, 14000, "负责车载显示模组的电路设计与调试。\nDesign and debug circuits for in-vehicle display modules.", "日语或英语 / Japanese or English"},
		{"测试工程师", "Test Engineer", "quality", []string{"electronic-engineering", "automation"}, "associate", 6000, 9000, "编写测试方案，完成产品可靠性测试。\nWrite test plans and run reliability tests.", ""},
	},
	"equipment": {
		{"机械工程师", "Mechanical Engineer", "mechanical", []string{"mechanical-engineering"}, "bachelor", 8000, 13000, "负责非标自动化设备的机械设计与现场调试。\nMechanical design and on-site commissioning of automation equipment.", ""},
		{"电气工程师", "Electrical Engineer", "electrical", []string{"electrical-engineering", "automation"}, "bachelor", 8000, 13000, "负责 PLC 编程与电气图纸设计。\nPLC programming and electrical drawings.", ""},
	},
	"new-energy": {
		{"电池研发工程师", "Battery R&D Engineer", "automotive", []string{"materials", "chemical-engineering"}, "master", 13000, 22000, "参与动力电池电芯设计与测试。\nCell design and testing for traction batteries.", ""},
	},
	"medical-devices": {
		{"医疗器械注册专员", "Medical Device Regulatory Specialist", "legal", []string{"pharmacy", "law"}, "bachelor", 8000, 12000, "负责产品注册资料编写与申报。\nPrepare and file product registration dossiers.", "英语六级 / CET-6"},
	},
	"petrochemicals": {
		{"化工工艺工程师", "Chemical Process Engineer", "chemicals", []string{"chemical-engineering"}, "bachelor", 9000, 14000, "负责装置工艺运行优化与安全管理。\nOptimise plant processes and manage safety.", ""},
	},
	"logistics": {
		{"物流专员", "Logistics Coordinator", "logistics", []string{"logistics", "international-trade"}, "bachelor", 6000, 9000, "负责进出口订舱、报关与仓储协调。\nBook freight, handle customs and coordinate warehousing.", "英语口语流利 / Fluent spoken English"},
	},
	"shipbuilding": {
		{"船舶结构设计师", "Ship Structural Designer", "mechanical", []string{"mechanical-engineering", "civil-engineering"}, "bachelor", 9000, 14000, "完成船体结构详细设计与强度计算。\nDetailed hull structure design and strength calculations.", ""},
	},
	"food": {
		{"食品研发专员", "Food R&D Specialist", "research", []string{"biotechnology", "chemical-engineering"}, "bachelor", 7000, 10000, "参与新品配方开发与感官评价。\nNew recipe development and sensory evaluation.", ""},
	},
	"aerospace": {
		{"航空结构工程师", "Aerostructures Engineer", "mechanical", []string{"mechanical-engineering", "materials"}, "master", 12000, 18000, "负责复合材料结构件设计与分析。\nDesign and analyse composite structural parts.", ""},
	},
}

// zoneJobs are posted by each zone itself.
var zoneJobs = []demoJob{
	{"财务会计", "Accountant", "finance", []string{"accounting", "finance"}, "bachelor", 7000, 11000, "负责园区平台公司的总账、报表与税务申报。\nGeneral ledger, reporting and tax filing for the zone's development company.", "英语四级 / CET-4"},
	{"招商专员", "Investment Promotion Officer", "sales", []string{"international-trade", "economics", "english"}, "bachelor", 7000, 11000, "对接境内外投资企业，组织项目洽谈与签约活动。\nWork with domestic and foreign investors on project talks and signings.", "英语或日语 / English or Japanese"},
	{"外贸业务员", "Foreign Trade Specialist", "trade", []string{"international-trade", "english", "japanese"}, "bachelor", 6000, 10000, "负责海外客户开发与订单跟进。\nDevelop overseas customers and follow orders.", "英语流利 / Fluent English"},
}

// demoJobFair creates one open fair with every seeded zone, jobs from the zones and their
// enterprises, and the demo graduate's profile and applications. It does nothing when a fair
// exists.
func demoJobFair(ctx context.Context, g *gorm.DB, graduateEmail string) error {
	var fairs int64
	if err := g.WithContext(ctx).Model(&jobfair.Fair{}).Count(&fairs).Error; err != nil || fairs > 0 {
		return err
	}
	zones := zone.NewStore(g)
	store := jobfair.NewStore(g, zones, account.NewStore(g))
	now := time.Now().UTC()
	f := jobfair.Fair{
		NameZh: "2026届国家级经济技术开发区高校毕业生网络招聘会", NameEn: "2026 National ETDZ Online Job Fair for College Graduates",
		DescriptionZh: "国家级经开区联合举办的高校毕业生网络招聘会：在线浏览展位、搜索职位、一键投递、与招聘人员实时交流。",
		DescriptionEn: "An online job fair held by the national-level economic and technological development zones: visit booths, search jobs, apply in one click and chat with recruiters live.",
		StartsAt:      now.AddDate(0, 0, -3), EndsAt: now.AddDate(0, 0, 45),
	}
	var details []zone.Detail
	for _, dz := range zone.DemoZones {
		z, err := zones.BySlug(ctx, dz.Slug)
		if err != nil {
			return err
		}
		d, err := zones.Get(ctx, z.ID)
		if err != nil {
			return err
		}
		details = append(details, d)
		f.ZoneIDs = append(f.ZoneIDs, z.ID)
	}
	if err := store.SaveFair(ctx, &f); err != nil {
		return err
	}
	deadline := jobfair.Today(now.AddDate(0, 0, 30))
	var firstJobs []int64
	for zi, d := range details {
		post := func(t demoJob, enterprise *int64) error {
			j := jobfair.Job{FairID: f.ID, ZoneID: d.ID, EnterpriseID: enterprise, Title: t.title, TitleEn: t.titleEn,
				CityZh: d.CityZh, CityEn: d.CityEn, Province: d.Province, Region: d.Region, Category: t.category,
				Majors: t.majors, Degree: t.degree, SalaryMin: t.salMin, SalaryMax: t.salMax, Headcount: 1 + (zi+len(t.title))%5,
				Deadline: deadline, Description: t.desc, Languages: t.languages, Status: jobfair.JobPublished}
			if err := store.SaveJob(ctx, &j); err != nil {
				return fmt.Errorf("job %s at %s: %w", t.title, d.Slug, err)
			}
			if zi == 0 {
				firstJobs = append(firstJobs, j.ID)
			}
			return nil
		}
		for ei, e := range d.Enterprises {
			for _, t := range demoJobs[e.Industry] {
				if err := post(t, &d.Enterprises[ei].ID); err != nil {
					return err
				}
			}
		}
		if err := post(zoneJobs[zi%len(zoneJobs)], nil); err != nil {
			return err
		}
	}
	var grad struct{ ID int64 }
	if err := g.WithContext(ctx).Table("users").Select("id").Where("email = ?", graduateEmail).Scan(&grad).Error; err != nil || grad.ID == 0 {
		return err
	}
	if _, err := store.SaveProfile(ctx, grad.ID, jobfair.ProfileInput{
		School: "南京大学 Nanjing University", Major: "accounting", MajorName: "会计学（ACCA 方向）", Degree: "bachelor", GraduationYear: 2026,
		Skills: "Excel、SAP FI、Python 数据分析", Languages: "中文（母语）, English (IELTS 7.0)", ContactEmail: graduateEmail,
		About: "关注制造业财务与成本管理。Interested in manufacturing finance and cost control.",
	}); err != nil {
		return err
	}
	svc := &jobfair.Service{Store: store, Notify: &notify.Service{Store: notify.NewStore(g)}}
	// The demo graduate has applied to the first jobs of Suzhou Industrial Park, whose first
	// enterprise the demo enterprise account belongs to; one has moved on to an interview.
	var apps []int64
	for _, id := range firstJobs[:min(3, len(firstJobs))] {
		a, _, err := svc.Apply(ctx, grad.ID, id, "您好，我对贵公司的岗位很感兴趣，期待进一步沟通。")
		if err != nil {
			return err
		}
		apps = append(apps, a.ID)
	}
	if len(apps) > 0 {
		admin := &actor.Actor{Role: actor.RoleAdmin}
		if _, err := svc.ChangeStatus(ctx, admin, apps[:1], jobfair.StatusInterview, "安排线上面试"); err != nil {
			return err
		}
	}
	return nil
}
