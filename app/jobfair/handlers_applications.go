// Graduates' profiles, résumés and applications over HTTP, and the employer's side of them: status
// changes, the applicant list and its export, and each application's conversation.

package jobfair

import (
	"bytes"
	"errors"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/web"
)

// profile answers a graduate without a profile with an empty one (saved false), not 404: a
// first visit to the profile page is no error.
func (h *Handlers) profile(c *fiber.Ctx) error {
	p, err := h.store().Profile(c.UserContext(), web.CurrentPrincipal(c).UserID)
	if err != nil && !errors.Is(err, errs.ErrNotFound) {
		return err
	}
	return c.JSON(p)
}

func (h *Handlers) saveProfile(c *fiber.Ctx) error {
	var in ProfileInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	p, err := h.store().SaveProfile(c.UserContext(), web.CurrentPrincipal(c).UserID, in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *Handlers) uploadResume(c *fiber.Ctx) error {
	name, body, err := web.FormFile(c, MaxResumeBytes)
	if err != nil {
		return err
	}
	p, err := h.Service.SaveResume(c.UserContext(), web.CurrentPrincipal(c).UserID, name, body)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func sendPDF(c *fiber.Ctx, name string, body []byte) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, web.ContentDisposition("attachment", name))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(body)
}

func (h *Handlers) myResume(c *fiber.Ctx) error {
	p, err := h.store().Profile(c.UserContext(), web.CurrentPrincipal(c).UserID)
	if err != nil {
		return err
	}
	body, err := h.Service.ReadResume(p.ResumePath)
	if err != nil {
		return err
	}
	return sendPDF(c, p.ResumeName, body)
}

func (h *Handlers) deleteResume(c *fiber.Ctx) error {
	if err := h.Service.DeleteResume(c.UserContext(), web.CurrentPrincipal(c).UserID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) apply(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "job")
	if err != nil {
		return err
	}
	var req ApplyRequest
	if len(c.Body()) > 0 {
		if err := web.Bind(c, &req); err != nil {
			return err
		}
	}
	app, created, err := h.Service.Apply(c.UserContext(), web.CurrentPrincipal(c).UserID, id, req.CoverNote)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(app)
}

func (h *Handlers) mine(c *fiber.Ctx) error {
	apps, err := h.store().Mine(c.UserContext(), web.CurrentPrincipal(c).UserID)
	if err != nil {
		return err
	}
	return c.JSON(ApplicationList{Items: apps})
}

func (h *Handlers) withdraw(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "application")
	if err != nil {
		return err
	}
	app, err := h.Service.Withdraw(c.UserContext(), web.CurrentPrincipal(c).UserID, id)
	if err != nil {
		return err
	}
	return c.JSON(app)
}

func (h *Handlers) application(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "application")
	if err != nil {
		return err
	}
	d, err := h.Service.ApplicationFor(c.UserContext(), web.CurrentPrincipal(c).Caller(), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handlers) thread(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "application")
	if err != nil {
		return err
	}
	t, err := h.Service.Thread(c.UserContext(), web.CurrentPrincipal(c).Caller(), id)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h *Handlers) sayOnApplication(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "application")
	if err != nil {
		return err
	}
	var in MessageInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	m, err := h.Service.SayOnApplication(c.UserContext(), web.CurrentPrincipal(c).Caller(), id, in.Body)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (h *Handlers) applicationResume(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "application")
	if err != nil {
		return err
	}
	a, _, err := h.store().scopedApplication(c.UserContext(), web.CurrentPrincipal(c).Caller(), id)
	if err != nil {
		return err
	}
	body, err := h.Service.ReadResume(a.ResumePath)
	if err != nil {
		return err
	}
	return sendPDF(c, a.ResumeName, body)
}

func (h *Handlers) status(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "application")
	if err != nil {
		return err
	}
	var req StatusRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	apps, err := h.Service.ChangeStatus(c.UserContext(), web.CurrentPrincipal(c).Caller(), []int64{id}, req.Status, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(apps[0])
}

func (h *Handlers) bulkStatus(c *fiber.Ctx) error {
	var req BulkStatusRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	apps, err := h.Service.ChangeStatus(c.UserContext(), web.CurrentPrincipal(c).Caller(), req.IDs, req.Status, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(BulkResult{Items: apps})
}

func (h *Handlers) applicants(c *fiber.Ctx) error {
	var q ApplicantQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	page, err := h.store().Applicants(c.UserContext(), web.CurrentPrincipal(c).Caller(), q)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

// maxExportRows bounds one CSV export.
const maxExportRows = 20000

func (h *Handlers) applicantsCSV(c *fiber.Ctx) error {
	var q ApplicantQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	q.Page, q.PageSize = 1, 200
	var all []Applicant
	for len(all) < maxExportRows {
		page, err := h.store().Applicants(c.UserContext(), web.CurrentPrincipal(c).Caller(), q)
		if err != nil {
			return err
		}
		all = append(all, page.Items...)
		if len(page.Items) < q.PageSize {
			break
		}
		q.Page++
	}
	var buf bytes.Buffer
	if err := WriteApplicantsCSV(&buf, all); err != nil {
		return err
	}
	return web.SendCSV(c, "applicants.csv", buf.Bytes())
}
