package meeting

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"zonefair/app/actor"
	"zonefair/app/config"
	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/live"
	"zonefair/app/project"
)

// ChannelType names the rooms' live channels, "meeting:<id>".
const ChannelType = "meeting"

// Channel names meeting id's live channel.
func Channel(id int64) string { return ChannelType + ":" + strconv.FormatInt(id, 10) }

// Room returns meeting id to one of its members. Staff who manage it but are not in it get
// 403; anyone else 404, as if it did not exist.
func (s *Service) Room(ctx context.Context, a *actor.Actor, id int64) (Meeting, error) {
	m, err := s.Store.Meeting(ctx, id)
	if err != nil {
		return m, err
	}
	if a == nil {
		return m, missing()
	}
	if err := s.decorateOne(ctx, &m, a.UserID); err != nil {
		return m, err
	}
	if m.Role == "" {
		if manages(a, &m) {
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

// State is the room as member a sees it.
func (s *Service) State(ctx context.Context, a *actor.Actor, id int64) (RoomState, error) {
	m, err := s.Room(ctx, a, id)
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
	recent, err := s.Store.RecentMessages(ctx, id, 200)
	if err != nil {
		return out, err
	}
	out.Messages = recent
	return out, nil
}

// Mine lists the meetings a is in that have a guest, upcoming first, then the last 30 days.
func (s *Service) Mine(ctx context.Context, a *actor.Actor) ([]Meeting, error) {
	out, err := s.Store.Of(ctx, a.UserID, s.now().AddDate(0, 0, -30))
	if err != nil {
		return out, err
	}
	return out, s.decorate(ctx, out, a.UserID)
}

// TextInput is a chat line.
type TextInput struct {
	Text string `json:"text" validate:"required,max=2000,text"`
}

// Chat stores a line of the room's chat and publishes it to the room.
func (s *Service) Chat(ctx context.Context, a *actor.Actor, id int64, in TextInput) (Message, error) {
	m, err := s.Room(ctx, a, id)
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
	msg := Message{MeetingID: id, UserID: a.UserID, Name: a.Name, Body: text, CreatedAt: s.now()}
	if err := s.Store.AddMessage(ctx, &msg); err != nil {
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
func (s *Service) SaveNotes(ctx context.Context, a *actor.Actor, id int64, in NotesInput) error {
	m, err := s.Room(ctx, a, id)
	if err != nil {
		return err
	}
	if m.Role != Host {
		return errs.New(errs.ErrForbidden, "meeting.host_only")
	}
	return s.Store.SaveNotes(ctx, id, in.Notes, s.now())
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
func (s *Service) Outcome(ctx context.Context, a *actor.Actor, id int64, in OutcomeInput) (Meeting, error) {
	m, err := s.Room(ctx, a, id)
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
	if err := s.apply(ctx, a, &m, in); err != nil {
		return m, err
	}
	ok, err := s.Store.RecordOutcome(ctx, id, in.Outcome, strings.TrimSpace(in.Note), s.now())
	if err != nil {
		return m, err
	}
	if !ok {
		return m, errs.New(errs.ErrConflict, "meeting.outcome_recorded")
	}
	m, err = s.Room(ctx, a, id)
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
func (s *Service) apply(ctx context.Context, a *actor.Actor, m *Meeting, in OutcomeInput) error {
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
		_, err := s.Jobs.ChangeStatus(ctx, a, apps, in.Outcome, in.Note)
		return err
	case m.Kind == Negotiation && in.Outcome != "follow_up" && s.Leads != nil:
		var reqs []int64
		for _, g := range m.Guests {
			switch {
			case g.RequestID != nil:
				reqs = append(reqs, *g.RequestID)
			case m.RequestID != nil:
				reqs = append(reqs, *m.RequestID)
			}
		}
		if len(reqs) == 0 {
			return nil
		}
		leads, err := s.Requests.RequestLeads(ctx, slices.Compact(slices.Sorted(slices.Values(reqs))))
		if err != nil {
			return err
		}
		for _, lead := range leads {
			if _, err := s.Leads.UpdateLead(ctx, lead, a, project.LeadUpdate{Status: in.Outcome, Note: in.Note}); err != nil {
				return err
			}
		}
	}
	return nil
}

// End closes the room without an outcome (the host; e.g. a walk-up conversation that is over).
func (s *Service) End(ctx context.Context, a *actor.Actor, id int64) (Meeting, error) {
	m, err := s.Room(ctx, a, id)
	if err != nil {
		return m, err
	}
	if m.Role != Host {
		return m, errs.New(errs.ErrForbidden, "meeting.host_only")
	}
	now := s.now()
	ok, err := s.Store.Close(ctx, id, Ended, now)
	if err != nil {
		return m, err
	}
	if !ok {
		return m, errs.New(errs.ErrConflict, "meeting.not_open")
	}
	m.Status, m.EndedAt = Ended, &now
	s.room(ctx, id, "ended", m)
	return m, nil
}

// RequestRoom returns the room of an accepted meeting request, creating it on first use: the
// investor and the staff member who accepted meet there at the accepted time. When the
// investor booked a slot with the request instead, that slot's room is returned.
func (s *Service) RequestRoom(ctx context.Context, a *actor.Actor, requestID int64) (Meeting, error) {
	refs, err := s.Requests.RequestRefs(ctx, []int64{requestID})
	if err != nil {
		return Meeting{}, err
	}
	if len(refs) == 0 {
		return Meeting{}, missing()
	}
	r := refs[0]
	if r.InvestorID != a.UserID && !a.ManagesZone(r.ZoneID) {
		return Meeting{}, missing()
	}
	if r.Status != project.MeetingAccepted || r.StartsAt == nil {
		return Meeting{}, errs.New(errs.ErrConflict, "meeting.not_accepted")
	}
	if id, err := s.Store.ForRequest(ctx, requestID); err != nil || id > 0 {
		if err != nil {
			return Meeting{}, err
		}
		return s.Room(ctx, a, id)
	}
	host := a.UserID
	if r.DecidedBy != nil {
		host = *r.DecidedBy
	}
	rid := requestID
	m := Meeting{Kind: Negotiation, Source: FromRequest, ZoneID: r.ZoneID, HostID: host, StartsAt: *r.StartsAt, TimeZone: "Asia/Shanghai",
		Minutes: r.Minutes, Capacity: 1, Booked: 1, Status: Open, RequestID: &rid}
	err = s.Store.Transaction(ctx, func(tx *Store) error {
		if err := tx.CreateMeeting(ctx, &m); err != nil {
			return err
		}
		now := s.now()
		return tx.AddMembers(ctx, member{MeetingID: m.ID, UserID: host, Role: Host, CreatedAt: now}, member{MeetingID: m.ID, UserID: r.InvestorID, Role: Guest, CreatedAt: now})
	})
	if db.IsUniqueViolation(err) {
		// Both parties opened the link at once: the other request created the room.
		id, err := s.Store.ForRequest(ctx, requestID)
		if err != nil {
			return Meeting{}, err
		}
		return s.Room(ctx, a, id)
	}
	if err != nil {
		return m, err
	}
	return s.Room(ctx, a, m.ID)
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
	status, in, err := s.Store.MemberStatus(ctx, mid, id.UserID)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			s.log().Warn("meeting rights", "err", err)
		}
		return 0
	}
	if !in || status == Cancelled {
		return 0
	}
	return live.CanJoin | live.CanPublish
}
