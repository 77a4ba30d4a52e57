package loadgen

import (
	"math/rand/v2"
	"sort"
)

// Searches are drawn as graduates make them, each part on its own: most open the first page
// with a filter or none, and the words they type follow a long tail — the k-th most common is
// typed 1/k as often as the first. Together that is tens of thousands of distinct searches,
// a few of them very common, as on a real fair day.
var (
	searchWords = []string{
		"工程师", "engineer", "software", "芯片", "battery", "会计", "vision", "苏州", "研发", "质量",
		"logistics", "电气", "mechanical", "贸易", "chemical", "药", "test", "销售", "investment", "材料",
		"food", "汽车", "semiconductor", "上海", "南京", "机械", "quality", "物流", "accountant", "化工",
		"trainee", "设计", "process", "食品", "design", "招商", "electronics", "测试", "生产", "research",
	}
	searchProvinces  = []string{"jiangsu", "zhejiang", "guangdong", "shanghai", "anhui", "shandong", "liaoning", "fujian"}
	searchCategories = []string{"electrical", "quality", "mechanical", "automotive", "chemicals", "finance", "software", "logistics"}
	searchDegrees    = []string{"bachelor", "master", "associate", "doctorate"}
	wordWeights      = zipf(len(searchWords))
)

// zipf returns the cumulative weights of n ranks, the k-th weighing 1/k.
func zipf(n int) []float64 {
	cum := make([]float64, n)
	total := 0.0
	for k := range n {
		total += 1 / float64(k+1)
		cum[k] = total
	}
	for k := range cum {
		cum[k] /= total
	}
	return cum
}

// one returns one of vals with probability share, skewed to the first ones; "" otherwise.
func one(vals []string, share float64) string {
	if rand.Float64() >= share {
		return ""
	}
	return vals[min(int(rand.ExpFloat64()*float64(len(vals))/3), len(vals)-1)]
}

// randomSearch is the query string of one search.
func randomSearch() string {
	word := ""
	if rand.Float64() < 0.6 {
		word = searchWords[sort.SearchFloat64s(wordWeights, rand.Float64())]
	}
	sorting := ""
	switch r := rand.Float64(); {
	case r < 0.1:
		sorting = "salary"
	case r < 0.2 && word != "":
		sorting = "date"
	}
	page := "1"
	switch r := rand.Float64(); {
	case r < 0.05:
		page = "3"
	case r < 0.2:
		page = "2"
	}
	return query("q", word, "degree", one(searchDegrees, 0.3), "province", one(searchProvinces, 0.25),
		"category", one(searchCategories, 0.2), "sort", sorting, "page", page, "pageSize", "20")
}
