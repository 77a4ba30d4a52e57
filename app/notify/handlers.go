package notify

import (
	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/web"
)

// Handlers serve the notification list, the admins' view of the outbox and, in a demo without
// SMTP, each user's own mail from it.
type Handlers struct {
	Service *Service
	Outbox  *Outbox
	// Mailbox lets each user read the outbox's mail to them: for demos without SMTP only, where
	// mail (sign-in codes, notifications) would otherwise reach no one.
	Mailbox bool
}

// MailboxInfo says whether the demo mailbox is open to the caller.
type MailboxInfo struct {
	Enabled bool `json:"enabled"`
}

// ReadRequest marks notifications read; no ids marks all.
type ReadRequest struct {
	IDs []int64 `json:"ids,omitempty" validate:"max=500"`
}

// Routes registers the notification routes.
func (h *Handlers) Routes(r *web.Router) {
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/notifications", Tag: "notifications", Summary: "Your notifications, newest first, with the unread count", Access: web.LoggedIn, Query: ListQuery{}, Response: List{}, Handler: h.list})
	r.Handle(web.Route{Method: "POST", Path: "/api/v1/notifications/read", Tag: "notifications", Summary: "Mark notifications read (all when no ids are given)", Access: web.LoggedIn, Request: ReadRequest{}, Status: 204, Handler: h.read})
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/mailbox/info", Tag: "notifications", Summary: "Whether this demo shows each user their own mail (no SMTP configured)", Access: web.LoggedIn, Response: MailboxInfo{}, Handler: h.mailboxInfo})
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/mailbox", Tag: "notifications", Summary: "Your mail from the outbox, newest first (demo without SMTP only)", Access: web.LoggedIn, Query: OutboxQuery{}, Response: OutboxPage{}, Handler: h.mailbox})
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

func (h *Handlers) mailboxInfo(c *fiber.Ctx) error {
	return c.JSON(MailboxInfo{Enabled: h.Mailbox})
}

func (h *Handlers) mailbox(c *fiber.Ctx) error {
	if !h.Mailbox {
		return errs.New(errs.ErrNotFound, "not_found")
	}
	var q OutboxQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	u, err := h.Service.Users.ByID(c.UserContext(), web.CurrentPrincipal(c).UserID)
	if err != nil {
		return err
	}
	out, err := h.Outbox.ListTo(c.UserContext(), u.Email, q)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
