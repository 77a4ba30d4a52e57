package video

import (
	"github.com/gofiber/fiber/v2"

	"zonefair/app/web"
)

// Handlers serve the video routes.
type Handlers struct {
	Service *Service
}

// Routes registers the video routes.
func (h *Handlers) Routes(r *web.Router) {
	host := web.Roles(web.RoleAdmin, web.RoleZoneStaff)
	const base = "/api/v1/video"
	add := func(rt web.Route) {
		rt.Tag = "video"
		r.Handle(rt)
	}
	add(web.Route{Method: "GET", Path: base, Summary: "Whether video goes through the video server (LiveKit), and where browsers connect", Access: web.Public, Response: Status{}, Handler: h.status})
	add(web.Route{Method: "POST", Path: base + "/briefings/:id/token", Summary: "A token for the briefing's stage: hosts and attendees on stage publish, registered attendees watch (409 video.off without a video server)", Access: web.LoggedIn, Response: Token{}, Handler: h.briefingToken})
	add(web.Route{Method: "GET", Path: base + "/briefings/:id/stage", Summary: "The briefing's raised hands and presenters on stage", Access: web.LoggedIn, Response: Stage{}, Handler: h.stage})
	add(web.Route{Method: "POST", Path: base + "/briefings/:id/hand", Summary: "Raise or lower the caller's hand: the host brings them on stage (with a video server) or replies and lowers it", Access: web.LoggedIn, Request: HandInput{}, Response: Stage{}, Handler: h.hand})
	add(web.Route{Method: "POST", Path: base + "/briefings/:id/stage", Summary: "Bring an attendee on stage (hosts; 409 video.off without a video server, 409 when 4 present) or send them back, lowering their hand", Access: host, Request: StageInput{}, Response: Stage{}, Handler: h.setStage})
	add(web.Route{Method: "GET", Path: base + "/briefings/:id/presence", Summary: "Who was in the briefing's video room and on stage, and for how long (hosts: the zones' staff, its creator, admins)", Access: host, Response: []Stay{}, Handler: h.briefingStays})
	add(web.Route{Method: "POST", Path: base + "/meetings/:id/token", Summary: "A token for the meeting's video room (members, while the meeting is open)", Access: web.LoggedIn, Response: Token{}, Handler: h.meetingToken})
	add(web.Route{Method: "GET", Path: base + "/meetings/:id/presence", Summary: "Who was in the meeting's video room and for how long (its participants)", Access: web.LoggedIn, Response: []Stay{}, Handler: h.meetingStays})
	add(web.Route{Method: "POST", Path: base + "/webhook", Summary: "Events of the video server, signed with its API key (401 when the signature does not hold)", Access: web.Public, Status: 204, Handler: h.webhook})
}

func (h *Handlers) status(c *fiber.Ctx) error { return c.JSON(h.Service.Status()) }

func briefingID(c *fiber.Ctx) (int64, error) { return web.ParamID(c, "id", "briefing") }

func (h *Handlers) briefingToken(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	t, err := h.Service.BriefingToken(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(t)
}

func (h *Handlers) stage(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	st, err := h.Service.StageOf(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (h *Handlers) hand(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	var in HandInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	st, err := h.Service.RaiseHand(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), *in.Raised)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (h *Handlers) setStage(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	var in StageInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	st, err := h.Service.SetStage(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (h *Handlers) briefingStays(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	out, err := h.Service.BriefingStays(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func meetingID(c *fiber.Ctx) (int64, error) { return web.ParamID(c, "id", "meeting") }

func (h *Handlers) meetingToken(c *fiber.Ctx) error {
	id, err := meetingID(c)
	if err != nil {
		return err
	}
	t, err := h.Service.MeetingToken(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(t)
}

func (h *Handlers) meetingStays(c *fiber.Ctx) error {
	id, err := meetingID(c)
	if err != nil {
		return err
	}
	out, err := h.Service.MeetingStays(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) webhook(c *fiber.Ctx) error {
	if err := h.Service.Webhook(c.UserContext(), c.Get(fiber.HeaderAuthorization), c.Body()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
