package server_test

import (
	"fmt"
	"testing"

	"zonefair/app/web"
)

// TestAgreementLinksStayInTheZone: an agreement may be linked only to its own zone's project
// and to a briefing its zone hosts, on creation and on later edits of the draft.
func TestAgreementLinksStayInTheZone(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff, admin := e.as(web.RoleZoneStaff), e.as(web.RoleAdmin)
		own := e.schedule(staff, "public", e.zoneA.ID, nil)
		foreign := e.schedule(admin, "public", e.zoneB.ID, nil)
		create := func(briefingID int64) response {
			return staff.do("POST", "/api/v1/signing/agreements", map[string]any{
				"title": "Linked agreement", "templateId": e.template.ID, "briefingId": briefingID,
				"merge": map[string]string{"zone": "A", "investor": "B", "project": "C", "amount": "D"},
			})
		}
		res := create(foreign.ID).want(400)
		if d := res.errorBody(); len(d.Details) != 1 || d.Details[0].Field != "briefingId" {
			t.Fatalf("foreign briefing: %+v", d)
		}
		create(999999).want(400)
		var d struct {
			ID         int64  `json:"id"`
			BriefingID *int64 `json:"briefingId"`
		}
		create(own.ID).want(201).json(&d)
		if d.BriefingID == nil || *d.BriefingID != own.ID {
			t.Fatalf("linked briefing %v", d.BriefingID)
		}
		staff.do("PATCH", fmt.Sprintf("/api/v1/signing/agreements/%d", d.ID), map[string]any{"briefingId": foreign.ID}).want(400)
		staff.do("PATCH", fmt.Sprintf("/api/v1/signing/agreements/%d", d.ID), map[string]any{"projectId": 424242}).want(400)
	})
}
