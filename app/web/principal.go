package web

import (
	"slices"
	"sync"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
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

// CreatesIn is the zone a new object of p's belongs to when the request names zone named (0 for
// none): the one rule for every kind of object that belongs to a zone. Zone and enterprise
// staff create in their own zone, which naming none means; naming another is forbidden, never
// quietly filed under their own. Admins create in the zone they name (0 when they name none;
// the caller decides whether that is allowed).
func (p *Principal) CreatesIn(named int64) (int64, error) {
	switch {
	case p == nil:
		return 0, errs.Forbidden()
	case p.Role == RoleAdmin:
		return named, nil
	case named != 0 && named != p.ZoneID:
		return 0, errs.Forbidden()
	}
	return p.ZoneID, nil
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

const (
	principalKey = "zonefair.principal"
	deferredKey  = "zonefair.principal.deferred"
)

// SetPrincipal attaches the caller to the request.
func SetPrincipal(c *fiber.Ctx, p *Principal) { c.Locals(principalKey, p) }

// deferred is a logged-in caller whose account is read only if the request asks for it.
type deferred struct {
	userID int64
	load   func() (*Principal, error)
	once   sync.Once
	loaded bool
	p      *Principal
	err    error
}

func (d *deferred) get() (*Principal, error) {
	d.once.Do(func() {
		d.p, d.err = d.load()
		d.loaded = true
	})
	return d.p, d.err
}

// DeferPrincipal attaches the caller of a valid session whose account load reads when the
// request first asks for its principal: a page that never does — a job search — costs no
// database read for it. load returns nil for a session whose account is gone, and an error
// when the account cannot be read (the request then fails with it; see Router.Handle).
func DeferPrincipal(c *fiber.Ctx, userID int64, load func() (*Principal, error)) {
	c.Locals(deferredKey, &deferred{userID: userID, load: load})
}

// CurrentPrincipal is the caller, or nil when anonymous. A caller whose account could not be
// read is nil here; ResolvePrincipal says why.
func CurrentPrincipal(c *fiber.Ctx) *Principal {
	p, _ := ResolvePrincipal(c)
	return p
}

// ResolvePrincipal is the caller, reading their account if the request has not yet, and the
// error that reading it failed with.
func ResolvePrincipal(c *fiber.Ctx) (*Principal, error) {
	if p, ok := c.Locals(principalKey).(*Principal); ok {
		return p, nil
	}
	if d, ok := c.Locals(deferredKey).(*deferred); ok {
		return d.get()
	}
	return nil, nil
}

// CallerID is the user id of the request's session (0 when anonymous), without reading their
// account.
func CallerID(c *fiber.Ctx) int64 {
	if p, ok := c.Locals(principalKey).(*Principal); ok {
		if p == nil {
			return 0
		}
		return p.UserID
	}
	if d, ok := c.Locals(deferredKey).(*deferred); ok {
		return d.userID
	}
	return 0
}

// principalError is the error reading the caller's account failed with, if the request tried.
func principalError(c *fiber.Ctx) error {
	if _, ok := c.Locals(principalKey).(*Principal); ok {
		return nil
	}
	if d, ok := c.Locals(deferredKey).(*deferred); ok && d.loaded {
		return d.err
	}
	return nil
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
