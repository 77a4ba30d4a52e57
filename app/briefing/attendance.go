package briefing

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"sync"
	"time"

	"zonefair/app/actor"
	"zonefair/app/sheet"
)

type seat struct{ room, user int64 }

// beats buffers heartbeats in memory; FlushAttendance writes them in one batch, so 10,000
// attendees cost one upsert per attendee per flush rather than a write per heartbeat.
type beats struct {
	mu      sync.Mutex
	pending map[seat]*attendance
	last    map[seat]time.Time // last credited heartbeat, to ignore a second tab
}

func newBeats() *beats {
	return &beats{pending: map[seat]*attendance{}, last: map[seat]time.Time{}}
}

// Attend records that the caller is in the room of a live briefing. Pages call it on entering
// and every Heartbeat while open; each call counts one Heartbeat of time in the room.
func (s *Service) Attend(ctx context.Context, id int64, p *actor.Actor) error {
	a, err := s.participating(ctx, id, p, false)
	if err != nil {
		return err
	}
	if a.b.Phase != Live || a.host {
		return nil // hosts are not the audience
	}
	s.init()
	now, k := s.now(), seat{id, p.UserID}
	s.beats.mu.Lock()
	defer s.beats.mu.Unlock()
	credit := int(s.Heartbeat / time.Second)
	if last, ok := s.beats.last[k]; ok && now.Sub(last) < s.Heartbeat*3/4 {
		credit = 0
	}
	if credit > 0 {
		s.beats.last[k] = now
	}
	row := s.beats.pending[k]
	if row == nil {
		row = &attendance{BriefingID: id, UserID: p.UserID, FirstSeen: now}
		s.beats.pending[k] = row
	}
	row.LastSeen, row.Seconds = now, row.Seconds+credit
	return nil
}

// FlushAttendance writes the buffered heartbeats; Run calls it periodically.
func (s *Service) FlushAttendance(ctx context.Context) error {
	s.init()
	s.beats.mu.Lock()
	rows := make([]attendance, 0, len(s.beats.pending))
	for _, r := range s.beats.pending {
		rows = append(rows, *r)
	}
	s.beats.pending = map[seat]*attendance{}
	stale := s.now().Add(-10 * s.Heartbeat)
	for k, t := range s.beats.last {
		if t.Before(stale) {
			delete(s.beats.last, k)
		}
	}
	s.beats.mu.Unlock()
	if len(rows) == 0 {
		return nil
	}
	return s.Store.AddAttendance(ctx, rows)
}

// Bucket is one group of the analytics breakdowns.
type Bucket struct {
	Key        string `json:"key"`
	Registered int    `json:"registered"`
	Attended   int    `json:"attended"`
}

// Analytics is the host's view of who came and what they did.
type Analytics struct {
	Registered      int      `json:"registered"`
	Attended        int      `json:"attended"`
	AttendedOfReg   int      `json:"attendedOfRegistered"`
	TotalMinutes    float64  `json:"totalMinutes"`
	AverageMinutes  float64  `json:"averageMinutes"`
	Questions       int      `json:"questions"`
	QuestionVotes   int      `json:"questionVotes"`
	PollVotes       int      `json:"pollVotes"`
	ChatMessages    int      `json:"chatMessages"`
	MeetingRequests int      `json:"meetingRequests"`
	ByCountry       []Bucket `json:"byCountry"`
	ByIndustry      []Bucket `json:"byIndustry"`
	Polls           []Poll   `json:"polls"`
}

// Lead is one person the briefing reached: registered, attended, or both.
type Lead struct {
	UserID          int64
	Name            string
	Email           string
	Organization    string
	Country         string
	Industry        string
	RegisteredAt    *time.Time
	Answers         map[string]string
	Attended        bool
	Minutes         float64
	Questions       int
	Votes           int
	MeetingRequests int
}

// leads gathers every registrant and attendee with their activity, in a fixed number of
// queries whatever the audience size.
func (s *Service) leads(ctx context.Context, id int64) ([]*Lead, error) {
	byUser := map[int64]*Lead{}
	get := func(uid int64) *Lead {
		if byUser[uid] == nil {
			byUser[uid] = &Lead{UserID: uid, Answers: map[string]string{}}
		}
		return byUser[uid]
	}
	regs, err := s.Store.RegistrationsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, r := range regs {
		l := get(r.UserID)
		at := r.CreatedAt
		l.RegisteredAt, l.Organization, l.Country, l.Industry = &at, r.Organization, r.Country, r.Industry
		_ = json.Unmarshal([]byte(r.RawAnswers), &l.Answers)
	}
	att, err := s.Store.Attendance(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, a := range att {
		l := get(a.UserID)
		l.Attended, l.Minutes = true, float64(a.Seconds)/60
	}
	act, err := s.Store.ActivityByUser(ctx, id)
	if err != nil {
		return nil, err
	}
	for uid, n := range act.Questions {
		get(uid).Questions = n
	}
	for uid, n := range act.Votes {
		get(uid).Votes = n
	}
	meetings, err := s.Projects.MeetingRequestsFrom(ctx, id)
	if err != nil {
		return nil, err
	}
	for uid, n := range meetings {
		get(uid).MeetingRequests = n
	}
	ids := make([]int64, 0, len(byUser))
	for uid := range byUser {
		ids = append(ids, uid)
	}
	users, err := s.Users.ByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		l := byUser[u.ID]
		l.Name, l.Email = u.Name, u.Email
		l.Organization, l.Country = firstNonEmpty(l.Organization, u.Organization), firstNonEmpty(l.Country, u.Country)
	}
	out := make([]*Lead, 0, len(byUser))
	for _, l := range byUser {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserID < out[j].UserID })
	return out, nil
}

// Analytics summarises attendance and activity for the hosts.
func (s *Service) Analytics(ctx context.Context, id int64, p *actor.Actor) (Analytics, error) {
	if _, err := s.hosting(ctx, id, p); err != nil {
		return Analytics{}, err
	}
	ls, err := s.leads(ctx, id)
	if err != nil {
		return Analytics{}, err
	}
	var out Analytics
	country, industry := map[string]*Bucket{}, map[string]*Bucket{}
	add := func(m map[string]*Bucket, key string, l *Lead) {
		if m[key] == nil {
			m[key] = &Bucket{Key: key}
		}
		if l.RegisteredAt != nil {
			m[key].Registered++
		}
		if l.Attended {
			m[key].Attended++
		}
	}
	for _, l := range ls {
		if l.RegisteredAt != nil {
			out.Registered++
		}
		if l.Attended {
			out.Attended++
			out.TotalMinutes += l.Minutes
			if l.RegisteredAt != nil {
				out.AttendedOfReg++
			}
		}
		out.Questions += l.Questions
		out.MeetingRequests += l.MeetingRequests
		add(country, l.Country, l)
		add(industry, l.Industry, l)
	}
	if out.Attended > 0 {
		out.AverageMinutes = out.TotalMinutes / float64(out.Attended)
	}
	qv, pv, chat, err := s.Store.Totals(ctx, id)
	if err != nil {
		return out, err
	}
	out.QuestionVotes, out.PollVotes, out.ChatMessages = int(qv), int(pv), int(chat)
	out.ByCountry, out.ByIndustry = buckets(country), buckets(industry)
	out.Polls, err = s.Store.Polls(ctx, id, true)
	return out, err
}

func buckets(m map[string]*Bucket) []Bucket {
	out := make([]Bucket, 0, len(m))
	for _, b := range m {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Registered+out[i].Attended != out[j].Registered+out[j].Attended {
			return out[i].Registered+out[i].Attended > out[j].Registered+out[j].Attended
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// LeadsCSV is the hosts' export of the briefing's leads: UTF-8 with a byte-order mark so
// spreadsheet programs read Chinese correctly, and cells that a spreadsheet would run as a
// formula neutralised.
func (s *Service) LeadsCSV(ctx context.Context, id int64, p *actor.Actor) ([]byte, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return nil, err
	}
	ls, err := s.leads(ctx, id)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w, err := sheet.NewWriter(&buf)
	if err != nil {
		return nil, err
	}
	head := []string{"user_id", "name", "email", "organization", "country", "industry", "registered_at", "attended", "minutes_in_room", "questions", "votes", "meeting_requests"}
	for _, q := range a.b.Questions {
		head = append(head, q.LabelEn)
	}
	_ = w.Row(head...)
	for _, l := range ls {
		reg := ""
		if l.RegisteredAt != nil {
			reg = l.RegisteredAt.UTC().Format(time.RFC3339)
		}
		row := []string{strconv.FormatInt(l.UserID, 10), l.Name, l.Email, l.Organization, l.Country, l.Industry, reg,
			strconv.FormatBool(l.Attended), strconv.FormatFloat(l.Minutes, 'f', 1, 64),
			strconv.Itoa(l.Questions), strconv.Itoa(l.Votes), strconv.Itoa(l.MeetingRequests)}
		for _, q := range a.b.Questions {
			row = append(row, l.Answers[q.ID])
		}
		_ = w.Row(row...)
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Replay is the record of a briefing after it ended.
type Replay struct {
	Briefing  Briefing      `json:"briefing"`
	Turns     []SlideTurn   `json:"turns"` // page turns in order, for the timeline
	Questions []Question    `json:"questions"`
	Polls     []Poll        `json:"polls"`
	Chat      []ChatMessage `json:"chat"`
}

// Replay returns the briefing's record; it opens to attendees once the briefing has ended
// and to hosts at any time.
func (s *Service) Replay(ctx context.Context, id int64, p *actor.Actor) (Replay, error) {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return Replay{}, err
	}
	if !a.host && a.b.Phase != Ended {
		return Replay{}, errNotEnded
	}
	if !a.enter() {
		return Replay{}, errRegisterFirst
	}
	r := Replay{Briefing: a.b, Turns: []SlideTurn{}, Chat: []ChatMessage{}}
	if r.Turns, err = s.Store.SlideTurns(ctx, id); err != nil {
		return r, err
	}
	if r.Questions, err = s.questions(ctx, id, false); err != nil {
		return r, err
	}
	if r.Polls, err = s.Store.Polls(ctx, id, false); err != nil {
		return r, err
	}
	r.Chat, err = s.Store.ChatFromStart(ctx, id, 5000)
	return r, err
}
