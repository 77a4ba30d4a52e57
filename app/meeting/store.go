package meeting

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Store reads and writes meetings, their members and chat, and the booths' queues.
type Store struct{ db *gorm.DB }

// NewStore returns a Store on g.
func NewStore(g *gorm.DB) *Store { return &Store{db: g} }

// Transaction runs f in one transaction, with a Store on it; the use case's other writes that
// belong to the same change (notifications) go through tx.db.
func (s *Store) Transaction(ctx context.Context, f func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(g *gorm.DB) error { return f(&Store{db: g}) })
}

// notFound maps a missing row to the meeting's not-found error.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return missing()
	}
	return err
}

// Meeting reads meeting id.
func (s *Store) Meeting(ctx context.Context, id int64) (Meeting, error) {
	var m Meeting
	err := s.db.WithContext(ctx).First(&m, id).Error
	return m, notFound(err)
}

// CreateMeeting inserts m.
func (s *Store) CreateMeeting(ctx context.Context, m *Meeting) error {
	return s.db.WithContext(ctx).Create(m).Error
}

// update writes cols over meeting id when it matches the condition cond (a query and its
// arguments, if any), and reports whether it did.
func (s *Store) update(ctx context.Context, id int64, cols map[string]any, cond ...any) (bool, error) {
	tx := s.db.WithContext(ctx).Model(&Meeting{}).Where("id = ?", id)
	if len(cond) > 0 {
		tx = tx.Where(cond[0], cond[1:]...)
	}
	res := tx.Updates(cols)
	return res.RowsAffected > 0, res.Error
}

// Close moves open meeting id to status (cancelled or ended), and reports whether it was open.
func (s *Store) Close(ctx context.Context, id int64, status string, now time.Time) (bool, error) {
	cols := map[string]any{"status": status, "updated_at": now}
	if status == Ended {
		cols["ended_at"] = now
	}
	return s.update(ctx, id, cols, "status = ?", Open)
}

// RecordOutcome records meeting id's outcome and ends it, unless it has one already.
func (s *Store) RecordOutcome(ctx context.Context, id int64, outcome, note string, now time.Time) (bool, error) {
	return s.update(ctx, id, map[string]any{"outcome": outcome, "outcome_note": note, "status": Ended, "ended_at": now, "updated_at": now}, "outcome = ''")
}

// SaveNotes keeps the host's notes of meeting id.
func (s *Store) SaveNotes(ctx context.Context, id int64, notes string, now time.Time) error {
	_, err := s.update(ctx, id, map[string]any{"notes": notes, "updated_at": now})
	return err
}

// MarkReminded records that meeting id's reminder went out, and reports whether this call
// was the one to do it.
func (s *Store) MarkReminded(ctx context.Context, id int64, now time.Time) (bool, error) {
	return s.update(ctx, id, map[string]any{"reminded_at": now}, "reminded_at IS NULL")
}

// TakePlace books one place on open slot id that starts after now, and reports whether one
// was left: the conditional update keeps booked within capacity however many requests race.
func (s *Store) TakePlace(ctx context.Context, id int64, now time.Time) (bool, error) {
	return s.update(ctx, id, map[string]any{"booked": gorm.Expr("booked + 1"), "updated_at": now},
		"status = ? AND booked < capacity AND starts_at > ?", Open, now)
}

// Release removes guest row's booking and gives its place back, reporting whether there was
// one.
func (s *Store) Release(ctx context.Context, row member, now time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Where("meeting_id = ? AND user_id = ? AND role = ?", row.MeetingID, row.UserID, Guest).Delete(&member{})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	_, err := s.update(ctx, row.MeetingID, map[string]any{"booked": gorm.Expr("booked - 1"), "updated_at": now})
	return err == nil, err
}

// slotQuery selects open slots a guest may book.
type slotQuery struct {
	Kind string
	// Zones and Firms are the invitations' zones and enterprises; ZoneWide is set when some
	// invitation is from a zone itself, whose slots (no enterprise) it may book.
	Zones, Firms []int64
	ZoneWide     bool
	After        time.Time
}

// OpenSlots lists the slots q selects that still have places, soonest first.
func (s *Store) OpenSlots(ctx context.Context, q slotQuery) ([]Meeting, error) {
	tx := s.db.WithContext(ctx).Where("source = ? AND kind = ? AND status = ? AND starts_at > ? AND booked < capacity", FromSlot, q.Kind, Open, q.After)
	switch {
	case q.Kind == Negotiation:
		tx = tx.Where("zone_id IN ?", q.Zones)
	case q.ZoneWide && len(q.Firms) > 0:
		tx = tx.Where("enterprise_id IN ? OR (enterprise_id IS NULL AND zone_id IN ?)", q.Firms, q.Zones)
	case q.ZoneWide:
		tx = tx.Where("enterprise_id IS NULL AND zone_id IN ?", q.Zones)
	default:
		tx = tx.Where("enterprise_id IN ?", q.Firms)
	}
	out := []Meeting{}
	err := tx.Order("starts_at, id").Limit(300).Find(&out).Error
	return out, err
}

// managedQuery selects the slots staff manage: of a zone, of an enterprise, or all (both 0).
type managedQuery struct {
	ZoneID, EnterpriseID int64
	Kind                 string
	Since                time.Time
}

// ManagedSlots lists the slots q selects, by start.
func (s *Store) ManagedSlots(ctx context.Context, q managedQuery) ([]Meeting, error) {
	tx := s.db.WithContext(ctx).Where("source = ? AND starts_at > ?", FromSlot, q.Since)
	if q.ZoneID > 0 {
		tx = tx.Where("zone_id = ?", q.ZoneID)
	}
	if q.EnterpriseID > 0 {
		tx = tx.Where("enterprise_id = ?", q.EnterpriseID)
	}
	if q.Kind != "" {
		tx = tx.Where("kind = ?", q.Kind)
	}
	out := []Meeting{}
	err := tx.Order("starts_at, id").Limit(500).Find(&out).Error
	return out, err
}

// HostSlots lists host's open slots starting between from and to.
func (s *Store) HostSlots(ctx context.Context, host int64, from, to time.Time) ([]Meeting, error) {
	var out []Meeting
	err := s.db.WithContext(ctx).Where("host_id = ? AND status = ? AND starts_at > ? AND starts_at < ?", host, Open, from, to).Find(&out).Error
	return out, err
}

// Of lists the meetings with a guest that userID is in and that start after since, latest
// first.
func (s *Store) Of(ctx context.Context, userID int64, since time.Time) ([]Meeting, error) {
	out := []Meeting{}
	err := s.db.WithContext(ctx).Where("id IN (?) AND booked > 0 AND starts_at > ?",
		s.db.Model(&member{}).Select("meeting_id").Where("user_id = ?", userID), since).
		Order("starts_at DESC, id DESC").Limit(300).Find(&out).Error
	return out, err
}

// DueReminders lists up to 200 booked open meetings starting between now and until whose
// reminder has not gone out.
func (s *Store) DueReminders(ctx context.Context, now, until time.Time) ([]Meeting, error) {
	var due []Meeting
	err := s.db.WithContext(ctx).Where("status = ? AND booked > 0 AND reminded_at IS NULL AND starts_at > ? AND starts_at <= ?", Open, now, until).
		Limit(200).Find(&due).Error
	return due, err
}

// ForRequest returns the id of the meeting made for meeting request requestID, or of the slot
// booked with it; 0 when there is none.
func (s *Store) ForRequest(ctx context.Context, requestID int64) (int64, error) {
	var ids []int64
	g := s.db.WithContext(ctx)
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

// AddMembers inserts rows (a unique violation when one is there already).
func (s *Store) AddMembers(ctx context.Context, rows ...member) error {
	if len(rows) == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Create(&rows).Error
}

// Members lists the members of the meetings among ids, in the order they joined.
func (s *Store) Members(ctx context.Context, ids []int64) ([]member, error) {
	var rows []member
	err := s.db.WithContext(ctx).Where("meeting_id IN ?", ids).Order("created_at, user_id").Find(&rows).Error
	return rows, err
}

// MemberIDs lists the users in meeting id, of role when it is not "".
func (s *Store) MemberIDs(ctx context.Context, id int64, role string) ([]int64, error) {
	var users []int64
	tx := s.db.WithContext(ctx).Model(&member{}).Where("meeting_id = ?", id)
	if role != "" {
		tx = tx.Where("role = ?", role)
	}
	err := tx.Pluck("user_id", &users).Error
	return users, err
}

// RemoveGuests removes meeting id's guests, so that their invitations can be booked again.
func (s *Store) RemoveGuests(ctx context.Context, id int64) error {
	return s.db.WithContext(ctx).Where("meeting_id = ? AND role = ?", id, Guest).Delete(&member{}).Error
}

// RoleIn is userID's role in meeting id, or "".
func (s *Store) RoleIn(ctx context.Context, id, userID int64) (string, error) {
	var roles []string
	err := s.db.WithContext(ctx).Model(&member{}).Where("meeting_id = ? AND user_id = ?", id, userID).Pluck("role", &roles).Error
	if err != nil || len(roles) == 0 {
		return "", err
	}
	return roles[0], nil
}

// Bookings lists userID's bookings as a guest.
func (s *Store) Bookings(ctx context.Context, userID int64) ([]member, error) {
	var rows []member
	err := s.db.WithContext(ctx).Where("user_id = ? AND role = ?", userID, Guest).Find(&rows).Error
	return rows, err
}

// Booking is userID's booking of meeting id as a guest, and whether there is one.
func (s *Store) Booking(ctx context.Context, id, userID int64) (member, bool, error) {
	var rows []member
	err := s.db.WithContext(ctx).Where("meeting_id = ? AND user_id = ? AND role = ?", id, userID, Guest).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return member{}, false, err
	}
	return rows[0], true, nil
}

// MemberStatus is the status of meeting id when userID is one of its members, and whether
// they are.
func (s *Store) MemberStatus(ctx context.Context, id, userID int64) (string, bool, error) {
	var rows []struct{ Status string }
	err := s.db.WithContext(ctx).Table("meeting_members mm").Select("m.status").Joins("JOIN meetings m ON m.id = mm.meeting_id").
		Where("mm.meeting_id = ? AND mm.user_id = ?", id, userID).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return "", false, err
	}
	return rows[0].Status, true, nil
}

// AddMessage inserts a chat line.
func (s *Store) AddMessage(ctx context.Context, msg *Message) error {
	return s.db.WithContext(ctx).Create(msg).Error
}

// RecentMessages returns the last limit lines of meeting id's chat, oldest first.
func (s *Store) RecentMessages(ctx context.Context, id int64, limit int) ([]Message, error) {
	var recent []Message
	if err := s.db.WithContext(ctx).Where("meeting_id = ?", id).Order("id DESC").Limit(limit).Find(&recent).Error; err != nil {
		return nil, err
	}
	out := make([]Message, 0, len(recent))
	for i := len(recent) - 1; i >= 0; i-- {
		out = append(out, recent[i])
	}
	return out, nil
}

// Booth returns the booth's walk-up settings, or def when they were never set.
func (s *Store) Booth(ctx context.Context, def Booth) (Booth, error) {
	b := def
	err := s.db.WithContext(ctx).Where("fair_id = ? AND zone_id = ?", def.FairID, def.ZoneID).Limit(1).Find(&b).Error
	return b, err
}

var boothKey = []clause.Column{{Name: "fair_id"}, {Name: "zone_id"}}

// SaveBooth writes b's settings.
func (s *Store) SaveBooth(ctx context.Context, b *Booth) error {
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: boothKey,
		DoUpdates: clause.AssignmentColumns([]string{"parallel", "minutes", "updated_at"})}).Create(b).Error
}

// LockBooth writes b's row (its current settings unchanged, b's when it has none) and reads
// it back into b: inside a transaction, the write serializes the takes of one booth (a row
// lock on PostgreSQL, the write lock on SQLite).
func (s *Store) LockBooth(ctx context.Context, b *Booth) error {
	g := s.db.WithContext(ctx)
	if err := g.Clauses(clause.OnConflict{Columns: boothKey, DoUpdates: clause.AssignmentColumns([]string{"updated_at"})}).Create(b).Error; err != nil {
		return err
	}
	return g.Where("fair_id = ? AND zone_id = ?", b.FairID, b.ZoneID).Take(b).Error
}

// Active counts the booth's walk-up conversations under way that started after since.
func (s *Store) Active(ctx context.Context, b Booth, since time.Time) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Meeting{}).Where("fair_id = ? AND zone_id = ? AND source = ? AND status = ? AND starts_at > ?",
		b.FairID, b.ZoneID, FromWalkUp, Open, since).Count(&n).Error
	return int(n), err
}

// waiting selects the waiting places of a booth.
func (s *Store) waiting(ctx context.Context, fairID, zoneID int64) *gorm.DB {
	return s.db.WithContext(ctx).Model(&Entry{}).Where("fair_id = ? AND zone_id = ? AND status = ?", fairID, zoneID, "waiting")
}

// Expire lets the booth's places unseen since before go, and reports whether any did.
func (s *Store) Expire(ctx context.Context, fairID, zoneID int64, before, now time.Time) (bool, error) {
	res := s.waiting(ctx, fairID, zoneID).Where("seen_at < ?", before).Updates(map[string]any{"status": "left", "updated_at": now})
	return res.RowsAffected > 0, res.Error
}

// boothID names a booth: a zone's at a fair.
type boothID struct{ FairID, ZoneID int64 }

// StaleBooths lists the booths with waiting places unseen since before.
func (s *Store) StaleBooths(ctx context.Context, before time.Time) ([]boothID, error) {
	var out []boothID
	err := s.db.WithContext(ctx).Model(&Entry{}).Distinct("fair_id", "zone_id").Where("status = ? AND seen_at < ?", "waiting", before).Scan(&out).Error
	return out, err
}

// Waiting lists the booth's waiting places seen since since, in order, up to limit.
func (s *Store) Waiting(ctx context.Context, fairID, zoneID int64, since time.Time, limit int) ([]Entry, error) {
	out := []Entry{}
	err := s.waiting(ctx, fairID, zoneID).Where("seen_at >= ?", since).Order("id").Limit(limit).Find(&out).Error
	return out, err
}

// LatestEntry is userID's latest place in the booth's queue, nil when they never joined.
func (s *Store) LatestEntry(ctx context.Context, fairID, zoneID, userID int64) (*Entry, error) {
	var mine []Entry
	err := s.db.WithContext(ctx).Where("fair_id = ? AND zone_id = ? AND user_id = ?", fairID, zoneID, userID).Order("id DESC").Limit(1).Find(&mine).Error
	if err != nil || len(mine) == 0 {
		return nil, err
	}
	return &mine[0], nil
}

// Enqueue inserts e unless its user already waits at the booth (then e.ID stays 0): the
// partial unique index keeps one waiting place per graduate however often they click.
func (s *Store) Enqueue(ctx context.Context, e *Entry) error {
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(e).Error
}

// SetWaiting writes cols over userID's waiting place at the booth, and reports whether they
// had one.
func (s *Store) SetWaiting(ctx context.Context, fairID, zoneID, userID int64, cols map[string]any) (bool, error) {
	res := s.waiting(ctx, fairID, zoneID).Where("user_id = ?", userID).Updates(cols)
	return res.RowsAffected > 0, res.Error
}

// MarkTaken gives waiting place id to meeting meetingID, and reports whether it was still
// waiting.
func (s *Store) MarkTaken(ctx context.Context, id, meetingID int64, now time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&Entry{}).Where("id = ? AND status = ?", id, "waiting").
		Updates(map[string]any{"status": "taken", "meeting_id": meetingID, "updated_at": now})
	return res.RowsAffected > 0, res.Error
}
