package seed

import (
	"context"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/signing"
)

// demoSigning adds a bilingual investment agreement template and one agreement sent from the
// demo zone's staff to the demo investor, waiting for the zone's signature. It does nothing
// when an agreement already exists.
func demoSigning(ctx context.Context, g *gorm.DB) error {
	var n int64
	if err := g.WithContext(ctx).Model(&signing.Agreement{}).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	users := account.NewStore(g)
	admin, err := users.ByEmail(ctx, "admin@zonefair.test")
	if err != nil {
		return err
	}
	staff, err := users.ByEmail(ctx, "staff.suzhou@zonefair.test")
	if err != nil {
		return err
	}
	investor, err := users.ByEmail(ctx, "investor@zonefair.test")
	if err != nil {
		return err
	}
	t := signing.Template{
		NameZh: "投资合作协议", NameEn: "Investment Cooperation Agreement", CreatedBy: admin.ID,
		BodyZh: "甲方：{{zone}}\n乙方：{{investor}}\n\n第一条 项目\n乙方在甲方辖区内投资建设{{project}}，计划总投资{{amount}}。\n\n" +
			"第二条 用地与配套\n甲方协助乙方依法取得项目用地，并提供水、电、气、通信等配套服务。\n\n" +
			"第三条 政策支持\n甲方按照国家和地方有关规定，为乙方落实各项支持政策。\n\n" +
			"第四条 时间安排\n乙方力争于{{startDate}}前开工建设。\n\n第五条 其他\n本协议自双方签署之日起生效，中英文文本具有同等效力。",
		BodyEn: "Party A: {{zone}}\nParty B: {{investor}}\n\nArticle 1 Project\nParty B invests in and builds {{project}} within Party A's zone, with a planned total investment of {{amount}}.\n\n" +
			"Article 2 Land and utilities\nParty A assists Party B in lawfully obtaining the project land and provides water, power, gas and telecommunications.\n\n" +
			"Article 3 Policy support\nParty A implements for Party B the support policies provided by national and local rules.\n\n" +
			"Article 4 Schedule\nParty B aims to start construction before {{startDate}}.\n\n" +
			"Article 5 Miscellaneous\nThis agreement takes effect when signed by both parties; the Chinese and English texts are equally authentic.",
	}
	if err := signing.NewStore(g).CreateTemplate(ctx, &t); err != nil {
		return err
	}
	// The seed has no server secret, so this trail is written unkeyed; the server seals it with
	// its key when it starts (signing.Service.KeyLegacyTrails).
	svc := &signing.Service{Store: signing.NewStore(g)}
	expires := time.Now().UTC().AddDate(0, 0, 30)
	m := signing.Meta{UserID: staff.ID, IP: "127.0.0.1", UserAgent: "zonefair seed-demo"}
	id, err := svc.Create(ctx, m, signing.CreateInput{
		ZoneID: *staff.ZoneID, Title: "精密轴承项目投资合作协议 Precision Bearings Investment Agreement", TemplateID: &t.ID,
		ExpiresAt: &expires, ReminderHours: 48,
		Merge: map[string]string{
			"zone": "苏州工业园区管理委员会 Suzhou Industrial Park Administrative Committee", "investor": investor.Organization,
			"project": "精密轴承生产基地 a precision bearings plant", "amount": "5,000 万美元 (USD 50 million)", "startDate": "2027-03-31",
		},
	})
	if err != nil {
		return err
	}
	lookup := func(ctx context.Context, id int64) (string, string, error) {
		u, err := users.ByID(ctx, id)
		return u.Name, u.Email, err
	}
	err = svc.SetRecipients(ctx, id, []signing.RecipientInput{
		{UserID: staff.ID, Role: signing.RoleSignatory, Party: "苏州工业园区 Suzhou Industrial Park", Step: 1},
		{UserID: investor.ID, Role: signing.RoleSignatory, Party: investor.Organization, Step: 2},
	}, lookup)
	if err != nil {
		return err
	}
	return svc.Send(ctx, m, id)
}
