package signing

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/web"
)

// Handlers serve the signing API.
type Handlers struct {
	Store   *Store
	Service *Service
}

// Routes registers the signing routes.
func (h *Handlers) Routes(r *web.Router) {
	admin := web.Roles(web.RoleAdmin)
	manage := web.Roles(web.RoleAdmin, web.RoleZoneStaff)
	const tag = "signing"
	route := func(rt web.Route) { rt.Tag = tag; r.Handle(rt) }
	route(web.Route{Method: "GET", Path: "/api/v1/signing/templates", Summary: "Agreement templates", Access: manage, Response: []Template{}, Handler: h.templates})
	route(web.Route{Method: "POST", Path: "/api/v1/signing/templates", Summary: "Create a bilingual template with {{merge}} fields", Access: admin, Request: TemplateInput{}, Response: Template{}, Status: 201, Handler: h.createTemplate})
	route(web.Route{Method: "GET", Path: "/api/v1/signing/templates/:id", Summary: "A template", Access: manage, Response: Template{}, Handler: h.template})
	route(web.Route{Method: "PUT", Path: "/api/v1/signing/templates/:id", Summary: "Edit a template", Access: admin, Request: TemplateInput{}, Response: Template{}, Handler: h.updateTemplate})
	route(web.Route{Method: "DELETE", Path: "/api/v1/signing/templates/:id", Summary: "Archive a template", Access: admin, Status: 204, Handler: h.archiveTemplate})
	route(web.Route{Method: "GET", Path: "/api/v1/signing/people", Summary: "Find people to add as recipients", Access: manage, Query: PeopleQuery{}, Response: []Person{}, Handler: h.people})

	route(web.Route{Method: "GET", Path: "/api/v1/signing/agreements", Summary: "Agreements I take part in or manage", Access: web.LoggedIn, Query: ListQuery{}, Response: []Summary{}, Handler: h.list})
	route(web.Route{Method: "POST", Path: "/api/v1/signing/agreements", Summary: "Start a draft agreement (from a template, or upload its PDF next)", Access: manage, Request: CreateInput{}, Response: Detail{}, Status: 201, Handler: h.create})
	route(web.Route{Method: "GET", Path: "/api/v1/signing/agreements/:id", Summary: "An agreement (its parties only)", Access: web.LoggedIn, Response: Detail{}, Handler: h.get})
	route(web.Route{Method: "PATCH", Path: "/api/v1/signing/agreements/:id", Summary: "Edit a draft", Access: manage, Request: Patch{}, Response: Detail{}, Handler: h.update})
	route(web.Route{Method: "POST", Path: "/api/v1/signing/agreements/:id/document", Summary: "Upload the draft's PDF (≤ 10 MiB, unencrypted); clears its fields", Access: manage, Upload: true, Response: Detail{}, Handler: h.upload})
	route(web.Route{Method: "PUT", Path: "/api/v1/signing/agreements/:id/recipients", Summary: "Set the draft's recipients and signing order; clears its fields", Access: manage, Request: RecipientsRequest{}, Response: Detail{}, Handler: h.recipients})
	route(web.Route{Method: "PUT", Path: "/api/v1/signing/agreements/:id/fields", Summary: "Place the draft's fields (page, x/y from the top-left, w/h, in PDF points)", Access: manage, Request: FieldsRequest{}, Response: Detail{}, Handler: h.fields})
	route(web.Route{Method: "POST", Path: "/api/v1/signing/agreements/:id/send", Summary: "Fix the document's hash and notify the first signers", Access: manage, Response: Detail{}, Handler: h.send})
	route(web.Route{Method: "POST", Path: "/api/v1/signing/agreements/:id/void", Summary: "Void a sent agreement", Access: manage, Request: ReasonRequest{}, Response: Detail{}, Handler: h.void})
	route(web.Route{Method: "POST", Path: "/api/v1/signing/agreements/:id/resend", Summary: "Re-send a voided, declined or expired agreement: copy it into a new draft (same document, recipients and fields)", Access: manage, Response: Detail{}, Status: 201, Handler: h.resend})
	route(web.Route{Method: "POST", Path: "/api/v1/signing/agreements/:id/code", Summary: "Send me a one-time signing code (my turn only)", Access: web.LoggedIn, Response: CodeSent{}, Handler: h.code})
	route(web.Route{Method: "POST", Path: "/api/v1/signing/agreements/:id/sign", Summary: "Sign with my one-time code", Access: web.LoggedIn, Request: SignInput{}, Response: Detail{}, Handler: h.sign})
	route(web.Route{Method: "POST", Path: "/api/v1/signing/agreements/:id/decline", Summary: "Decline to sign", Access: web.LoggedIn, Request: ReasonRequest{}, Response: Detail{}, Handler: h.decline})
	route(web.Route{Method: "GET", Path: "/api/v1/signing/agreements/:id/document", Summary: "The original PDF (parties only)", Access: web.LoggedIn, Produces: "application/pdf", Handler: h.original})
	route(web.Route{Method: "GET", Path: "/api/v1/signing/agreements/:id/sealed", Summary: "The sealed PDF (parties only, once completed)", Access: web.LoggedIn, Produces: "application/pdf", Handler: h.sealed})
	route(web.Route{Method: "GET", Path: "/api/v1/signing/agreements/:id/audit", Summary: "The audit trail with its chain check (parties only)", Access: web.LoggedIn, Response: Trail{}, Handler: h.audit})

	route(web.Route{Method: "POST", Path: "/api/v1/signing/verify", Summary: "Verify a PDF: was it sealed by Zonefair, and is it unaltered?", Access: web.Public, Upload: true, Response: Verdict{}, Handler: h.verifyFile})
	route(web.Route{Method: "GET", Path: "/api/v1/signing/verify", Summary: "Verify a document by its SHA-256", Access: web.Public, Query: HashQuery{}, Response: Verdict{}, Handler: h.verifyHash})
	route(web.Route{Method: "GET", Path: "/api/v1/signing/verify/:token", Summary: "Open a verification link (the sealed PDF's QR code)", Access: web.Public, Response: Verdict{}, Handler: h.verifyToken})

	route(web.Route{Method: "GET", Path: "/api/v1/zones/:id/signing/webhooks", Summary: "The zone's agreement webhooks", Access: manage, Response: []Webhook{}, Handler: h.webhooks})
	route(web.Route{Method: "POST", Path: "/api/v1/zones/:id/signing/webhooks", Summary: "Register a webhook; its secret is shown once", Access: manage, Request: WebhookInput{}, Response: WebhookCreated{}, Status: 201, Handler: h.createWebhook})
	route(web.Route{Method: "DELETE", Path: "/api/v1/signing/webhooks/:id", Summary: "Remove a webhook", Access: manage, Status: 204, Handler: h.deleteWebhook})
	route(web.Route{Method: "GET", Path: "/api/v1/signing/webhooks/:id/deliveries", Summary: "A webhook's delivery log", Access: manage, Response: []Delivery{}, Handler: h.deliveries})
}

func meta(c *fiber.Ctx) Meta {
	return Meta{UserID: web.CurrentPrincipal(c).UserID, IP: strings.Clone(c.IP()), UserAgent: strings.Clone(c.Get(fiber.HeaderUserAgent))}
}

func (h *Handlers) templates(c *fiber.Ctx) error {
	ts, err := h.Store.Templates(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(ts)
}

func (h *Handlers) template(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "template")
	if err != nil {
		return err
	}
	t, err := h.Store.Template(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (h *Handlers) createTemplate(c *fiber.Ctx) error {
	var in TemplateInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	t := Template{NameZh: in.NameZh, NameEn: in.NameEn, BodyZh: in.BodyZh, BodyEn: in.BodyEn, CreatedBy: web.CurrentPrincipal(c).UserID}
	if err := h.Store.CreateTemplate(c.UserContext(), &t); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (h *Handlers) updateTemplate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "template")
	if err != nil {
		return err
	}
	var in TemplateInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.Store.UpdateTemplate(c.UserContext(), id, in); err != nil {
		return err
	}
	return h.template(c)
}

func (h *Handlers) archiveTemplate(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "template")
	if err != nil {
		return err
	}
	if err := h.Store.ArchiveTemplate(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// PeopleQuery searches people by name or e-mail.
type PeopleQuery struct {
	Q string `query:"q" validate:"required,min=2,max=100"`
}

// Person is someone who can be added as a recipient.
type Person struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Role         string `json:"role"`
	Organization string `json:"organization"`
}

func (h *Handlers) people(c *fiber.Ctx) error {
	var q PeopleQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	found, err := h.Service.Users.FindColleagues(c.UserContext(), q.Q, 20)
	if err != nil {
		return err
	}
	out := make([]Person, len(found))
	for i, u := range found {
		out[i] = Person{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role), Organization: u.Organization}
	}
	return c.JSON(out)
}

func (h *Handlers) lookupUser(ctx context.Context, id int64) (string, string, error) {
	u, err := h.Service.Users.ByID(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		return "", "", missing("user")
	}
	return u.Name, u.Email, err
}

func (h *Handlers) list(c *fiber.Ctx) error {
	var q ListQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	out, err := h.Store.List(c.UserContext(), web.CurrentPrincipal(c).Caller(), q)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) create(c *fiber.Ctx) error {
	var in CreateInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	p := web.CurrentPrincipal(c)
	zoneID, err := p.CreatesIn(in.ZoneID)
	if err != nil {
		return err
	}
	if in.ZoneID = zoneID; in.ZoneID == 0 {
		return errs.Invalid("zoneId", "field.required")
	}
	if err := h.Service.Zones.Exists(c.UserContext(), in.ZoneID); errors.Is(err, errs.ErrNotFound) {
		return errs.Invalid("zoneId", "signing.unknown_zone")
	} else if err != nil {
		return err
	}
	if !p.ManagesZone(in.ZoneID) {
		return errs.Forbidden()
	}
	id, err := h.Service.Create(c.UserContext(), meta(c), in)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return h.detail(c, id)
}

func (h *Handlers) detail(c *fiber.Ctx, id int64) error {
	d, err := h.Store.Detail(c.UserContext(), web.CurrentPrincipal(c).Caller(), id, h.Service.VerifyURL)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handlers) get(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "agreement")
	if err != nil {
		return err
	}
	return h.detail(c, id)
}

// managed reads :id and checks that the caller manages the agreement's zone.
func (h *Handlers) managed(c *fiber.Ctx) (int64, error) {
	id, err := web.ParamID(c, "id", "agreement")
	if err != nil {
		return 0, err
	}
	zoneID, err := h.Store.ZoneOf(c.UserContext(), id)
	if err != nil {
		return 0, err
	}
	if !web.CurrentPrincipal(c).ManagesZone(zoneID) {
		return 0, errs.Forbidden()
	}
	return id, nil
}

func (h *Handlers) update(c *fiber.Ctx) error {
	id, err := h.managed(c)
	if err != nil {
		return err
	}
	var p Patch
	if err := web.Bind(c, &p); err != nil {
		return err
	}
	if err := h.Service.Update(c.UserContext(), id, p); err != nil {
		return err
	}
	return h.detail(c, id)
}

func (h *Handlers) upload(c *fiber.Ctx) error {
	id, err := h.managed(c)
	if err != nil {
		return err
	}
	body, err := readUpload(c)
	if err != nil {
		return err
	}
	if err := h.Service.Upload(c.UserContext(), meta(c), id, body); err != nil {
		return err
	}
	return h.detail(c, id)
}

func readUpload(c *fiber.Ctx) ([]byte, error) {
	_, body, err := web.FormFile(c, MaxPDFBytes)
	return body, err
}

// RecipientsRequest is the full list of a draft's recipients.
type RecipientsRequest struct {
	Recipients []RecipientInput `json:"recipients" validate:"max=20,dive"`
}

func (h *Handlers) recipients(c *fiber.Ctx) error {
	id, err := h.managed(c)
	if err != nil {
		return err
	}
	var in RecipientsRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.Service.SetRecipients(c.UserContext(), id, in.Recipients, h.lookupUser); err != nil {
		return err
	}
	return h.detail(c, id)
}

// FieldsRequest is the full list of a draft's fields.
type FieldsRequest struct {
	Fields []FieldInput `json:"fields" validate:"max=200,dive"`
}

func (h *Handlers) fields(c *fiber.Ctx) error {
	id, err := h.managed(c)
	if err != nil {
		return err
	}
	var in FieldsRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.Service.SetFields(c.UserContext(), id, in.Fields); err != nil {
		return err
	}
	return h.detail(c, id)
}

func (h *Handlers) send(c *fiber.Ctx) error {
	id, err := h.managed(c)
	if err != nil {
		return err
	}
	if err := h.Service.Send(c.UserContext(), meta(c), id); err != nil {
		return err
	}
	return h.detail(c, id)
}

// ReasonRequest says why an agreement is voided or declined.
type ReasonRequest struct {
	Reason string `json:"reason" validate:"required,min=2,max=1000,text"`
}

func (h *Handlers) void(c *fiber.Ctx) error {
	id, err := h.managed(c)
	if err != nil {
		return err
	}
	var in ReasonRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.Service.Void(c.UserContext(), meta(c), id, in.Reason); err != nil {
		return err
	}
	return h.detail(c, id)
}

func (h *Handlers) resend(c *fiber.Ctx) error {
	id, err := h.managed(c)
	if err != nil {
		return err
	}
	newID, err := h.Service.Resend(c.UserContext(), meta(c), id)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return h.detail(c, newID)
}

// party reads :id and checks that the caller is a party to the agreement.
func (h *Handlers) party(c *fiber.Ctx) (Agreement, []Recipient, error) {
	id, err := web.ParamID(c, "id", "agreement")
	if err != nil {
		return Agreement{}, nil, err
	}
	a, rs, _, err := h.Store.Agreement(c.UserContext(), web.CurrentPrincipal(c).Caller(), id)
	return a, rs, err
}

func (h *Handlers) code(c *fiber.Ctx) error {
	a, _, err := h.party(c)
	if err != nil {
		return err
	}
	out, err := h.Service.SendCode(c.UserContext(), meta(c), a.ID)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) sign(c *fiber.Ctx) error {
	a, _, err := h.party(c)
	if err != nil {
		return err
	}
	var in SignInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.Service.Sign(c.UserContext(), meta(c), a.ID, in); err != nil {
		return err
	}
	return h.detail(c, a.ID)
}

func (h *Handlers) decline(c *fiber.Ctx) error {
	a, _, err := h.party(c)
	if err != nil {
		return err
	}
	var in ReasonRequest
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.Service.Decline(c.UserContext(), meta(c), a.ID, in.Reason); err != nil {
		return err
	}
	return h.detail(c, a.ID)
}

func sendPDF(c *fiber.Ctx, body []byte, name string) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, web.ContentDisposition("attachment", name))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(body)
}

func (h *Handlers) original(c *fiber.Ctx) error {
	a, rs, err := h.party(c)
	if err != nil {
		return err
	}
	body, err := h.Store.Document(c.UserContext(), a.ID, "original")
	if err != nil {
		return err
	}
	if me, ok := mine(rs, web.CurrentPrincipal(c).UserID); ok && me.ViewedAt == nil && a.Status != StatusDraft {
		if err := h.Service.Viewed(c.UserContext(), meta(c), a.ID, me.ID); err != nil {
			return err
		}
	}
	return sendPDF(c, body, "agreement-"+strconv.FormatInt(a.ID, 10)+".pdf")
}

func (h *Handlers) sealed(c *fiber.Ctx) error {
	a, _, err := h.party(c)
	if err != nil {
		return err
	}
	if a.Status != StatusCompleted {
		return conflict("signing.not_completed")
	}
	body, err := h.Store.Document(c.UserContext(), a.ID, "final")
	if err != nil {
		return err
	}
	if err := h.Service.Downloaded(c.UserContext(), meta(c), a.ID); err != nil {
		return err
	}
	return sendPDF(c, body, "agreement-"+strconv.FormatInt(a.ID, 10)+"-sealed.pdf")
}

func (h *Handlers) audit(c *fiber.Ctx) error {
	a, _, err := h.party(c)
	if err != nil {
		return err
	}
	t, err := h.Service.Trail(c.UserContext(), a)
	if err != nil {
		return err
	}
	return c.JSON(t)
}
