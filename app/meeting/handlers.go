package meeting

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/actor"
	"zonefair/app/web"
)

// Handlers serve the meeting routes.
type Handlers struct {
	Service *Service
}

// Routes registers the meeting routes.
func (h *Handlers) Routes(r *web.Router) {
	staff := web.Roles(web.RoleAdmin, web.RoleZoneStaff, web.RoleEnterprise)
	guests := web.Roles(web.RoleGraduate, web.RoleInvestor)
	const slots, rooms = "/api/v1/meeting-slots", "/api/v1/meeting-rooms"
	const queue = "/api/v1/fairs/:id/booths/:zoneId/queue"
	add := func(rt web.Route) {
		rt.Tag = "meetings"
		r.Handle(rt)
	}
	add(web.Route{Method: "POST", Path: slots, Summary: "Publish interview or negotiation slots (start in UTC with the publisher's IANA time zone; repeat for a series)", Access: staff, Request: SlotInput{}, Response: []Meeting{}, Status: 201, Handler: h.createSlots})
	add(web.Route{Method: "GET", Path: slots, Summary: "Slots of the caller's zone or enterprise, with their guests", Access: staff, Query: SlotFilter{}, Response: []Meeting{}, Handler: h.managedSlots})
	add(web.Route{Method: "GET", Path: slots + "/bookable", Summary: "The caller's invitations (applications in the interview stage, accepted meeting requests) and the open slots matching them", Access: guests, Response: Bookable{}, Handler: h.bookable})
	add(web.Route{Method: "DELETE", Path: slots + "/:id", Summary: "Withdraw a slot; its guests are told", Access: staff, Response: Meeting{}, Handler: h.cancelSlot})
	add(web.Route{Method: "POST", Path: slots + "/:id/booking", Summary: "Book a place on a slot with an invitation (409 when full or already booked)", Access: guests, Request: BookInput{}, Response: Meeting{}, Status: 201, Handler: h.book})
	add(web.Route{Method: "DELETE", Path: slots + "/:id/booking", Summary: "Cancel the caller's booking (up to 1 h before the start)", Access: guests, Status: 204, Handler: h.cancelBooking})
	add(web.Route{Method: "POST", Path: slots + "/:id/booking/move", Summary: "Move the caller's booking to another slot of the same publisher (up to 1 h before the start)", Access: guests, Request: MoveInput{}, Response: Meeting{}, Handler: h.move})
	add(web.Route{Method: "GET", Path: rooms, Summary: "The caller's meetings, upcoming and of the last 30 days", Access: web.LoggedIn, Response: []Meeting{}, Handler: h.mine})
	add(web.Route{Method: "GET", Path: rooms + "/:id", Summary: "A meeting room's state for its members: meeting, chat, notes (host), live channel and ICE servers", Access: web.LoggedIn, Response: RoomState{}, Handler: h.state})
	add(web.Route{Method: "GET", Path: rooms + "/:id/calendar.ics", Summary: "The meeting as a calendar file, for its members", Access: web.LoggedIn, Produces: "text/calendar", Handler: h.calendar})
	add(web.Route{Method: "POST", Path: rooms + "/:id/chat", Summary: "Post to the room's chat", Access: web.LoggedIn, Request: TextInput{}, Response: Message{}, Status: 201, Handler: h.chat})
	add(web.Route{Method: "PUT", Path: rooms + "/:id/notes", Summary: "Save the interviewer's notes (host)", Access: staff, Request: NotesInput{}, Status: 204, Handler: h.notes})
	add(web.Route{Method: "POST", Path: rooms + "/:id/outcome", Summary: "Record the outcome (host): moves the application or the lead, and ends the meeting", Access: staff, Request: OutcomeInput{}, Response: Meeting{}, Handler: h.outcome})
	add(web.Route{Method: "POST", Path: rooms + "/:id/end", Summary: "End the meeting without an outcome (host)", Access: staff, Response: Meeting{}, Handler: h.end})
	add(web.Route{Method: "POST", Path: rooms + "/:id/members", Summary: "Invite colleagues and investors by email (host and staff who manage it; up to 16 people)", Access: staff, Request: InviteInput{}, Response: Meeting{}, Handler: h.invite})
	add(web.Route{Method: "POST", Path: "/api/v1/meeting-requests/:id/room", Summary: "The room of an accepted meeting request, created on first use", Access: web.Roles(web.RoleAdmin, web.RoleZoneStaff, web.RoleInvestor), Response: Meeting{}, Handler: h.requestRoom})
	add(web.Route{Method: "GET", Path: queue, Summary: "A booth's walk-up queue: the caller's place and expected wait (staff: everyone waiting)", Access: web.LoggedIn, Response: Queue{}, Handler: h.queue(h.Service.QueueFor)})
	add(web.Route{Method: "POST", Path: queue, Summary: "Join a booth's walk-up queue", Access: web.Roles(web.RoleGraduate), Response: Queue{}, Handler: h.queue(h.Service.JoinQueue)})
	add(web.Route{Method: "POST", Path: queue + "/heartbeat", Summary: "Keep the caller's place (every 10 s; places lapse 30 s after the last)", Access: web.Roles(web.RoleGraduate), Response: Queue{}, Handler: h.queue(h.Service.Heartbeat)})
	add(web.Route{Method: "DELETE", Path: queue, Summary: "Leave a booth's walk-up queue", Access: web.Roles(web.RoleGraduate), Status: 204, Handler: h.leaveQueue})
	add(web.Route{Method: "PUT", Path: queue + "/settings", Summary: "Conversations at once and their usual length (booth staff)", Access: staff, Request: BoothInput{}, Response: Queue{}, Handler: h.setBooth})
	add(web.Route{Method: "POST", Path: queue + "/next", Summary: "Start a conversation with the next graduate waiting (booth staff; 409 when busy or nobody waits)", Access: staff, Response: Meeting{}, Handler: h.takeNext})
}

func id(c *fiber.Ctx) (int64, error) { return web.ParamID(c, "id", "meeting") }

// withID runs f with the path id and the caller, answering its result as JSON.
func withID[T any](c *fiber.Ctx, status int, f func(a *actor.Actor, id int64) (T, error)) error {
	mid, err := id(c)
	if err != nil {
		return err
	}
	out, err := f(web.CurrentPrincipal(c).Caller(), mid)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(out)
}

// withBody is withID with a bound request body.
func withBody[In, T any](c *fiber.Ctx, status int, f func(a *actor.Actor, id int64, in In) (T, error)) error {
	mid, err := id(c)
	if err != nil {
		return err
	}
	var in In
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := f(web.CurrentPrincipal(c).Caller(), mid, in)
	if err != nil {
		return err
	}
	return c.Status(status).JSON(out)
}

func (h *Handlers) createSlots(c *fiber.Ctx) error {
	var in SlotInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.Service.CreateSlots(c.UserContext(), web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) managedSlots(c *fiber.Ctx) error {
	var f SlotFilter
	if err := web.BindQuery(c, &f); err != nil {
		return err
	}
	out, err := h.Service.ManagedSlots(c.UserContext(), web.CurrentPrincipal(c).Caller(), f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) bookable(c *fiber.Ctx) error {
	out, err := h.Service.Bookable(c.UserContext(), web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) mine(c *fiber.Ctx) error {
	out, err := h.Service.Mine(c.UserContext(), web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) cancelSlot(c *fiber.Ctx) error {
	return withID(c, fiber.StatusOK, func(a *actor.Actor, id int64) (Meeting, error) {
		return h.Service.CancelSlot(c.UserContext(), a, id)
	})
}

func (h *Handlers) book(c *fiber.Ctx) error {
	return withBody(c, fiber.StatusCreated, func(a *actor.Actor, id int64, in BookInput) (Meeting, error) {
		return h.Service.Book(c.UserContext(), a, id, in)
	})
}

func (h *Handlers) cancelBooking(c *fiber.Ctx) error {
	mid, err := id(c)
	if err != nil {
		return err
	}
	if err := h.Service.CancelBooking(c.UserContext(), web.CurrentPrincipal(c).Caller(), mid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) move(c *fiber.Ctx) error {
	return withBody(c, fiber.StatusOK, func(a *actor.Actor, id int64, in MoveInput) (Meeting, error) {
		return h.Service.Move(c.UserContext(), a, id, in)
	})
}

func (h *Handlers) state(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return withID(c, fiber.StatusOK, func(a *actor.Actor, id int64) (RoomState, error) {
		return h.Service.State(c.UserContext(), a, id)
	})
}

func (h *Handlers) calendar(c *fiber.Ctx) error {
	mid, err := id(c)
	if err != nil {
		return err
	}
	body, err := h.Service.Calendar(c.UserContext(), web.CurrentPrincipal(c).Caller(), mid)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="meeting-`+strconv.FormatInt(mid, 10)+`.ics"`)
	return c.Send(body)
}

func (h *Handlers) chat(c *fiber.Ctx) error {
	return withBody(c, fiber.StatusCreated, func(a *actor.Actor, id int64, in TextInput) (Message, error) {
		return h.Service.Chat(c.UserContext(), a, id, in)
	})
}

func (h *Handlers) notes(c *fiber.Ctx) error {
	mid, err := id(c)
	if err != nil {
		return err
	}
	var in NotesInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.Service.SaveNotes(c.UserContext(), web.CurrentPrincipal(c).Caller(), mid, in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) outcome(c *fiber.Ctx) error {
	return withBody(c, fiber.StatusOK, func(a *actor.Actor, id int64, in OutcomeInput) (Meeting, error) {
		return h.Service.Outcome(c.UserContext(), a, id, in)
	})
}

func (h *Handlers) end(c *fiber.Ctx) error {
	return withID(c, fiber.StatusOK, func(a *actor.Actor, id int64) (Meeting, error) {
		return h.Service.End(c.UserContext(), a, id)
	})
}

func (h *Handlers) requestRoom(c *fiber.Ctx) error {
	return withID(c, fiber.StatusOK, func(a *actor.Actor, id int64) (Meeting, error) {
		return h.Service.RequestRoom(c.UserContext(), a, id)
	})
}

// booth reads the fair and zone of a queue route.
func booth(c *fiber.Ctx) (int64, int64, error) {
	fair, err := web.ParamID(c, "id", "fair")
	if err != nil {
		return 0, 0, err
	}
	zone, err := web.ParamID(c, "zoneId", "zone")
	return fair, zone, err
}

// queue serves a queue route answering the queue.
func (h *Handlers) queue(f func(ctx context.Context, a *actor.Actor, fairID, zoneID int64) (Queue, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		fair, zone, err := booth(c)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		q, err := f(c.UserContext(), web.CurrentPrincipal(c).Caller(), fair, zone)
		if err != nil {
			return err
		}
		return c.JSON(q)
	}
}

func (h *Handlers) leaveQueue(c *fiber.Ctx) error {
	fair, zone, err := booth(c)
	if err != nil {
		return err
	}
	if err := h.Service.LeaveQueue(c.UserContext(), web.CurrentPrincipal(c).Caller(), fair, zone); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) setBooth(c *fiber.Ctx) error {
	fair, zone, err := booth(c)
	if err != nil {
		return err
	}
	var in BoothInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	q, err := h.Service.SetBooth(c.UserContext(), web.CurrentPrincipal(c).Caller(), fair, zone, in)
	if err != nil {
		return err
	}
	return c.JSON(q)
}

func (h *Handlers) takeNext(c *fiber.Ctx) error {
	fair, zone, err := booth(c)
	if err != nil {
		return err
	}
	m, err := h.Service.TakeNext(c.UserContext(), web.CurrentPrincipal(c).Caller(), fair, zone)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (h *Handlers) invite(c *fiber.Ctx) error {
	return withBody(c, fiber.StatusOK, func(a *actor.Actor, id int64, in InviteInput) (Meeting, error) {
		return h.Service.Invite(c.UserContext(), a, id, in)
	})
}
