// The jobs an employer sees: its own, or its zone's and enterprises' for zone staff, filtered and paged.

package jobfair

import (
	"context"
	"time"

	"zonefair/app/actor"

	"gorm.io/gorm"
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
