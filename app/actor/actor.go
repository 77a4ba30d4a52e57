// Package actor is who calls a use case: a plain value that the web layer makes from a request's
// session and hands to services, which decide with it what the caller may see and do. Services
// take an *Actor, never the web layer's principal, so they hold no session key, CSRF token or
// HTTP type, and a job, a test or a command can call them as anyone.
package actor

import "zonefair/app/errs"

// Role is what a user is on the platform.
type Role string

// The roles.
const (
	RoleAdmin      Role = "admin"
	RoleZoneStaff  Role = "zone_staff"
	RoleEnterprise Role = "enterprise_staff"
	RoleInvestor   Role = "investor"
	RoleGraduate   Role = "graduate"
	// RoleProvince reviews the assessment data of the zones of one province (a provincial
	// commerce department).
	RoleProvince Role = "province_staff"
)

// AllRoles lists every role, for access tests and validation.
var AllRoles = []Role{RoleAdmin, RoleZoneStaff, RoleEnterprise, RoleInvestor, RoleGraduate, RoleProvince}

// Actor is a logged-in caller.
type Actor struct {
	UserID       int64
	Name         string
	Role         Role
	ZoneID       int64  // zone staff and enterprise staff
	EnterpriseID int64  // enterprise staff
	Province     string // province staff: the province code, as in zone.Zone.Province
}

// ManagesZone reports whether a may manage zone zoneID: admins everywhere, zone staff at home.
func (a *Actor) ManagesZone(zoneID int64) bool {
	return a != nil && (a.Role == RoleAdmin || (a.Role == RoleZoneStaff && a.ZoneID == zoneID))
}

// CreatesIn is the zone a new object of a's belongs to when the request names zone named (0 for
// none): the one rule for every kind of object that belongs to a zone. Zone and enterprise
// staff create in their own zone, which naming none means; naming another is forbidden, never
// quietly filed under their own. Admins create in the zone they name (0 when they name none;
// the caller decides whether that is allowed).
func (a *Actor) CreatesIn(named int64) (int64, error) {
	switch {
	case a == nil:
		return 0, errs.Forbidden()
	case a.Role == RoleAdmin:
		return named, nil
	case named != 0 && named != a.ZoneID:
		return 0, errs.Forbidden()
	}
	return a.ZoneID, nil
}

// ReviewsProvince reports whether a reviews the zones of province: admins everywhere, province
// staff in their own province.
func (a *Actor) ReviewsProvince(province string) bool {
	return a != nil && (a.Role == RoleAdmin || (a.Role == RoleProvince && a.Province != "" && a.Province == province))
}

// ManagesEnterprise reports whether a may manage an enterprise of zone zoneID.
func (a *Actor) ManagesEnterprise(zoneID, enterpriseID int64) bool {
	return a.ManagesZone(zoneID) || (a != nil && a.Role == RoleEnterprise && a.EnterpriseID == enterpriseID)
}
