package policy

import (
	"github.com/gofiber/fiber/v2"

	"zonefair/app/web"
)

// Handlers serve the policy routes.
type Handlers struct {
	Service *Service
}

// CreateQuery says whether a new policy is published at once.
type CreateQuery struct {
	Publish bool `query:"publish"`
}

// Routes registers the policy routes.
func (h *Handlers) Routes(r *web.Router) {
	issuers := web.Roles(web.RoleAdmin, web.RoleZoneStaff, web.RoleProvince)
	zones := web.Roles(web.RoleAdmin, web.RoleZoneStaff)
	add := func(rt web.Route) {
		rt.Tag = "policies"
		r.Handle(rt)
	}
	const base = "/api/v1/policies"
	add(web.Route{Method: "GET", Path: base, Summary: "Search published policies in Chinese or English with filters (drafts=true: the drafts the caller manages)", Access: web.Public, Query: Query{}, Response: Page{}, Handler: h.search})
	add(web.Route{Method: "POST", Path: base, Summary: "Draft a policy (admins any level, province staff their province's, zone staff their zone's); publish=true publishes it at once", Access: issuers, Query: CreateQuery{}, Request: Input{}, Response: Policy{}, Status: 201, Handler: h.create})
	add(web.Route{Method: "GET", Path: base + "/:id", Summary: "A policy with its full text and attachments", Access: web.Public, Response: Policy{}, Handler: h.get})
	add(web.Route{Method: "PUT", Path: base + "/:id", Summary: "Edit a policy the caller manages", Access: issuers, Request: Input{}, Response: Policy{}, Handler: h.update})
	add(web.Route{Method: "DELETE", Path: base + "/:id", Summary: "Delete a policy the caller manages", Access: issuers, Status: 204, Handler: h.remove})
	add(web.Route{Method: "POST", Path: base + "/:id/publish", Summary: "Publish a draft and notify the subscribers of its topics and zone, once each", Access: issuers, Response: Policy{}, Handler: h.publish})
	add(web.Route{Method: "POST", Path: base + "/:id/attachments", Summary: "Attach a PDF (≤ 10 MiB, checked by content)", Access: issuers, Upload: true, Response: Attachment{}, Status: 201, Handler: h.attach})
	add(web.Route{Method: "GET", Path: base + "/:id/attachments/:attId", Summary: "An attachment (PDF)", Access: web.Public, Produces: "application/pdf", Handler: h.attachment})
	add(web.Route{Method: "DELETE", Path: base + "/:id/attachments/:attId", Summary: "Remove an attachment", Access: issuers, Status: 204, Handler: h.detach})

	const pk = "/api/v1/policy-packages"
	add(web.Route{Method: "GET", Path: pk, Summary: "Policy packages, of one zone when asked", Access: web.Public, Query: PackageQuery{}, Response: []Package{}, Handler: h.packages})
	add(web.Route{Method: "POST", Path: pk, Summary: "Assemble a package of published policies for a zone", Access: zones, Request: PackageInput{}, Response: Package{}, Status: 201, Handler: h.createPackage})
	add(web.Route{Method: "GET", Path: pk + "/:id", Summary: "A package with its policies in order, each marked current, upcoming or expired", Access: web.Public, Response: Package{}, Handler: h.getPackage})
	add(web.Route{Method: "PUT", Path: pk + "/:id", Summary: "Replace a package's texts and policies", Access: zones, Request: PackageInput{}, Response: Package{}, Handler: h.updatePackage})
	add(web.Route{Method: "DELETE", Path: pk + "/:id", Summary: "Delete a package (its policies stay)", Access: zones, Status: 204, Handler: h.deletePackage})

	const subs = "/api/v1/policy-subscriptions"
	add(web.Route{Method: "GET", Path: subs, Summary: "The caller's policy subscriptions", Access: web.LoggedIn, Response: []Subscription{}, Handler: h.subscriptions})
	add(web.Route{Method: "POST", Path: subs, Summary: "Subscribe to a topic or a zone: new matching policies arrive as notifications and email", Access: web.LoggedIn, Request: SubscriptionInput{}, Response: Subscription{}, Status: 201, Handler: h.subscribe})
	add(web.Route{Method: "DELETE", Path: subs + "/:id", Summary: "Unsubscribe", Access: web.LoggedIn, Status: 204, Handler: h.unsubscribe})
}

func (h *Handlers) search(c *fiber.Ctx) error {
	var q Query
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	out, err := h.Service.Search(c.UserContext(), web.CurrentPrincipal(c).Caller(), q)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) create(c *fiber.Ctx) error {
	var q CreateQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	var in Input
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.Service.Create(c.UserContext(), web.CurrentPrincipal(c).Caller(), in, q.Publish)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) get(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "policy")
	if err != nil {
		return err
	}
	out, err := h.Service.Get(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) update(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "policy")
	if err != nil {
		return err
	}
	var in Input
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.Service.Update(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) remove(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "policy")
	if err != nil {
		return err
	}
	if err := h.Service.Delete(c.UserContext(), id, web.CurrentPrincipal(c).Caller()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) publish(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "policy")
	if err != nil {
		return err
	}
	out, err := h.Service.Publish(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) attach(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "policy")
	if err != nil {
		return err
	}
	name, body, err := web.FormFile(c, MaxAttachmentBytes)
	if err != nil {
		return err
	}
	out, err := h.Service.Attach(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), name, body)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) attachmentIDs(c *fiber.Ctx) (int64, int64, error) {
	id, err := web.ParamID(c, "id", "policy")
	if err != nil {
		return 0, 0, err
	}
	att, err := web.ParamID(c, "attId", "policy_attachment")
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
	return web.SendPDF(c, "inline", a.Name, body)
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

func (h *Handlers) packages(c *fiber.Ctx) error {
	var q PackageQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	out, err := h.Service.Packages(c.UserContext(), web.CurrentPrincipal(c).Caller(), q)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) savePackage(c *fiber.Ctx, id int64, status int) error {
	var in PackageInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.Service.SavePackage(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(out)
}

func (h *Handlers) createPackage(c *fiber.Ctx) error { return h.savePackage(c, 0, fiber.StatusCreated) }

func (h *Handlers) updatePackage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "policy_package")
	if err != nil {
		return err
	}
	return h.savePackage(c, id, fiber.StatusOK)
}

func (h *Handlers) getPackage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "policy_package")
	if err != nil {
		return err
	}
	out, err := h.Service.GetPackage(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) deletePackage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "policy_package")
	if err != nil {
		return err
	}
	if err := h.Service.DeletePackage(c.UserContext(), id, web.CurrentPrincipal(c).Caller()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) subscriptions(c *fiber.Ctx) error {
	out, err := h.Service.Subscriptions(c.UserContext(), web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) subscribe(c *fiber.Ctx) error {
	var in SubscriptionInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.Service.Subscribe(c.UserContext(), web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) unsubscribe(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "policy_subscription")
	if err != nil {
		return err
	}
	if err := h.Service.Unsubscribe(c.UserContext(), web.CurrentPrincipal(c).Caller(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
