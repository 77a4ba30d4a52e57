// Job postings over HTTP: search, a job's page, and the jobs an employer posts and edits.

package jobfair

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/web"
)

func (h *Handlers) search(c *fiber.Ctx) error {
	var q Query
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	body, err := h.store().SearchPage(c.UserContext(), q, h.Service.now())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	// body may be a kept page: the response must not write into it.
	c.Response().SetBodyRaw(body)
	return nil
}

func (h *Handlers) job(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "job")
	if err != nil {
		return err
	}
	ctx, now := c.UserContext(), h.Service.now()
	j, err := h.store().Job(ctx, id, now)
	if err != nil {
		return err
	}
	if j.Status == JobDraft && !managesJob(web.CurrentPrincipal(c).Caller(), &j) {
		return errs.NotFound("job")
	}
	h.store().views.record(now, j.FairID, j.ZoneID, j.ID, visitor(c))
	return c.JSON(j)
}

// applyInput checks in against the caller's rights and fills j from it.
func (h *Handlers) applyInput(c *fiber.Ctx, in JobInput, j *Job) error {
	if err := in.check(); err != nil {
		return err
	}
	p := web.CurrentPrincipal(c)
	ctx := c.UserContext()
	switch p.Role {
	case web.RoleZoneStaff:
		if in.ZoneID != 0 && in.ZoneID != p.ZoneID {
			return errs.Forbidden()
		}
		in.ZoneID = p.ZoneID
	case web.RoleEnterprise:
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
	zone, err := h.store().postingZone(ctx, in.ZoneID)
	if err != nil {
		return err
	}
	ok, err := h.store().inFair(ctx, in.FairID, in.ZoneID)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Invalid("fairId", "field.fair_zone")
	}
	if in.EnterpriseID != nil {
		if err := h.store().enterpriseOf(ctx, *in.EnterpriseID, in.ZoneID); err != nil {
			return err
		}
	}
	if j.Status == JobPublished && in.Status == JobDraft {
		return errs.New(errs.ErrConflict, "job.unpublish")
	}
	if strings.TrimSpace(in.CityZh) == "" && strings.TrimSpace(in.CityEn) == "" {
		in.CityZh, in.CityEn = zone.CityZh, zone.CityEn
	}
	j.FairID, j.ZoneID, j.EnterpriseID = in.FairID, in.ZoneID, in.EnterpriseID
	j.Title, j.TitleEn, j.CityZh, j.CityEn = trimmed(in.Title), trimmed(in.TitleEn), trimmed(in.CityZh), trimmed(in.CityEn)
	j.Province, j.Region, j.Category, j.Majors, j.Degree = zone.Province, zone.Region, in.Category, in.Majors, in.Degree
	j.SalaryMin, j.SalaryMax, j.Headcount, j.Deadline = in.SalaryMin, in.SalaryMax, in.Headcount, in.Deadline
	j.Description, j.Languages, j.Status = in.Description, trimmed(in.Languages), in.Status
	return nil
}

func (h *Handlers) createJob(c *fiber.Ctx) error {
	var in JobInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	j := Job{CreatedBy: web.CurrentPrincipal(c).UserID}
	if err := h.applyInput(c, in, &j); err != nil {
		return err
	}
	if err := h.store().SaveJob(c.UserContext(), &j); err != nil {
		return err
	}
	out, err := h.store().Job(c.UserContext(), j.ID, h.Service.now())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) updateJob(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "job")
	if err != nil {
		return err
	}
	ctx, now := c.UserContext(), h.Service.now()
	j, err := h.store().Job(ctx, id, now)
	if err != nil {
		return err
	}
	if !managesJob(web.CurrentPrincipal(c).Caller(), &j) {
		return errs.Forbidden()
	}
	var in JobInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.applyInput(c, in, &j); err != nil {
		return err
	}
	if err := h.store().SaveJob(ctx, &j); err != nil {
		return err
	}
	out, err := h.store().Job(ctx, id, now)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) employerJobs(c *fiber.Ctx) error {
	var q EmployerJobQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	page, err := h.store().EmployerJobs(c.UserContext(), web.CurrentPrincipal(c).Caller(), q, h.Service.now())
	if err != nil {
		return err
	}
	return c.JSON(page)
}
