package migrations

import "gorm.io/gorm"

// v15Conversation is the part of chat_conversations this step adds: the booth's enterprise a
// graduate talks to, whose staff answer (0: the booth's zone staff, as before).
type v15Conversation struct {
	ID           int64 `gorm:"primaryKey"`
	EnterpriseID int64 `gorm:"not null;default:0"`
}

func (v15Conversation) TableName() string { return "chat_conversations" }

// v15EnterpriseChat lets a graduate hold one conversation with the booth's zone staff and one
// with each of its enterprises: the unique key gains the enterprise, and an enterprise's
// conversations are found by it.
func v15EnterpriseChat(tx *gorm.DB) error {
	if err := tx.Migrator().AddColumn(&v15Conversation{}, "EnterpriseID"); err != nil {
		return err
	}
	for _, sql := range []string{
		"DROP INDEX idx_conversations_booth_user",
		"CREATE UNIQUE INDEX idx_conversations_booth_user ON chat_conversations (fair_id, zone_id, graduate_id, enterprise_id)",
		"CREATE INDEX idx_conversations_enterprise ON chat_conversations (enterprise_id, zone_id)",
	} {
		if err := tx.Exec(sql).Error; err != nil {
			return err
		}
	}
	return nil
}
