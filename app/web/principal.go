package web

import (
	"slices"

	"github.com/gofiber/fiber/v2"
)

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

// Principal is the logged-in caller of a request.
type Principal struct {
	UserID       int64
	Name         string
	Role         Role
	ZoneID       int64  // zone staff and enterprise staff
	EnterpriseID int64  // enterprise staff
	Province     string // province staff: the province code, as in zone.Zone.Province
	SessionKey   string
	CSRFToken    string
}

// ManagesZone reports whether p may manage zone zoneID: admins everywhere, zone staff at home.
func (p *Principal) ManagesZone(zoneID int64) bool {
	return p != nil && (p.Role == RoleAdmin || (p.Role == RoleZoneStaff && p.ZoneID == zoneID))
}

// ReviewsProvince reports whether p reviews the zones of province: admins everywhere, province
// staff in their own province.
func (p *Principal) ReviewsProvince(province string) bool {
	return p != nil && (p.Role == RoleAdmin || (p.Role == RoleProvince && p.Province != "" && p.Province == province))
}

// ManagesEnterprise reports whether p may manage an enterprise of zone zoneID.
func (p *Principal) ManagesEnterprise(zoneID, enterpriseID int64) bool {
	return p.ManagesZone(zoneID) || (p != nil && p.Role == RoleEnterprise && p.EnterpriseID == enterpriseID)
}

const principalKey = "zonefair.principal"

// SetPrincipal attaches the caller to the request.
func SetPrincipal(c *fiber.Ctx, p *Principal) { c.Locals(principalKey, p) }

// CurrentPrincipal is the caller, or nil when anonymous.
func CurrentPrincipal(c *fiber.Ctx) *Principal {
	p, _ := c.Locals(principalKey).(*Principal)
	return p
}

// Access declares who may call a route.
type Access struct {
	public bool
	roles  []Role // empty with public=false: any logged-in user
}

// Public routes need no login.
var Public = Access{public: true}

// LoggedIn routes need any logged-in user.
var LoggedIn = Access{}

// Roles routes need a logged-in user with one of roles.
func Roles(roles ...Role) Access { return Access{roles: roles} }

// IsPublic reports whether anonymous callers are let in.
func (a Access) IsPublic() bool { return a.public }

// Allows reports whether a logged-in user of role r passes.
func (a Access) Allows(r Role) bool {
	return a.public || len(a.roles) == 0 || slices.Contains(a.roles, r)
}

// String describes the rule for the API document.
func (a Access) String() string {
	switch {
	case a.public:
		return "public"
	case len(a.roles) == 0:
		return "any logged-in user"
	}
	s := ""
	for i, r := range a.roles {
		if i > 0 {
			s += ", "
		}
		s += string(r)
	}
	return s
}

func (a Access) check(c *fiber.Ctx) error {
	if a.public {
		return nil
	}
	p := CurrentPrincipal(c)
	if p == nil {
		return errUnauthorized
	}
	if !a.Allows(p.Role) {
		return errForbidden
	}
	return nil
}
