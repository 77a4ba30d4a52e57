package policy

import (
	"context"
	"slices"
	"strings"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// Package is a zone's ordered selection of policies with an introduction, e.g. "Support for
// foreign-invested enterprises in Suzhou Industrial Park".
type Package struct {
	ID        int64     `json:"id"`
	ZoneID    int64     `json:"zoneId"`
	TitleZh   string    `json:"titleZh"`
	TitleEn   string    `json:"titleEn"`
	IntroZh   string    `json:"introZh"`
	IntroEn   string    `json:"introEn"`
	CreatedBy int64     `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`

	ZoneNameZh  string   `json:"zoneNameZh" gorm:"-"`
	ZoneNameEn  string   `json:"zoneNameEn" gorm:"-"`
	PolicyCount int      `json:"policyCount" gorm:"-"`
	Policies    []Policy `json:"policies,omitempty" gorm:"-"`
	CanEdit     bool     `json:"canEdit" gorm:"-"`
}

// TableName is the policy_packages table.
func (Package) TableName() string { return "policy_packages" }

type packageItem struct {
	PackageID int64
	PolicyID  int64
	Position  int
}

func (packageItem) TableName() string { return "policy_package_items" }

// PackageInput is a new or edited package; PolicyIDs are in the order shown.
type PackageInput struct {
	ZoneID    int64   `json:"zoneId" validate:"gte=0"`
	TitleZh   string  `json:"titleZh" validate:"required,min=2,max=200,text"`
	TitleEn   string  `json:"titleEn" validate:"required,min=2,max=200,text"`
	IntroZh   string  `json:"introZh" validate:"max=5000,text"`
	IntroEn   string  `json:"introEn" validate:"max=5000,text"`
	PolicyIDs []int64 `json:"policyIds" validate:"max=100,dive,gt=0"`
}

// PackageQuery lists packages.
type PackageQuery struct {
	ZoneID int64 `query:"zoneId" validate:"gte=0"`
}

// SavePackage creates (id 0) or replaces a package of a zone the caller manages.
func (s *Service) SavePackage(ctx context.Context, id int64, p *actor.Actor, in PackageInput) (Package, error) {
	var pk Package
	if id > 0 {
		var err error
		if pk, err = s.Store.Package(ctx, id); err != nil {
			return pk, err
		}
		in.ZoneID = pk.ZoneID
	} else {
		zoneID, err := p.CreatesIn(in.ZoneID)
		if err != nil {
			return pk, err
		}
		in.ZoneID = zoneID
	}
	if !p.ManagesZone(in.ZoneID) {
		return pk, errs.Forbidden()
	}
	if id == 0 {
		if err := s.Zones.Exists(ctx, in.ZoneID); err != nil {
			return pk, errs.Invalid("zoneId", "field.zone_unknown")
		}
	}
	ids := slices.Compact(slices.Clone(in.PolicyIDs))
	if len(ids) > 0 {
		n, err := s.Store.CountPublished(ctx, ids)
		if err != nil {
			return pk, err
		}
		if n != len(uniq(ids)) {
			return pk, errs.Invalid("policyIds", "policy.package_policy")
		}
	}
	pk.ZoneID, pk.TitleZh, pk.TitleEn = in.ZoneID, strings.TrimSpace(in.TitleZh), strings.TrimSpace(in.TitleEn)
	pk.IntroZh, pk.IntroEn = in.IntroZh, in.IntroEn
	if id == 0 {
		pk.CreatedBy = p.UserID
	}
	if err := s.Store.SavePackage(ctx, &pk, ids); err != nil {
		return pk, err
	}
	return s.GetPackage(ctx, pk.ID, p)
}

func uniq(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// DeletePackage removes a package of a zone the caller manages; its policies stay.
func (s *Service) DeletePackage(ctx context.Context, id int64, p *actor.Actor) error {
	pk, err := s.Store.Package(ctx, id)
	if err != nil {
		return err
	}
	if !p.ManagesZone(pk.ZoneID) {
		return errs.Forbidden()
	}
	return s.Store.DeletePackage(ctx, id)
}

// GetPackage returns a package with its published policies in order, each marked with its
// state, so an expired policy in an old package shows as expired.
func (s *Service) GetPackage(ctx context.Context, id int64, p *actor.Actor) (Package, error) {
	pk, err := s.Store.Package(ctx, id)
	if err != nil {
		return pk, err
	}
	list := []Package{pk}
	if err := s.decoratePackages(ctx, list, p); err != nil {
		return pk, err
	}
	pk = list[0]
	if pk.Policies, err = s.Store.PackagePolicies(ctx, id); err != nil {
		return pk, err
	}
	return pk, s.decorate(ctx, pk.Policies, p)
}

// Packages lists the packages, of one zone when asked.
func (s *Service) Packages(ctx context.Context, p *actor.Actor, q PackageQuery) ([]Package, error) {
	out, err := s.Store.Packages(ctx, q.ZoneID)
	if err != nil {
		return out, err
	}
	return out, s.decoratePackages(ctx, out, p)
}

func (s *Service) decoratePackages(ctx context.Context, pks []Package, p *actor.Actor) error {
	if len(pks) == 0 {
		return nil
	}
	ids, zoneIDs := make([]int64, len(pks)), make([]int64, len(pks))
	for i, pk := range pks {
		ids[i], zoneIDs[i] = pk.ID, pk.ZoneID
	}
	n, err := s.Store.PackageCounts(ctx, ids)
	if err != nil {
		return err
	}
	byZone, err := s.Zones.RefsByID(ctx, zoneIDs)
	if err != nil {
		return err
	}
	for i := range pks {
		z := byZone[pks[i].ZoneID]
		pks[i].ZoneNameZh, pks[i].ZoneNameEn, pks[i].PolicyCount = z.NameZh, z.NameEn, n[pks[i].ID]
		pks[i].CanEdit = p.ManagesZone(pks[i].ZoneID)
	}
	return nil
}
