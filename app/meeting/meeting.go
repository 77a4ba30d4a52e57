// Package meeting owns 1:1 and small-group video meetings: slots that zone and enterprise staff
// publish, bookings by graduates invited to interview and investors whose meeting request was
// accepted (with calendar files and reminders), walk-up queues at job fair booths, and the
// meeting room — a live channel that relays WebRTC signalling only between the meeting's
// members, with chat, the interviewer's notes, a timer and the recorded outcome.
package meeting

import (
	"context"
	"log/slog"
	"slices"
	"time"
	_ "time/tzdata" // slots carry IANA time zones; the binary must know them on any host

	"zonefair/app/actor"
	"zonefair/app/config"
	"zonefair/app/errs"
	"zonefair/app/notify"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// Kinds of meeting.
const (
	Interview   = "interview"
	Negotiation = "negotiation"
)

// Sources: how a meeting came to be.
const (
	FromSlot    = "slot"
	FromWalkUp  = "walkup"
	FromRequest = "request"
)

// Statuses of a meeting.
const (
	Open      = "open"
	Cancelled = "cancelled"
	Ended     = "ended"
)

// Member roles.
const (
	Host  = "host"
	Guest = "guest"
)

// Rules of booking.
const (
	// ChangeCutoff is how long before the start a guest may still cancel or reschedule.
	ChangeCutoff = time.Hour
	// RemindBefore is when the reminder goes out.
	RemindBefore = 15 * time.Minute
	// MaxGuests bounds a slot's capacity: with its host, a meeting has at most four people.
	MaxGuests = 3
)

// Meeting is a published slot and, once booked, the meeting held in its room.
type Meeting struct {
	ID            int64      `json:"id"`
	Kind          string     `json:"kind" enum:"interview,negotiation"`
	Source        string     `json:"source" enum:"slot,walkup,request"`
	ZoneID        int64      `json:"zoneId"`
	EnterpriseID  *int64     `json:"enterpriseId"`
	FairID        *int64     `json:"fairId"`
	HostID        int64      `json:"hostId"`
	Title         string     `json:"title"`
	StartsAt      time.Time  `json:"startsAt"`
	TimeZone      string     `json:"timeZone"`
	Minutes       int        `json:"minutes"`
	BufferMinutes int        `json:"bufferMinutes"`
	Capacity      int        `json:"capacity"`
	Booked        int        `json:"booked"`
	Status        string     `json:"status" enum:"open,cancelled,ended"`
	RequestID     *int64     `json:"requestId"`
	Notes         string     `json:"-"`
	Outcome       string     `json:"outcome"`
	OutcomeNote   string     `json:"outcomeNote"`
	RemindedAt    *time.Time `json:"-"`
	EndedAt       *time.Time `json:"endedAt"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`

	HostName         string   `json:"hostName" gorm:"-"`
	ZoneNameZh       string   `json:"zoneNameZh" gorm:"-"`
	ZoneNameEn       string   `json:"zoneNameEn" gorm:"-"`
	EnterpriseNameZh string   `json:"enterpriseNameZh" gorm:"-"`
	EnterpriseNameEn string   `json:"enterpriseNameEn" gorm:"-"`
	Guests           []Person `json:"guests" gorm:"-"`
	// Role is the caller's place in the meeting: host, guest, or empty for staff who manage it.
	Role string `json:"role" gorm:"-" enum:"host,guest,"`
}

// TableName is the meetings table.
func (Meeting) TableName() string { return "meetings" }

// EndsAt is when the meeting's time is up.
func (m *Meeting) EndsAt() time.Time { return m.StartsAt.Add(time.Duration(m.Minutes) * time.Minute) }

// Person is a guest as the meeting's pages show them.
type Person struct {
	UserID        int64  `json:"userId"`
	Name          string `json:"name"`
	ApplicationID *int64 `json:"applicationId"`
	RequestID     *int64 `json:"requestId"`
}

// member is one row of meeting_members.
type member struct {
	MeetingID     int64
	UserID        int64
	Role          string
	ApplicationID *int64
	RequestID     *int64
	CreatedAt     time.Time
}

func (member) TableName() string { return "meeting_members" }

// Service is the meetings' use cases.
type Service struct {
	Store  *Store
	Notify *notify.Service
	Fair   Fair
	Zones  Zones
	Users  Users
	// Requests are the investors' meeting requests, with which they book negotiations.
	Requests Requests
	// Jobs moves applications when an interviewer records an outcome, so graduates hear of it
	// as of any other move; Leads moves the investor's lead after a negotiation. Either may be
	// nil, and the outcome then moves nothing.
	Jobs    Jobs
	Leads   Leads
	ICE     []config.ICEServer
	BaseURL string
	Log     *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func missing() error { return errs.NotFound("meeting") }

// manages reports whether a manages the meeting's zone or enterprise (staff, not necessarily in
// the room).
func manages(a *actor.Actor, m *Meeting) bool {
	if m.EnterpriseID != nil {
		return a.ManagesEnterprise(m.ZoneID, *m.EnterpriseID)
	}
	return a.ManagesZone(m.ZoneID)
}

// names reads the names of users, and of zones and enterprises, one query per owner.
func (s *Service) names(ctx context.Context, users, zones, firms []int64) (map[int64]string, map[int64]zone.Name, map[int64]zone.Name, error) {
	us, err := s.Users.ByIDs(ctx, slices.Compact(slices.Sorted(slices.Values(users))))
	if err != nil {
		return nil, nil, nil, err
	}
	people := make(map[int64]string, len(us))
	for _, u := range us {
		people[u.ID] = u.Name
	}
	zs, es, err := s.Zones.EmployerNames(ctx, slices.Compact(slices.Sorted(slices.Values(zones))), slices.Compact(slices.Sorted(slices.Values(firms))))
	return people, zs, es, err
}

// decorate fills names and guests in one query per relation.
func (s *Service) decorate(ctx context.Context, ms []Meeting, viewer int64) error {
	if len(ms) == 0 {
		return nil
	}
	ids, users, zones, firms := make([]int64, len(ms)), []int64{}, []int64{}, []int64{}
	for i, m := range ms {
		ids[i] = m.ID
		users, zones = append(users, m.HostID), append(zones, m.ZoneID)
		if m.EnterpriseID != nil {
			firms = append(firms, *m.EnterpriseID)
		}
		ms[i].Guests = []Person{}
	}
	rows, err := s.Store.Members(ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range rows {
		users = append(users, r.UserID)
	}
	names, zs, es, err := s.names(ctx, users, zones, firms)
	if err != nil {
		return err
	}
	at := map[int64]int{}
	for i, m := range ms {
		at[m.ID] = i
		ms[i].HostName = names[m.HostID]
		z := zs[m.ZoneID]
		ms[i].ZoneNameZh, ms[i].ZoneNameEn = z.Zh, z.En
		if m.EnterpriseID != nil {
			e := es[*m.EnterpriseID]
			ms[i].EnterpriseNameZh, ms[i].EnterpriseNameEn = e.Zh, e.En
		}
	}
	for _, r := range rows {
		m := &ms[at[r.MeetingID]]
		if r.UserID == viewer {
			m.Role = r.Role
		}
		if r.Role == Guest {
			m.Guests = append(m.Guests, Person{UserID: r.UserID, Name: names[r.UserID], ApplicationID: r.ApplicationID, RequestID: r.RequestID})
		}
	}
	return nil
}

func init() {
	web.AddMessages(map[string][2]string{
		"meeting.full":               {"该时段已约满", "This slot is fully booked"},
		"meeting.already_booked":     {"您已预约过该时段或已用该邀请预约", "You have already booked this slot, or used this invitation for another booking"},
		"meeting.not_open":           {"该时段已取消或已结束", "This slot was cancelled or is over"},
		"meeting.started":            {"该时段已开始，不能再预约", "This slot has started and can no longer be booked"},
		"meeting.too_late":           {"开始前 1 小时内不能再取消或改期", "Bookings cannot be cancelled or moved less than one hour before the start"},
		"meeting.not_invited":        {"您没有处于面试阶段的对应申请", "You have no application in the interview stage with this employer"},
		"meeting.not_accepted":       {"您没有该园区已接受的会谈请求", "You have no accepted meeting request with this zone"},
		"meeting.overlap":            {"与您已发布的其他时段冲突（含间隔）", "It overlaps another of your slots, buffers included"},
		"meeting.time_past":          {"开始时间必须在将来", "The start must be in the future"},
		"meeting.time_zone":          {"未知的时区", "Unknown time zone"},
		"meeting.kind_role":          {"只有园区工作人员可以发布洽谈时段", "Only zone staff publish negotiation slots"},
		"meeting.not_booked":         {"您没有预约该时段", "You have not booked this slot"},
		"meeting.same_kind":          {"只能改到同类、同一发布方的时段", "A booking can only move to a slot of the same kind and publisher"},
		"meeting.host_only":          {"只有面试官可以这样做", "Only the interviewer can do this"},
		"meeting.outcome_kind":       {"该结果不适用于此类会议", "This outcome does not apply to this kind of meeting"},
		"meeting.outcome_recorded":   {"结果已记录", "The outcome has already been recorded"},
		"meeting.no_guest":           {"还没有人参加该会议", "Nobody has joined this meeting yet"},
		"meeting.queue_busy":         {"同时进行的交谈已达上限", "The booth is already holding as many conversations as it can"},
		"meeting.queue_empty":        {"队列中没有人", "Nobody is waiting"},
		"meeting.not_in_fair":        {"该展位不在此招聘会中", "This booth is not part of this job fair"},
		"meeting.not_in_queue":       {"您不在队列中", "You are not in this queue"},
		"meeting.enterprise_unknown": {"该开发区没有这家企业", "This zone has no such enterprise"},
		"not_found.meeting":          {"会议不存在", "Meeting not found"},
	})
}
