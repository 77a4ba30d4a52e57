package project

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"zonefair/app/actor"
	"zonefair/app/briefing/ics"
	"zonefair/app/errs"
)

// MeetingRequestInput is an investor's meeting request: from a project, from a briefing's
// room, or to a zone directly.
type MeetingRequestInput struct {
	ProjectID  int64       `json:"projectId" validate:"gte=0"`
	BriefingID int64       `json:"briefingId" validate:"gte=0"`
	ZoneID     int64       `json:"zoneId" validate:"gte=0"`
	Message    string      `json:"message" validate:"max=5000,text"`
	Proposed   []time.Time `json:"proposed" validate:"required,min=1,max=5"`
	Minutes    int         `json:"minutes" validate:"omitempty,gte=15,lte=240"`
}

// RequestMeeting records an investor's request and tells the zone's staff.
func (s *Service) RequestMeeting(ctx context.Context, p *actor.Actor, in MeetingRequestInput) (MeetingRequest, error) {
	now := s.now()
	for _, t := range in.Proposed {
		if !t.After(now) {
			return MeetingRequest{}, errs.Invalid("proposed", "project.time_past")
		}
	}
	if in.Minutes == 0 {
		in.Minutes = 30
	}
	m := MeetingRequest{InvestorID: p.UserID, Message: in.Message, Minutes: in.Minutes, Status: MeetingPending}
	notice := map[string]any{"investor": p.Name}
	switch {
	case in.ProjectID > 0:
		pr, err := s.Get(ctx, in.ProjectID, nil)
		if err != nil {
			return m, err
		}
		m.ProjectID, m.ZoneID = &pr.ID, pr.ZoneID
		notice["titleZh"], notice["titleEn"] = pr.TitleZh, pr.TitleEn
	case in.ZoneID > 0 && in.BriefingID == 0:
		m.ZoneID = in.ZoneID
	}
	if in.BriefingID > 0 {
		if s.Briefings == nil {
			return m, missing("briefing")
		}
		first, all, err := s.Briefings.HostZone(ctx, in.BriefingID)
		if err != nil {
			return m, err
		}
		id := in.BriefingID
		m.BriefingID = &id
		if m.ZoneID == 0 {
			m.ZoneID = first
			if in.ZoneID > 0 && slices.Contains(all, in.ZoneID) {
				m.ZoneID = in.ZoneID
			}
		}
	}
	if m.ZoneID == 0 {
		return m, errs.Invalid("zoneId", "field.required")
	}
	if err := s.Zones.Exists(ctx, m.ZoneID); errors.Is(err, errs.ErrNotFound) {
		return m, errs.Invalid("zoneId", "field.zone_unknown")
	} else if err != nil {
		return m, err
	}
	proposed := make([]time.Time, len(in.Proposed))
	for i, t := range in.Proposed {
		proposed[i] = t.UTC().Truncate(time.Minute)
	}
	raw, _ := json.Marshal(proposed)
	m.RawProposed, m.Proposed = string(raw), proposed
	var staff []int64
	err := s.Store.Transaction(ctx, func(st *Store) error {
		if err := st.CreateMeetingRequest(ctx, &m); err != nil {
			return err
		}
		var err error
		if staff, err = s.Users.ZoneStaff(ctx, m.ZoneID); err != nil {
			return err
		}
		notice["meetingId"], notice["projectId"], notice["briefingId"] = m.ID, m.ProjectID, m.BriefingID
		return s.notifyAll(st.db, staff, "meeting.requested", notice)
	})
	if err != nil {
		return m, err
	}
	s.publishAll(ctx, staff, "meeting.requested", notice)
	return s.MeetingRequest(ctx, m.ID, p)
}

// MeetingRequestFilter selects meeting requests.
type MeetingRequestFilter struct {
	Status     string `query:"status" validate:"omitempty,oneof=pending accepted declined cancelled"`
	BriefingID int64  `query:"briefingId" validate:"gte=0"`
}

// MeetingRequests lists the caller's meeting requests: an investor's own, a zone's received,
// all for admins.
func (s *Service) MeetingRequests(ctx context.Context, p *actor.Actor, f MeetingRequestFilter) ([]MeetingRequest, error) {
	var sc Scope
	switch p.Role {
	case actor.RoleAdmin:
	case actor.RoleZoneStaff:
		sc.ZoneID = p.ZoneID
	default:
		sc.InvestorID = p.UserID
	}
	out, err := s.Store.MeetingRequests(ctx, sc, f)
	if err != nil {
		return out, err
	}
	return out, s.fillMeetingRequests(ctx, out)
}

func (s *Service) fillMeetingRequests(ctx context.Context, ms []MeetingRequest) error {
	if len(ms) == 0 {
		return nil
	}
	var uids, zids []int64
	for i := range ms {
		_ = json.Unmarshal([]byte(ms[i].RawProposed), &ms[i].Proposed)
		uids, zids = append(uids, ms[i].InvestorID), append(zids, ms[i].ZoneID)
	}
	us, err := s.Users.ByIDs(ctx, uids)
	if err != nil {
		return err
	}
	zs, err := s.Zones.ByIDs(ctx, zids)
	if err != nil {
		return err
	}
	for i := range ms {
		for _, u := range us {
			if u.ID == ms[i].InvestorID {
				ms[i].InvestorName, ms[i].Organization = u.Name, u.Organization
			}
		}
		for _, z := range zs {
			if z.ID == ms[i].ZoneID {
				ms[i].ZoneNameZh, ms[i].ZoneNameEn = z.NameZh, z.NameEn
			}
		}
	}
	return nil
}

// MeetingRequest returns one meeting request to one of its parties (the investor, the zone's
// staff, an admin).
func (s *Service) MeetingRequest(ctx context.Context, id int64, p *actor.Actor) (MeetingRequest, error) {
	m, err := s.Store.MeetingRequest(ctx, id)
	if err != nil {
		return m, err
	}
	if m.InvestorID != p.UserID && !p.ManagesZone(m.ZoneID) {
		return m, missing("meeting")
	}
	ms := []MeetingRequest{m}
	err = s.fillMeetingRequests(ctx, ms)
	return ms[0], err
}

// AcceptInput picks one of the proposed times.
type AcceptInput struct {
	StartsAt   time.Time `json:"startsAt" validate:"required"`
	MeetingURL string    `json:"meetingUrl" validate:"omitempty,max=500,http_url"`
}

// DecideMeetingRequest accepts (at one of the proposed times) or declines a pending request, for the
// zone's staff; the investor cancels their own. Both sides are notified; an accepted meeting
// from a project moves the investor's lead to "meeting".
func (s *Service) DecideMeetingRequest(ctx context.Context, id int64, p *actor.Actor, to string, in AcceptInput) (MeetingRequest, error) {
	m, err := s.MeetingRequest(ctx, id, p)
	if err != nil {
		return m, err
	}
	if to == MeetingCancelled {
		if m.InvestorID != p.UserID {
			return m, errs.Forbidden()
		}
	} else if !p.ManagesZone(m.ZoneID) {
		return m, errs.Forbidden()
	}
	cols := map[string]any{"status": to, "decided_by": p.UserID, "updated_at": s.now()}
	if to == MeetingAccepted {
		at := in.StartsAt.UTC().Truncate(time.Minute)
		if !slices.ContainsFunc(m.Proposed, func(t time.Time) bool { return t.Equal(at) }) {
			return m, errs.Invalid("startsAt", "project.time_not_proposed")
		}
		url := in.MeetingURL
		if url == "" {
			url = s.BaseURL + "/meetings/" + strconv.FormatInt(id, 10)
		}
		cols["starts_at"], cols["meeting_url"] = at, url
	}
	var staff []int64
	var data map[string]any
	err = s.Store.Transaction(ctx, func(st *Store) error {
		allowed := []string{MeetingPending}
		if to == MeetingCancelled {
			allowed = append(allowed, MeetingAccepted)
		}
		if err := st.DecideMeetingRequest(ctx, id, allowed, cols); err != nil {
			return err
		}
		if to == MeetingAccepted && m.ProjectID != nil {
			if err := st.AdvanceLeadToMeeting(ctx, *m.ProjectID, m.InvestorID, s.now()); err != nil {
				return err
			}
		}
		var err error
		if staff, err = s.Users.ZoneStaff(ctx, m.ZoneID); err != nil {
			return err
		}
		data = map[string]any{"meetingId": id, "status": to, "startsAt": cols["starts_at"],
			"investor": m.InvestorName, "zoneNameZh": m.ZoneNameZh, "zoneNameEn": m.ZoneNameEn}
		return s.notifyAll(st.db, append(staff, m.InvestorID), "meeting."+to, data)
	})
	if err != nil {
		return m, err
	}
	s.publishAll(ctx, append(staff, m.InvestorID), "meeting."+to, data)
	return s.MeetingRequest(ctx, id, p)
}

// Calendar returns an accepted meeting as an .ics file for either party.
func (s *Service) Calendar(ctx context.Context, id int64, p *actor.Actor) ([]byte, error) {
	m, err := s.MeetingRequest(ctx, id, p)
	if err != nil {
		return nil, err
	}
	if m.Status != MeetingAccepted || m.StartsAt == nil {
		return nil, errs.New(errs.ErrConflict, "project.meeting_not_accepted")
	}
	summary := "Zonefair: " + strings.TrimSpace(m.ZoneNameEn+" × "+firstNonEmpty(m.Organization, m.InvestorName))
	return ics.Write(ics.Event{
		UID: "meeting-" + strconv.FormatInt(m.ID, 10) + "@zonefair", Summary: summary, Description: m.Message,
		Location: m.MeetingURL, URL: m.MeetingURL, Start: *m.StartsAt, End: m.StartsAt.Add(time.Duration(m.Minutes) * time.Minute),
		Stamp: m.UpdatedAt, Reminder: 15 * time.Minute,
	}), nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
