package server_test

import (
	"fmt"
	"strings"
	"testing"

	"zonefair/app/web"
)

// TestRoleRouteMatrix walks every registered route: anonymous callers of a non-public route get
// 401, and every role the route does not admit gets 403, before any input is looked at.
func TestRoleRouteMatrix(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		clients := map[web.Role]*client{}
		for _, role := range web.AllRoles {
			clients[role] = e.as(role)
		}
		checked := 0
		for _, rt := range e.app.Router.Routes() {
			if rt.Access.IsPublic() {
				continue
			}
			path := strings.NewReplacer(":id", fmt.Sprint(e.zoneB.ID), ":token", "x").Replace(rt.Path)
			name := rt.Method + " " + rt.Path
			if res := e.anon().do(rt.Method, path, "{}"); res.status != 401 {
				t.Errorf("%s anonymous: status %d, want 401", name, res.status)
			} else if res.errorBody().Code != "unauthorized" {
				t.Errorf("%s anonymous: wrong error code", name)
			}
			for _, role := range web.AllRoles {
				if rt.Access.Allows(role) {
					continue
				}
				checked++
				if res := clients[role].do(rt.Method, path, "{}"); res.status != 403 {
					t.Errorf("%s as %s: status %d, want 403", name, role, res.status)
				}
			}
		}
		if checked == 0 {
			t.Fatal("no role-restricted route was checked")
		}
	})
}

// TestZoneScope proves staff reach only their own zone and enterprise.
func TestZoneScope(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		staff, ent, admin := e.as(web.RoleZoneStaff), e.as(web.RoleEnterprise), e.as(web.RoleAdmin)
		edit := map[string]any{"descriptionEn": "Edited"}
		newEnt := map[string]any{"nameZh": "丙公司", "nameEn": "Gamma Co", "industry": "electronics", "ownership": "joint"}
		b, a := fmt.Sprint(e.zoneB.ID), fmt.Sprint(e.zoneA.ID)

		// Zone A's staff reaching into zone B.
		staff.do("PATCH", "/api/v1/zones/"+b, edit).want(403)
		staff.do("POST", "/api/v1/zones/"+b+"/enterprises", newEnt).want(403)
		staff.do("PATCH", fmt.Sprintf("/api/v1/enterprises/%d", e.entB.ID), newEnt).want(403)
		staff.do("DELETE", fmt.Sprintf("/api/v1/enterprises/%d", e.entB.ID), nil).want(403)
		staff.do("POST", "/api/v1/invitations", map[string]any{"email": "x@example.test", "role": "zone_staff", "zoneId": e.zoneB.ID}).want(403)
		// Enterprise A's staff reaching into enterprise B, or editing the zone.
		ent.do("PATCH", fmt.Sprintf("/api/v1/enterprises/%d", e.entB.ID), newEnt).want(403)
		ent.do("PATCH", "/api/v1/zones/"+a, edit).want(403)

		// Nothing in zone B changed.
		var got struct {
			DescriptionEn string `json:"descriptionEn"`
			Enterprises   []struct {
				NameEn string `json:"nameEn"`
			} `json:"enterprises"`
		}
		e.anon().do("GET", "/api/v1/zones/"+b, nil).want(200).json(&got)
		if got.DescriptionEn == "Edited" || len(got.Enterprises) != 1 || got.Enterprises[0].NameEn != "Beta Co" {
			t.Fatalf("zone B was changed by a refused request: %+v", got)
		}

		// Each at home, and the admin everywhere, succeeds.
		staff.do("PATCH", "/api/v1/zones/"+a, edit).want(200)
		ent.do("PATCH", fmt.Sprintf("/api/v1/enterprises/%d", e.entA.ID), newEnt).want(200)
		admin.do("PATCH", "/api/v1/zones/"+b, edit).want(200)
		staff.do("POST", "/api/v1/zones/"+a+"/enterprises", newEnt).want(201)
	})
}
