package briefing

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db"
	"zonefair/app/errs"
)

// Store reads and writes briefings with their zones, projects, invitations and
// registrations, and their rooms' records: slide turns, chat, questions and votes, polls and
// votes, moderation and attendance.
type Store struct{ db *gorm.DB }

// NewStore returns a Store on g.
func NewStore(g *gorm.DB) *Store { return &Store{db: g} }

// Transaction runs f in one transaction, with a Store on it; the use case's other writes that
// belong to the same change (notifications) go through tx.db.
func (s *Store) Transaction(ctx context.Context, f func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(g *gorm.DB) error { return f(&Store{db: g}) })
}

// first reads into dst the row of where, a 404 naming what when there is none.
func (s *Store) first(ctx context.Context, dst any, what string, where string, args ...any) error {
	err := s.db.WithContext(ctx).Where(where, args...).First(dst).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return missing(what)
	}
	return err
}

// Briefing returns briefing id as stored, without its zones and projects.
func (s *Store) Briefing(ctx context.Context, id int64) (Briefing, error) {
	var b Briefing
	return b, s.first(ctx, &b, "briefing", "id = ?", id)
}

// Links returns the hosting zones and presented projects of the briefings among ids, each by
// zone or project id.
func (s *Store) Links(ctx context.Context, ids []int64) ([]briefingZone, []briefingProject, error) {
	var zs []briefingZone
	if err := s.db.WithContext(ctx).Where("briefing_id IN ?", ids).Order("zone_id").Find(&zs).Error; err != nil {
		return nil, nil, err
	}
	var ps []briefingProject
	err := s.db.WithContext(ctx).Where("briefing_id IN ?", ids).Order("project_id").Find(&ps).Error
	return zs, ps, err
}

// CreateBriefing inserts b.
func (s *Store) CreateBriefing(ctx context.Context, b *Briefing) error {
	return s.db.WithContext(ctx).Create(b).Error
}

// UpdateBriefing writes the schedule and settings of b over briefing id; a new start time
// clears the reminder sent, so that registrants are reminded again.
func (s *Store) UpdateBriefing(ctx context.Context, id int64, b Briefing, newStart bool) error {
	g := s.db.WithContext(ctx)
	if err := g.Model(&Briefing{}).Where("id = ?", id).Updates(map[string]any{
		"title_zh": b.TitleZh, "title_en": b.TitleEn, "agenda_zh": b.AgendaZh, "agenda_en": b.AgendaEn,
		"starts_at": b.StartsAt, "ends_at": b.EndsAt, "visibility": b.Visibility, "capacity": b.Capacity,
		"stream_url": b.StreamURL, "recording_url": b.RecordingURL, "presenters": b.RawPresenter,
		"questions": b.RawQuestions,
	}).Error; err != nil {
		return err
	}
	if newStart {
		return g.Model(&Briefing{}).Where("id = ?", id).Update("reminder_sent", nil).Error
	}
	return nil
}

// SetLinks replaces the hosting zones and presented projects of briefing id.
func (s *Store) SetLinks(ctx context.Context, id int64, zones, projects []int64) error {
	tx := s.db.WithContext(ctx)
	if err := tx.Where("briefing_id = ?", id).Delete(&briefingZone{}).Error; err != nil {
		return err
	}
	if err := tx.Where("briefing_id = ?", id).Delete(&briefingProject{}).Error; err != nil {
		return err
	}
	for _, z := range zones {
		if err := tx.Create(&briefingZone{BriefingID: id, ZoneID: z}).Error; err != nil {
			return err
		}
	}
	for _, p := range projects {
		if err := tx.Create(&briefingProject{BriefingID: id, ProjectID: p}).Error; err != nil {
			return err
		}
	}
	return nil
}

// update sets cols on briefing id.
func (s *Store) update(ctx context.Context, id int64, cols map[string]any) error {
	return s.db.WithContext(ctx).Model(&Briefing{}).Where("id = ?", id).Updates(cols).Error
}

// SetSlides records the deck of briefing id and puts its room on the first page.
func (s *Store) SetSlides(ctx context.Context, id int64, path, name string, pages int) error {
	return s.update(ctx, id, map[string]any{"slides_path": path, "slides_name": name, "slides_pages": pages, "page": 1})
}

// SetRecording sets the recording link of briefing id.
func (s *Store) SetRecording(ctx context.Context, id int64, link string) error {
	return s.db.WithContext(ctx).Model(&Briefing{}).Where("id = ?", id).Update("recording_url", link).Error
}

// Viewer is who lists briefings, for the invite-only ones: Anonymous sees none, All sees
// every one, anyone else those they created, were invited to (by Email), registered for, or
// that their zone hosts.
type Viewer struct {
	Anonymous bool
	All       bool
	UserID    int64
	ZoneID    int64
	Email     string
}

// List returns the briefings matching q that v may see, in the order of q's phase (see
// Service.List), without their zones and projects.
func (s *Store) List(ctx context.Context, q ListQuery, now time.Time, v Viewer) ([]Briefing, error) {
	tx := s.db.WithContext(ctx).Model(&Briefing{})
	switch q.Phase {
	case Upcoming:
		tx = tx.Where("ended_at IS NULL AND started_at IS NULL AND ends_at > ?", now).Order("starts_at")
	case Live:
		tx = tx.Where("ended_at IS NULL AND started_at IS NOT NULL AND ends_at > ?", now.Add(-maxOverrun)).Order("starts_at")
	case Ended:
		tx = tx.Where("ended_at IS NOT NULL OR (started_at IS NULL AND ends_at <= ?) OR ends_at <= ?", now, now.Add(-maxOverrun)).Order("starts_at DESC")
	default:
		tx = tx.Order("starts_at DESC")
	}
	if q.ZoneID > 0 {
		tx = tx.Where("id IN (?)", s.db.Model(&briefingZone{}).Select("briefing_id").Where("zone_id = ?", q.ZoneID))
	}
	if t := strings.ToLower(strings.TrimSpace(q.Q)); t != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(t) + "%"
		tx = tx.Where(`LOWER(title_zh) LIKE ? ESCAPE '\' OR LOWER(title_en) LIKE ? ESCAPE '\'`, like, like)
	}
	if v.Anonymous {
		tx = tx.Where("visibility <> ?", InviteOnly)
	} else if !v.All {
		tx = tx.Where("visibility <> ? OR created_by = ? OR id IN (?) OR id IN (?) OR id IN (?)", InviteOnly, v.UserID,
			s.db.Model(&invite{}).Select("briefing_id").Where("email = ?", v.Email),
			s.db.Model(&Registration{}).Select("briefing_id").Where("user_id = ?", v.UserID),
			s.db.Model(&briefingZone{}).Select("briefing_id").Where("zone_id = ?", v.ZoneID))
	}
	out := []Briefing{}
	err := tx.Limit(q.Limit).Find(&out).Error
	return out, err
}

// Transition sets column col (started_at or ended_at) of briefing id to now unless it is set
// or the briefing ended; it reports whether it did.
func (s *Store) Transition(ctx context.Context, id int64, col string, now time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&Briefing{}).Where("id = ? AND "+col+" IS NULL AND ended_at IS NULL", id).Update(col, now)
	return res.RowsAffected > 0, res.Error
}

// DueReminders lists the briefings not ended, not yet reminded, starting after now and by until.
func (s *Store) DueReminders(ctx context.Context, now, until time.Time) ([]Briefing, error) {
	var due []Briefing
	err := s.db.WithContext(ctx).Where("reminder_sent IS NULL AND ended_at IS NULL AND starts_at > ? AND starts_at <= ?", now, until).
		Find(&due).Error
	return due, err
}

// ClaimReminder marks briefing id reminded at now; it reports false when another instance
// claimed it first.
func (s *Store) ClaimReminder(ctx context.Context, id int64, now time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&Briefing{}).Where("id = ? AND reminder_sent IS NULL", id).Update("reminder_sent", now)
	return res.RowsAffected > 0, res.Error
}

// LockBriefing touches briefing id's row, which serialises the transactions that do so on it.
func (s *Store) LockBriefing(ctx context.Context, id int64) error {
	return s.db.WithContext(ctx).Model(&Briefing{}).Where("id = ?", id).Update("updated_at", gorm.Expr("updated_at")).Error
}

// count counts the rows of model's table matching where.
func (s *Store) count(ctx context.Context, model any, where string, args ...any) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(model).Where(where, args...).Count(&n).Error
	return n, err
}

// Registered reports whether userID registered for briefing id.
func (s *Store) Registered(ctx context.Context, id, userID int64) (bool, error) {
	n, err := s.count(ctx, &Registration{}, "briefing_id = ? AND user_id = ?", id, userID)
	return n > 0, err
}

// Registrations counts the registrations of briefing id.
func (s *Store) Registrations(ctx context.Context, id int64) (int64, error) {
	return s.count(ctx, &Registration{}, "briefing_id = ?", id)
}

// Registrants lists the ids of the users registered for briefing id.
func (s *Store) Registrants(ctx context.Context, id int64) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&Registration{}).Where("briefing_id = ?", id).Pluck("user_id", &ids).Error
	return ids, err
}

// RegistrationsOf lists the registrations of briefing id with their answers.
func (s *Store) RegistrationsOf(ctx context.Context, id int64) ([]Registration, error) {
	var regs []Registration
	err := s.db.WithContext(ctx).Where("briefing_id = ?", id).Find(&regs).Error
	return regs, err
}

// Register inserts r; a second registration of the same user is a conflict.
func (s *Store) Register(ctx context.Context, r *Registration) error {
	err := s.db.WithContext(ctx).Create(r).Error
	if db.IsUniqueViolation(err) {
		return errs.New(errs.ErrConflict, "briefing.already_registered")
	}
	return err
}

// Unregister removes userID's registration for briefing id (a 404 when there is none).
func (s *Store) Unregister(ctx context.Context, id, userID int64) error {
	res := s.db.WithContext(ctx).Where("briefing_id = ? AND user_id = ?", id, userID).Delete(&Registration{})
	if res.Error == nil && res.RowsAffected == 0 {
		return missing("registration")
	}
	return res.Error
}

// Invited reports whether email is invited to briefing id.
func (s *Store) Invited(ctx context.Context, id int64, email string) (bool, error) {
	n, err := s.count(ctx, &invite{}, "briefing_id = ? AND email = ?", id, email)
	return n > 0, err
}

// Invite adds the emails (normalised) not yet invited to briefing id's invitations.
func (s *Store) Invite(ctx context.Context, id int64, emails []string, now time.Time) error {
	return s.Transaction(ctx, func(st *Store) error {
		for _, email := range emails {
			ok, err := st.Invited(ctx, id, email)
			if err != nil {
				return err
			}
			if !ok {
				if err := st.db.Create(&invite{BriefingID: id, Email: email, CreatedAt: now}).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
}
