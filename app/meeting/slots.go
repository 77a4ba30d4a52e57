package meeting

import (
	"context"
	"time"

	"gorm.io/gorm"

	"zonefair/app/errs"
	"zonefair/app/web"
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

// CreateSlots publishes slots hosted by p. A host's slots never overlap, buffers included.
func (s *Service) CreateSlots(ctx context.Context, p *web.Principal, in SlotInput) ([]Meeting, error) {
	if _, err := time.LoadLocation(in.TimeZone); err != nil || in.TimeZone == "Local" {
		return nil, errs.Invalid("timeZone", "meeting.time_zone")
	}
	start := in.StartsAt.UTC().Truncate(time.Minute)
	if !start.After(s.now()) {
		return nil, errs.Invalid("startsAt", "meeting.time_past")
	}
	base := Meeting{Kind: in.Kind, Source: FromSlot, HostID: p.UserID, Title: in.Title, TimeZone: in.TimeZone,
		Minutes: in.Minutes, BufferMinutes: in.BufferMinutes, Capacity: max(in.Capacity, 1), Status: Open}
	if err := s.scope(ctx, p, in, &base); err != nil {
		return nil, err
	}
	n := max(in.Repeat, 1)
	out := make([]Meeting, 0, n)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i := range n {
			m := base
			m.StartsAt = start.Add(time.Duration(i*(in.Minutes+in.BufferMinutes)) * time.Minute)
			if err := overlaps(tx, &m); err != nil {
				return err
			}
			if err := tx.Create(&m).Error; err != nil {
				return err
			}
			if err := tx.Create(&member{MeetingID: m.ID, UserID: p.UserID, Role: Host, CreatedAt: s.now()}).Error; err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.decorate(ctx, out, p.UserID)
}

// scope sets the zone and enterprise a new slot belongs to, from who publishes it.
func (s *Service) scope(ctx context.Context, p *web.Principal, in SlotInput, m *Meeting) error {
	if _, err := p.CreatesIn(in.ZoneID); err != nil {
		return err
	}
	switch p.Role {
	case web.RoleEnterprise:
		if in.Kind == Negotiation {
			return errs.New(errs.ErrForbidden, "meeting.kind_role")
		}
		ent := p.EnterpriseID
		m.ZoneID, m.EnterpriseID = p.ZoneID, &ent
		return nil
	case web.RoleZoneStaff:
		m.ZoneID = p.ZoneID
	case web.RoleAdmin:
		if in.ZoneID == 0 {
			return errs.Invalid("zoneId", "field.required")
		}
		var n int64
		if err := s.DB.WithContext(ctx).Table("zones").Where("id = ?", in.ZoneID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return errs.Invalid("zoneId", "field.zone_unknown")
		}
		m.ZoneID = in.ZoneID
	default:
		return errs.Forbidden()
	}
	if in.EnterpriseID > 0 && in.Kind == Interview {
		var n int64
		if err := s.DB.WithContext(ctx).Table("enterprises").Where("id = ? AND zone_id = ?", in.EnterpriseID, m.ZoneID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return errs.Invalid("enterpriseId", "meeting.enterprise_unknown")
		}
		ent := in.EnterpriseID
		m.EnterpriseID = &ent
	}
	return nil
}

// overlaps refuses m when another open slot of the same host is within either's buffer.
func overlaps(tx *gorm.DB, m *Meeting) error {
	var others []Meeting
	from := m.StartsAt.Add(-24 * time.Hour)
	if err := tx.Where("host_id = ? AND status = ? AND starts_at > ? AND starts_at < ?", m.HostID, Open, from, m.EndsAt().Add(4*time.Hour)).Find(&others).Error; err != nil {
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

// ManagedSlots lists the published slots of p's zone (zone staff), enterprise (enterprise
// staff) or all (admins), with their guests.
func (s *Service) ManagedSlots(ctx context.Context, p *web.Principal, f SlotFilter) ([]Meeting, error) {
	tx := s.DB.WithContext(ctx).Where("source = ?", FromSlot)
	switch p.Role {
	case web.RoleAdmin:
	case web.RoleZoneStaff:
		tx = tx.Where("zone_id = ?", p.ZoneID)
	case web.RoleEnterprise:
		tx = tx.Where("enterprise_id = ?", p.EnterpriseID)
	default:
		return nil, errs.Forbidden()
	}
	if f.Kind != "" {
		tx = tx.Where("kind = ?", f.Kind)
	}
	since := s.now().Add(-2 * time.Hour)
	if f.Past {
		since = s.now().AddDate(0, 0, -30)
	}
	out := []Meeting{}
	if err := tx.Where("starts_at > ?", since).Order("starts_at, id").Limit(500).Find(&out).Error; err != nil {
		return nil, err
	}
	return out, s.decorate(ctx, out, p.UserID)
}

// CancelSlot withdraws a slot its zone or enterprise published; booked guests are told.
func (s *Service) CancelSlot(ctx context.Context, p *web.Principal, id int64) (Meeting, error) {
	m, err := s.load(ctx, id)
	if err != nil {
		return m, err
	}
	if m.Source != FromSlot {
		return m, missing()
	}
	if !manages(p, &m) && m.HostID != p.UserID {
		return m, errs.Forbidden()
	}
	if m.Status != Open {
		return m, errs.New(errs.ErrConflict, "meeting.not_open")
	}
	var guests []int64
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Meeting{}).Where("id = ? AND status = ?", id, Open).Updates(map[string]any{"status": Cancelled, "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.ErrConflict, "meeting.not_open")
		}
		if err := tx.Model(&member{}).Where("meeting_id = ? AND role = ?", id, Guest).Pluck("user_id", &guests).Error; err != nil {
			return err
		}
		// The guests' bookings go, so an application or request can be booked again.
		if err := tx.Where("meeting_id = ? AND role = ?", id, Guest).Delete(&member{}).Error; err != nil {
			return err
		}
		return s.tell(tx, guests, "meeting.cancelled", notice(&m))
	})
	if err != nil {
		return m, err
	}
	s.publish(ctx, guests, "meeting.cancelled", notice(&m))
	m.Status = Cancelled
	return m, s.decorateOne(ctx, &m, p.UserID)
}

func (s *Service) decorateOne(ctx context.Context, m *Meeting, viewer int64) error {
	ms := []Meeting{*m}
	err := s.decorate(ctx, ms, viewer)
	*m = ms[0]
	return err
}
