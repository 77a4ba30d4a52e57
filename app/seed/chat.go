package seed

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"zonefair/app/account"
	"zonefair/app/jobfair"
	"zonefair/app/zone"
)

// demoEnterpriseChat starts the demo graduate's conversation with the demo enterprise at its
// zone's booth, with a question still to answer, so the enterprise's staff find it in booth
// chat. Seeding again adds nothing.
func demoEnterpriseChat(ctx context.Context, g *gorm.DB) error {
	users := account.NewStore(g)
	grad, err := users.ByEmail(ctx, "graduate@zonefair.test")
	if err != nil {
		return err
	}
	hr, err := users.ByEmail(ctx, "hr.enterprise@zonefair.test")
	if err != nil {
		return err
	}
	if hr.EnterpriseID == nil || hr.ZoneID == nil {
		return nil
	}
	var fair jobfair.Fair
	err = g.WithContext(ctx).Order("id").First(&fair).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	c, err := jobfair.NewStore(g, zone.NewStore(g), users).OpenConversation(ctx, fair.ID, *hr.ZoneID, grad.ID, *hr.EnterpriseID, now.Add(-2*time.Hour))
	if err != nil {
		return err
	}
	var n int64
	if err := g.WithContext(ctx).Model(&jobfair.Message{}).Where("conversation_id = ?", c.ID).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	m := jobfair.Message{ConversationID: c.ID, SenderID: grad.ID, SenderName: grad.Name, Body: "您好！请问贵公司的管培生项目接受会计专业的应届生吗？ Hello! Does your graduate trainee programme take accounting graduates?", CreatedAt: now.Add(-2 * time.Hour)}
	return g.WithContext(ctx).Create(&m).Error
}
