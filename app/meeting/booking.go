package meeting

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"zonefair/app/briefing/ics"
	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/jobfair"
	"zonefair/app/notify"
	"zonefair/app/project"
	"zonefair/app/web"
)

// Invitation is what entitles a guest to book: an application in the interview stage, or an
// accepted meeting request.
type Invitation struct {
	ApplicationID int64  `json:"applicationId,omitempty"`
	RequestID     int64  `json:"requestId,omitempty"`
	ZoneID        int64  `json:"zoneId"`
	EnterpriseID  *int64 `json:"enterpriseId"`
	TitleZh       string `json:"titleZh"`
	TitleEn       string `json:"titleEn"`
	// MeetingID is the meeting already booked with it, if any.
	MeetingID *int64 `json:"meetingId"`
}

// Bookable is what a graduate or investor may book: their invitations and the open slots
// that match them.
type Bookable struct {
	Invitations []Invitation `json:"invitations"`
	Slots       []Meeting    `json:"slots"`
}

// invitations lists p's applications in the interview stage (graduates) or accepted meeting
// requests (investors).
func (s *Service) invitations(ctx context.Context, p *web.Principal) ([]Invitation, error) {
	g := s.DB.WithContext(ctx)
	out := []Invitation{}
	switch p.Role {
	case web.RoleGraduate:
		var rows []struct {
			ID, ZoneID            int64
			EnterpriseID          *int64
			TitleZh, TitleEn      string
			FirmZh, FirmEn        *string
			ZoneNameZh, ZoneNameE string
		}
		err := g.Table("applications a").Select("a.id, a.zone_id, a.enterprise_id, j.title AS title_zh, j.title_en, e.name_zh AS firm_zh, e.name_en AS firm_en, z.name_zh AS zone_name_zh, z.name_en AS zone_name_e").
			Joins("JOIN jobs j ON j.id = a.job_id").Joins("JOIN zones z ON z.id = a.zone_id").Joins("LEFT JOIN enterprises e ON e.id = a.enterprise_id").
			Where("a.user_id = ? AND a.status = ?", p.UserID, jobfair.StatusInterview).Order("a.id").Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			zh, en := r.ZoneNameZh, r.ZoneNameE
			if r.FirmZh != nil {
				zh, en = *r.FirmZh, *r.FirmEn
			}
			out = append(out, Invitation{ApplicationID: r.ID, ZoneID: r.ZoneID, EnterpriseID: r.EnterpriseID,
				TitleZh: r.TitleZh + " · " + zh, TitleEn: firstOf(r.TitleEn, r.TitleZh) + " · " + en})
		}
	case web.RoleInvestor:
		var rows []struct {
			ID, ZoneID     int64
			NameZh, NameEn string
		}
		err := g.Table("meeting_requests r").Select("r.id, r.zone_id, z.name_zh, z.name_en").Joins("JOIN zones z ON z.id = r.zone_id").
			Where("r.investor_id = ? AND r.status = ?", p.UserID, project.MeetingAccepted).Order("r.id").Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out = append(out, Invitation{RequestID: r.ID, ZoneID: r.ZoneID, TitleZh: r.NameZh, TitleEn: r.NameEn})
		}
	}
	var booked []member
	if err := g.Where("user_id = ? AND role = ?", p.UserID, Guest).Find(&booked).Error; err != nil {
		return nil, err
	}
	for i, in := range out {
		for _, b := range booked {
			if (b.ApplicationID != nil && *b.ApplicationID == in.ApplicationID) || (b.RequestID != nil && *b.RequestID == in.RequestID) {
				id := b.MeetingID
				out[i].MeetingID = &id
			}
		}
	}
	return out, nil
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Bookable lists the slots p may book now, soonest first.
func (s *Service) Bookable(ctx context.Context, p *web.Principal) (Bookable, error) {
	inv, err := s.invitations(ctx, p)
	out := Bookable{Invitations: inv, Slots: []Meeting{}}
	if err != nil || len(inv) == 0 {
		return out, err
	}
	kind := Interview
	if p.Role == web.RoleInvestor {
		kind = Negotiation
	}
	var zones, firms []int64
	zoneWide := false
	for _, i := range inv {
		zones = append(zones, i.ZoneID)
		if i.EnterpriseID != nil {
			firms = append(firms, *i.EnterpriseID)
		} else {
			zoneWide = true
		}
	}
	tx := s.DB.WithContext(ctx).Where("source = ? AND kind = ? AND status = ? AND starts_at > ? AND booked < capacity", FromSlot, kind, Open, s.now())
	switch {
	case kind == Negotiation:
		tx = tx.Where("zone_id IN ?", zones)
	case zoneWide && len(firms) > 0:
		tx = tx.Where("enterprise_id IN ? OR (enterprise_id IS NULL AND zone_id IN ?)", firms, zones)
	case zoneWide:
		tx = tx.Where("enterprise_id IS NULL AND zone_id IN ?", zones)
	default:
		tx = tx.Where("enterprise_id IN ?", firms)
	}
	if err := tx.Order("starts_at, id").Limit(300).Find(&out.Slots).Error; err != nil {
		return out, err
	}
	return out, s.decorate(ctx, out.Slots, p.UserID)
}

// BookInput names the invitation a booking uses.
type BookInput struct {
	ApplicationID int64 `json:"applicationId" validate:"gte=0"`
	RequestID     int64 `json:"requestId" validate:"gte=0"`
}

// entitle checks that in is p's invitation for slot m and returns the member row to insert.
func (s *Service) entitle(ctx context.Context, p *web.Principal, m *Meeting, in BookInput) (member, error) {
	row := member{MeetingID: m.ID, UserID: p.UserID, Role: Guest, CreatedAt: s.now()}
	inv, err := s.invitations(ctx, p)
	if err != nil {
		return row, err
	}
	for _, i := range inv {
		switch {
		case m.Kind == Interview && in.ApplicationID > 0 && i.ApplicationID == in.ApplicationID:
			same := (m.EnterpriseID == nil && i.EnterpriseID == nil && i.ZoneID == m.ZoneID) ||
				(m.EnterpriseID != nil && i.EnterpriseID != nil && *m.EnterpriseID == *i.EnterpriseID)
			if same {
				id := i.ApplicationID
				row.ApplicationID = &id
				return row, nil
			}
		case m.Kind == Negotiation && in.RequestID > 0 && i.RequestID == in.RequestID && i.ZoneID == m.ZoneID:
			id := i.RequestID
			row.RequestID = &id
			return row, nil
		}
	}
	if m.Kind == Interview {
		return row, errs.New(errs.ErrForbidden, "meeting.not_invited")
	}
	return row, errs.New(errs.ErrForbidden, "meeting.not_accepted")
}

// take books one place on slot row inside tx. The conditional update is the guard against
// double booking: however many requests race, booked never passes capacity, and the unique
// indexes on (meeting, user), application and request refuse a second booking of the same
// person or invitation.
func (s *Service) take(tx *gorm.DB, row member) error {
	res := tx.Model(&Meeting{}).Where("id = ? AND status = ? AND booked < capacity AND starts_at > ?", row.MeetingID, Open, s.now()).
		Updates(map[string]any{"booked": gorm.Expr("booked + 1"), "updated_at": s.now()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.ErrConflict, "meeting.full")
	}
	if err := tx.Create(&row).Error; err != nil {
		if db.IsUniqueViolation(err) {
			return errs.New(errs.ErrConflict, "meeting.already_booked")
		}
		return err
	}
	return nil
}

// Book books slot id for p with the invitation in; host and guest are told, with the calendar
// file's address.
func (s *Service) Book(ctx context.Context, p *web.Principal, id int64, in BookInput) (Meeting, error) {
	m, err := s.bookable(ctx, id)
	if err != nil {
		return m, err
	}
	row, err := s.entitle(ctx, p, &m, in)
	if err != nil {
		return m, err
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := s.take(tx, row); err != nil {
			return err
		}
		return s.tell(tx, []int64{p.UserID, m.HostID}, "meeting.booked", notice(&m))
	})
	if err != nil {
		return m, err
	}
	s.publish(ctx, []int64{p.UserID, m.HostID}, "meeting.booked", notice(&m))
	s.mail(ctx, []int64{p.UserID, m.HostID}, &m, "booked")
	return s.Room(ctx, p, id)
}

// bookable loads a published slot that can still be booked.
func (s *Service) bookable(ctx context.Context, id int64) (Meeting, error) {
	m, err := s.load(ctx, id)
	switch {
	case err != nil:
		return m, err
	case m.Source != FromSlot:
		return m, missing()
	case m.Status != Open:
		return m, errs.New(errs.ErrConflict, "meeting.not_open")
	case !m.StartsAt.After(s.now()):
		return m, errs.New(errs.ErrConflict, "meeting.started")
	}
	return m, nil
}

// booking is p's own booking of slot id, which may still change.
func (s *Service) booking(ctx context.Context, p *web.Principal, id int64) (Meeting, member, error) {
	var row member
	m, err := s.load(ctx, id)
	if err != nil {
		return m, row, err
	}
	err = s.DB.WithContext(ctx).Where("meeting_id = ? AND user_id = ? AND role = ?", id, p.UserID, Guest).Take(&row).Error
	if err != nil {
		return m, row, errsOr(err, errs.New(errs.ErrNotFound, "meeting.not_booked"))
	}
	if m.Status != Open {
		return m, row, errs.New(errs.ErrConflict, "meeting.not_open")
	}
	if m.StartsAt.Sub(s.now()) < ChangeCutoff {
		return m, row, errs.New(errs.ErrConflict, "meeting.too_late")
	}
	return m, row, nil
}

func errsOr(err, notFound error) error {
	if err == gorm.ErrRecordNotFound {
		return notFound
	}
	return err
}

// release gives back row's place on its slot inside tx.
func release(tx *gorm.DB, row member, now time.Time) error {
	res := tx.Where("meeting_id = ? AND user_id = ? AND role = ?", row.MeetingID, row.UserID, Guest).Delete(&member{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.ErrConflict, "meeting.not_booked")
	}
	return tx.Model(&Meeting{}).Where("id = ?", row.MeetingID).Updates(map[string]any{"booked": gorm.Expr("booked - 1"), "updated_at": now}).Error
}

// CancelBooking gives up p's booking of slot id, up to ChangeCutoff before the start.
func (s *Service) CancelBooking(ctx context.Context, p *web.Principal, id int64) error {
	m, row, err := s.booking(ctx, p, id)
	if err != nil {
		return err
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := release(tx, row, s.now()); err != nil {
			return err
		}
		return s.tell(tx, []int64{m.HostID}, "meeting.cancelled", notice(&m))
	})
	if err != nil {
		return err
	}
	s.publish(ctx, []int64{m.HostID, p.UserID}, "meeting.cancelled", notice(&m))
	return nil
}

// MoveInput names the slot a booking moves to.
type MoveInput struct {
	To int64 `json:"to" validate:"required,gte=1"`
}

// Move reschedules p's booking of slot id to slot in.To of the same kind and zone or
// enterprise, in one transaction: p ends with exactly one of the two.
func (s *Service) Move(ctx context.Context, p *web.Principal, id int64, in MoveInput) (Meeting, error) {
	m, row, err := s.booking(ctx, p, id)
	if err != nil {
		return m, err
	}
	to, err := s.bookable(ctx, in.To)
	if err != nil {
		return to, err
	}
	sameFirm := (m.EnterpriseID == nil) == (to.EnterpriseID == nil) && (m.EnterpriseID == nil || *m.EnterpriseID == *to.EnterpriseID)
	if to.ID == m.ID || to.Kind != m.Kind || to.ZoneID != m.ZoneID || !sameFirm {
		return to, errs.Invalid("to", "meeting.same_kind")
	}
	moved := row
	moved.MeetingID, moved.CreatedAt = to.ID, s.now()
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := release(tx, row, s.now()); err != nil {
			return err
		}
		if err := s.take(tx, moved); err != nil {
			return err
		}
		if err := s.tell(tx, []int64{m.HostID}, "meeting.cancelled", notice(&m)); err != nil {
			return err
		}
		return s.tell(tx, []int64{p.UserID, to.HostID}, "meeting.booked", notice(&to))
	})
	if err != nil {
		return to, err
	}
	s.publish(ctx, []int64{m.HostID}, "meeting.cancelled", notice(&m))
	s.publish(ctx, []int64{p.UserID, to.HostID}, "meeting.booked", notice(&to))
	s.mail(ctx, []int64{p.UserID, to.HostID}, &to, "booked")
	return s.Room(ctx, p, to.ID)
}

// Notice is the data of meeting notifications.
type Notice struct {
	MeetingID int64     `json:"meetingId"`
	Kind      string    `json:"kind"`
	StartsAt  time.Time `json:"startsAt"`
	TimeZone  string    `json:"timeZone"`
	Title     string    `json:"title"`
}

func notice(m *Meeting) Notice {
	return Notice{MeetingID: m.ID, Kind: m.Kind, StartsAt: m.StartsAt, TimeZone: m.TimeZone, Title: m.Title}
}

// tell stores a notification for each user inside tx.
func (s *Service) tell(tx *gorm.DB, users []int64, kind string, data any) error {
	if s.Notify == nil {
		return nil
	}
	for _, u := range users {
		if _, err := s.Notify.Add(tx, u, kind, data); err != nil {
			return err
		}
	}
	return nil
}

// publish puts the notification on the users' open pages, after the commit.
func (s *Service) publish(ctx context.Context, users []int64, kind string, data any) {
	if s.Notify == nil {
		return
	}
	for _, u := range users {
		s.Notify.Publish(ctx, u, kind, data)
	}
}

// mail emails the users about m in their language, with the room and calendar links; what is
// "booked" or "reminder".
func (s *Service) mail(ctx context.Context, users []int64, m *Meeting, what string) {
	if s.Notify == nil {
		return
	}
	var us []struct {
		ID                  int64
		Email, Name, Locale string
	}
	if err := s.DB.WithContext(ctx).Table("users").Select("id, email, name, locale").Where("id IN ?", users).Scan(&us).Error; err != nil {
		s.log().Warn("meeting mail: users", "err", err)
		return
	}
	loc, _ := time.LoadLocation(m.TimeZone)
	room := s.BaseURL + "/meetings/room/" + strconv.FormatInt(m.ID, 10)
	cal := s.BaseURL + "/api/v1/meeting-rooms/" + strconv.FormatInt(m.ID, 10) + "/calendar.ics"
	at := m.StartsAt.In(loc).Format("2006-01-02 15:04 MST") + " (" + m.TimeZone + ")"
	for _, u := range us {
		mm := notify.Mail{To: u.Email}
		if u.Locale == string(web.LocaleEn) {
			mm.Subject = fmt.Sprintf("Meeting %s: %s", map[string]string{"booked": "booked", "reminder": "starts soon"}[what], at)
			mm.Text = fmt.Sprintf("Your %s meeting (%d minutes) starts at %s.\n\nJoin: %s\nAdd to your calendar: %s\n", m.Kind, m.Minutes, at, room, cal)
		} else {
			mm.Subject = fmt.Sprintf("会议%s：%s", map[string]string{"booked": "已预约", "reminder": "即将开始"}[what], at)
			mm.Text = fmt.Sprintf("您的会议（%d 分钟）将于 %s 开始。\n\n进入会议室：%s\n加入日历：%s\n", m.Minutes, at, room, cal)
		}
		s.Notify.Email(ctx, mm)
	}
}

// Calendar is meeting id as an .ics file, for its members.
func (s *Service) Calendar(ctx context.Context, p *web.Principal, id int64) ([]byte, error) {
	m, err := s.Room(ctx, p, id)
	if err != nil {
		return nil, err
	}
	summary := "Zonefair: " + firstOf(m.Title, m.Kind) + " · " + firstOf(m.EnterpriseNameEn, m.ZoneNameEn)
	url := s.BaseURL + "/meetings/room/" + strconv.FormatInt(m.ID, 10)
	return ics.Write(ics.Event{UID: "room-" + strconv.FormatInt(m.ID, 10) + "@zonefair", Summary: summary,
		Description: "Time zone of the slot: " + m.TimeZone, Location: url, URL: url,
		Start: m.StartsAt, End: m.EndsAt(), Stamp: m.UpdatedAt, Reminder: RemindBefore}), nil
}

// Remind tells the members of every booked meeting starting within RemindBefore, once: the
// conditional update lets only one instance send each reminder.
func (s *Service) Remind(ctx context.Context) (int, error) {
	now := s.now()
	var due []Meeting
	if err := s.DB.WithContext(ctx).Where("status = ? AND booked > 0 AND reminded_at IS NULL AND starts_at > ? AND starts_at <= ?", Open, now, now.Add(RemindBefore)).
		Limit(200).Find(&due).Error; err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range due {
		var users []int64
		err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			res := tx.Model(&Meeting{}).Where("id = ? AND reminded_at IS NULL", m.ID).Update("reminded_at", now)
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			if err := tx.Model(&member{}).Where("meeting_id = ?", m.ID).Pluck("user_id", &users).Error; err != nil {
				return err
			}
			return s.tell(tx, users, "meeting.reminder", notice(&m))
		})
		if err != nil {
			return sent, err
		}
		if len(users) > 0 {
			s.publish(ctx, users, "meeting.reminder", notice(&m))
			s.mail(ctx, users, &m, "reminder")
			sent++
		}
	}
	return sent, nil
}

// Run sends reminders and clears stale queue places until ctx ends; cmd runs it once per
// process (every instance may: both jobs are safe to run concurrently).
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(20 * time.Second)
	defer t.Stop()
	for {
		if _, err := s.Remind(ctx); err != nil && ctx.Err() == nil {
			s.log().Warn("meeting reminders", "err", err)
		}
		if err := s.sweepQueues(ctx); err != nil && ctx.Err() == nil {
			s.log().Warn("meeting queues", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
