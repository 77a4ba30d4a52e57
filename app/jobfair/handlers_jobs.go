// Job postings over HTTP: search, a job's page, and the jobs an employer posts and edits.

package jobfair

import (
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

func (h *Handlers) createJob(c *fiber.Ctx) error {
	var in JobInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.Service.PostJob(c.UserContext(), web.CurrentPrincipal(c).Caller(), in)
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
	ctx, who := c.UserContext(), web.CurrentPrincipal(c).Caller()
	// Who may edit the job is settled before what they send is read.
	j, err := h.Service.ManagedJob(ctx, who, id)
	if err != nil {
		return err
	}
	var in JobInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.Service.EditJob(ctx, who, j, in)
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
