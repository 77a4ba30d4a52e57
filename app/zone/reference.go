package zone

// Region is one of the four economic regions in official statistics.
type Region struct {
	Code   string `json:"code"`
	NameZh string `json:"nameZh"`
	NameEn string `json:"nameEn"`
}

// Province is a mainland provincial-level division; Region is its region's code.
type Province struct {
	Code   string `json:"code"`
	NameZh string `json:"nameZh"`
	NameEn string `json:"nameEn"`
	Region string `json:"region"`
}

// Industry is a leading industry a zone or an enterprise can be tagged with.
type Industry struct {
	Code   string `json:"code"`
	NameZh string `json:"nameZh"`
	NameEn string `json:"nameEn"`
}

// Regions follows the four-way split used by the National Bureau of Statistics.
var Regions = []Region{
	{"east", "东部地区", "Eastern China"},
	{"central", "中部地区", "Central China"},
	{"west", "西部地区", "Western China"},
	{"northeast", "东北地区", "Northeastern China"},
}

// Provinces lists all 31 mainland provincial-level divisions in the official order.
var Provinces = []Province{
	{"beijing", "北京市", "Beijing", "east"},
	{"tianjin", "天津市", "Tianjin", "east"},
	{"hebei", "河北省", "Hebei", "east"},
	{"shanxi", "山西省", "Shanxi", "central"},
	{"inner-mongolia", "内蒙古自治区", "Inner Mongolia", "west"},
	{"liaoning", "辽宁省", "Liaoning", "northeast"},
	{"jilin", "吉林省", "Jilin", "northeast"},
	{"heilongjiang", "黑龙江省", "Heilongjiang", "northeast"},
	{"shanghai", "上海市", "Shanghai", "east"},
	{"jiangsu", "江苏省", "Jiangsu", "east"},
	{"zhejiang", "浙江省", "Zhejiang", "east"},
	{"anhui", "安徽省", "Anhui", "central"},
	{"fujian", "福建省", "Fujian", "east"},
	{"jiangxi", "江西省", "Jiangxi", "central"},
	{"shandong", "山东省", "Shandong", "east"},
	{"henan", "河南省", "Henan", "central"},
	{"hubei", "湖北省", "Hubei", "central"},
	{"hunan", "湖南省", "Hunan", "central"},
	{"guangdong", "广东省", "Guangdong", "east"},
	{"guangxi", "广西壮族自治区", "Guangxi", "west"},
	{"hainan", "海南省", "Hainan", "east"},
	{"chongqing", "重庆市", "Chongqing", "west"},
	{"sichuan", "四川省", "Sichuan", "west"},
	{"guizhou", "贵州省", "Guizhou", "west"},
	{"yunnan", "云南省", "Yunnan", "west"},
	{"tibet", "西藏自治区", "Xizang (Tibet)", "west"},
	{"shaanxi", "陕西省", "Shaanxi", "west"},
	{"gansu", "甘肃省", "Gansu", "west"},
	{"qinghai", "青海省", "Qinghai", "west"},
	{"ningxia", "宁夏回族自治区", "Ningxia", "west"},
	{"xinjiang", "新疆维吾尔自治区", "Xinjiang", "west"},
}

// Industries are the leading-industry codes zones and enterprises are filtered by.
var Industries = []Industry{
	{"electronics", "电子信息", "Electronics & Information"},
	{"semiconductors", "集成电路", "Semiconductors"},
	{"software", "软件和信息服务", "Software & IT Services"},
	{"ai", "人工智能", "Artificial Intelligence"},
	{"biomedicine", "生物医药", "Biomedicine"},
	{"medical-devices", "医疗器械", "Medical Devices"},
	{"automotive", "汽车及零部件", "Automotive & Parts"},
	{"new-energy", "新能源", "New Energy"},
	{"new-materials", "新材料", "New Materials"},
	{"equipment", "高端装备制造", "Advanced Equipment"},
	{"aerospace", "航空航天", "Aerospace"},
	{"shipbuilding", "船舶与海洋工程", "Shipbuilding & Offshore Engineering"},
	{"petrochemicals", "石油化工", "Petrochemicals"},
	{"metallurgy", "冶金", "Metallurgy"},
	{"green-environment", "节能环保", "Energy Saving & Environmental Protection"},
	{"textiles", "纺织服装", "Textiles & Apparel"},
	{"food", "食品加工", "Food Processing"},
	{"logistics", "现代物流", "Logistics"},
	{"finance", "金融服务", "Financial Services"},
	{"modern-services", "现代服务业", "Modern Services"},
}

// ProvinceByCode finds a province by its code.
func ProvinceByCode(code string) (Province, bool) {
	for _, p := range Provinces {
		if p.Code == code {
			return p, true
		}
	}
	return Province{}, false
}

// IsIndustry reports whether code is one of Industries.
func IsIndustry(code string) bool {
	_, ok := industryByCode(code)
	return ok
}

func industryByCode(code string) (Industry, bool) {
	for _, i := range Industries {
		if i.Code == code {
			return i, true
		}
	}
	return Industry{}, false
}

// provinceOrder maps each province code to its place in Provinces, so that listings follow
// the official order rather than the alphabet.
func provinceOrder() map[string]int {
	order := make(map[string]int, len(Provinces))
	for i, p := range Provinces {
		order[p.Code] = i
	}
	return order
}
