package project

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/web"
)

// Handlers serve the project, lead and meeting routes.
type Handlers struct {
	Service *Service
}

// Routes registers the routes.
func (h *Handlers) Routes(r *web.Router) {
	staff := web.Roles(web.RoleAdmin, web.RoleZoneStaff)
	investor := web.Roles(web.RoleInvestor)
	add := func(tag string, rt web.Route) {
		rt.Tag = tag
		r.Handle(rt)
	}
	add("projects", web.Route{Method: "GET", Path: "/api/v1/projects", Summary: "Search investment projects (Chinese or English) with filters", Access: web.Public, Query: Filter{}, Response: Page{}, Handler: h.list})
	add("projects", web.Route{Method: "POST", Path: "/api/v1/projects", Summary: "List a project in the caller's zone", Access: staff, Request: Input{}, Response: Project{}, Status: 201, Handler: h.create})
	add("projects", web.Route{Method: "GET", Path: "/api/v1/projects/:id", Summary: "A project, with the caller's follow and interest, its attachments and incentive policies", Access: web.Public, Response: Project{}, Handler: h.get})
	add("projects", web.Route{Method: "PUT", Path: "/api/v1/projects/:id", Summary: "Edit a project (its zone's staff)", Access: staff, Request: Input{}, Response: Project{}, Handler: h.update})
	add("projects", web.Route{Method: "PUT", Path: "/api/v1/projects/:id/follow", Summary: "Follow a project", Access: web.LoggedIn, Status: 204, Handler: h.follow(true)})
	add("projects", web.Route{Method: "DELETE", Path: "/api/v1/projects/:id/follow", Summary: "Stop following a project", Access: web.LoggedIn, Status: 204, Handler: h.follow(false)})
	add("projects", web.Route{Method: "POST", Path: "/api/v1/projects/:id/interest", Summary: "Express interest in a project (once; 409 after)", Access: investor, Request: InterestInput{}, Response: Lead{}, Status: 201, Handler: h.interest})
	h.linkRoutes(add, staff)
	add("leads", web.Route{Method: "GET", Path: "/api/v1/leads", Summary: "Leads of the caller's zone (admins: all); investors: their own interests", Access: web.Roles(web.RoleAdmin, web.RoleZoneStaff, web.RoleInvestor), Query: LeadFilter{}, Response: []Lead{}, Handler: h.leads})
	add("leads", web.Route{Method: "GET", Path: "/api/v1/leads/:id", Summary: "A lead with its notes", Access: staff, Response: Lead{}, Handler: h.lead})
	add("leads", web.Route{Method: "PATCH", Path: "/api/v1/leads/:id", Summary: "Move a lead along new → contacted → meeting → negotiating → signed / dropped, with a note", Access: staff, Request: LeadUpdate{}, Response: Lead{}, Handler: h.updateLead})
	add("meetings", web.Route{Method: "POST", Path: "/api/v1/meetings", Summary: "Request a meeting with proposed times (from a project, a briefing, or to a zone)", Access: investor, Request: MeetingRequestInput{}, Response: MeetingRequest{}, Status: 201, Handler: h.requestMeeting})
	add("meetings", web.Route{Method: "GET", Path: "/api/v1/meetings", Summary: "The caller's meeting requests (sent or received)", Access: web.Roles(web.RoleAdmin, web.RoleZoneStaff, web.RoleInvestor), Query: MeetingRequestFilter{}, Response: []MeetingRequest{}, Handler: h.meetingRequests})
	add("meetings", web.Route{Method: "GET", Path: "/api/v1/meetings/:id", Summary: "One meeting request (its parties only)", Access: web.Roles(web.RoleAdmin, web.RoleZoneStaff, web.RoleInvestor), Response: MeetingRequest{}, Handler: h.meetingRequest})
	add("meetings", web.Route{Method: "POST", Path: "/api/v1/meetings/:id/accept", Summary: "Accept at one of the proposed times (zone staff)", Access: staff, Request: AcceptInput{}, Response: MeetingRequest{}, Handler: h.decide(MeetingAccepted)})
	add("meetings", web.Route{Method: "POST", Path: "/api/v1/meetings/:id/decline", Summary: "Decline a request (zone staff)", Access: staff, Response: MeetingRequest{}, Handler: h.decide(MeetingDeclined)})
	add("meetings", web.Route{Method: "POST", Path: "/api/v1/meetings/:id/cancel", Summary: "Cancel one's own request (investor)", Access: investor, Response: MeetingRequest{}, Handler: h.decide(MeetingCancelled)})
	add("meetings", web.Route{Method: "GET", Path: "/api/v1/meetings/:id/calendar.ics", Summary: "An accepted meeting as a calendar file", Access: web.Roles(web.RoleAdmin, web.RoleZoneStaff, web.RoleInvestor), Produces: "text/calendar", Handler: h.calendar})
}

func (h *Handlers) list(c *fiber.Ctx) error {
	var f Filter
	if err := web.BindQuery(c, &f); err != nil {
		return err
	}
	out, err := h.Service.List(c.UserContext(), web.CurrentPrincipal(c).Caller(), f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) create(c *fiber.Ctx) error {
	var in Input
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	p, err := h.Service.Create(c.UserContext(), web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (h *Handlers) get(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "project")
	if err != nil {
		return err
	}
	p, err := h.Service.Detail(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *Handlers) update(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "project")
	if err != nil {
		return err
	}
	var in Input
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	p, err := h.Service.Update(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *Handlers) follow(on bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := web.ParamID(c, "id", "project")
		if err != nil {
			return err
		}
		if err := h.Service.Follow(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), on); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

func (h *Handlers) interest(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "project")
	if err != nil {
		return err
	}
	var in InterestInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	l, err := h.Service.ExpressInterest(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(l)
}

func (h *Handlers) leads(c *fiber.Ctx) error {
	var f LeadFilter
	if err := web.BindQuery(c, &f); err != nil {
		return err
	}
	out, err := h.Service.Leads(c.UserContext(), web.CurrentPrincipal(c).Caller(), f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) lead(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "lead")
	if err != nil {
		return err
	}
	l, err := h.Service.Lead(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h *Handlers) updateLead(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "lead")
	if err != nil {
		return err
	}
	var in LeadUpdate
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	l, err := h.Service.UpdateLead(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h *Handlers) requestMeeting(c *fiber.Ctx) error {
	var in MeetingRequestInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	m, err := h.Service.RequestMeeting(c.UserContext(), web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (h *Handlers) meetingRequests(c *fiber.Ctx) error {
	var f MeetingRequestFilter
	if err := web.BindQuery(c, &f); err != nil {
		return err
	}
	out, err := h.Service.MeetingRequests(c.UserContext(), web.CurrentPrincipal(c).Caller(), f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) meetingRequest(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "meeting")
	if err != nil {
		return err
	}
	m, err := h.Service.MeetingRequest(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (h *Handlers) decide(to string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := web.ParamID(c, "id", "meeting")
		if err != nil {
			return err
		}
		var in AcceptInput
		if to == MeetingAccepted {
			if err := web.Bind(c, &in); err != nil {
				return err
			}
		}
		m, err := h.Service.DecideMeetingRequest(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), to, in)
		if err != nil {
			return err
		}
		return c.JSON(m)
	}
}

func (h *Handlers) calendar(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "meeting")
	if err != nil {
		return err
	}
	body, err := h.Service.Calendar(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="meeting-`+strconv.FormatInt(id, 10)+`.ics"`)
	return c.Send(body)
}
