package meeting

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"zonefair/app/actor"
	"zonefair/app/briefing/ics"
	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/notify"
	"zonefair/app/web"
	"zonefair/app/zone"
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

// invitations lists a's applications in the interview stage (graduates) or accepted meeting
// requests (investors); titled adds the graduates' titles that the booking page shows.
func (s *Service) invitations(ctx context.Context, a *actor.Actor, titled bool) ([]Invitation, error) {
	out := []Invitation{}
	switch a.Role {
	case actor.RoleGraduate:
		apps, err := s.Fair.Interviews(ctx, a.UserID)
		if err == nil && titled {
			err = s.Fair.FillJobs(ctx, apps)
		}
		if err != nil {
			return nil, err
		}
		for _, ap := range apps {
			out = append(out, Invitation{ApplicationID: ap.ID, ZoneID: ap.ZoneID, EnterpriseID: ap.EnterpriseID,
				TitleZh: ap.JobTitle + " · " + ap.EmployerZh, TitleEn: firstOf(ap.JobTitleEn, ap.JobTitle) + " · " + ap.EmployerEn})
		}
	case actor.RoleInvestor:
		refs, err := s.Requests.AcceptedRequests(ctx, a.UserID)
		if err != nil {
			return nil, err
		}
		// Titled with their zones' names by Bookable, which mostly has them from the slots.
		for _, r := range refs {
			out = append(out, Invitation{RequestID: r.ID, ZoneID: r.ZoneID})
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	booked, err := s.Store.Bookings(ctx, a.UserID)
	if err != nil {
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

// Bookable lists the slots a may book now, soonest first.
func (s *Service) Bookable(ctx context.Context, a *actor.Actor) (Bookable, error) {
	inv, err := s.invitations(ctx, a, true)
	out := Bookable{Invitations: inv, Slots: []Meeting{}}
	if err != nil || len(inv) == 0 {
		return out, err
	}
	q := slotQuery{Kind: Interview, After: s.now()}
	if a.Role == actor.RoleInvestor {
		q.Kind = Negotiation
	}
	for _, i := range inv {
		q.Zones = append(q.Zones, i.ZoneID)
		if i.EnterpriseID != nil {
			q.Firms = append(q.Firms, *i.EnterpriseID)
		} else {
			q.ZoneWide = true
		}
	}
	if out.Slots, err = s.Store.OpenSlots(ctx, q); err != nil {
		return out, err
	}
	if err := s.decorate(ctx, out.Slots, a.UserID); err != nil || q.Kind != Negotiation {
		return out, err
	}
	return out, s.titleByZone(ctx, out.Invitations, out.Slots)
}

// titleByZone titles investors' invitations with their zones' names: those of the slots shown,
// reading only the zones that have none.
func (s *Service) titleByZone(ctx context.Context, inv []Invitation, slots []Meeting) error {
	known := map[int64]zone.Name{}
	for _, m := range slots {
		known[m.ZoneID] = zone.Name{Zh: m.ZoneNameZh, En: m.ZoneNameEn}
	}
	var unknown []int64
	for _, i := range inv {
		if _, ok := known[i.ZoneID]; !ok {
			unknown = append(unknown, i.ZoneID)
		}
	}
	if len(unknown) > 0 {
		zs, _, err := s.Zones.EmployerNames(ctx, slices.Compact(slices.Sorted(slices.Values(unknown))), nil)
		if err != nil {
			return err
		}
		maps.Copy(known, zs)
	}
	for i := range inv {
		n := known[inv[i].ZoneID]
		inv[i].TitleZh, inv[i].TitleEn = n.Zh, n.En
	}
	return nil
}

// BookInput names the invitation a booking uses.
type BookInput struct {
	ApplicationID int64 `json:"applicationId" validate:"gte=0"`
	RequestID     int64 `json:"requestId" validate:"gte=0"`
}

// entitle checks that in is a's invitation for slot m and returns the member row to insert.
func (s *Service) entitle(ctx context.Context, a *actor.Actor, m *Meeting, in BookInput) (member, error) {
	row := member{MeetingID: m.ID, UserID: a.UserID, Role: Guest, CreatedAt: s.now()}
	inv, err := s.invitations(ctx, a, false)
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
func (s *Service) take(ctx context.Context, tx *Store, row member) error {
	ok, err := tx.TakePlace(ctx, row.MeetingID, s.now())
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.ErrConflict, "meeting.full")
	}
	if err := tx.AddMembers(ctx, row); err != nil {
		if db.IsUniqueViolation(err) {
			return errs.New(errs.ErrConflict, "meeting.already_booked")
		}
		return err
	}
	return nil
}

// Book books slot id for a with the invitation in; host and guest are told, with the calendar
// file's address.
func (s *Service) Book(ctx context.Context, a *actor.Actor, id int64, in BookInput) (Meeting, error) {
	m, err := s.bookable(ctx, id)
	if err != nil {
		return m, err
	}
	row, err := s.entitle(ctx, a, &m, in)
	if err != nil {
		return m, err
	}
	err = s.Store.Transaction(ctx, func(tx *Store) error {
		if err := s.take(ctx, tx, row); err != nil {
			return err
		}
		return s.tell(tx, []int64{a.UserID, m.HostID}, "meeting.booked", notice(&m))
	})
	if err != nil {
		return m, err
	}
	s.publish(ctx, []int64{a.UserID, m.HostID}, "meeting.booked", notice(&m))
	s.mail(ctx, []int64{a.UserID, m.HostID}, &m, "booked")
	return s.Room(ctx, a, id)
}

// bookable loads a published slot that can still be booked.
func (s *Service) bookable(ctx context.Context, id int64) (Meeting, error) {
	m, err := s.Store.Meeting(ctx, id)
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

// booking is a's own booking of slot id, which may still change.
func (s *Service) booking(ctx context.Context, a *actor.Actor, id int64) (Meeting, member, error) {
	m, err := s.Store.Meeting(ctx, id)
	if err != nil {
		return m, member{}, err
	}
	row, ok, err := s.Store.Booking(ctx, id, a.UserID)
	switch {
	case err != nil:
		return m, row, err
	case !ok:
		return m, row, errs.New(errs.ErrNotFound, "meeting.not_booked")
	case m.Status != Open:
		return m, row, errs.New(errs.ErrConflict, "meeting.not_open")
	case m.StartsAt.Sub(s.now()) < ChangeCutoff:
		return m, row, errs.New(errs.ErrConflict, "meeting.too_late")
	}
	return m, row, nil
}

// release gives back row's place on its slot inside tx.
func (s *Service) release(ctx context.Context, tx *Store, row member) error {
	ok, err := tx.Release(ctx, row, s.now())
	if err == nil && !ok {
		err = errs.New(errs.ErrConflict, "meeting.not_booked")
	}
	return err
}

// CancelBooking gives up a's booking of slot id, up to ChangeCutoff before the start.
func (s *Service) CancelBooking(ctx context.Context, a *actor.Actor, id int64) error {
	m, row, err := s.booking(ctx, a, id)
	if err != nil {
		return err
	}
	err = s.Store.Transaction(ctx, func(tx *Store) error {
		if err := s.release(ctx, tx, row); err != nil {
			return err
		}
		return s.tell(tx, []int64{m.HostID}, "meeting.cancelled", notice(&m))
	})
	if err != nil {
		return err
	}
	s.publish(ctx, []int64{m.HostID, a.UserID}, "meeting.cancelled", notice(&m))
	return nil
}

// MoveInput names the slot a booking moves to.
type MoveInput struct {
	To int64 `json:"to" validate:"required,gte=1"`
}

// Move reschedules a's booking of slot id to slot in.To of the same kind and zone or
// enterprise, in one transaction: a ends with exactly one of the two.
func (s *Service) Move(ctx context.Context, a *actor.Actor, id int64, in MoveInput) (Meeting, error) {
	m, row, err := s.booking(ctx, a, id)
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
	err = s.Store.Transaction(ctx, func(tx *Store) error {
		if err := s.release(ctx, tx, row); err != nil {
			return err
		}
		if err := s.take(ctx, tx, moved); err != nil {
			return err
		}
		if err := s.tell(tx, []int64{m.HostID}, "meeting.cancelled", notice(&m)); err != nil {
			return err
		}
		return s.tell(tx, []int64{a.UserID, to.HostID}, "meeting.booked", notice(&to))
	})
	if err != nil {
		return to, err
	}
	s.publish(ctx, []int64{m.HostID}, "meeting.cancelled", notice(&m))
	s.publish(ctx, []int64{a.UserID, to.HostID}, "meeting.booked", notice(&to))
	s.mail(ctx, []int64{a.UserID, to.HostID}, &to, "booked")
	return s.Room(ctx, a, to.ID)
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
func (s *Service) tell(tx *Store, users []int64, kind string, data any) error {
	if s.Notify == nil {
		return nil
	}
	for _, u := range users {
		if _, err := s.Notify.Add(tx.db, u, kind, data); err != nil {
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
	us, err := s.Users.ByIDs(ctx, users)
	if err != nil {
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
func (s *Service) Calendar(ctx context.Context, a *actor.Actor, id int64) ([]byte, error) {
	m, err := s.Room(ctx, a, id)
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
	due, err := s.Store.DueReminders(ctx, now, now.Add(RemindBefore))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range due {
		var users []int64
		err := s.Store.Transaction(ctx, func(tx *Store) error {
			ok, err := tx.MarkReminded(ctx, m.ID, now)
			if err != nil || !ok {
				return err
			}
			if users, err = tx.MemberIDs(ctx, m.ID, ""); err != nil {
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
