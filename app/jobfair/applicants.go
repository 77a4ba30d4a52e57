// The employer's side of applications: the applicant list, one application in scope, status changes and the graduates' emails.

package jobfair

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"zonefair/app/actor"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"zonefair/app/errs"
	"zonefair/app/notify"
)

// Applicant is an application as its employer sees it, with the graduate's profile.
type Applicant struct {
	Application
	Name           string `json:"name"`
	Email          string `json:"email"`
	School         string `json:"school"`
	MajorName      string `json:"majorName"`
	GraduationYear int    `json:"graduationYear"`
	Skills         string `json:"skills"`
	Languages      string `json:"languages"`
	Phone          string `json:"phone"`
	ContactEmail   string `json:"contactEmail"`
}

// ApplicantQuery filters and sorts an employer's applicants.
type ApplicantQuery struct {
	JobID    int64  `query:"jobId" validate:"gte=0"`
	FairID   int64  `query:"fairId" validate:"gte=0"`
	Status   string `query:"status" validate:"omitempty,oneof=submitted viewed interview offer rejected withdrawn"`
	Major    string `query:"major" validate:"max=40"`
	Degree   string `query:"degree" validate:"omitempty,oneof=associate bachelor master doctorate"`
	Q        string `query:"q" validate:"max=100"`
	Sort     string `query:"sort" validate:"omitempty,oneof=newest oldest name degree status"`
	Page     int    `query:"page" validate:"omitempty,gte=1,lte=100000"`
	PageSize int    `query:"pageSize" validate:"omitempty,gte=1,lte=200"`
}

// ApplicantPage is one page of applicants.
type ApplicantPage struct {
	Items    []Applicant `json:"items"`
	Total    int64       `json:"total"`
	Page     int         `json:"page"`
	PageSize int         `json:"pageSize"`
}

func (s *Store) applicantQuery(ctx context.Context, p *actor.Actor, q ApplicantQuery) *gorm.DB {
	tx := s.db.WithContext(ctx).Table("applications").
		Joins("LEFT JOIN graduate_profiles gp ON gp.user_id = applications.user_id")
	tx = employerScope(tx, p, "applications")
	if q.JobID > 0 {
		tx = tx.Where("applications.job_id = ?", q.JobID)
	}
	if q.FairID > 0 {
		tx = tx.Where("applications.fair_id = ?", q.FairID)
	}
	if q.Status != "" {
		tx = tx.Where("applications.status = ?", q.Status)
	}
	if q.Major != "" {
		tx = tx.Where("applications.major = ?", q.Major)
	}
	if q.Degree != "" {
		tx = tx.Where("applications.degree = ?", q.Degree)
	}
	if text := strings.ToLower(strings.TrimSpace(q.Q)); text != "" {
		// Scoped to one employer's applicants, a substring match over names is small enough.
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(text) + "%"
		tx = tx.Where(`(LOWER((?)) LIKE ? ESCAPE '\' OR LOWER(gp.school) LIKE ? ESCAPE '\')`, s.users.NameOf(applicantID), like, like)
	}
	return tx
}

// Applicants lists the applications p may see, filtered and sorted by q.
func (s *Store) Applicants(ctx context.Context, p *actor.Actor, q ApplicantQuery) (ApplicantPage, error) {
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PageSize == 0 {
		q.PageSize = 50
	}
	out := ApplicantPage{Items: []Applicant{}, Page: q.Page, PageSize: q.PageSize}
	if err := s.applicantQuery(ctx, p, q).Count(&out.Total).Error; err != nil {
		return out, err
	}
	err := s.applicantColumns(s.applicantQuery(ctx, p, q)).Order(s.applicantOrder(q.Sort)).
		Offset((q.Page - 1) * q.PageSize).Limit(q.PageSize).Scan(&out.Items).Error
	if err != nil {
		return out, err
	}
	return out, s.decorateApplicants(ctx, out.Items)
}

func (s *Store) applicantOrder(sort string) any {
	switch sort {
	case "oldest":
		return "applications.id ASC"
	case "name":
		return clause.OrderBy{Expression: clause.Expr{SQL: "(?) ASC, applications.id DESC", Vars: []any{s.users.NameOf(applicantID)}, WithoutParentheses: true}}
	case "degree":
		return "CASE applications.degree WHEN 'doctorate' THEN 0 WHEN 'master' THEN 1 WHEN 'bachelor' THEN 2 ELSE 3 END, applications.id DESC"
	case "status":
		return "CASE applications.status WHEN 'offer' THEN 0 WHEN 'interview' THEN 1 WHEN 'viewed' THEN 2 WHEN 'submitted' THEN 3 WHEN 'rejected' THEN 4 ELSE 5 END, applications.id DESC"
	}
	return "applications.id DESC"
}

// applicantID is the column of an applicant's user id, by which account gives their name and
// e-mail.
var applicantID = clause.Column{Table: "applications", Name: "user_id"}

// applicantColumns selects an applicant's application, name, e-mail and profile.
func (s *Store) applicantColumns(tx *gorm.DB) *gorm.DB {
	return tx.Select("applications.*, (?) AS name, (?) AS email, gp.school AS school, gp.major_name AS major_name, "+
		"gp.graduation_year AS graduation_year, gp.skills AS skills, gp.languages AS languages, gp.phone AS phone, gp.contact_email AS contact_email",
		s.users.NameOf(applicantID), s.users.EmailOf(applicantID))
}

func (s *Store) decorateApplicants(ctx context.Context, items []Applicant) error {
	apps := make([]Application, len(items))
	for i := range items {
		apps[i] = items[i].Application
	}
	if len(apps) == 0 {
		return nil
	}
	if err := s.decorateApps(ctx, apps); err != nil {
		return err
	}
	for i := range items {
		items[i].Application = apps[i]
	}
	return nil
}

// ApplicationDetail is one application with its history; notes are shown to employers only.
type ApplicationDetail struct {
	Applicant
	Events []Event `json:"events"`
}

// scopedApplication loads application id if p may see it: its graduate or its employer.
func (s *Store) scopedApplication(ctx context.Context, p *actor.Actor, id int64) (Applicant, bool, error) {
	var a Applicant
	tx := s.applicantColumns(s.applicantQuery(ctx, &actor.Actor{Role: actor.RoleAdmin}, ApplicantQuery{})).Where("applications.id = ?", id)
	res := tx.Limit(1).Scan(&a)
	if res.Error != nil {
		return a, false, res.Error
	}
	if res.RowsAffected == 0 {
		return a, false, errs.NotFound("application")
	}
	employer := p.Role == actor.RoleAdmin || (p.Role == actor.RoleZoneStaff && p.ZoneID == a.ZoneID) ||
		(p.Role == actor.RoleEnterprise && a.EnterpriseID != nil && *a.EnterpriseID == p.EnterpriseID)
	if !employer && !(p.Role == actor.RoleGraduate && a.UserID == p.UserID) {
		// Someone else's application is not there at all, as far as the caller can tell.
		return a, false, errs.NotFound("application")
	}
	items := []Applicant{a}
	if err := s.decorateApplicants(ctx, items); err != nil {
		return a, false, err
	}
	return items[0], employer, nil
}

// ApplicationFor returns application id as p may see it. An employer opening a submitted
// application marks it viewed.
func (s *Service) ApplicationFor(ctx context.Context, p *actor.Actor, id int64) (ApplicationDetail, error) {
	a, employer, err := s.Store.scopedApplication(ctx, p, id)
	if err != nil {
		return ApplicationDetail{}, err
	}
	if employer && p.Role != actor.RoleAdmin && a.Status == StatusSubmitted {
		if _, err := s.ChangeStatus(ctx, p, []int64{id}, StatusViewed, ""); err != nil && !errors.Is(err, errs.ErrConflict) {
			return ApplicationDetail{}, err
		}
		if a, _, err = s.Store.scopedApplication(ctx, p, id); err != nil {
			return ApplicationDetail{}, err
		}
	}
	d := ApplicationDetail{Applicant: a, Events: []Event{}}
	if err := s.Store.db.WithContext(ctx).Where("application_id = ?", id).Order("id").Find(&d.Events).Error; err != nil {
		return d, err
	}
	if !employer {
		for i := range d.Events {
			d.Events[i].ActorID = 0
		}
		d.Email, d.Phone, d.ContactEmail = "", "", ""
	}
	return d, nil
}

// StatusRequest moves one application; the note goes to the graduate with the notification.
type StatusRequest struct {
	Status string `json:"status" validate:"required,oneof=viewed interview offer rejected"`
	Note   string `json:"note,omitempty" validate:"max=3000,text"`
}

// BulkStatusRequest moves several applications at once, all with the same note; all move or
// none.
type BulkStatusRequest struct {
	IDs    []int64 `json:"ids" validate:"required,min=1,max=500,dive,gte=1"`
	Status string  `json:"status" validate:"required,oneof=viewed interview offer rejected"`
	Note   string  `json:"note,omitempty" validate:"max=3000,text"`
}

// BulkResult lists the applications as they now are.
type BulkResult struct {
	Items []Application `json:"items"`
}

// statusNotice is what the graduate's pages receive when an application changes.
type statusNotice struct {
	Application
}

// ChangeStatus moves the applications ids, all of which p must employ, to status in one
// transaction; then tells each graduate live, in their notifications and by email.
func (s *Service) ChangeStatus(ctx context.Context, p *actor.Actor, ids []int64, status, note string) ([]Application, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var apps []Application
	now := s.now()
	err := s.Store.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := employerScope(tx.Where("id IN ?", ids), p, "applications").Order("id").Find(&apps).Error; err != nil {
			return err
		}
		if len(apps) != len(ids) {
			return errs.NotFound("application")
		}
		for i := range apps {
			a := &apps[i]
			if !slices.Contains(next[a.Status], status) {
				return errs.New(errs.ErrConflict, "application.transition")
			}
			res := tx.Model(&Application{}).Where("id = ? AND status = ?", a.ID, a.Status).Updates(map[string]any{"status": status, "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return errs.New(errs.ErrConflict, "application.changed")
			}
			if err := tx.Create(&Event{ApplicationID: a.ID, FromStatus: a.Status, ToStatus: status, Note: note, ActorID: p.UserID}).Error; err != nil {
				return err
			}
			a.Status, a.UpdatedAt, a.Note = status, now, note
		}
		if err := s.Store.decorateAppsTx(tx, apps); err != nil {
			return err
		}
		if s.Notify == nil {
			return nil
		}
		for _, a := range apps {
			if _, err := s.Notify.Add(tx, a.UserID, "application.updated", statusNotice{a}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.Notify == nil {
		return apps, nil
	}
	for _, a := range apps {
		s.Notify.Publish(ctx, a.UserID, "application.updated", statusNotice{a})
	}
	s.emailGraduates(ctx, apps)
	return apps, nil
}

// decorateAppsTx is decorateApps inside a transaction (SQLite has one connection per writer).
func (s *Store) decorateAppsTx(tx *gorm.DB, apps []Application) error {
	return s.inTx(tx).decorateApps(tx.Statement.Context, apps)
}

// emailGraduates emails each graduate what their application.updated notification says.
func (s *Service) emailGraduates(ctx context.Context, apps []Application) {
	if s.Notify == nil || len(apps) == 0 {
		return
	}
	ids := make([]int64, len(apps))
	for i, a := range apps {
		ids[i] = a.UserID
	}
	users, err := s.Store.users.ByIDs(ctx, distinct(ids))
	if err != nil {
		return
	}
	at := map[int64]int{}
	for i, u := range users {
		at[u.ID] = i
	}
	for _, a := range apps {
		i, ok := at[a.UserID]
		if !ok {
			continue
		}
		raw, err := json.Marshal(statusNotice{a})
		if err != nil {
			continue
		}
		if m, ok := notify.Render("application.updated", raw); ok {
			s.Notify.Email(ctx, m.Mail(users[i].Email, users[i].Locale, s.BaseURL))
		}
	}
}
