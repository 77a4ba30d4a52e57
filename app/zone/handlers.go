package zone

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/web"
)

// MaxLogoBytes bounds an uploaded logo.
const MaxLogoBytes = 1 << 20

// Handlers serve the zone directory, zone pages and their edits.
type Handlers struct {
	Store     *Store
	UploadDir string // logos are kept under UploadDir/zones/<id>/
}

// Routes registers the zone routes.
func (h *Handlers) Routes(r *web.Router) {
	manage := web.Roles(web.RoleAdmin, web.RoleZoneStaff)
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/meta", Tag: "zones", Summary: "Regions, provinces and industries", Access: web.Public, Response: Meta{}, Handler: h.meta})
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/zones", Tag: "zones", Summary: "Search the zone directory", Access: web.Public, Query: Filter{}, Response: Page{}, Handler: h.list})
	r.Handle(web.Route{Method: "POST", Path: "/api/v1/zones", Tag: "zones", Summary: "Create a zone", Access: web.Roles(web.RoleAdmin), Request: CreateRequest{}, Response: Zone{}, Status: 201, Handler: h.create})
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/zones/:id", Tag: "zones", Summary: "A zone with its enterprises", Access: web.Public, Response: Detail{}, Handler: h.get})
	r.Handle(web.Route{Method: "PATCH", Path: "/api/v1/zones/:id", Tag: "zones", Summary: "Edit a zone (its own staff or an admin)", Access: manage, Request: Patch{}, Response: Detail{}, Handler: h.update})
	r.Handle(web.Route{Method: "POST", Path: "/api/v1/zones/:id/logo", Tag: "zones", Summary: "Upload the zone's logo (PNG, JPEG or WebP, ≤ 1 MiB)", Access: manage, Upload: true, Response: Detail{}, Handler: h.uploadLogo})
	r.Handle(web.Route{Method: "GET", Path: "/api/v1/zones/:id/logo", Tag: "zones", Summary: "The zone's logo", Access: web.Public, Produces: "image/*", Handler: h.logo})
	r.Handle(web.Route{Method: "POST", Path: "/api/v1/zones/:id/enterprises", Tag: "zones", Summary: "Add an enterprise to a zone", Access: manage, Request: EnterpriseInput{}, Response: Enterprise{}, Status: 201, Handler: h.createEnterprise})
	r.Handle(web.Route{Method: "PATCH", Path: "/api/v1/enterprises/:id", Tag: "zones", Summary: "Edit an enterprise (its zone's staff, its own staff, or an admin)", Access: web.Roles(web.RoleAdmin, web.RoleZoneStaff, web.RoleEnterprise), Request: EnterpriseInput{}, Response: Enterprise{}, Handler: h.updateEnterprise})
	r.Handle(web.Route{Method: "DELETE", Path: "/api/v1/enterprises/:id", Tag: "zones", Summary: "Remove an enterprise", Access: manage, Status: 204, Handler: h.deleteEnterprise})
}

func (h *Handlers) meta(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(Meta{Regions: Regions, Provinces: Provinces, Industries: Industries})
}

func (h *Handlers) list(c *fiber.Ctx) error {
	var f Filter
	if err := web.BindQuery(c, &f); err != nil {
		return err
	}
	page, err := h.Store.List(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (h *Handlers) get(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "zone")
	if err != nil {
		return err
	}
	d, err := h.Store.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// CreateRequest is a new zone.
type CreateRequest struct {
	Slug     string `json:"slug" validate:"required,max=80,slug"`
	Province string `json:"province" validate:"required,max=40"`
	Patch
}

func (h *Handlers) create(c *fiber.Ctx) error {
	var req CreateRequest
	if err := web.Bind(c, &req); err != nil {
		return err
	}
	p, ok := ProvinceByCode(req.Province)
	if !ok {
		return errs.Invalid("province", "field.province")
	}
	if req.NameZh == nil || req.NameEn == nil {
		e := &errs.Error{Kind: errs.ErrInvalid, Key: "invalid_input"}
		for field, v := range map[string]*string{"nameZh": req.NameZh, "nameEn": req.NameEn} {
			if v == nil {
				e.Fields = append(e.Fields, errs.FieldError{Field: field, Key: "field.required"})
			}
		}
		return e
	}
	if err := checkIndustries(req.Industries); err != nil {
		return err
	}
	z := Zone{Slug: req.Slug, Province: p.Code, Region: p.Region}
	cols := req.Patch
	applyPatch(&z, cols)
	if err := h.Store.Create(c.UserContext(), &z); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(z)
}

func applyPatch(z *Zone, p Patch) {
	for dst, src := range map[*string]*string{
		&z.NameZh: p.NameZh, &z.NameEn: p.NameEn, &z.CityZh: p.CityZh, &z.CityEn: p.CityEn,
		&z.DescriptionZh: p.DescriptionZh, &z.DescriptionEn: p.DescriptionEn, &z.ContactName: p.ContactName,
		&z.ContactEmail: p.ContactEmail, &z.ContactPhone: p.ContactPhone, &z.Website: p.Website,
	} {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	if p.EstablishedYear != nil {
		z.EstablishedYear = *p.EstablishedYear
	}
	if p.Industries != nil {
		z.Industries = *p.Industries
	}
}

func checkIndustries(inds *[]string) error {
	if inds == nil {
		return nil
	}
	for _, code := range *inds {
		if !IsIndustry(code) {
			return errs.Invalid("industries", "field.industry")
		}
	}
	return nil
}

// zoneFor loads the zone named by :id and checks that the caller manages it.
func (h *Handlers) managedZone(c *fiber.Ctx) (int64, error) {
	id, err := web.ParamID(c, "id", "zone")
	if err != nil {
		return 0, err
	}
	if err := h.Store.Exists(c.UserContext(), id); err != nil {
		return 0, err
	}
	if !web.CurrentPrincipal(c).ManagesZone(id) {
		return 0, errs.Forbidden()
	}
	return id, nil
}

func (h *Handlers) update(c *fiber.Ctx) error {
	id, err := h.managedZone(c)
	if err != nil {
		return err
	}
	var p Patch
	if err := web.Bind(c, &p); err != nil {
		return err
	}
	if err := checkIndustries(p.Industries); err != nil {
		return err
	}
	if err := h.Store.Update(c.UserContext(), id, p); err != nil {
		return err
	}
	return h.get(c)
}

func (h *Handlers) uploadLogo(c *fiber.Ctx) error {
	id, err := h.managedZone(c)
	if err != nil {
		return err
	}
	_, body, err := web.FormFile(c, MaxLogoBytes)
	if err != nil {
		return err
	}
	ct, ext, err := checkLogo(body)
	if err != nil {
		return err
	}
	before, err := h.Store.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	rel, err := h.save(id, ext, body)
	if err != nil {
		return err
	}
	if err := h.Store.SetLogo(c.UserContext(), id, rel, ct); err != nil {
		h.remove(rel)
		return err
	}
	// The replaced logo is no longer shown anywhere.
	if before.LogoPath != "" && before.LogoPath != rel {
		h.remove(before.LogoPath)
	}
	return h.get(c)
}

// save writes the logo under a fresh random name and returns its path relative to UploadDir.
func (h *Handlers) save(zoneID int64, ext string, body []byte) (string, error) {
	rnd := make([]byte, 12)
	_, _ = rand.Read(rnd)
	rel := filepath.Join("zones", itoa(zoneID), "logo-"+hex.EncodeToString(rnd)+ext)
	full := filepath.Join(h.UploadDir, rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return "", err
	}
	tmp := full + ".part"
	if err := os.WriteFile(tmp, body, 0o640); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	if err := os.Rename(tmp, full); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	return rel, nil
}

// remove deletes the stored file rel (relative to UploadDir); a file already gone is fine.
func (h *Handlers) remove(rel string) {
	_ = os.Remove(filepath.Join(h.UploadDir, filepath.Clean(rel)))
}

func (h *Handlers) logo(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id", "zone")
	if err != nil {
		return err
	}
	d, err := h.Store.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	if d.LogoPath == "" {
		return errs.NotFound("logo")
	}
	body, err := os.ReadFile(filepath.Join(h.UploadDir, filepath.Clean(d.LogoPath)))
	if err != nil {
		return errs.NotFound("logo")
	}
	c.Set(fiber.HeaderContentType, d.LogoType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	c.Set(fiber.HeaderContentDisposition, "inline")
	return c.Send(bytes.Clone(body))
}

// EnterpriseInput is a new or edited enterprise.
type EnterpriseInput struct {
	NameZh        string `json:"nameZh" validate:"required,min=2,max=200,text"`
	NameEn        string `json:"nameEn" validate:"required,min=2,max=200,text"`
	Industry      string `json:"industry" validate:"required,max=40"`
	Ownership     string `json:"ownership" validate:"required,oneof=domestic foreign joint"`
	Country       string `json:"country" validate:"max=80,text"`
	DescriptionZh string `json:"descriptionZh" validate:"max=5000,text"`
	DescriptionEn string `json:"descriptionEn" validate:"max=5000,text"`
	Website       string `json:"website" validate:"omitempty,max=300,http_url"`
	Employees     int    `json:"employees" validate:"gte=0,lte=10000000"`
}

func (in EnterpriseInput) apply(e *Enterprise) error {
	if !IsIndustry(in.Industry) {
		return errs.Invalid("industry", "field.industry")
	}
	e.NameZh, e.NameEn = strings.TrimSpace(in.NameZh), strings.TrimSpace(in.NameEn)
	e.Industry, e.Ownership, e.Country = in.Industry, in.Ownership, strings.TrimSpace(in.Country)
	e.DescriptionZh, e.DescriptionEn = in.DescriptionZh, in.DescriptionEn
	e.Website, e.Employees = in.Website, in.Employees
	return nil
}

func (h *Handlers) createEnterprise(c *fiber.Ctx) error {
	zoneID, err := h.managedZone(c)
	if err != nil {
		return err
	}
	var in EnterpriseInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	e := Enterprise{ZoneID: zoneID}
	if err := in.apply(&e); err != nil {
		return err
	}
	if err := h.Store.CreateEnterprise(c.UserContext(), &e); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

func (h *Handlers) managedEnterprise(c *fiber.Ctx, staffToo bool) (Enterprise, error) {
	id, err := web.ParamID(c, "id", "enterprise")
	if err != nil {
		return Enterprise{}, err
	}
	e, err := h.Store.Enterprise(c.UserContext(), id)
	if err != nil {
		return e, err
	}
	p := web.CurrentPrincipal(c)
	if !p.ManagesZone(e.ZoneID) && !(staffToo && p.ManagesEnterprise(e.ZoneID, e.ID)) {
		return e, errs.Forbidden()
	}
	return e, nil
}

func (h *Handlers) updateEnterprise(c *fiber.Ctx) error {
	e, err := h.managedEnterprise(c, true)
	if err != nil {
		return err
	}
	var in EnterpriseInput
	if err := web.Bind(c, &in); err != nil {
		return err
	}
	if err := in.apply(&e); err != nil {
		return err
	}
	if err := h.Store.SaveEnterprise(c.UserContext(), &e); err != nil {
		return err
	}
	return c.JSON(e)
}

func (h *Handlers) deleteEnterprise(c *fiber.Ctx) error {
	e, err := h.managedEnterprise(c, false)
	if err != nil {
		return err
	}
	if err := h.Store.DeleteEnterprise(c.UserContext(), e.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
