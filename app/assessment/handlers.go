package assessment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/web"
)

// Handlers serve the assessment routes.
type Handlers struct {
	Service *Service
}

// VersionInput is a new index version: a draft until published.
type VersionInput struct {
	Code      string `json:"code" validate:"required,min=2,max=40,slug"`
	NameZh    string `json:"nameZh" validate:"required,min=2,max=200,text"`
	NameEn    string `json:"nameEn" validate:"required,min=2,max=200,text"`
	BasedOnID *int64 `json:"basedOnId,omitempty" validate:"omitempty,gte=1"`
	Tree
}

// TemplateQuery picks the template's format.
type TemplateQuery struct {
	Format string `query:"format" validate:"omitempty,oneof=csv xlsx"`
}

const base = "/api/v1/assessment"

// Routes registers the routes.
func (h *Handlers) Routes(r *web.Router) {
	admin := web.Roles(web.RoleAdmin)
	data := web.Roles(web.RoleZoneStaff, web.RoleProvince, web.RoleAdmin)
	staff := web.Roles(web.RoleZoneStaff)
	reviewers := web.Roles(web.RoleProvince, web.RoleAdmin)
	add := func(rt web.Route) {
		rt.Tag = "assessment"
		r.Handle(rt)
	}
	add(web.Route{Method: "GET", Path: base + "/versions", Summary: "Index versions (admins also see drafts)", Access: web.Public, Response: []Version{}, Handler: h.versions})
	add(web.Route{Method: "GET", Path: base + "/versions/current", Summary: "The index version zones report against", Access: web.Public, Response: Version{}, Handler: h.current})
	add(web.Route{Method: "GET", Path: base + "/versions/:id", Summary: "An index version with its categories and indicators", Access: web.Public, Response: Version{}, Handler: h.version})
	add(web.Route{Method: "POST", Path: base + "/versions", Summary: "Create a draft index version (weights checked)", Access: admin, Request: VersionInput{}, Response: Version{}, Status: 201, Handler: h.createVersion})
	add(web.Route{Method: "POST", Path: base + "/versions/:id/publish", Summary: "Publish a draft version; it is immutable afterwards", Access: admin, Response: Version{}, Handler: h.publishVersion})
	add(web.Route{Method: "DELETE", Path: base + "/versions/:id", Summary: "Delete a draft version", Access: admin, Status: 204, Handler: h.deleteVersion})

	add(web.Route{Method: "GET", Path: base + "/submissions", Summary: "Data submissions the caller may see (own zone, own province, or all)", Access: data, Query: SubmissionFilter{}, Response: []Submission{}, Handler: h.list})
	add(web.Route{Method: "POST", Path: base + "/submissions", Summary: "Open the caller's zone's submission for a year", Access: staff, Request: OpenRequest{}, Response: Detail{}, Handler: h.open})
	add(web.Route{Method: "GET", Path: base + "/submissions/:id", Summary: "A submission with its values, return reasons and audit trail", Access: data, Response: Detail{}, Handler: h.withSubmission(step(h.Service.Detail))})
	add(web.Route{Method: "PUT", Path: base + "/submissions/:id/values", Summary: "Enter values (the zone's staff, while draft or returned)", Access: staff, Request: ValuesRequest{}, Response: Detail{}, Handler: h.withSubmission(h.setValues)})
	add(web.Route{Method: "POST", Path: base + "/submissions/:id/import", Summary: "Import values from a CSV or XLSX file (≤ 1 MiB); errors are reported per row", Access: staff, Upload: true, Response: Detail{}, Handler: h.withSubmission(h.importFile)})
	add(web.Route{Method: "GET", Path: base + "/submissions/:id/template", Summary: "The submission as a fillable CSV or XLSX template", Access: data, Query: TemplateQuery{}, Produces: "text/csv", Handler: h.template})
	add(web.Route{Method: "POST", Path: base + "/submissions/:id/submit", Summary: "Submit complete data to the province", Access: staff, Response: Detail{}, Handler: h.withSubmission(step(h.Service.Submit))})
	add(web.Route{Method: "POST", Path: base + "/submissions/:id/return", Summary: "Return values to the zone with a reason", Access: reviewers, Request: ReturnRequest{}, Response: Detail{}, Handler: h.withSubmission(h.returnValues)})
	add(web.Route{Method: "POST", Path: base + "/submissions/:id/approve", Summary: "Approve: province staff pass data to the ministry, admins give final approval", Access: reviewers, Response: Detail{}, Handler: h.withSubmission(step(h.Service.Approve))})

	add(web.Route{Method: "POST", Path: base + "/preview", Summary: "Compute a ranking without saving it, optionally with what-if category weights", Access: admin, Request: PreviewRequest{}, Response: Ranking{}, Handler: h.preview})
	add(web.Route{Method: "GET", Path: base + "/rankings", Summary: "Published rankings", Access: web.Public, Response: []Publication{}, Handler: h.publications})
	add(web.Route{Method: "POST", Path: base + "/rankings", Summary: "Publish a year's ranking under a published version", Access: admin, Request: PublishRequest{}, Response: Ranking{}, Status: 201, Handler: h.publish})
	add(web.Route{Method: "GET", Path: base + "/rankings/:id", Summary: "A published ranking", Access: web.Public, Response: Ranking{}, Handler: h.ranking})
	add(web.Route{Method: "GET", Path: base + "/rankings/:id/csv", Summary: "A published ranking as CSV", Access: web.Public, Produces: "text/csv", Handler: h.rankingCSV})
}

// LogRefusals logs every refused assessment request with who tried what; mount it on the
// assessment prefix before the routes.
func (h *Handlers) LogRefusals(c *fiber.Ctx) error {
	err := c.Next()
	if errors.Is(err, errs.ErrForbidden) && h.Service.Log != nil {
		p := web.CurrentPrincipal(c)
		var uid int64
		role := web.Role("")
		if p != nil {
			uid, role = p.UserID, p.Role
		}
		h.Service.Log.Warn("assessment: request refused", "request_id", web.RequestID(c), "method", c.Method(), "path", c.Path(), "user_id", uid, "role", role)
	}
	return err
}

func (h *Handlers) versions(c *fiber.Ctx) error {
	p := web.CurrentPrincipal(c)
	out, err := h.Service.Store.Versions(c.UserContext(), p != nil && p.Role == web.RoleAdmin)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) current(c *fiber.Ctx) error {
	v, err := h.Service.Store.Current(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *Handlers) version(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "assessment_version")
	if err != nil {
		return err
	}
	v, err := h.Service.Store.Version(c.UserContext(), id)
	if err != nil {
		return err
	}
	if p := web.CurrentPrincipal(c); v.Status != VersionPublished && (p == nil || p.Role != web.RoleAdmin) {
		return errs.NotFound("assessment_version")
	}
	return c.JSON(v)
}

func (h *Handlers) createVersion(c *fiber.Ctx) error {
	var in VersionInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := in.Check(); err != nil {
		return err
	}
	if in.BasedOnID != nil {
		if _, err := h.Service.Store.Version(c.UserContext(), *in.BasedOnID); err != nil {
			return err
		}
	}
	v := Version{Code: in.Code, NameZh: in.NameZh, NameEn: in.NameEn, Status: VersionDraft, BasedOnID: in.BasedOnID, Tree: in.Tree}
	if err := h.Service.Store.CreateVersion(c.UserContext(), &v, web.CurrentPrincipal(c).UserID); err != nil {
		return err
	}
	out, err := h.Service.Store.Version(c.UserContext(), v.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) publishVersion(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "assessment_version")
	if err != nil {
		return err
	}
	if err := h.Service.Store.PublishVersion(c.UserContext(), id, web.CurrentPrincipal(c).UserID, h.Service.now()); err != nil {
		return err
	}
	v, err := h.Service.Store.Version(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *Handlers) deleteVersion(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "assessment_version")
	if err != nil {
		return err
	}
	if err := h.Service.Store.DeleteDraft(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) list(c *fiber.Ctx) error {
	var f SubmissionFilter
	if err := web.BindQuery(c, &f); err != nil {
		return err
	}
	out, err := h.Service.List(c.UserContext(), web.CurrentPrincipal(c).Caller(), f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) open(c *fiber.Ctx) error {
	var req OpenRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	d, _, err := h.Service.Open(c.UserContext(), web.CurrentPrincipal(c).Caller(), req.Year)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// step adapts a use case that needs nothing but the caller and the submission.
func step(f func(context.Context, *actor.Actor, int64) (Detail, error)) func(*fiber.Ctx, *actor.Actor, int64) (Detail, error) {
	return func(c *fiber.Ctx, p *actor.Actor, id int64) (Detail, error) { return f(c.UserContext(), p, id) }
}

// withSubmission runs f on the submission named by the path and answers with its result.
func (h *Handlers) withSubmission(f func(c *fiber.Ctx, p *actor.Actor, id int64) (Detail, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := web.ParamID(c, "id", "assessment_submission")
		if err != nil {
			return err
		}
		d, err := f(c, web.CurrentPrincipal(c).Caller(), id)
		if err != nil {
			return err
		}
		return c.JSON(d)
	}
}

func (h *Handlers) setValues(c *fiber.Ctx, p *actor.Actor, id int64) (Detail, error) {
	var req ValuesRequest
	if err := web.Bind(c, &req); err != nil {
		return Detail{}, err
	}
	return h.Service.SetValues(c.UserContext(), p, id, req.Values, ActionSet, func(i int) string { return fmt.Sprintf("values.%d", i) }, nil)
}

func (h *Handlers) importFile(c *fiber.Ctx, p *actor.Actor, id int64) (Detail, error) {
	_, body, err := web.FormFile(c, MaxImportBytes)
	if err != nil {
		return Detail{}, err
	}
	rows, problems, err := ParseImport(body)
	if err != nil {
		return Detail{}, err
	}
	in := make([]ValueInput, len(rows))
	for i, r := range rows {
		in[i] = r.Input
	}
	return h.Service.SetValues(c.UserContext(), p, id, in, ActionImport, func(i int) string { return "rows." + strconv.Itoa(rows[i].Line) }, problems)
}

func (h *Handlers) template(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "assessment_submission")
	if err != nil {
		return err
	}
	var q TemplateQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	d, err := h.Service.Detail(c.UserContext(), web.CurrentPrincipal(c).Caller(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("assessment-%d-zone%d", d.Year, d.ZoneID)
	loc := web.RequestLocale(c)
	if q.Format == "xlsx" {
		if err := WriteTemplateXLSX(&buf, d, loc); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		name += ".xlsx"
	} else {
		if err := WriteTemplateCSV(&buf, d, loc); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		name += ".csv"
	}
	c.Set(fiber.HeaderContentDisposition, web.ContentDisposition("attachment", name))
	return c.Send(buf.Bytes())
}

func (h *Handlers) returnValues(c *fiber.Ctx, p *actor.Actor, id int64) (Detail, error) {
	var req ReturnRequest
	if err := web.Bind(c, &req); err != nil {
		return Detail{}, err
	}
	return h.Service.Return(c.UserContext(), p, id, req.Items)
}

func (h *Handlers) preview(c *fiber.Ctx) error {
	var req PreviewRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	rk, err := h.Service.Preview(c.UserContext(), req)
	if err != nil {
		return err
	}
	return c.JSON(rk)
}

func (h *Handlers) publications(c *fiber.Ctx) error {
	out, err := h.Service.Publications(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) publish(c *fiber.Ctx) error {
	var req PublishRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	rk, err := h.Service.Publish(c.UserContext(), web.CurrentPrincipal(c).Caller(), req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(rk)
}

func (h *Handlers) ranking(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "assessment_ranking")
	if err != nil {
		return err
	}
	rk, err := h.Service.Published(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(rk)
}

func (h *Handlers) rankingCSV(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "assessment_ranking")
	if err != nil {
		return err
	}
	rk, err := h.Service.Published(c.UserContext(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rk, web.RequestLocale(c)); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="ranking-%d-%s.csv"`, rk.Year, rk.VersionCode))
	return c.Send(buf.Bytes())
}
