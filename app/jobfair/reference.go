package jobfair

// Label is a coded value with its names in both languages.
type Label struct {
	Code   string `json:"code"`
	NameZh string `json:"nameZh"`
	NameEn string `json:"nameEn"`
}

// Degrees a job may ask for, lowest first.
var Degrees = []Label{
	{"associate", "大专", "Associate"},
	{"bachelor", "本科", "Bachelor's"},
	{"master", "硕士", "Master's"},
	{"doctorate", "博士", "Doctorate"},
}

// Categories of jobs.
var Categories = []Label{
	{"finance", "财务/会计/金融", "Finance and accounting"},
	{"mechanical", "机械/设备", "Mechanical engineering"},
	{"electrical", "电气/电子", "Electrical and electronics"},
	{"software", "软件/互联网", "Software and internet"},
	{"semiconductor", "半导体/集成电路", "Semiconductors"},
	{"manufacturing", "生产/制造", "Production and manufacturing"},
	{"quality", "质量管理", "Quality"},
	{"research", "研发/科研", "Research and development"},
	{"biomedicine", "生物/医药", "Biomedicine"},
	{"chemicals", "化工/材料", "Chemicals and materials"},
	{"automotive", "汽车/新能源", "Automotive and new energy"},
	{"sales", "销售/商务", "Sales and business development"},
	{"marketing", "市场/品牌", "Marketing"},
	{"trade", "国际贸易", "International trade"},
	{"logistics", "物流/供应链", "Logistics and supply chain"},
	{"hr", "人力资源/行政", "HR and administration"},
	{"legal", "法务", "Legal"},
	{"design", "设计", "Design"},
}

// Majors graduates study and jobs ask for.
var Majors = []Label{
	{"accounting", "会计学", "Accounting"},
	{"finance", "金融学", "Finance"},
	{"economics", "经济学", "Economics"},
	{"international-trade", "国际经济与贸易", "International economics and trade"},
	{"business-admin", "工商管理", "Business administration"},
	{"marketing", "市场营销", "Marketing"},
	{"hr-management", "人力资源管理", "Human resource management"},
	{"law", "法学", "Law"},
	{"computer-science", "计算机科学与技术", "Computer science"},
	{"software-engineering", "软件工程", "Software engineering"},
	{"electronic-engineering", "电子信息工程", "Electronic information engineering"},
	{"electrical-engineering", "电气工程及其自动化", "Electrical engineering"},
	{"automation", "自动化", "Automation"},
	{"microelectronics", "微电子科学与工程", "Microelectronics"},
	{"mechanical-engineering", "机械设计制造及其自动化", "Mechanical engineering"},
	{"vehicle-engineering", "车辆工程", "Vehicle engineering"},
	{"materials", "材料科学与工程", "Materials science"},
	{"chemical-engineering", "化学工程与工艺", "Chemical engineering"},
	{"pharmacy", "药学", "Pharmacy"},
	{"biotechnology", "生物技术", "Biotechnology"},
	{"logistics", "物流管理", "Logistics management"},
	{"english", "英语", "English"},
	{"japanese", "日语", "Japanese"},
	{"industrial-design", "工业设计", "Industrial design"},
	{"civil-engineering", "土木工程", "Civil engineering"},
	{"environmental-engineering", "环境工程", "Environmental engineering"},
	{"mathematics", "数学与应用数学", "Mathematics"},
	{"statistics", "统计学", "Statistics"},
}

// SalaryBands group monthly salaries (CNY) by a job's lower bound, for the salary filter.
var SalaryBands = []Band{
	{Label{"lt5k", "5千以下", "Under 5k"}, 0, 5000},
	{Label{"5k-8k", "5千-8千", "5k–8k"}, 5000, 8000},
	{Label{"8k-12k", "8千-1.2万", "8k–12k"}, 8000, 12000},
	{Label{"12k-20k", "1.2万-2万", "12k–20k"}, 12000, 20000},
	{Label{"20k+", "2万以上", "20k and more"}, 20000, 0},
}

// Band is a salary range [Min, Max); Max 0 is open-ended.
type Band struct {
	Label
	Min int `json:"min"`
	Max int `json:"max"`
}

func salaryBand(min int) string {
	for _, b := range SalaryBands {
		if min >= b.Min && (b.Max == 0 || min < b.Max) {
			return b.Code
		}
	}
	return SalaryBands[0].Code
}

func find(list []Label, code string) (Label, bool) {
	for _, l := range list {
		if l.Code == code {
			return l, true
		}
	}
	return Label{}, false
}

func degreeRank(code string) int {
	for i, d := range Degrees {
		if d.Code == code {
			return i
		}
	}
	return -1
}

// Meta is the reference data the job-fair pages use for filters and labels.
type Meta struct {
	Degrees     []Label `json:"degrees"`
	Categories  []Label `json:"categories"`
	Majors      []Label `json:"majors"`
	SalaryBands []Band  `json:"salaryBands"`
}
