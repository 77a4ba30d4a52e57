package project

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"zonefair/app/briefing/ics"
	"zonefair/app/errs"
	"zonefair/app/web"
)

// MeetingInput is an investor's meeting request: from a project, from a briefing's room, or
// to a zone directly.
type MeetingInput struct {
	ProjectID  int64       `json:"projectId" validate:"gte=0"`
	BriefingID int64       `json:"briefingId" validate:"gte=0"`
	ZoneID     int64       `json:"zoneId" validate:"gte=0"`
	Message    string      `json:"message" validate:"max=5000,text"`
	Proposed   []time.Time `json:"proposed" validate:"required,min=1,max=5"`
	Minutes    int         `json:"minutes" validate:"omitempty,gte=15,lte=240"`
}

// RequestMeeting records an investor's request and tells the zone's staff.
func (s *Service) RequestMeeting(ctx context.Context, p *web.Principal, in MeetingInput) (Meeting, error) {
	now := s.now()
	for _, t := range in.Proposed {
		if !t.After(now) {
			return Meeting{}, errs.Invalid("proposed", "project.time_past")
		}
	}
	if in.Minutes == 0 {
		in.Minutes = 30
	}
	m := Meeting{InvestorID: p.UserID, Message: in.Message, Minutes: in.Minutes, Status: MeetingPending}
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
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		var err error
		if staff, err = s.Users.ZoneStaff(ctx, m.ZoneID); err != nil {
			return err
		}
		notice["meetingId"], notice["projectId"], notice["briefingId"] = m.ID, m.ProjectID, m.BriefingID
		return s.notifyAll(tx, staff, "meeting.requested", notice)
	})
	if err != nil {
		return m, err
	}
	s.publishAll(ctx, staff, "meeting.requested", notice)
	return s.Meeting(ctx, m.ID, p)
}

// MeetingFilter selects meeting requests.
type MeetingFilter struct {
	Status     string `query:"status" validate:"omitempty,oneof=pending accepted declined cancelled"`
	BriefingID int64  `query:"briefingId" validate:"gte=0"`
}

// Meetings lists the caller's meeting requests: an investor's own, a zone's received, all for
// admins.
func (s *Service) Meetings(ctx context.Context, p *web.Principal, f MeetingFilter) ([]Meeting, error) {
	tx := s.DB.WithContext(ctx).Model(&Meeting{})
	switch p.Role {
	case web.RoleAdmin:
	case web.RoleZoneStaff:
		tx = tx.Where("zone_id = ?", p.ZoneID)
	default:
		tx = tx.Where("investor_id = ?", p.UserID)
	}
	if f.Status != "" {
		tx = tx.Where("status = ?", f.Status)
	}
	if f.BriefingID > 0 {
		tx = tx.Where("briefing_id = ?", f.BriefingID)
	}
	out := []Meeting{}
	if err := tx.Order("id DESC").Limit(500).Find(&out).Error; err != nil {
		return out, err
	}
	return out, s.fillMeetings(ctx, out)
}

func (s *Service) fillMeetings(ctx context.Context, ms []Meeting) error {
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

// Meeting returns one meeting request to one of its parties (the investor, the zone's staff,
// an admin).
func (s *Service) Meeting(ctx context.Context, id int64, p *web.Principal) (Meeting, error) {
	var m Meeting
	if err := s.DB.WithContext(ctx).First(&m, id).Error; err != nil {
		return m, notFound(err, "meeting")
	}
	if m.InvestorID != p.UserID && !p.ManagesZone(m.ZoneID) {
		return m, missing("meeting")
	}
	ms := []Meeting{m}
	err := s.fillMeetings(ctx, ms)
	return ms[0], err
}

// AcceptInput picks one of the proposed times.
type AcceptInput struct {
	StartsAt   time.Time `json:"startsAt" validate:"required"`
	MeetingURL string    `json:"meetingUrl" validate:"omitempty,max=500,http_url"`
}

// DecideMeeting accepts (at one of the proposed times) or declines a pending request, for the
// zone's staff; the investor cancels their own. Both sides are notified; an accepted meeting
// from a project moves the investor's lead to "meeting".
func (s *Service) DecideMeeting(ctx context.Context, id int64, p *web.Principal, to string, in AcceptInput) (Meeting, error) {
	m, err := s.Meeting(ctx, id, p)
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
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		allowed := []string{MeetingPending}
		if to == MeetingCancelled {
			allowed = append(allowed, MeetingAccepted)
		}
		res := tx.Model(&Meeting{}).Where("id = ? AND status IN ?", id, allowed).Updates(cols)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.ErrConflict, "project.meeting_decided")
		}
		if to == MeetingAccepted && m.ProjectID != nil {
			if err := tx.Model(&Lead{}).Where("project_id = ? AND investor_id = ? AND status IN ?", *m.ProjectID, m.InvestorID, []string{LeadNew, LeadContacted}).
				Updates(map[string]any{"status": LeadMeeting, "updated_at": s.now()}).Error; err != nil {
				return err
			}
		}
		var err error
		if staff, err = s.Users.ZoneStaff(ctx, m.ZoneID); err != nil {
			return err
		}
		data = map[string]any{"meetingId": id, "status": to, "startsAt": cols["starts_at"],
			"investor": m.InvestorName, "zoneNameZh": m.ZoneNameZh, "zoneNameEn": m.ZoneNameEn}
		return s.notifyAll(tx, append(staff, m.InvestorID), "meeting."+to, data)
	})
	if err != nil {
		return m, err
	}
	s.publishAll(ctx, append(staff, m.InvestorID), "meeting."+to, data)
	return s.Meeting(ctx, id, p)
}

// Calendar returns an accepted meeting as an .ics file for either party.
func (s *Service) Calendar(ctx context.Context, id int64, p *web.Principal) ([]byte, error) {
	m, err := s.Meeting(ctx, id, p)
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
