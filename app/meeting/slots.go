package meeting

import (
	"context"
	"errors"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// SlotInput publishes one slot, or Repeat consecutive slots each BufferMinutes apart.
type SlotInput struct {
	Kind          string    `json:"kind" validate:"required,oneof=interview negotiation"`
	Title         string    `json:"title" validate:"max=200,text"`
	StartsAt      time.Time `json:"startsAt" validate:"required"`
	TimeZone      string    `json:"timeZone" validate:"required,max=64"`
	Minutes       int       `json:"minutes" validate:"required,gte=10,lte=240"`
	BufferMinutes int       `json:"bufferMinutes" validate:"gte=0,lte=120"`
	Capacity      int       `json:"capacity" validate:"omitempty,gte=1,lte=3"`
	Repeat        int       `json:"repeat" validate:"omitempty,gte=1,lte=20"`
	// ZoneID is for admins; EnterpriseID lets zone staff publish interviews for one of their
	// zone's enterprises. Enterprise staff always publish for their own.
	ZoneID       int64 `json:"zoneId" validate:"gte=0"`
	EnterpriseID int64 `json:"enterpriseId" validate:"gte=0"`
}

// CreateSlots publishes slots hosted by a. A host's slots never overlap, buffers included.
func (s *Service) CreateSlots(ctx context.Context, a *actor.Actor, in SlotInput) ([]Meeting, error) {
	if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "Local" {
		return nil, errs.Invalid("timeZone", "meeting.time_zone")
	}
	start := in.StartsAt.UTC().Truncate(time.Minute)
	if !start.After(s.now()) {
		return nil, errs.Invalid("startsAt", "meeting.time_past")
	}
	base := Meeting{Kind: in.Kind, Source: FromSlot, HostID: a.UserID, Title: in.Title, TimeZone: in.TimeZone,
		Minutes: in.Minutes, BufferMinutes: in.BufferMinutes, Capacity: max(in.Capacity, 1), Status: Open}
	if err := s.scope(ctx, a, in, &base); err != nil {
		return nil, err
	}
	n := max(in.Repeat, 1)
	out := make([]Meeting, 0, n)
	err := s.Store.Transaction(ctx, func(tx *Store) error {
		for i := range n {
			m := base
			m.StartsAt = start.Add(time.Duration(i*(in.Minutes+in.BufferMinutes)) * time.Minute)
			if err := overlaps(ctx, tx, &m); err != nil {
				return err
			}
			if err := tx.CreateMeeting(ctx, &m); err != nil {
				return err
			}
			if err := tx.AddMembers(ctx, member{MeetingID: m.ID, UserID: a.UserID, Role: Host, CreatedAt: s.now()}); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.decorate(ctx, out, a.UserID)
}

// scope sets the zone and enterprise a new slot belongs to, from who publishes it.
func (s *Service) scope(ctx context.Context, a *actor.Actor, in SlotInput, m *Meeting) error {
	if _, err := a.CreatesIn(in.ZoneID); err != nil {
		return err
	}
	switch a.Role {
	case actor.RoleEnterprise:
		if in.Kind == Negotiation {
			return errs.New(errs.ErrForbidden, "meeting.kind_role")
		}
		ent := a.EnterpriseID
		m.ZoneID, m.EnterpriseID = a.ZoneID, &ent
		return nil
	case actor.RoleZoneStaff:
		m.ZoneID = a.ZoneID
	case actor.RoleAdmin:
		if in.ZoneID == 0 {
			return errs.Invalid("zoneId", "field.required")
		}
		if err := s.Zones.Exists(ctx, in.ZoneID); errors.Is(err, errs.ErrNotFound) {
			return errs.Invalid("zoneId", "field.zone_unknown")
		} else if err != nil {
			return err
		}
		m.ZoneID = in.ZoneID
	default:
		return errs.Forbidden()
	}
	if in.EnterpriseID > 0 && in.Kind == Interview {
		e, err := s.Zones.Enterprise(ctx, in.EnterpriseID)
		if err != nil && !errors.Is(err, errs.ErrNotFound) {
			return err
		}
		if err != nil || e.ZoneID != m.ZoneID {
			return errs.Invalid("enterpriseId", "meeting.enterprise_unknown")
		}
		ent := in.EnterpriseID
		m.EnterpriseID = &ent
	}
	return nil
}

// overlaps refuses m when another open slot of the same host is within either's buffer.
func overlaps(ctx context.Context, tx *Store, m *Meeting) error {
	others, err := tx.HostSlots(ctx, m.HostID, m.StartsAt.Add(-24*time.Hour), m.EndsAt().Add(4*time.Hour))
	if err != nil {
		return err
	}
	for _, o := range others {
		gap := time.Duration(max(o.BufferMinutes, m.BufferMinutes)) * time.Minute
		if m.StartsAt.Before(o.EndsAt().Add(gap)) && o.StartsAt.Before(m.EndsAt().Add(gap)) {
			return errs.New(errs.ErrConflict, "meeting.overlap")
		}
	}
	return nil
}

// SlotFilter selects managed slots.
type SlotFilter struct {
	Kind string `query:"kind" validate:"omitempty,oneof=interview negotiation"`
	// Past includes slots that started up to 30 days ago.
	Past bool `query:"past"`
}

// ManagedSlots lists the published slots of a's zone (zone staff), enterprise (enterprise
// staff) or all (admins), with their guests.
func (s *Service) ManagedSlots(ctx context.Context, a *actor.Actor, f SlotFilter) ([]Meeting, error) {
	q := managedQuery{Kind: f.Kind, Since: s.now().Add(-2 * time.Hour)}
	switch a.Role {
	case actor.RoleAdmin:
	case actor.RoleZoneStaff:
		q.ZoneID = a.ZoneID
	case actor.RoleEnterprise:
		q.EnterpriseID = a.EnterpriseID
	default:
		return nil, errs.Forbidden()
	}
	if f.Past {
		q.Since = s.now().AddDate(0, 0, -30)
	}
	out, err := s.Store.ManagedSlots(ctx, q)
	if err != nil {
		return nil, err
	}
	return out, s.decorate(ctx, out, a.UserID)
}

// CancelSlot withdraws a slot its zone or enterprise published; booked guests are told.
func (s *Service) CancelSlot(ctx context.Context, a *actor.Actor, id int64) (Meeting, error) {
	m, err := s.Store.Meeting(ctx, id)
	if err != nil {
		return m, err
	}
	if m.Source != FromSlot {
		return m, missing()
	}
	if !manages(a, &m) && m.HostID != a.UserID {
		return m, errs.Forbidden()
	}
	if m.Status != Open {
		return m, errs.New(errs.ErrConflict, "meeting.not_open")
	}
	var guests []int64
	err = s.Store.Transaction(ctx, func(tx *Store) error {
		ok, err := tx.Close(ctx, id, Cancelled, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return errs.New(errs.ErrConflict, "meeting.not_open")
		}
		if guests, err = tx.MemberIDs(ctx, id, Guest); err != nil {
			return err
		}
		// The guests' bookings go, so an application or request can be booked again.
		if err := tx.RemoveGuests(ctx, id); err != nil {
			return err
		}
		return s.tell(tx, guests, "meeting.cancelled", notice(&m))
	})
	if err != nil {
		return m, err
	}
	s.publish(ctx, guests, "meeting.cancelled", notice(&m))
	m.Status = Cancelled
	return m, s.decorateOne(ctx, &m, a.UserID)
}

func (s *Service) decorateOne(ctx context.Context, m *Meeting, viewer int64) error {
	ms := []Meeting{*m}
	err := s.decorate(ctx, ms, viewer)
	*m = ms[0]
	return err
}
