package project

import (
	"github.com/gofiber/fiber/v2"

	"zonefair/app/web"
)

// linkRoutes registers the routes of a project's attachments and incentive policies.
func (h *Handlers) linkRoutes(add func(tag string, rt web.Route), staff web.Access) {
	const base = "/api/v1/projects/:id"
	add("projects", web.Route{Method: "GET", Path: base + "/attachments", Summary: "A project's attachments", Access: web.Public, Response: []Attachment{}, Handler: h.attachments})
	add("projects", web.Route{Method: "POST", Path: base + "/attachments", Summary: "Attach a PDF to a project (its zone's staff; ≤ 10 MiB, checked by content)", Access: staff, Upload: true, Response: Attachment{}, Status: 201, Handler: h.attach})
	add("projects", web.Route{Method: "GET", Path: base + "/attachments/:attId", Summary: "Download a project's attachment (PDF)", Access: web.Public, Produces: "application/pdf", Handler: h.attachment})
	add("projects", web.Route{Method: "DELETE", Path: base + "/attachments/:attId", Summary: "Remove an attachment from a project (its zone's staff)", Access: staff, Status: 204, Handler: h.detach})
	add("projects", web.Route{Method: "GET", Path: base + "/policies", Summary: "A project's incentive policies, in order", Access: web.Public, Response: []Incentive{}, Handler: h.incentives})
	add("projects", web.Route{Method: "PUT", Path: base + "/policies", Summary: "Replace a project's incentive policies: published policies that apply to its zone (national, its province's, its own)", Access: staff, Request: IncentivesInput{}, Response: []Incentive{}, Handler: h.setIncentives})
	add("projects", web.Route{Method: "GET", Path: base + "/policy-options", Summary: "The published policies that apply to a project's zone, to pick its incentives from (its zone's staff)", Access: staff, Response: []Incentive{}, Handler: h.incentiveOptions})
}

func (h *Handlers) attachments(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "project")
	if err != nil {
		return err
	}
	out, err := h.Service.Attachments(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) attach(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "project")
	if err != nil {
		return err
	}
	p := web.CurrentPrincipal(c).Caller()
	// Who may attach is decided before the upload is looked at.
	if err := h.Service.CanAttach(c.UserContext(), id, p); err != nil {
		return err
	}
	name, body, err := web.FormFile(c, MaxAttachmentBytes)
	if err != nil {
		return err
	}
	out, err := h.Service.Attach(c.UserContext(), id, p, name, body)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) attachmentIDs(c *fiber.Ctx) (int64, int64, error) {
	id, err := web.ParamID(c, "id", "project")
	if err != nil {
		return 0, 0, err
	}
	att, err := web.ParamID(c, "attId", "project_attachment")
	return id, att, err
}

func (h *Handlers) attachment(c *fiber.Ctx) error {
	id, att, err := h.attachmentIDs(c)
	if err != nil {
		return err
	}
	a, body, err := h.Service.AttachmentFile(c.UserContext(), id, att, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return web.SendPDF(c, "attachment", a.Name, body)
}

func (h *Handlers) detach(c *fiber.Ctx) error {
	id, att, err := h.attachmentIDs(c)
	if err != nil {
		return err
	}
	if err := h.Service.Detach(c.UserContext(), id, att, web.CurrentPrincipal(c).Caller()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) incentives(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "project")
	if err != nil {
		return err
	}
	out, err := h.Service.Incentives(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) setIncentives(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "project")
	if err != nil {
		return err
	}
	var in IncentivesInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.Service.SetIncentives(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) incentiveOptions(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "project")
	if err != nil {
		return err
	}
	out, err := h.Service.IncentiveOptions(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}
