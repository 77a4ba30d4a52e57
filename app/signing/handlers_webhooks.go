// A zone's signing webhooks over HTTP: registering, listing and deleting them, and their deliveries.

package signing

import (
	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/web"
)

// WebhookInput registers a webhook.
type WebhookInput struct {
	URL string `json:"url" validate:"required,max=500,http_url"`
}

// WebhookCreated is a new webhook with its signing secret, shown only now.
type WebhookCreated struct {
	Webhook
	Secret string `json:"secret"`
}

func (h *Handlers) managedZone(c *fiber.Ctx) (int64, error) {
	id, err := web.ParamID(c, "id", "zone")
	if err != nil {
		return 0, err
	}
	if !web.CurrentPrincipal(c).ManagesZone(id) {
		return 0, errs.Forbidden()
	}
	return id, nil
}

func (h *Handlers) webhooks(c *fiber.Ctx) error {
	zoneID, err := h.managedZone(c)
	if err != nil {
		return err
	}
	out, err := h.Store.Webhooks(c.UserContext(), zoneID)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) createWebhook(c *fiber.Ctx) error {
	zoneID, err := h.managedZone(c)
	if err != nil {
		return err
	}
	var in WebhookInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.Service.Zones.Exists(c.UserContext(), zoneID); err != nil {
		return err
	}
	wh := Webhook{ZoneID: zoneID, URL: in.URL, CreatedBy: web.CurrentPrincipal(c).UserID}
	if err := h.Store.CreateWebhook(c.UserContext(), &wh); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(WebhookCreated{Webhook: wh, Secret: wh.Secret})
}

func (h *Handlers) managedWebhook(c *fiber.Ctx) (Webhook, error) {
	id, err := web.ParamID(c, "id", "webhook")
	if err != nil {
		return Webhook{}, err
	}
	wh, err := h.Store.Webhook(c.UserContext(), id)
	if err != nil {
		return wh, err
	}
	if !web.CurrentPrincipal(c).ManagesZone(wh.ZoneID) {
		return wh, errs.Forbidden()
	}
	return wh, nil
}

func (h *Handlers) deleteWebhook(c *fiber.Ctx) error {
	wh, err := h.managedWebhook(c)
	if err != nil {
		return err
	}
	if err := h.Store.DeleteWebhook(c.UserContext(), wh.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) deliveries(c *fiber.Ctx) error {
	wh, err := h.managedWebhook(c)
	if err != nil {
		return err
	}
	out, err := h.Store.Deliveries(c.UserContext(), wh.ID)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
