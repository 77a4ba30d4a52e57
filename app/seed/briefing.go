package seed

import (
	"context"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/briefing"
	"zonefair/app/project"
	"zonefair/app/zone"
)

type demoProject struct {
	zoneSlug           string
	titleZh, titleEn   string
	descZh, descEn     string
	industry, currency string
	amount             int64
	land               float64
	locZh, locEn       string
	incentZh, incentEn string
}

var demoProjects = []demoProject{
	{"suzhou-industrial-park", "12 英寸晶圆先进封装测试基地", "12-inch Wafer Advanced Packaging and Test Base",
		"面向车规级与高性能计算芯片的先进封装测试产线，园区提供定制厂房与洁净室配套。",
		"An advanced packaging and test line for automotive-grade and high-performance computing chips; the park provides a built-to-suit plant and clean rooms.",
		"semiconductors", "USD", 300_000_000, 12.5, "苏州工业园区东区集成电路产业园", "IC Industrial Park, East District, Suzhou Industrial Park",
		"前三年厂房租金减半；设备投资补贴最高 10%。", "Half rent for the first three years; equipment subsidies of up to 10 %."},
	{"suzhou-industrial-park", "创新药中试与生产平台", "Innovative Drug Pilot and Manufacturing Platform",
		"为创新药企业提供符合 GMP 的中试放大与商业化生产共享平台。",
		"A shared GMP platform for pilot scale-up and commercial manufacturing of innovative drugs.",
		"biomedicine", "CNY", 800_000_000, 6, "苏州生物医药产业园", "BioBAY, Suzhou",
		"研发费用加计扣除；人才公寓。", "Extra deduction of R&D costs; talent apartments."},
	{"tianjin-teda", "新能源汽车动力电池回收利用项目", "EV Battery Recycling Project",
		"动力电池梯次利用与材料再生，年处理能力 5 万吨。", "Second-life use and material recovery of EV batteries, 50,000 t a year.",
		"new-energy", "EUR", 120_000_000, 20, "泰达现代产业区", "TEDA Modern Industrial District",
		"绿色制造专项资金支持。", "Support from the green manufacturing fund."},
}

// demoBriefings lists projects and three briefings of the demo zone: one upcoming with open
// registration, one live now with slides on a page, Q&A and an open poll, and one past with
// slides turned page by page, answered questions and a closed poll for the replay. The slides
// are stored under uploadDir; without one the briefings have none. It does nothing when
// briefings exist.
func demoBriefings(ctx context.Context, g *gorm.DB, uploadDir string) error {
	var n int64
	if err := g.WithContext(ctx).Model(&briefing.Briefing{}).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	users := account.NewStore(g)
	staffUser, err := users.ByEmail(ctx, "staff.suzhou@zonefair.test")
	if err != nil {
		return err
	}
	investorUser, err := users.ByEmail(ctx, "investor@zonefair.test")
	if err != nil {
		return err
	}
	// Another attendee asks too and votes up the investor's question: nobody votes for their own.
	otherUser, err := users.ByEmail(ctx, "hr.enterprise@zonefair.test")
	if err != nil {
		return err
	}
	staff, investor, other := staffUser.Actor(), investorUser.Actor(), otherUser.Actor()
	zones := zone.NewStore(g)
	projects := &project.Service{Store: project.NewStore(g), Zones: zones, Users: users}
	var homeProjects []int64
	for _, d := range demoProjects {
		z, err := zones.BySlug(ctx, d.zoneSlug)
		if err != nil {
			return err
		}
		in := project.Input{ZoneID: z.ID, TitleZh: d.titleZh, TitleEn: d.titleEn, DescriptionZh: d.descZh, DescriptionEn: d.descEn,
			Industry: d.industry, Amount: d.amount, Currency: d.currency, LandArea: d.land, LocationZh: d.locZh, LocationEn: d.locEn,
			IncentivesZh: d.incentZh, IncentivesEn: d.incentEn}
		creator := staff
		if z.ID != *staffUser.ZoneID {
			admin, err := users.ByEmail(ctx, "admin@zonefair.test")
			if err != nil {
				return err
			}
			creator = admin.Actor()
		}
		p, err := projects.Create(ctx, creator, in)
		if err != nil {
			return err
		}
		if z.ID == *staffUser.ZoneID {
			homeProjects = append(homeProjects, p.ID)
		}
	}
	if _, err := projects.ExpressInterest(ctx, homeProjects[0], investor, project.InterestInput{Message: "We would like to discuss a joint venture for the packaging line."}); err != nil {
		return err
	}

	now := time.Now().UTC().Truncate(time.Minute)
	questions := []briefing.RegQuestion{{ID: "interest", LabelZh: "您关注的领域", LabelEn: "Your area of interest", Options: []string{"semiconductors", "biomedicine", "other"}}}
	base := briefing.Input{
		AgendaZh: "1. 园区概况\n2. 重点项目推介\n3. 政策解读\n4. 问答", AgendaEn: "1. The park at a glance\n2. Key projects\n3. Policies\n4. Q&A",
		Visibility: briefing.Public, Presenters: []briefing.Presenter{{Name: "王芳 Wang Fang", Title: "招商局副局长 Deputy Director, Investment Promotion", Organization: "苏州工业园区"}},
		Questions: questions, ZoneIDs: []int64{*staffUser.ZoneID}, ProjectIDs: homeProjects,
	}
	at := func(t time.Time) func() time.Time { return func() time.Time { return t } }

	upcoming := base
	upcoming.TitleZh, upcoming.TitleEn = "苏州工业园区对话世界 500 强", "Suzhou Industrial Park Meets the Fortune Global 500"
	upcoming.StartsAt, upcoming.EndsAt = now.AddDate(0, 0, 7), now.AddDate(0, 0, 7).Add(90*time.Minute)
	svc := &briefing.Service{Store: briefing.NewStore(g), Zones: zones, Projects: projects, Users: users, UploadDir: uploadDir}
	b, err := svc.Create(ctx, staff, upcoming)
	if err != nil {
		return err
	}
	if _, err := svc.Register(ctx, b.ID, investor, briefing.RegisterInput{Answers: map[string]string{"interest": "semiconductors"}, Industry: "semiconductors"}); err != nil {
		return err
	}

	// The past briefing is played through with the clock set inside its time slot.
	past := base
	past.TitleZh, past.TitleEn = "生物医药产业投资推介会", "Biomedicine Investment Briefing"
	past.StartsAt = now.AddDate(0, 0, -14)
	past.EndsAt = past.StartsAt.Add(2 * time.Hour)
	then := &briefing.Service{Store: briefing.NewStore(g), Zones: zones, Projects: projects, Users: users, UploadDir: uploadDir, Now: at(past.StartsAt.Add(-24 * time.Hour))}
	pb, err := then.Create(ctx, staff, past)
	if err != nil {
		return err
	}
	if _, err := then.Register(ctx, pb.ID, investor, briefing.RegisterInput{Answers: map[string]string{"interest": "biomedicine"}, Industry: "biomedicine"}); err != nil {
		return err
	}
	if err := uploadSlides(ctx, then, pb, staff, uploadDir); err != nil {
		return err
	}
	then.Now = at(past.StartsAt.Add(time.Minute))
	if _, err := then.Start(ctx, pb.ID, staff); err != nil {
		return err
	}
	if err := playRoom(ctx, then, pb.ID, staff, investor, other, true); err != nil {
		return err
	}
	if uploadDir != "" {
		// The presenter went through the deck; the replay's timeline shows each turn.
		for i, page := range []int{2, 3, 4, 5} {
			then.Now = at(past.StartsAt.Add(time.Duration(8+i*20) * time.Minute))
			if _, err := then.TurnPage(ctx, pb.ID, staff, page); err != nil {
				return err
			}
		}
	}
	// Its video room: the host presented throughout, the investor was brought on stage for the
	// Q&A, another watched, left and came back. The audience's pages reported to the room while
	// they were in it, so the attendance figures agree with the video room's.
	stays := []seedStay{
		{staff.UserID, true, 0, 114}, {investor.UserID, false, 3, 82}, {investor.UserID, true, 85, 29}, {other.UserID, false, 6, 40}, {other.UserID, false, 70, 44},
	}
	audience := map[int64]*actor.Actor{investor.UserID: investor, other.UserID: other}
	for _, st := range stays {
		p, ok := audience[st.userID]
		if !ok {
			continue
		}
		for beat := time.Duration(0); beat < time.Duration(st.minutes)*time.Minute; beat += 30 * time.Second {
			then.Now = at(past.StartsAt.Add(time.Duration(st.from)*time.Minute + beat))
			if err := then.Attend(ctx, pb.ID, p); err != nil {
				return err
			}
		}
	}
	if err := then.FlushAttendance(ctx); err != nil {
		return err
	}
	then.Now = at(past.EndsAt.Add(-5 * time.Minute))
	if _, err := then.End(ctx, pb.ID, staff); err != nil {
		return err
	}
	if err := demoStays(ctx, g, "briefing", pb.ID, past.StartsAt, stays); err != nil {
		return err
	}

	live := base
	live.TitleZh, live.TitleEn = "集成电路产业云招商推介会（直播中）", "Integrated Circuits Cloud Investment Briefing (live)"
	live.StartsAt, live.EndsAt = now.Add(-30*time.Minute), now.Add(90*time.Minute)
	// No outside stream: the demo host goes live on the briefing's own video stage, and a demo
	// must not point a player at an address that does not resolve.
	live.StreamURL = ""
	lb, err := svc.Create(ctx, staff, live)
	if err != nil {
		return err
	}
	if err := uploadSlides(ctx, svc, lb, staff, uploadDir); err != nil {
		return err
	}
	if _, err := svc.Start(ctx, lb.ID, staff); err != nil {
		return err
	}
	if uploadDir != "" {
		if _, err := svc.TurnPage(ctx, lb.ID, staff, 2); err != nil {
			return err
		}
	}
	return playRoom(ctx, svc, lb.ID, staff, investor, other, false)
}

// uploadSlides gives briefing b the demo deck through the briefings' own upload path.
func uploadSlides(ctx context.Context, svc *briefing.Service, b briefing.Briefing, h *actor.Actor, uploadDir string) error {
	if uploadDir == "" {
		return nil
	}
	deck, err := demoSlides(b.TitleZh, b.TitleEn)
	if err != nil {
		return err
	}
	_, err = svc.SetSlides(ctx, b.ID, h, "slides.pdf", deck)
	return err
}

// playRoom fills a room: a chat, questions (one answered and pinned, one voted by another
// attendee), and a poll voted on, closed when finish is set.
func playRoom(ctx context.Context, svc *briefing.Service, id int64, h, inv, other *actor.Actor, finish bool) error {
	if _, err := svc.Chat(ctx, id, inv, briefing.TextInput{Body: "Hello from Frankfurt!"}); err != nil {
		return err
	}
	q1, err := svc.Ask(ctx, id, inv, briefing.TextInput{Body: "What is the lead time for a built-to-suit plant?"})
	if err != nil {
		return err
	}
	if _, err := svc.Ask(ctx, id, other, briefing.TextInput{Body: "贵园区对外资研发中心有哪些支持政策？"}); err != nil {
		return err
	}
	if _, err := svc.Upvote(ctx, id, q1.ID, other); err != nil {
		return err
	}
	answer, pinned := "About nine months from signing to handover, including clean-room fit-out.", true
	if _, err := svc.Moderate(ctx, id, q1.ID, h, briefing.ModerateInput{Answer: &answer, Pinned: &pinned}); err != nil {
		return err
	}
	poll, err := svc.CreatePoll(ctx, id, h, briefing.PollInput{QuestionZh: "您计划何时在华投资？", QuestionEn: "When do you plan to invest in China?",
		Options: []briefing.PollOption{{Zh: "一年内", En: "Within a year"}, {Zh: "一到三年", En: "In 1–3 years"}, {Zh: "尚无计划", En: "No plans yet"}}})
	if err != nil {
		return err
	}
	if _, err := svc.OpenPoll(ctx, id, poll.ID, h); err != nil {
		return err
	}
	if err := svc.VotePoll(ctx, id, poll.ID, inv, 0); err != nil {
		return err
	}
	if finish {
		if _, err := svc.ClosePoll(ctx, id, poll.ID, h); err != nil {
			return err
		}
	}
	return nil
}
