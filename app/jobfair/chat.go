package jobfair

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zonefair/app/db"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// Live channel types of booth chat. A conversation's channel is "chat:<fair>.<zone>.<graduate>"
// with the booth's zone staff, "chat:<fair>.<zone>.<graduate>.<enterprise>" with one of the
// booth's enterprises, so the right to join follows from the name alone; a booth's inbox, where
// its staff hear of every message, is "booth:<fair>.<zone>", and an enterprise's inbox at the
// booth "booth:<fair>.<zone>.<enterprise>".
const (
	ChatChannelType  = "chat"
	BoothChannelType = "booth"
)

// Conversation is one graduate's chat with one booth's staff: the zone's (EnterpriseID 0) or
// those of one of the booth's enterprises, who answer their enterprise's conversations.
type Conversation struct {
	ID            int64     `json:"id"`
	FairID        int64     `json:"fairId"`
	ZoneID        int64     `json:"zoneId"`
	GraduateID    int64     `json:"graduateId"`
	EnterpriseID  int64     `json:"enterpriseId"`
	LastMessageAt time.Time `json:"lastMessageAt"`
	CreatedAt     time.Time `json:"createdAt"`

	Channel      string `json:"channel" gorm:"-"`
	GraduateName string `json:"graduateName" gorm:"-"`
	ZoneNameZh   string `json:"zoneNameZh" gorm:"-"`
	ZoneNameEn   string `json:"zoneNameEn" gorm:"-"`
	// The enterprise's names, empty for a conversation with the zone's staff.
	EnterpriseNameZh string   `json:"enterpriseNameZh" gorm:"-"`
	EnterpriseNameEn string   `json:"enterpriseNameEn" gorm:"-"`
	Last             *Message `json:"lastMessage" gorm:"-"`
}

// TableName is the chat_conversations table.
func (Conversation) TableName() string { return "chat_conversations" }

// Message is one chat message.
type Message struct {
	ID             int64     `json:"id"`
	ConversationID int64     `json:"conversationId"`
	SenderID       int64     `json:"senderId"`
	SenderName     string    `json:"senderName"`
	FromStaff      bool      `json:"fromStaff"`
	Body           string    `json:"body"`
	CreatedAt      time.Time `json:"createdAt"`
}

// TableName is the chat_messages table.
func (Message) TableName() string { return "chat_messages" }

// ChatChannel names the live channel of a conversation with the booth's zone staff.
func ChatChannel(fairID, zoneID, graduateID int64) string {
	return fmt.Sprintf("%s:%d.%d.%d", ChatChannelType, fairID, zoneID, graduateID)
}

// channel names the live channel of conversation c.
func (c Conversation) channel() string {
	if c.EnterpriseID == 0 {
		return ChatChannel(c.FairID, c.ZoneID, c.GraduateID)
	}
	return fmt.Sprintf("%s:%d.%d.%d.%d", ChatChannelType, c.FairID, c.ZoneID, c.GraduateID, c.EnterpriseID)
}

// BoothChannel names the live channel of a booth's inbox.
func BoothChannel(fairID, zoneID int64) string {
	return fmt.Sprintf("%s:%d.%d", BoothChannelType, fairID, zoneID)
}

// EnterpriseInboxChannel names the live channel where an enterprise's staff hear of every
// message to their enterprise at a booth.
func EnterpriseInboxChannel(fairID, zoneID, enterpriseID int64) string {
	return fmt.Sprintf("%s:%d.%d.%d", BoothChannelType, fairID, zoneID, enterpriseID)
}

// CanJoinChat is CanJoinChatAs for a user of no enterprise.
func CanJoinChat(typ, key string, userID int64, role string, zoneID int64) bool {
	return CanJoinChatAs(typ, key, userID, role, zoneID, 0)
}

// CanJoinChatAs reports whether a user may join the live channel of type typ with key: the
// graduate of a conversation, the staff of the booth's zone, and for a conversation with an
// enterprise (and its inbox) that enterprise's staff. It needs no database, so the live engine
// can call it on every join.
func CanJoinChatAs(typ, key string, userID int64, role string, zoneID, enterpriseID int64) bool {
	parts := strings.Split(key, ".")
	nums := make([]int64, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			return false
		}
		nums[i] = n
	}
	staff := role == string(actor.RoleZoneStaff)
	// Enterprise staff of the enterprise named last, at a booth of their own zone.
	hr := func(ent int64) bool {
		return role == string(actor.RoleEnterprise) && enterpriseID != 0 && enterpriseID == ent && zoneID == nums[1]
	}
	switch {
	case typ == ChatChannelType && len(nums) == 3:
		return (role == string(actor.RoleGraduate) && userID == nums[2]) || (staff && zoneID == nums[1])
	case typ == ChatChannelType && len(nums) == 4:
		return (role == string(actor.RoleGraduate) && userID == nums[2]) || (staff && zoneID == nums[1]) || hr(nums[3])
	case typ == BoothChannelType && len(nums) == 2:
		return staff && zoneID == nums[1]
	case typ == BoothChannelType && len(nums) == 3:
		return (staff && zoneID == nums[1]) || hr(nums[2])
	}
	return false
}

// OpenConversation returns graduateID's conversation with the booth's zone staff (enterpriseID
// 0) or with one of the booth's enterprises, creating it once.
func (s *Store) OpenConversation(ctx context.Context, fairID, zoneID, graduateID, enterpriseID int64, now time.Time) (Conversation, error) {
	ok, err := s.inFair(ctx, fairID, zoneID)
	if err != nil {
		return Conversation{}, err
	}
	if !ok {
		return Conversation{}, errs.NotFound("booth")
	}
	if enterpriseID != 0 {
		if err := s.enterpriseOf(ctx, enterpriseID, zoneID); err != nil {
			return Conversation{}, err
		}
	}
	g := s.db.WithContext(ctx)
	c := Conversation{FairID: fairID, ZoneID: zoneID, GraduateID: graduateID, EnterpriseID: enterpriseID, LastMessageAt: now}
	if err := g.Clauses(clause.OnConflict{DoNothing: true}).Create(&c).Error; err != nil {
		return c, err
	}
	if err := g.Where("fair_id = ? AND zone_id = ? AND graduate_id = ? AND enterprise_id = ?", fairID, zoneID, graduateID, enterpriseID).First(&c).Error; err != nil {
		return c, err
	}
	list := []Conversation{c}
	if err := s.decorateConversations(ctx, list); err != nil {
		return c, err
	}
	return list[0], nil
}

// ConversationQuery lists conversations: a graduate's own, a booth's for its zone staff, an
// enterprise's for its staff.
type ConversationQuery struct {
	FairID int64 `query:"fairId" validate:"gte=0"`
	Before int64 `query:"before" validate:"gte=0"`
	Limit  int   `query:"limit" validate:"omitempty,gte=1,lte=100"`
}

// ConversationList is the caller's conversations, most recently active first.
type ConversationList struct {
	Items []Conversation `json:"items"`
}

// Conversations lists what p may see.
func (s *Store) Conversations(ctx context.Context, p *actor.Actor, q ConversationQuery) (ConversationList, error) {
	if q.Limit == 0 {
		q.Limit = 50
	}
	tx := s.db.WithContext(ctx).Model(&Conversation{})
	switch p.Role {
	case actor.RoleGraduate:
		tx = tx.Where("graduate_id = ?", p.UserID)
	case actor.RoleZoneStaff:
		tx = tx.Where("zone_id = ?", p.ZoneID)
	case actor.RoleEnterprise:
		if p.EnterpriseID == 0 {
			return ConversationList{Items: []Conversation{}}, nil
		}
		tx = tx.Where("zone_id = ? AND enterprise_id = ?", p.ZoneID, p.EnterpriseID)
	default:
		return ConversationList{}, errs.Forbidden()
	}
	if q.FairID > 0 {
		tx = tx.Where("fair_id = ?", q.FairID)
	}
	out := ConversationList{Items: []Conversation{}}
	if err := tx.Order("last_message_at DESC, id DESC").Limit(q.Limit).Find(&out.Items).Error; err != nil {
		return out, err
	}
	return out, s.decorateConversations(ctx, out.Items)
}

func (s *Store) decorateConversations(ctx context.Context, list []Conversation) error {
	if len(list) == 0 {
		return nil
	}
	ids, users, zones, ents := []int64{}, []int64{}, []int64{}, []int64{}
	for _, c := range list {
		ids, users, zones = append(ids, c.ID), append(users, c.GraduateID), append(zones, c.ZoneID)
		if c.EnterpriseID != 0 {
			ents = append(ents, c.EnterpriseID)
		}
	}
	nm, err := s.readNames(ctx, zones, ents)
	if err != nil {
		return err
	}
	people, err := s.users.ByIDs(ctx, distinct(users))
	if err != nil {
		return err
	}
	var last []Message
	g := s.db.WithContext(ctx)
	if err := g.Where("id IN (?)", g.Model(&Message{}).Select("MAX(id)").Where("conversation_id IN ?", ids).Group("conversation_id")).Find(&last).Error; err != nil {
		return err
	}
	nameOf, lastOf := map[int64]string{}, map[int64]Message{}
	for _, u := range people {
		nameOf[u.ID] = u.Name
	}
	for _, m := range last {
		lastOf[m.ConversationID] = m
	}
	for i := range list {
		c := &list[i]
		c.Channel = c.channel()
		c.GraduateName = nameOf[c.GraduateID]
		c.ZoneNameZh, c.ZoneNameEn = nm.zones[c.ZoneID].zh, nm.zones[c.ZoneID].en
		c.EnterpriseNameZh, c.EnterpriseNameEn = nm.enterprises[c.EnterpriseID].zh, nm.enterprises[c.EnterpriseID].en
		if m, ok := lastOf[c.ID]; ok {
			c.Last = &m
		}
	}
	return nil
}

// conversationFor loads conversation id if p takes part in it.
func (s *Store) conversationFor(ctx context.Context, p *actor.Actor, id int64) (Conversation, error) {
	var c Conversation
	if err := s.db.WithContext(ctx).First(&c, id).Error; err != nil {
		return c, db.NotFound(err, "conversation")
	}
	if !CanJoinChatAs(ChatChannelType, strings.TrimPrefix(c.channel(), ChatChannelType+":"), p.UserID, string(p.Role), p.ZoneID, p.EnterpriseID) {
		return c, errs.NotFound("conversation")
	}
	return c, nil
}

// MessageQuery pages back through a conversation: Before is the oldest id already shown.
type MessageQuery struct {
	Before int64 `query:"before" validate:"gte=0"`
	Limit  int   `query:"limit" validate:"omitempty,gte=1,lte=200"`
}

// MessagePage is a stretch of history, oldest first.
type MessagePage struct {
	Items   []Message `json:"items"`
	HasMore bool      `json:"hasMore"`
}

// Messages returns the history of conversation id for p.
func (s *Store) Messages(ctx context.Context, p *actor.Actor, id int64, q MessageQuery) (MessagePage, error) {
	if _, err := s.conversationFor(ctx, p, id); err != nil {
		return MessagePage{}, err
	}
	if q.Limit == 0 {
		q.Limit = 50
	}
	tx := s.db.WithContext(ctx).Where("conversation_id = ?", id)
	if q.Before > 0 {
		tx = tx.Where("id < ?", q.Before)
	}
	var msgs []Message
	if err := tx.Order("id DESC").Limit(q.Limit + 1).Find(&msgs).Error; err != nil {
		return MessagePage{}, err
	}
	out := MessagePage{HasMore: len(msgs) > q.Limit, Items: []Message{}}
	if out.HasMore {
		msgs = msgs[:q.Limit]
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		out.Items = append(out.Items, msgs[i])
	}
	return out, nil
}

// MessageInput is a new chat message.
type MessageInput struct {
	Body string `json:"body" validate:"required,min=1,max=2000,text"`
}

// Say stores a message from p in conversation id and publishes it to the conversation, to the
// booth's inbox and, for a conversation with an enterprise, to the enterprise's.
func (s *Service) Say(ctx context.Context, p *actor.Actor, id int64, body string) (Message, error) {
	c, err := s.Store.conversationFor(ctx, p, id)
	if err != nil {
		return Message{}, err
	}
	if strings.TrimSpace(body) == "" {
		return Message{}, errs.Invalid("body", "field.required")
	}
	now := s.now()
	m := Message{ConversationID: c.ID, SenderID: p.UserID, SenderName: p.Name, FromStaff: p.Role != actor.RoleGraduate, Body: body, CreatedAt: now}
	err = s.Store.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		return tx.Model(&Conversation{}).Where("id = ?", c.ID).Update("last_message_at", now).Error
	})
	if err != nil {
		return m, err
	}
	if s.Notify != nil {
		s.Notify.PublishTo(ctx, c.channel(), "chat.message", m)
		s.Notify.PublishTo(ctx, BoothChannel(c.FairID, c.ZoneID), "chat.message", m)
		if c.EnterpriseID != 0 {
			s.Notify.PublishTo(ctx, EnterpriseInboxChannel(c.FairID, c.ZoneID, c.EnterpriseID), "chat.message", m)
		}
	}
	return m, nil
}
