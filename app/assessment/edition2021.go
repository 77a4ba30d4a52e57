package assessment

// Edition2021Code is the code of the default index system.
const Edition2021Code = "2021"

// Edition2021 is the 2021 edition of the comprehensive development assessment of national-level
// economic and technological development zones, with foreign trade and foreign investment
// weighted up: opening-up 30 %, development quality 30 %, innovation 15 %, green development
// 15 %, coordination 10 %, and representative indicators under each.
func Edition2021() Tree {
	ind := func(code, zh, en, unit string, weight float64, dir Direction, m Method, target, lo, hi float64) Indicator {
		return Indicator{Code: code, NameZh: zh, NameEn: en, Unit: unit, Weight: weight, Direction: dir, Method: m, Target: target, Min: lo, Max: hi}
	}
	return Tree{Categories: []Category{
		{Code: "opening_up", NameZh: "对外开放", NameEn: "Opening-up", Weight: 30, Indicators: []Indicator{
			ind(CodeForeignInvestment, "实际使用外资", "Actual foreign investment used", "usd_100m", 35, HigherBetter, MinMax, 0, 0, 500),
			ind(CodeForeignTrade, "进出口总额", "Total imports and exports", "cny_100m", 35, HigherBetter, MinMax, 0, 0, 30000),
			ind("foreign_enterprises", "外商投资企业数", "Foreign-invested enterprises", "count", 15, HigherBetter, ZScore, 0, 0, 50000),
			ind("export_growth", "出口增速", "Export growth", "percent", 15, HigherBetter, ZScore, 0, -100, 300),
		}},
		{Code: "development_quality", NameZh: "发展质量", NameEn: "Development quality", Weight: 30, Indicators: []Indicator{
			ind("gdp", "地区生产总值", "Gross regional product", "cny_100m", 30, HigherBetter, MinMax, 0, 0, 50000),
			ind("tax_revenue", "税收收入", "Tax revenue", "cny_100m", 25, HigherBetter, MinMax, 0, 0, 10000),
			ind("output_per_km2", "单位面积产出", "Output per square kilometre", "cny_100m_per_km2", 25, HigherBetter, MinMax, 0, 0, 1000),
			ind("industrial_growth", "规上工业增加值增速", "Industrial value-added growth", "percent", 20, HigherBetter, ZScore, 0, -100, 300),
		}},
		{Code: "innovation", NameZh: "科技创新", NameEn: "Innovation", Weight: 15, Indicators: []Indicator{
			ind("rd_intensity", "研发投入强度", "R&D intensity (share of output)", "percent", 40, HigherBetter, Target, 4, 0, 30),
			ind("high_tech_enterprises", "高新技术企业数", "High-tech enterprises", "count", 30, HigherBetter, MinMax, 0, 0, 20000),
			ind("invention_patents", "每万名从业人员发明专利拥有量", "Invention patents per 10,000 employees", "per_10k", 30, HigherBetter, ZScore, 0, 0, 5000),
		}},
		{Code: "green_development", NameZh: "绿色发展", NameEn: "Green development", Weight: 15, Indicators: []Indicator{
			ind("energy_per_output", "单位产出能耗", "Energy use per unit of output", "tce_per_cny_10k", 40, LowerBetter, Target, 0.3, 0, 10),
			ind("water_per_output", "单位产出水耗", "Water use per unit of output", "m3_per_cny_10k", 30, LowerBetter, MinMax, 0, 0, 500),
			ind("wastewater_treated", "污水集中处理率", "Wastewater treated centrally", "percent", 30, HigherBetter, Target, 100, 0, 100),
		}},
		{Code: "coordination", NameZh: "统筹协调", NameEn: "Coordination", Weight: 10, Indicators: []Indicator{
			ind("new_urban_jobs", "城镇新增就业人数", "New urban jobs", "persons", 60, HigherBetter, MinMax, 0, 0, 1000000),
			ind("cooperation_projects", "东中西部合作共建项目数", "East–central–west cooperation projects", "count", 40, HigherBetter, MinMax, 0, 0, 1000),
		}},
	}}
}
