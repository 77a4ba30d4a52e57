package seed

import (
	"bytes"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"

	"zonefair/app/signing"
)

// slide is one page of a demo deck: a bilingual heading and bilingual points.
type slide struct {
	headZh, headEn string
	points         [][2]string // Chinese, English
}

// demoDeck is the demo zone's presentation, following the briefings' agenda.
var demoDeck = []slide{
	{"园区概况", "The park at a glance", [][2]string{
		{"1994 年经国务院批准设立，中国和新加坡两国政府间的重要合作项目", "Approved by the State Council in 1994: a flagship China–Singapore intergovernmental project"},
		{"重点产业：纳米技术应用、生物医药、人工智能", "Focus industries: nanotechnology applications, biomedicine, artificial intelligence"},
		{"行政区域 278 平方公里", "An administrative area of 278 km²"},
		{"距上海虹桥国际机场约 1 小时车程", "About one hour by road from Shanghai Hongqiao International Airport"},
	}},
	{"重点项目推介", "Key projects", [][2]string{
		{"12 英寸晶圆先进封装测试基地 · 3 亿美元 · 12.5 公顷", "12-inch wafer advanced packaging and test base · USD 300 million · 12.5 ha"},
		{"创新药中试与生产平台 · 8 亿元人民币 · 6 公顷", "Innovative drug pilot and manufacturing platform · CNY 800 million · 6 ha"},
		{"定制厂房、洁净室与共享 GMP 平台", "Built-to-suit plants, clean rooms and a shared GMP platform"},
	}},
	{"政策解读", "Policies", [][2]string{
		{"前三年厂房租金减半", "Half rent for the first three years"},
		{"设备投资补贴最高 10%", "Equipment subsidies of up to 10 %"},
		{"研发费用加计扣除；人才公寓", "Extra deduction of R&D costs; talent apartments"},
		{"一站式服务：项目专员全程跟进", "One-stop service: a project officer follows every step"},
	}},
	{"问答与洽谈", "Q&A and meetings", [][2]string{
		{"欢迎在问答区提问并为关心的问题投票", "Ask in the Q&A and vote up the questions that matter to you"},
		{"点击「举手 / 预约洽谈」与招商团队约见", "Press \"Raise hand / request a meeting\" to meet the investment team"},
		{"联系：invest@suzhou-industrial-park.zonefair.test", "Contact: invest@suzhou-industrial-park.zonefair.test"},
	}},
}

// Slide size in points: 16:9.
const slideW, slideH = 960.0, 540.0

// demoSlides draws the demo deck as a PDF: a title page with the briefing's bilingual title,
// then one page per agenda item. The same input always gives the same bytes.
func demoSlides(titleZh, titleEn string) ([]byte, error) {
	const font = "wqy"
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// fpdf takes the size in portrait and turns it for "L".
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "L", UnitStr: "pt", Size: fpdf.SizeType{Wd: slideH, Ht: slideW}})
	f.AddUTF8FontFromBytes(font, "", signing.CJKFont())
	f.SetCreator("Zonefair", false)
	f.SetProducer("Zonefair", false)
	f.SetTitle(titleEn, true)
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetCatalogSort(true)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(60, 40, 60)
	navy := [3]int{0x1d, 0x4e, 0x89}
	band := func(h float64) {
		f.SetFillColor(navy[0], navy[1], navy[2])
		f.Rect(0, 0, slideW, h, "F")
	}
	footer := func(n int) {
		f.SetFillColor(0xe8, 0xee, 0xf6)
		f.Rect(0, slideH-36, slideW, 36, "F")
		f.SetTextColor(0x55, 0x60, 0x70)
		f.SetFont(font, "", 13)
		f.SetXY(60, slideH-30)
		f.CellFormat(slideW-120, 24, "苏州工业园区 Suzhou Industrial Park · Zonefair", "", 0, "L", false, 0, "")
		f.SetXY(60, slideH-30)
		f.CellFormat(slideW-120, 24, strconv.Itoa(n)+" / "+strconv.Itoa(len(demoDeck)+1), "", 0, "R", false, 0, "")
	}

	// Title page.
	f.AddPage()
	band(slideH - 36)
	f.SetTextColor(0xff, 0xff, 0xff)
	f.SetFont(font, "", 16)
	f.SetXY(60, 110)
	f.CellFormat(slideW-120, 24, "苏州工业园区 · Suzhou Industrial Park", "", 1, "L", false, 0, "")
	f.SetFont(font, "", 34)
	f.SetXY(60, 170)
	f.MultiCell(slideW-120, 46, titleZh, "", "L", false)
	f.SetFont(font, "", 24)
	f.SetX(60)
	f.MultiCell(slideW-120, 34, titleEn, "", "L", false)
	f.SetFont(font, "", 16)
	f.SetXY(60, 400)
	f.CellFormat(slideW-120, 24, "王芳 Wang Fang · 招商局副局长 Deputy Director, Investment Promotion", "", 1, "L", false, 0, "")
	footer(1)

	for i, s := range demoDeck {
		f.AddPage()
		band(96)
		f.SetTextColor(0xff, 0xff, 0xff)
		f.SetFont(font, "", 34)
		f.SetXY(60, 14)
		f.CellFormat(slideW-120, 40, s.headZh, "", 1, "L", false, 0, "")
		f.SetFont(font, "", 20)
		f.SetX(60)
		f.CellFormat(slideW-120, 30, s.headEn, "", 1, "L", false, 0, "")
		y := 128.0
		for _, p := range s.points {
			f.SetFillColor(navy[0], navy[1], navy[2])
			f.Rect(60, y+10, 12, 12, "F")
			f.SetTextColor(0x1f, 0x29, 0x37)
			f.SetFont(font, "", 24)
			f.SetXY(86, y)
			f.MultiCell(slideW-150, 32, p[0], "", "L", false)
			f.SetTextColor(0x55, 0x60, 0x70)
			f.SetFont(font, "", 17)
			f.SetX(86)
			f.MultiCell(slideW-150, 24, p[1], "", "L", false)
			y = f.GetY() + 16
		}
		footer(i + 2)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
