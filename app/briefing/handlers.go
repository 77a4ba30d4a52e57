package briefing

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/web"
)

// Handlers serve the briefing routes.
type Handlers struct {
	Service *Service
}

// Routes registers the briefing routes.
func (h *Handlers) Routes(r *web.Router) {
	host := web.Roles(web.RoleAdmin, web.RoleZoneStaff)
	const base = "/api/v1/briefings"
	add := func(rt web.Route) {
		rt.Tag = "briefings"
		r.Handle(rt)
	}
	add(web.Route{Method: "GET", Path: base, Summary: "Upcoming, live and past briefings the caller may see", Access: web.Public, Query: ListQuery{}, Response: List{}, Handler: h.list})
	add(web.Route{Method: "POST", Path: base, Summary: "Schedule a briefing", Access: host, Request: Input{}, Response: Briefing{}, Status: 201, Handler: h.create})
	add(web.Route{Method: "GET", Path: base + "/:id", Summary: "A briefing with the caller's registration", Access: web.Public, Response: Detail{}, Handler: h.detail})
	add(web.Route{Method: "PUT", Path: base + "/:id", Summary: "Edit a briefing (hosts; not after it ended)", Access: host, Request: Input{}, Response: Briefing{}, Handler: h.update})
	add(web.Route{Method: "PUT", Path: base + "/:id/recording", Summary: "Set or clear the recording link (hosts; also after the end)", Access: host, Request: RecordingInput{}, Response: Briefing{}, Handler: h.recording})
	add(web.Route{Method: "POST", Path: base + "/:id/start", Summary: "Open the room: the briefing goes live", Access: host, Response: Briefing{}, Handler: h.start})
	add(web.Route{Method: "POST", Path: base + "/:id/end", Summary: "End the briefing; it becomes read-only and its replay opens", Access: host, Response: Briefing{}, Handler: h.end})
	add(web.Route{Method: "POST", Path: base + "/:id/invites", Summary: "Invite emails to an invite-only briefing", Access: host, Request: InviteInput{}, Status: 204, Handler: h.invite})
	add(web.Route{Method: "POST", Path: base + "/:id/registration", Summary: "Register for a briefing with the answers to its questions", Access: web.LoggedIn, Request: RegisterInput{}, Response: Registration{}, Status: 201, Handler: h.register})
	add(web.Route{Method: "DELETE", Path: base + "/:id/registration", Summary: "Cancel the caller's registration", Access: web.LoggedIn, Status: 204, Handler: h.unregister})
	add(web.Route{Method: "GET", Path: base + "/:id/calendar.ics", Summary: "The briefing as a calendar file", Access: web.Public, Produces: "text/calendar", Handler: h.calendar})
	add(web.Route{Method: "POST", Path: base + "/:id/slides", Summary: "Upload the slides (PDF, ≤ 10 MiB, ≤ 500 pages)", Access: host, Upload: true, Response: Briefing{}, Handler: h.uploadSlides})
	add(web.Route{Method: "GET", Path: base + "/:id/slides", Summary: "The slide deck (PDF)", Access: web.Public, Produces: "application/pdf", Handler: h.slides})
	add(web.Route{Method: "POST", Path: base + "/:id/page", Summary: "Turn every attendee's slides to a page (hosts)", Access: host, Request: PageInput{}, Response: SlideEvent{}, Handler: h.page})
	add(web.Route{Method: "GET", Path: base + "/:id/room", Summary: "The room's current state for a late joiner: slide, polls, Q&A, recent chat", Access: web.Public, Response: Room{}, Handler: h.room})
	add(web.Route{Method: "POST", Path: base + "/:id/attend", Summary: "Heartbeat of a page in the room (on entering and every 30 s)", Access: web.LoggedIn, Status: 204, Handler: h.attend})
	add(web.Route{Method: "POST", Path: base + "/:id/chat", Summary: "Post to the room's chat", Access: web.LoggedIn, Request: TextInput{}, Response: ChatMessage{}, Status: 201, Handler: h.chat})
	add(web.Route{Method: "DELETE", Path: base + "/:id/chat/:msgId", Summary: "Hide a chat message (hosts)", Access: host, Status: 204, Handler: h.hideChat})
	add(web.Route{Method: "POST", Path: base + "/:id/questions", Summary: "Ask a question", Access: web.LoggedIn, Request: TextInput{}, Response: Question{}, Status: 201, Handler: h.ask})
	add(web.Route{Method: "POST", Path: base + "/:id/questions/:qid/vote", Summary: "Upvote a question (once per attendee; 409 after)", Access: web.LoggedIn, Response: VoteResult{}, Handler: h.upvote})
	add(web.Route{Method: "PATCH", Path: base + "/:id/questions/:qid", Summary: "Answer, pin or hide a question (hosts)", Access: host, Request: ModerateInput{}, Response: Question{}, Handler: h.moderate})
	add(web.Route{Method: "POST", Path: base + "/:id/polls", Summary: "Prepare a poll (hosts)", Access: host, Request: PollInput{}, Response: Poll{}, Status: 201, Handler: h.createPoll})
	add(web.Route{Method: "POST", Path: base + "/:id/polls/:pollId/open", Summary: "Open a poll (hosts; one at a time)", Access: host, Response: Poll{}, Handler: h.openPoll})
	add(web.Route{Method: "POST", Path: base + "/:id/polls/:pollId/close", Summary: "Close a poll (hosts)", Access: host, Response: Poll{}, Handler: h.closePoll})
	add(web.Route{Method: "POST", Path: base + "/:id/polls/:pollId/vote", Summary: "Answer an open poll (once per attendee; 409 after)", Access: web.LoggedIn, Request: PollVoteInput{}, Status: 204, Handler: h.votePoll})
	add(web.Route{Method: "POST", Path: base + "/:id/moderation", Summary: "Mute or remove an attendee (hosts)", Access: host, Request: ModerationInput{}, Response: Moderation{}, Handler: h.moderateUser})
	add(web.Route{Method: "GET", Path: base + "/:id/replay", Summary: "The replay: page-turn timeline, Q&A, poll results, chat (after the end; hosts any time)", Access: web.Public, Response: Replay{}, Handler: h.replay})
	add(web.Route{Method: "GET", Path: base + "/:id/analytics", Summary: "Attendance and activity (hosts)", Access: host, Response: Analytics{}, Handler: h.analytics})
	add(web.Route{Method: "GET", Path: base + "/:id/leads.csv", Summary: "Leads export (hosts): UTF-8 CSV with BOM", Access: host, Produces: "text/csv", Handler: h.leadsCSV})
}

func briefingID(c *fiber.Ctx) (int64, error) { return web.ParamID(c, "id", "briefing") }

// ids reads :id and a second path id.
func ids(c *fiber.Ctx, name, what string) (int64, int64, error) {
	id, err := briefingID(c)
	if err != nil {
		return 0, 0, err
	}
	other, err := web.ParamID(c, name, what)
	return id, other, err
}

func (h *Handlers) list(c *fiber.Ctx) error {
	var q ListQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	out, err := h.Service.List(c.UserContext(), web.CurrentPrincipal(c).Caller(), q)
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
	b, err := h.Service.Create(c.UserContext(), web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(b)
}

func (h *Handlers) detail(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	d, err := h.Service.Detail(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handlers) update(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	var in Input
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	b, err := h.Service.Update(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (h *Handlers) recording(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	var in RecordingInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	b, err := h.Service.SetRecording(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (h *Handlers) start(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	b, err := h.Service.Start(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (h *Handlers) end(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	b, err := h.Service.End(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (h *Handlers) invite(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	var in InviteInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.Service.Invite(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) register(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	var in RegisterInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	r, err := h.Service.Register(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (h *Handlers) unregister(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	if err := h.Service.Unregister(c.UserContext(), id, web.CurrentPrincipal(c).Caller()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) calendar(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	body, err := h.Service.Calendar(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="briefing-`+strconv.FormatInt(id, 10)+`.ics"`)
	return c.Send(body)
}

func (h *Handlers) uploadSlides(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	name, body, err := web.FormFile(c, MaxSlidesBytes)
	if err != nil {
		return err
	}
	b, err := h.Service.SetSlides(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), name, body)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (h *Handlers) slides(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	body, err := h.Service.Slides(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, "inline")
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	return c.Send(body)
}

func (h *Handlers) page(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	var in PageInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	ev, err := h.Service.TurnPage(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in.Page)
	if err != nil {
		return err
	}
	return c.JSON(ev)
}

func (h *Handlers) room(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	r, err := h.Service.Room(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(r)
}

func (h *Handlers) attend(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	if err := h.Service.Attend(c.UserContext(), id, web.CurrentPrincipal(c).Caller()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) chat(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	var in TextInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	m, err := h.Service.Chat(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (h *Handlers) hideChat(c *fiber.Ctx) error {
	id, msg, err := ids(c, "msgId", "message")
	if err != nil {
		return err
	}
	if err := h.Service.HideChat(c.UserContext(), id, msg, web.CurrentPrincipal(c).Caller()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) ask(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	var in TextInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	q, err := h.Service.Ask(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(q)
}

func (h *Handlers) upvote(c *fiber.Ctx) error {
	id, qid, err := ids(c, "qid", "question")
	if err != nil {
		return err
	}
	v, err := h.Service.Upvote(c.UserContext(), id, qid, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *Handlers) moderate(c *fiber.Ctx) error {
	id, qid, err := ids(c, "qid", "question")
	if err != nil {
		return err
	}
	var in ModerateInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	q, err := h.Service.Moderate(c.UserContext(), id, qid, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.JSON(q)
}

func (h *Handlers) createPoll(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	var in PollInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	p, err := h.Service.CreatePoll(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (h *Handlers) openPoll(c *fiber.Ctx) error {
	id, pid, err := ids(c, "pollId", "poll")
	if err != nil {
		return err
	}
	p, err := h.Service.OpenPoll(c.UserContext(), id, pid, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *Handlers) closePoll(c *fiber.Ctx) error {
	id, pid, err := ids(c, "pollId", "poll")
	if err != nil {
		return err
	}
	p, err := h.Service.ClosePoll(c.UserContext(), id, pid, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *Handlers) votePoll(c *fiber.Ctx) error {
	id, pid, err := ids(c, "pollId", "poll")
	if err != nil {
		return err
	}
	var in PollVoteInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.Service.VotePoll(c.UserContext(), id, pid, web.CurrentPrincipal(c).Caller(), *in.Option); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) moderateUser(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	var in ModerationInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	m, err := h.Service.ModerateUser(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (h *Handlers) replay(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	r, err := h.Service.Replay(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *Handlers) analytics(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	a, err := h.Service.Analytics(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (h *Handlers) leadsCSV(c *fiber.Ctx) error {
	id, err := briefingID(c)
	if err != nil {
		return err
	}
	body, err := h.Service.LeadsCSV(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return web.SendCSV(c, "briefing-"+strconv.FormatInt(id, 10)+"-leads.csv", body)
}
