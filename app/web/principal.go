package web

import (
	"slices"
	"sync"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/actor"
)

// Role is what a user is on the platform (see actor.Role).
type Role = actor.Role

// The roles.
const (
	RoleAdmin      = actor.RoleAdmin
	RoleZoneStaff  = actor.RoleZoneStaff
	RoleEnterprise = actor.RoleEnterprise
	RoleInvestor   = actor.RoleInvestor
	RoleGraduate   = actor.RoleGraduate
	RoleProvince   = actor.RoleProvince
)

// AllRoles lists every role, for access tests and validation.
var AllRoles = actor.AllRoles

// Principal is the logged-in caller of a request: who they are, which services receive as an
// *actor.Actor (Caller), and the session they came with, which stays in the web layer.
type Principal struct {
	actor.Actor
	SessionKey string
	CSRFToken  string
}

// Caller is who p is, for services: nil when p is nil (anonymous).
func (p *Principal) Caller() *actor.Actor {
	if p == nil {
		return nil
	}
	return &p.Actor
}

// The rules of actor.Actor, safe on a nil Principal as on a nil Actor.

// ManagesZone reports whether p may manage zone zoneID (see actor.Actor.ManagesZone).
func (p *Principal) ManagesZone(zoneID int64) bool { return p.Caller().ManagesZone(zoneID) }

// CreatesIn is the zone a new object of p's belongs to (see actor.Actor.CreatesIn).
func (p *Principal) CreatesIn(named int64) (int64, error) { return p.Caller().CreatesIn(named) }

// ReviewsProvince reports whether p reviews the zones of province (see actor.Actor.ReviewsProvince).
func (p *Principal) ReviewsProvince(province string) bool {
	return p.Caller().ReviewsProvince(province)
}

// ManagesEnterprise reports whether p may manage an enterprise of zone zoneID (see
// actor.Actor.ManagesEnterprise).
func (p *Principal) ManagesEnterprise(zoneID, enterpriseID int64) bool {
	return p.Caller().ManagesEnterprise(zoneID, enterpriseID)
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
