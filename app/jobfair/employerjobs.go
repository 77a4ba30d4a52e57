// The jobs an employer sees (its own, or its zone's and enterprises' for zone staff, filtered
// and paged), posts and edits.

package jobfair

import (
	"context"
	"time"

	"gorm.io/gorm"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// managesJob reports whether p may edit j and see its applicants: admins, the zone's staff,
// and the staff of the job's enterprise.
func managesJob(p *actor.Actor, j *Job) bool {
	if p == nil {
		return false
	}
	if p.ManagesZone(j.ZoneID) {
		return true
	}
	return p.Role == actor.RoleEnterprise && j.EnterpriseID != nil && *j.EnterpriseID == p.EnterpriseID
}

// PostJob creates the job in says, posted by p, and returns it as it is read back.
func (s *Service) PostJob(ctx context.Context, p *actor.Actor, in JobInput) (Job, error) {
	if p == nil || (p.Role != actor.RoleAdmin && p.Role != actor.RoleZoneStaff && p.Role != actor.RoleEnterprise) {
		return Job{}, errs.Forbidden()
	}
	j := Job{CreatedBy: p.UserID}
	return s.saveJob(ctx, p, &j, in)
}

// ManagedJob reads job id for p to edit: not found, or forbidden when p does not manage it.
func (s *Service) ManagedJob(ctx context.Context, p *actor.Actor, id int64) (Job, error) {
	j, err := s.Store.Job(ctx, id, s.now())
	if err != nil {
		return Job{}, err
	}
	if !managesJob(p, &j) {
		return Job{}, errs.Forbidden()
	}
	return j, nil
}

// EditJob changes j (read by ManagedJob) to what in says and returns it as it is read back.
func (s *Service) EditJob(ctx context.Context, p *actor.Actor, j Job, in JobInput) (Job, error) {
	if !managesJob(p, &j) {
		return Job{}, errs.Forbidden()
	}
	return s.saveJob(ctx, p, &j, in)
}

// saveJob fills j from in, checked against p's rights, saves it and reads it back.
func (s *Service) saveJob(ctx context.Context, p *actor.Actor, j *Job, in JobInput) (Job, error) {
	if err := s.fillJob(ctx, p, in, j); err != nil {
		return Job{}, err
	}
	if err := s.Store.SaveJob(ctx, j); err != nil {
		return Job{}, err
	}
	return s.Store.Job(ctx, j.ID, s.now())
}

// fillJob checks in against p's rights and fills j from it. Zone and enterprise staff post in
// their own zone (and enterprise); a job keeps its zone and fair; a published job is not put
// back into draft.
func (s *Service) fillJob(ctx context.Context, p *actor.Actor, in JobInput, j *Job) error {
	if err := in.check(); err != nil {
		return err
	}
	switch p.Role {
	case actor.RoleZoneStaff:
		if in.ZoneID != 0 && in.ZoneID != p.ZoneID {
			return errs.Forbidden()
		}
		in.ZoneID = p.ZoneID
	case actor.RoleEnterprise:
		if (in.ZoneID != 0 && in.ZoneID != p.ZoneID) || (in.EnterpriseID != nil && *in.EnterpriseID != p.EnterpriseID) {
			return errs.Forbidden()
		}
		in.ZoneID, in.EnterpriseID = p.ZoneID, &p.EnterpriseID
	}
	if in.ZoneID == 0 {
		return errs.Invalid("zoneId", "field.required")
	}
	if j.ID != 0 && (j.ZoneID != in.ZoneID || j.FairID != in.FairID) {
		return errs.Invalid("zoneId", "field.job_move")
	}
	zone, err := s.Store.postingZone(ctx, in.ZoneID)
	if err != nil {
		return err
	}
	ok, err := s.Store.inFair(ctx, in.FairID, in.ZoneID)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Invalid("fairId", "field.fair_zone")
	}
	if in.EnterpriseID != nil {
		if err := s.Store.enterpriseOf(ctx, *in.EnterpriseID, in.ZoneID); err != nil {
			return err
		}
	}
	if j.Status == JobPublished && in.Status == JobDraft {
		return errs.New(errs.ErrConflict, "job.unpublish")
	}
	if trimmed(in.CityZh) == "" && trimmed(in.CityEn) == "" {
		in.CityZh, in.CityEn = zone.CityZh, zone.CityEn
	}
	j.FairID, j.ZoneID, j.EnterpriseID = in.FairID, in.ZoneID, in.EnterpriseID
	j.Title, j.TitleEn, j.CityZh, j.CityEn = trimmed(in.Title), trimmed(in.TitleEn), trimmed(in.CityZh), trimmed(in.CityEn)
	j.Province, j.Region, j.Category, j.Majors, j.Degree = zone.Province, zone.Region, in.Category, in.Majors, in.Degree
	j.SalaryMin, j.SalaryMax, j.Headcount, j.Deadline = in.SalaryMin, in.SalaryMax, in.Headcount, in.Deadline
	j.Description, j.Languages, j.Status = in.Description, trimmed(in.Languages), in.Status
	return nil
}

// EmployerJobQuery lists the jobs the caller manages.
type EmployerJobQuery struct {
	FairID   int64  `query:"fairId" validate:"gte=0"`
	Status   string `query:"status" validate:"omitempty,oneof=draft published closed"`
	Page     int    `query:"page" validate:"omitempty,gte=1,lte=100000"`
	PageSize int    `query:"pageSize" validate:"omitempty,gte=1,lte=100"`
}

// JobPage is one page of jobs.
type JobPage struct {
	Items    []Job `json:"items"`
	Total    int64 `json:"total"`
	Page     int   `json:"page"`
	PageSize int   `json:"pageSize"`
}

// employerScope narrows a query on a table with zone_id and enterprise_id to what p manages.
func employerScope(tx *gorm.DB, p *actor.Actor, table string) *gorm.DB {
	switch p.Role {
	case actor.RoleAdmin:
		return tx
	case actor.RoleZoneStaff:
		return tx.Where(table+".zone_id = ?", p.ZoneID)
	case actor.RoleEnterprise:
		return tx.Where(table+".enterprise_id = ?", p.EnterpriseID)
	}
	return tx.Where("1 = 0")
}

// EmployerJobs lists the jobs p manages, newest first, with their application counts.
func (s *Store) EmployerJobs(ctx context.Context, p *actor.Actor, q EmployerJobQuery, now time.Time) (JobPage, error) {
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PageSize == 0 {
		q.PageSize = 20
	}
	out := JobPage{Page: q.Page, PageSize: q.PageSize, Items: []Job{}}
	tx := employerScope(s.db.WithContext(ctx).Model(&Job{}), p, "jobs")
	if q.FairID > 0 {
		tx = tx.Where("fair_id = ?", q.FairID)
	}
	if q.Status != "" {
		tx = tx.Where("status = ?", q.Status)
	}
	if err := tx.Count(&out.Total).Error; err != nil {
		return out, err
	}
	var ids []int64
	if err := tx.Order("id DESC").Offset((q.Page-1)*q.PageSize).Limit(q.PageSize).Pluck("id", &ids).Error; err != nil {
		return out, err
	}
	jobs, err := s.jobsByID(ctx, ids, now)
	if err != nil {
		return out, err
	}
	var counts []struct {
		JobID int64
		N     int64
	}
	if len(ids) > 0 {
		if err := s.db.WithContext(ctx).Table("applications").Select("job_id, COUNT(*) AS n").Where("job_id IN ?", ids).Group("job_id").Scan(&counts).Error; err != nil {
			return out, err
		}
	}
	n := map[int64]int64{}
	for _, c := range counts {
		n[c.JobID] = c.N
	}
	for i := range jobs {
		c := n[jobs[i].ID]
		jobs[i].Applications = &c
	}
	out.Items = jobs
	return out, nil
}
