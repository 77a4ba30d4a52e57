package monitor

import (
	"github.com/gofiber/fiber/v2"

	"zonefair/app/web"
)

// Handlers serve the monitoring routes.
type Handlers struct {
	Service *Service
}

// KeyZones is the list of monitored zones.
type KeyZones struct {
	ZoneIDs []int64 `json:"zoneIds"`
}

// Routes registers the monitoring routes.
func (h *Handlers) Routes(r *web.Router) {
	readers := web.Roles(web.RoleAdmin, web.RoleProvince, web.RoleZoneStaff)
	reporters := web.Roles(web.RoleAdmin, web.RoleZoneStaff)
	reviewers := web.Roles(web.RoleAdmin, web.RoleProvince)
	admin := web.Roles(web.RoleAdmin)
	add := func(rt web.Route) {
		rt.Tag = "monitoring"
		r.Handle(rt)
	}
	const base = "/api/v1/monitoring"
	add(web.Route{Method: "GET", Path: base + "/overview", Summary: "The key zones the caller may read, with their latest figures and whether last month's report is in", Access: readers, Response: Overview{}, Handler: h.overview})
	add(web.Route{Method: "GET", Path: base + "/series", Summary: "Monthly figures with year-on-year change, of one zone or summed over the caller's key zones", Access: readers, Query: SeriesQuery{}, Response: Series{}, Handler: h.series})
	add(web.Route{Method: "POST", Path: base + "/reports", Summary: "Report a month's foreign trade and investment (zone staff their zone; one report per zone and month)", Access: reporters, Request: ReportInput{}, Response: Report{}, Status: 201, Handler: h.submit})
	add(web.Route{Method: "PUT", Path: base + "/reports/:id", Summary: "Correct a report; every changed figure is audited with the reason", Access: reporters, Request: CorrectionInput{}, Response: Report{}, Handler: h.correct})
	add(web.Route{Method: "GET", Path: base + "/reports/:id/changes", Summary: "A report's audited corrections", Access: readers, Response: []Change{}, Handler: h.changes})
	add(web.Route{Method: "GET", Path: base + "/alerts", Summary: "Alerts of the zones the caller may read, newest first", Access: readers, Query: AlertQuery{}, Response: []Alert{}, Handler: h.alerts})
	add(web.Route{Method: "POST", Path: base + "/alerts/:id/ack", Summary: "Acknowledge an alert (the ministry or the zone's province)", Access: reviewers, Response: Alert{}, Handler: h.ack})
	add(web.Route{Method: "GET", Path: base + "/settings", Summary: "The alert threshold and the reports' due day", Access: readers, Response: Settings{}, Handler: h.settings})
	add(web.Route{Method: "PUT", Path: base + "/settings", Summary: "Set the alert threshold and the reports' due day", Access: admin, Request: SettingsInput{}, Response: Settings{}, Handler: h.saveSettings})
	add(web.Route{Method: "GET", Path: base + "/key-zones", Summary: "The monitored key zones", Access: readers, Response: KeyZones{}, Handler: h.keyZones})
	add(web.Route{Method: "PUT", Path: base + "/key-zones", Summary: "Replace the monitored key zones", Access: admin, Request: KeyZonesInput{}, Response: KeyZones{}, Handler: h.setKeyZones})
}

func (h *Handlers) overview(c *fiber.Ctx) error {
	out, err := h.Service.Overview(c.UserContext(), web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) series(c *fiber.Ctx) error {
	var q SeriesQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	out, err := h.Service.Series(c.UserContext(), web.CurrentPrincipal(c).Caller(), q)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) submit(c *fiber.Ctx) error {
	var in ReportInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.Service.Submit(c.UserContext(), web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) correct(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "monitor_report")
	if err != nil {
		return err
	}
	var in CorrectionInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.Service.Correct(c.UserContext(), id, web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) changes(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "monitor_report")
	if err != nil {
		return err
	}
	out, err := h.Service.Changes(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) alerts(c *fiber.Ctx) error {
	var q AlertQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	out, err := h.Service.Alerts(c.UserContext(), web.CurrentPrincipal(c).Caller(), q)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) ack(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "monitor_alert")
	if err != nil {
		return err
	}
	out, err := h.Service.Acknowledge(c.UserContext(), id, web.CurrentPrincipal(c).Caller())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) settings(c *fiber.Ctx) error {
	out, err := h.Service.Settings(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) saveSettings(c *fiber.Ctx) error {
	var in SettingsInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	out, err := h.Service.SaveSettings(c.UserContext(), web.CurrentPrincipal(c).Caller(), in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) keyZones(c *fiber.Ctx) error {
	ids, err := h.Service.KeyZones(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(KeyZones{ZoneIDs: ids})
}

func (h *Handlers) setKeyZones(c *fiber.Ctx) error {
	var in KeyZonesInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := h.Service.SetKeyZones(c.UserContext(), in); err != nil {
		return err
	}
	return h.keyZones(c)
}
