// Booth chat over HTTP: opening a conversation with a zone or one of its enterprises, listing
// conversations, reading and sending messages.

package jobfair

import (
	"github.com/gofiber/fiber/v2"

	"zonefair/app/web"
)

// OpenChatQuery names the enterprise of the booth to talk to; none means the booth's zone staff.
type OpenChatQuery struct {
	EnterpriseID int64 `query:"enterpriseId" validate:"gte=0"`
}

func (h *Handlers) openChat(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "fair")
	if err != nil {
		return err
	}
	zoneID, err := web.ParamID(c, "zoneId", "booth")
	if err != nil {
		return err
	}
	var q OpenChatQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	conv, err := h.store().OpenConversation(c.UserContext(), id, zoneID, web.CurrentPrincipal(c).UserID, q.EnterpriseID, h.Service.now())
	if err != nil {
		return err
	}
	return c.JSON(conv)
}

func (h *Handlers) conversations(c *fiber.Ctx) error {
	var q ConversationQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	list, err := h.store().Conversations(c.UserContext(), web.CurrentPrincipal(c).Caller(), q)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (h *Handlers) messages(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "conversation")
	if err != nil {
		return err
	}
	var q MessageQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	page, err := h.store().Messages(c.UserContext(), web.CurrentPrincipal(c).Caller(), id, q)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (h *Handlers) say(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "conversation")
	if err != nil {
		return err
	}
	var in MessageInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	m, err := h.Service.Say(c.UserContext(), web.CurrentPrincipal(c).Caller(), id, in.Body)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}
