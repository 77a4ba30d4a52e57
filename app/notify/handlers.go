package notify

import (
	"github.com/gofiber/fiber/v2"

	"zonefair/app/web"
)

// Handlers serve the notification list and the admins' view of the outbox.
type Handlers struct {
	Service *Service
	Outbox  *Outbox
}

// ReadRequest marks notifications read; no ids marks all.
type ReadRequest struct {
	IDs []int64 `json:"ids,omitempty" validate:"max=500"`
}

// Routes registers the notification routes.
func (h *Handlers) Routes(r *web.Router) {
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/notifications", Tag: "notifications", Summary: "Your notifications, newest first, with the unread count", Access: web.LoggedIn, Query: ListQuery{}, Response: List{}, Handler: h.list})
	r.Handle(web.Route{Method: "POST", Path: "/api/v1/notifications/read", Tag: "notifications", Summary: "Mark notifications read (all when no ids are given)", Access: web.LoggedIn, Request: ReadRequest{}, Status: 204, Handler: h.read})
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/admin/outbox", Tag: "notifications", Summary: "Mail stored because no SMTP server is configured", Access: web.Roles(web.RoleAdmin), Query: OutboxQuery{}, Response: OutboxPage{}, Handler: h.outbox})
}

func (h *Handlers) list(c *fiber.Ctx) error {
	var q ListQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	out, err := h.Service.List(c.UserContext(), web.CurrentPrincipal(c).UserID, q)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) read(c *fiber.Ctx) error {
	var req ReadRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	if err := h.Service.MarkRead(c.UserContext(), web.CurrentPrincipal(c).UserID, req.IDs); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) outbox(c *fiber.Ctx) error {
	var q OutboxQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	out, err := h.Outbox.List(c.UserContext(), q)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
