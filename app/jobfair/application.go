package jobfair

import (
	"context"
	"errors"
	"slices"
	"time"

	"zonefair/app/db"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"zonefair/app/errs"
)

// The states of an application.
const (
	StatusSubmitted = "submitted"
	StatusViewed    = "viewed"
	StatusInterview = "interview"
	StatusOffer     = "offer"
	StatusRejected  = "rejected"
	StatusWithdrawn = "withdrawn"
)

// Statuses lists the pipeline in order.
var Statuses = []string{StatusSubmitted, StatusViewed, StatusInterview, StatusOffer, StatusRejected, StatusWithdrawn}

// next lists where an employer may move an application from each state; the pipeline only
// goes forward, and offers, rejections and withdrawals are final.
var next = map[string][]string{
	StatusSubmitted: {StatusViewed, StatusInterview, StatusOffer, StatusRejected},
	StatusViewed:    {StatusInterview, StatusOffer, StatusRejected},
	StatusInterview: {StatusOffer, StatusRejected},
}

// Application is a graduate's application to a job.
type Application struct {
	ID           int64     `json:"id"`
	JobID        int64     `json:"jobId"`
	UserID       int64     `json:"userId"`
	FairID       int64     `json:"fairId"`
	ZoneID       int64     `json:"zoneId"`
	EnterpriseID *int64    `json:"enterpriseId"`
	Status       string    `json:"status" enum:"submitted,viewed,interview,offer,rejected,withdrawn"`
	CoverNote    string    `json:"coverNote"`
	ResumePath   string    `json:"-"`
	ResumeName   string    `json:"resumeName"`
	Major        string    `json:"major"`
	Degree       string    `json:"degree"`
	Day          string    `json:"-"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`

	HasResume  bool   `json:"hasResume" gorm:"-"`
	JobTitle   string `json:"jobTitle" gorm:"-"`
	JobTitleEn string `json:"jobTitleEn" gorm:"-"`
	EmployerZh string `json:"employerZh" gorm:"-"`
	EmployerEn string `json:"employerEn" gorm:"-"`
	// Note is what the employer wrote to the graduate with the latest move (e.g. an interview's
	// time and place).
	Note string `json:"note" gorm:"-"`
}

// TableName is the applications table.
func (Application) TableName() string { return "applications" }

// Event is one step of an application's history, with the employer's note to the graduate.
type Event struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"-"`
	FromStatus    string    `json:"from"`
	ToStatus      string    `json:"to"`
	Note          string    `json:"note"`
	ActorID       int64     `json:"actorId"`
	CreatedAt     time.Time `json:"createdAt"`
}

// TableName is the application_events table.
func (Event) TableName() string { return "application_events" }

// ApplyRequest is a one-click application with an optional cover note.
type ApplyRequest struct {
	CoverNote string `json:"coverNote,omitempty" validate:"max=3000,text"`
}

// Apply files userID's application to jobID. Applying again returns the same application
// (created reports whether it is new); a withdrawn one is submitted again. The unique key on
// (job, user) makes concurrent clicks end in one row.
func (s *Service) Apply(ctx context.Context, userID, jobID int64, note string) (app Application, created bool, err error) {
	now := s.now()
	job, err := s.Store.Job(ctx, jobID, now)
	if err != nil {
		return app, false, err
	}
	if job.Status != JobPublished {
		if job.Status == JobDraft {
			return app, false, errs.NotFound("job")
		}
		return app, false, errs.New(errs.ErrConflict, "application.job_closed")
	}
	if job.Deadline < Today(now) {
		return app, false, errs.New(errs.ErrConflict, "application.deadline_passed")
	}
	if !job.Open {
		return app, false, errs.New(errs.ErrConflict, "application.fair_closed")
	}
	app = Application{JobID: job.ID, UserID: userID, FairID: job.FairID, ZoneID: job.ZoneID, EnterpriseID: job.EnterpriseID,
		Status: StatusSubmitted, CoverNote: note, Day: Today(now)}
	if s.Store.db.Dialector.Name() == "postgres" {
		// A first application, the usual case, is one statement that also copies the
		// profile, instead of a read and a transaction of four; anything else (no profile,
		// applied before) takes the way below.
		if created, err = s.Store.insertFirstApplication(ctx, &app); err != nil {
			return app, false, err
		}
		if created {
			app.fill(job)
			return app, true, nil
		}
	}
	prof, err := s.Store.Profile(ctx, userID)
	if errors.Is(err, errs.ErrNotFound) {
		return app, false, errs.New(errs.ErrConflict, "application.no_profile")
	} else if err != nil {
		return app, false, err
	}
	app.ResumePath, app.ResumeName, app.Major, app.Degree = prof.ResumePath, prof.ResumeName, prof.Major, prof.Degree
	err = s.Store.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&app)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			created = true
			return tx.Create(&Event{ApplicationID: app.ID, FromStatus: "", ToStatus: StatusSubmitted, ActorID: userID}).Error
		}
		if err := tx.Where("job_id = ? AND user_id = ?", jobID, userID).First(&app).Error; err != nil {
			return err
		}
		if app.Status != StatusWithdrawn {
			return nil
		}
		res = tx.Model(&Application{}).Where("id = ? AND status = ?", app.ID, StatusWithdrawn).Updates(map[string]any{
			"status": StatusSubmitted, "cover_note": note, "resume_path": prof.ResumePath, "resume_name": prof.ResumeName, "updated_at": now,
		})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		app.Status, app.CoverNote, app.ResumePath, app.ResumeName = StatusSubmitted, note, prof.ResumePath, prof.ResumeName
		return tx.Create(&Event{ApplicationID: app.ID, FromStatus: StatusWithdrawn, ToStatus: StatusSubmitted, ActorID: userID}).Error
	})
	if err != nil {
		return app, false, err
	}
	app.fill(job)
	return app, created, nil
}

// insertFirstApplication stores app, with the resume, major and degree of its graduate's
// profile, and its "submitted" event in one PostgreSQL statement (atomic as the transaction in
// Apply is), unless the graduate already applied to the job or has no profile; it reports
// whether it did.
func (s *Store) insertFirstApplication(ctx context.Context, app *Application) (bool, error) {
	now := s.db.NowFunc()
	rows, err := s.db.WithContext(ctx).Raw(`WITH a AS (
	INSERT INTO applications (job_id, user_id, fair_id, zone_id, enterprise_id, status, cover_note, resume_path, resume_name, major, degree, day, created_at, updated_at)
	SELECT ?, p.user_id, ?, ?, ?, ?, ?, p.resume_path, p.resume_name, p.major, p.degree, ?, ?, ?
	FROM graduate_profiles p WHERE p.user_id = ?
	ON CONFLICT (job_id, user_id) DO NOTHING
	RETURNING id, resume_path, resume_name, major, degree
), e AS (
	INSERT INTO application_events (application_id, from_status, to_status, note, actor_id, created_at)
	SELECT id, '', ?, '', ?, ? FROM a
)
SELECT id, resume_path, resume_name, major, degree FROM a`,
		app.JobID, app.FairID, app.ZoneID, app.EnterpriseID, app.Status, app.CoverNote, app.Day, now, now, app.UserID,
		StatusSubmitted, app.UserID, now).Rows()
	if err != nil {
		return false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return false, rows.Err()
	}
	if err := rows.Scan(&app.ID, &app.ResumePath, &app.ResumeName, &app.Major, &app.Degree); err != nil {
		return false, err
	}
	app.CreatedAt, app.UpdatedAt = now, now
	return true, rows.Close()
}

func (a *Application) fill(j Job) {
	a.HasResume = a.ResumePath != ""
	a.JobTitle, a.JobTitleEn, a.EmployerZh, a.EmployerEn = j.Title, j.TitleEn, j.EmployerZh, j.EmployerEn
}

// Withdraw takes back userID's application id; possible until an offer or rejection.
func (s *Service) Withdraw(ctx context.Context, userID, id int64) (Application, error) {
	var app Application
	err := s.Store.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("id = ? AND user_id = ?", id, userID).First(&app).Error; err != nil {
			return db.NotFound(err, "application")
		}
		if app.Status == StatusWithdrawn {
			return nil
		}
		if app.Status == StatusOffer || app.Status == StatusRejected {
			return errs.New(errs.ErrConflict, "application.final")
		}
		res := tx.Model(&Application{}).Where("id = ? AND status = ?", id, app.Status).Updates(map[string]any{"status": StatusWithdrawn, "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.ErrConflict, "application.changed")
		}
		from := app.Status
		app.Status = StatusWithdrawn
		return tx.Create(&Event{ApplicationID: id, FromStatus: from, ToStatus: StatusWithdrawn, ActorID: userID}).Error
	})
	if err != nil {
		return app, err
	}
	apps := []Application{app}
	if err := s.Store.decorateApps(ctx, apps); err != nil {
		return app, err
	}
	return apps[0], nil
}

// decorateApps fills job titles and employer names.
func (s *Store) decorateApps(ctx context.Context, apps []Application) error {
	ids := make([]int64, 0, len(apps))
	for _, a := range apps {
		ids = append(ids, a.JobID)
	}
	jobs, err := s.jobsByID(ctx, slices.Compact(slices.Sorted(slices.Values(ids))), time.Now())
	if err != nil {
		return err
	}
	at := map[int64]Job{}
	for _, j := range jobs {
		at[j.ID] = j
	}
	for i := range apps {
		apps[i].fill(at[apps[i].JobID])
	}
	return nil
}

// Mine lists userID's applications, newest first.
func (s *Store) Mine(ctx context.Context, userID int64) ([]Application, error) {
	apps := []Application{}
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id DESC").Limit(500).Find(&apps).Error; err != nil {
		return nil, err
	}
	if err := s.decorateApps(ctx, apps); err != nil {
		return nil, err
	}
	return apps, s.latestNotes(ctx, apps)
}

// latestNotes fills in each application's note: that of its latest move.
func (s *Store) latestNotes(ctx context.Context, apps []Application) error {
	if len(apps) == 0 {
		return nil
	}
	ids := make([]int64, len(apps))
	for i, a := range apps {
		ids[i] = a.ID
	}
	var rows []struct {
		ApplicationID int64
		Note          string
	}
	latest := s.db.Model(&Event{}).Select("MAX(id)").Where("application_id IN ?", ids).Group("application_id")
	if err := s.db.WithContext(ctx).Model(&Event{}).Select("application_id, note").Where("id IN (?)", latest).Scan(&rows).Error; err != nil {
		return err
	}
	notes := make(map[int64]string, len(rows))
	for _, r := range rows {
		notes[r.ApplicationID] = r.Note
	}
	for i := range apps {
		apps[i].Note = notes[apps[i].ID]
	}
	return nil
}
