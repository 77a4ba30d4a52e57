package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"zonefair/app/errs"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// InvitationTTL is how long an invitation link stays valid.
const InvitationTTL = 7 * 24 * time.Hour

// Invitation lets a zone's staff or an enterprise's staff join: admins invite zone staff to any
// zone, zone staff invite colleagues and enterprise staff to their own zone.
type Invitation struct {
	ID           int64
	TokenHash    string
	Email        string
	Role         web.Role
	ZoneID       int64
	EnterpriseID *int64
	InvitedBy    int64
	ExpiresAt    time.Time
	AcceptedAt   *time.Time
	CreatedAt    time.Time
}

// TableName is the invitations table.
func (Invitation) TableName() string { return "invitations" }

// Invitations serve creating and accepting invitations.
type Invitations struct {
	Zones    *zone.Store
	Users    *Store
	Sessions *Sessions
	BaseURL  string
}

// Routes registers the invitation routes.
func (h *Invitations) Routes(r *web.Router) {
	r.Handle(web.Route{Method: "POST", Path: "/api/v1/invitations", Tag: "account", Summary: "Invite zone or enterprise staff", Access: web.Roles(web.RoleAdmin, web.RoleZoneStaff), Request: InviteRequest{}, Response: InviteResponse{}, Status: 201, Handler: h.create})
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/invitations/:token", Tag: "account", Summary: "What an invitation is for", Access: web.Public, Response: InvitationView{}, Handler: h.get})
	r.Handle(web.Route{Method: "POST", Path: "/api/v1/invitations/:token/accept", Tag: "account", Summary: "Accept an invitation: create the account and log in", Access: web.Public, Request: AcceptRequest{}, Response: SessionResponse{}, Status: 201, Handler: h.accept})
}

// InviteRequest names who to invite, as what, where.
type InviteRequest struct {
	Email        string `json:"email" validate:"required,max=254,email"`
	Role         string `json:"role" validate:"required,oneof=zone_staff enterprise_staff"`
	ZoneID       int64  `json:"zoneId" validate:"required,gte=1"`
	EnterpriseID *int64 `json:"enterpriseId,omitempty" validate:"omitempty,gte=1"`
}

// InviteResponse is the created invitation with the link to hand to the invitee.
type InviteResponse struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Role         web.Role  `json:"role"`
	ZoneID       int64     `json:"zoneId"`
	EnterpriseID *int64    `json:"enterpriseId"`
	URL          string    `json:"url"`
	ExpiresAt    time.Time `json:"expiresAt"`
}

func (h *Invitations) create(c *fiber.Ctx) error {
	var req InviteRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := h.Zones.Exists(ctx, req.ZoneID); err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			return errs.Invalid("zoneId", "not_found.zone")
		}
		return err
	}
	p := web.CurrentPrincipal(c)
	if !p.ManagesZone(req.ZoneID) {
		return &errs.Error{Kind: errs.ErrForbidden, Key: "forbidden", Fields: []errs.FieldError{{Field: "zoneId", Key: "field.invitation_scope"}}}
	}
	if req.Role == string(web.RoleEnterprise) {
		if req.EnterpriseID == nil {
			return errs.Invalid("enterpriseId", "field.enterprise_need")
		}
		e, err := h.Zones.Enterprise(ctx, *req.EnterpriseID)
		if err != nil || e.ZoneID != req.ZoneID {
			return errs.Invalid("enterpriseId", "field.enterprise_zone")
		}
	} else {
		req.EnterpriseID = nil
	}
	token := randomToken()
	inv := Invitation{
		TokenHash: sessionKey(token), Email: NormalizeEmail(req.Email), Role: web.Role(req.Role),
		ZoneID: req.ZoneID, EnterpriseID: req.EnterpriseID, InvitedBy: p.UserID,
		ExpiresAt: time.Now().Add(InvitationTTL).UTC(),
	}
	if err := h.Users.CreateInvitation(ctx, &inv); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(InviteResponse{
		ID: inv.ID, Email: inv.Email, Role: inv.Role, ZoneID: inv.ZoneID, EnterpriseID: inv.EnterpriseID,
		URL: h.BaseURL + "/invite/" + token, ExpiresAt: inv.ExpiresAt,
	})
}

// InvitationView tells the invitee what they were invited to.
type InvitationView struct {
	Email      string           `json:"email"`
	Role       web.Role         `json:"role"`
	Zone       zone.Zone        `json:"zone"`
	Enterprise *zone.Enterprise `json:"enterprise"`
	ExpiresAt  time.Time        `json:"expiresAt"`
}

// CreateInvitation stores inv.
func (s *Store) CreateInvitation(ctx context.Context, inv *Invitation) error {
	return s.db.WithContext(ctx).Create(inv).Error
}

// PendingInvitation returns the invitation of token while it can be accepted: not found when
// there is none or it expired, a conflict when it was accepted.
func (s *Store) PendingInvitation(ctx context.Context, token string) (Invitation, error) {
	var inv Invitation
	if len(token) < 20 || len(token) > 100 {
		return inv, errs.NotFound("invitation")
	}
	err := s.db.WithContext(ctx).Where("token_hash = ?", sessionKey(token)).First(&inv).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || err == nil && time.Now().After(inv.ExpiresAt) {
		return inv, errs.NotFound("invitation")
	}
	if err == nil && inv.AcceptedAt != nil {
		return inv, errs.New(errs.ErrConflict, "invitation.used")
	}
	return inv, err
}

// AcceptInvitation marks the invitation of token accepted and creates its account from u
// (email, role, zone and enterprise come from the invitation), at once: only one acceptance
// wins, however many arrive together.
func (s *Store) AcceptInvitation(ctx context.Context, token string, u *User) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		in := &Store{db: tx}
		inv, err := in.PendingInvitation(ctx, token)
		if err != nil {
			return err
		}
		res := tx.Model(&Invitation{}).Where("id = ? AND accepted_at IS NULL", inv.ID).Update("accepted_at", time.Now().UTC())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errs.New(errs.ErrConflict, "invitation.used")
		}
		zoneID := inv.ZoneID
		u.Email, u.Role, u.ZoneID, u.EnterpriseID = inv.Email, inv.Role, &zoneID, inv.EnterpriseID
		return in.Create(ctx, u)
	})
}

func (h *Invitations) get(c *fiber.Ctx) error {
	inv, err := h.Users.PendingInvitation(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	d, err := h.Zones.Get(c.UserContext(), inv.ZoneID)
	if err != nil {
		return err
	}
	view := InvitationView{Email: inv.Email, Role: inv.Role, Zone: d.Zone, ExpiresAt: inv.ExpiresAt}
	if inv.EnterpriseID != nil {
		e, err := h.Zones.Enterprise(c.UserContext(), *inv.EnterpriseID)
		if err != nil {
			return err
		}
		view.Enterprise = &e
	}
	return c.JSON(view)
}

// AcceptRequest completes the invitee's account.
type AcceptRequest struct {
	Name     string `json:"name" validate:"required,min=1,max=100,text"`
	Password string `json:"password" validate:"required,min=10,max=128"`
	Locale   string `json:"locale,omitempty" validate:"omitempty,oneof=zh-CN en"`
}

func (h *Invitations) accept(c *fiber.Ctx) error {
	var req AcceptRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	if weakPassword(req.Password) {
		return errs.Invalid("password", "field.password_weak")
	}
	if req.Locale == "" {
		req.Locale = string(web.RequestLocale(c))
	}
	hash, err := HashPassword(c.UserContext(), req.Password)
	if err != nil {
		return err
	}
	u := User{PasswordHash: hash, Name: strings.TrimSpace(req.Name), Locale: req.Locale}
	if err := h.Users.AcceptInvitation(c.UserContext(), c.Params("token"), &u); err != nil {
		return err
	}
	csrf, err := h.Sessions.Start(c, &u)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(SessionResponse{User: u, CSRFToken: csrf})
}
