package meeting

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"zonefair/app/config"
	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/live"
	"zonefair/app/project"
	"zonefair/app/web"
)

// ChannelType names the rooms' live channels, "meeting:<id>".
const ChannelType = "meeting"

// Channel names meeting id's live channel.
func Channel(id int64) string { return ChannelType + ":" + strconv.FormatInt(id, 10) }

// Room returns meeting id to one of its members. Staff who manage it but are not in it get
// 403; anyone else 404, as if it did not exist.
func (s *Service) Room(ctx context.Context, p *web.Principal, id int64) (Meeting, error) {
	m, err := s.load(ctx, id)
	if err != nil {
		return m, err
	}
	if err := s.decorateOne(ctx, &m, p.UserID); err != nil {
		return m, err
	}
	if m.Role == "" {
		if manages(p, &m) {
			return m, errs.Forbidden()
		}
		return m, missing()
	}
	return m, nil
}

// Message is one line of a room's chat.
type Message struct {
	ID        int64     `json:"id"`
	MeetingID int64     `json:"-"`
	UserID    int64     `json:"userId"`
	Name      string    `json:"name"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"createdAt"`
}

// TableName is the meeting_messages table.
func (Message) TableName() string { return "meeting_messages" }

// RoomState is what the room page loads on entering and after a reconnect that could not
// recover.
type RoomState struct {
	Meeting  Meeting   `json:"meeting"`
	Messages []Message `json:"messages"`
	// Notes are the interviewer's, sent to the host only.
	Notes string `json:"notes"`
	// Channel is the live channel carrying signalling and chat.
	Channel    string             `json:"channel"`
	ICEServers []config.ICEServer `json:"iceServers"`
	ServerTime time.Time          `json:"serverTime"`
}

// State is the room as member p sees it.
func (s *Service) State(ctx context.Context, p *web.Principal, id int64) (RoomState, error) {
	m, err := s.Room(ctx, p, id)
	if err != nil {
		return RoomState{}, err
	}
	out := RoomState{Meeting: m, Messages: []Message{}, Channel: Channel(id), ICEServers: s.ICE, ServerTime: s.now()}
	if out.ICEServers == nil {
		out.ICEServers = []config.ICEServer{}
	}
	if m.Role == Host {
		out.Notes = m.Notes
	}
	var recent []Message
	if err := s.DB.WithContext(ctx).Where("meeting_id = ?", id).Order("id DESC").Limit(200).Find(&recent).Error; err != nil {
		return out, err
	}
	for i := len(recent) - 1; i >= 0; i-- {
		out.Messages = append(out.Messages, recent[i])
	}
	return out, nil
}

// Mine lists the meetings p is in that have a guest, upcoming first, then the last 30 days.
func (s *Service) Mine(ctx context.Context, p *web.Principal) ([]Meeting, error) {
	out := []Meeting{}
	err := s.DB.WithContext(ctx).Where("id IN (?) AND booked > 0 AND starts_at > ?",
		s.DB.Model(&member{}).Select("meeting_id").Where("user_id = ?", p.UserID), s.now().AddDate(0, 0, -30)).
		Order("starts_at DESC, id DESC").Limit(300).Find(&out).Error
	if err != nil {
		return out, err
	}
	return out, s.decorate(ctx, out, p.UserID)
}

// TextInput is a chat line.
type TextInput struct {
	Text string `json:"text" validate:"required,max=2000,text"`
}

// Chat stores a line of the room's chat and publishes it to the room.
func (s *Service) Chat(ctx context.Context, p *web.Principal, id int64, in TextInput) (Message, error) {
	m, err := s.Room(ctx, p, id)
	if err != nil {
		return Message{}, err
	}
	if m.Status == Cancelled {
		return Message{}, errs.New(errs.ErrConflict, "meeting.not_open")
	}
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return Message{}, errs.Invalid("text", "field.required")
	}
	msg := Message{MeetingID: id, UserID: p.UserID, Name: p.Name, Body: text, CreatedAt: s.now()}
	if err := s.DB.WithContext(ctx).Create(&msg).Error; err != nil {
		return msg, err
	}
	s.room(ctx, id, "chat", msg)
	return msg, nil
}

// room publishes to the room's channel after a commit.
func (s *Service) room(ctx context.Context, id int64, kind string, data any) {
	if s.Notify != nil {
		s.Notify.PublishTo(ctx, Channel(id), kind, data)
	}
}

// NotesInput is the interviewer's notes, saved whole.
type NotesInput struct {
	Notes string `json:"notes" validate:"max=20000,text"`
}

// SaveNotes keeps the host's notes.
func (s *Service) SaveNotes(ctx context.Context, p *web.Principal, id int64, in NotesInput) error {
	m, err := s.Room(ctx, p, id)
	if err != nil {
		return err
	}
	if m.Role != Host {
		return errs.New(errs.ErrForbidden, "meeting.host_only")
	}
	return s.DB.WithContext(ctx).Model(&Meeting{}).Where("id = ?", id).Updates(map[string]any{"notes": in.Notes, "updated_at": s.now()}).Error
}

// Outcomes an interviewer records. Interviews move the application to offer or rejected (or
// keep it in the interview stage for another round); negotiations move the project lead.
var outcomes = map[string][]string{
	Interview:   {"offer", "rejected", "next_round"},
	Negotiation: {"negotiating", "signed", "dropped", "follow_up"},
}

// OutcomeInput is what the interviewer decided.
type OutcomeInput struct {
	Outcome string `json:"outcome" validate:"required,oneof=offer rejected next_round negotiating signed dropped follow_up"`
	Note    string `json:"note" validate:"max=3000,text"`
}

// Outcome records how the meeting went and ends it. For an interview the guests' applications
// move through the job fair's own pipeline (so graduates are told as of any move); for a
// negotiation the investor's lead on the request's project moves.
func (s *Service) Outcome(ctx context.Context, p *web.Principal, id int64, in OutcomeInput) (Meeting, error) {
	m, err := s.Room(ctx, p, id)
	if err != nil {
		return m, err
	}
	if m.Role != Host {
		return m, errs.New(errs.ErrForbidden, "meeting.host_only")
	}
	if !contains(outcomes[m.Kind], in.Outcome) {
		return m, errs.Invalid("outcome", "meeting.outcome_kind")
	}
	if m.Outcome != "" {
		return m, errs.New(errs.ErrConflict, "meeting.outcome_recorded")
	}
	if len(m.Guests) == 0 {
		return m, errs.New(errs.ErrConflict, "meeting.no_guest")
	}
	if err := s.apply(ctx, p, &m, in); err != nil {
		return m, err
	}
	now := s.now()
	res := s.DB.WithContext(ctx).Model(&Meeting{}).Where("id = ? AND outcome = ''", id).
		Updates(map[string]any{"outcome": in.Outcome, "outcome_note": strings.TrimSpace(in.Note), "status": Ended, "ended_at": now, "updated_at": now})
	if res.Error != nil {
		return m, res.Error
	}
	if res.RowsAffected == 0 {
		return m, errs.New(errs.ErrConflict, "meeting.outcome_recorded")
	}
	m, err = s.Room(ctx, p, id)
	if err != nil {
		return m, err
	}
	s.room(ctx, id, "outcome", m)
	return m, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// apply moves what the outcome moves.
func (s *Service) apply(ctx context.Context, p *web.Principal, m *Meeting, in OutcomeInput) error {
	switch {
	case m.Kind == Interview && (in.Outcome == "offer" || in.Outcome == "rejected") && s.Jobs != nil:
		var apps []int64
		for _, g := range m.Guests {
			if g.ApplicationID != nil {
				apps = append(apps, *g.ApplicationID)
			}
		}
		if len(apps) == 0 {
			return nil
		}
		_, err := s.Jobs.ChangeStatus(ctx, p, apps, in.Outcome, in.Note)
		return err
	case m.Kind == Negotiation && in.Outcome != "follow_up" && s.Projects != nil:
		for _, g := range m.Guests {
			req := g.RequestID
			if req == nil {
				req = m.RequestID
			}
			if req == nil {
				continue
			}
			var leads []int64
			err := s.DB.WithContext(ctx).Table("project_leads l").Joins("JOIN meeting_requests r ON r.project_id = l.project_id AND r.investor_id = l.investor_id").
				Where("r.id = ?", *req).Pluck("l.id", &leads).Error
			if err != nil {
				return err
			}
			for _, lead := range leads {
				if _, err := s.Projects.UpdateLead(ctx, lead, p, project.LeadUpdate{Status: in.Outcome, Note: in.Note}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// End closes the room without an outcome (the host; e.g. a walk-up conversation that is over).
func (s *Service) End(ctx context.Context, p *web.Principal, id int64) (Meeting, error) {
	m, err := s.Room(ctx, p, id)
	if err != nil {
		return m, err
	}
	if m.Role != Host {
		return m, errs.New(errs.ErrForbidden, "meeting.host_only")
	}
	now := s.now()
	res := s.DB.WithContext(ctx).Model(&Meeting{}).Where("id = ? AND status = ?", id, Open).Updates(map[string]any{"status": Ended, "ended_at": now, "updated_at": now})
	if res.Error != nil {
		return m, res.Error
	}
	if res.RowsAffected == 0 {
		return m, errs.New(errs.ErrConflict, "meeting.not_open")
	}
	m.Status, m.EndedAt = Ended, &now
	s.room(ctx, id, "ended", m)
	return m, nil
}

// RequestRoom returns the room of an accepted meeting request, creating it on first use: the
// investor and the staff member who accepted meet there at the accepted time. When the
// investor booked a slot with the request instead, that slot's room is returned.
func (s *Service) RequestRoom(ctx context.Context, p *web.Principal, requestID int64) (Meeting, error) {
	var r project.Meeting
	if err := s.DB.WithContext(ctx).First(&r, requestID).Error; err != nil {
		return Meeting{}, notFound(err)
	}
	if r.InvestorID != p.UserID && !p.ManagesZone(r.ZoneID) {
		return Meeting{}, missing()
	}
	if r.Status != project.MeetingAccepted || r.StartsAt == nil {
		return Meeting{}, errs.New(errs.ErrConflict, "meeting.not_accepted")
	}
	if id, err := s.requestMeeting(ctx, requestID); err != nil || id > 0 {
		if err != nil {
			return Meeting{}, err
		}
		return s.Room(ctx, p, id)
	}
	host := p.UserID
	if r.DecidedBy != nil {
		host = *r.DecidedBy
	}
	rid := requestID
	m := Meeting{Kind: Negotiation, Source: FromRequest, ZoneID: r.ZoneID, HostID: host, StartsAt: *r.StartsAt, TimeZone: "Asia/Shanghai",
		Minutes: r.Minutes, Capacity: 1, Booked: 1, Status: Open, RequestID: &rid}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		now := s.now()
		return tx.Create([]member{{MeetingID: m.ID, UserID: host, Role: Host, CreatedAt: now}, {MeetingID: m.ID, UserID: r.InvestorID, Role: Guest, CreatedAt: now}}).Error
	})
	if db.IsUniqueViolation(err) {
		// Both parties opened the link at once: the other request created the room.
		id, err := s.requestMeeting(ctx, requestID)
		if err != nil {
			return Meeting{}, err
		}
		return s.Room(ctx, p, id)
	}
	if err != nil {
		return m, err
	}
	return s.Room(ctx, p, m.ID)
}

// requestMeeting finds the open meeting already made for a request, or 0.
func (s *Service) requestMeeting(ctx context.Context, requestID int64) (int64, error) {
	var ids []int64
	g := s.DB.WithContext(ctx)
	if err := g.Model(&Meeting{}).Where("request_id = ?", requestID).Pluck("id", &ids).Error; err != nil || len(ids) > 0 {
		return first(ids), err
	}
	err := g.Model(&member{}).Where("request_id = ?", requestID).Pluck("meeting_id", &ids).Error
	return first(ids), err
}

func first(ids []int64) int64 {
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// LiveChannel is the rooms' live channel type, for the hub to Define. Only the meeting's
// members join, and only they publish: the browsers exchange WebRTC offers, answers and ICE
// candidates as "rtc.*" publications, which therefore reach the room's members and nobody
// else. Chat, outcome and end arrive from the server (from.id 0).
func (s *Service) LiveChannel() live.ChannelType {
	return live.ChannelType{
		Name:       ChannelType,
		Rights:     s.rights,
		History:    50,
		HistoryTTL: time.Hour,
		Presence:   true,
		ListLimit:  10,
	}
}

func (s *Service) rights(id live.Identity, key string) live.Rights {
	mid, err := strconv.ParseInt(key, 10, 64)
	if err != nil || mid <= 0 || id.Anonymous() {
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var rows []struct{ Status string }
	err = s.DB.WithContext(ctx).Table("meeting_members mm").Select("m.status").Joins("JOIN meetings m ON m.id = mm.meeting_id").
		Where("mm.meeting_id = ? AND mm.user_id = ?", mid, id.UserID).Scan(&rows).Error
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			s.log().Warn("meeting rights", "err", err)
		}
		return 0
	}
	if len(rows) == 0 || rows[0].Status == Cancelled {
		return 0
	}
	return live.CanJoin | live.CanPublish
}
