package policy

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"zonefair/app/errs"
	"zonefair/app/web"
	"zonefair/app/zone"
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
func (s *Service) SavePackage(ctx context.Context, id int64, p *web.Principal, in PackageInput) (Package, error) {
	var pk Package
	if id > 0 {
		if err := s.DB.WithContext(ctx).First(&pk, id).Error; err != nil {
			return pk, notFound(err, "policy_package")
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
		if err := zone.NewStore(s.DB).Exists(ctx, in.ZoneID); err != nil {
			return pk, errs.Invalid("zoneId", "field.zone_unknown")
		}
	}
	ids := slices.Compact(slices.Clone(in.PolicyIDs))
	if len(ids) > 0 {
		var n int64
		if err := s.DB.WithContext(ctx).Model(&Policy{}).Where("id IN ? AND status = ?", ids, Published).Count(&n).Error; err != nil {
			return pk, err
		}
		if int(n) != len(uniq(ids)) {
			return pk, errs.Invalid("policyIds", "policy.package_policy")
		}
	}
	pk.ZoneID, pk.TitleZh, pk.TitleEn = in.ZoneID, strings.TrimSpace(in.TitleZh), strings.TrimSpace(in.TitleEn)
	pk.IntroZh, pk.IntroEn = in.IntroZh, in.IntroEn
	if id == 0 {
		pk.CreatedBy = p.UserID
	}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Save(&pk).Error; err != nil {
			return err
		}
		if err := tx.Where("package_id = ?", pk.ID).Delete(&packageItem{}).Error; err != nil {
			return err
		}
		items := []packageItem{}
		seen := map[int64]bool{}
		for _, pid := range ids {
			if !seen[pid] {
				seen[pid] = true
				items = append(items, packageItem{PackageID: pk.ID, PolicyID: pid, Position: len(items)})
			}
		}
		if len(items) == 0 {
			return nil
		}
		return tx.Create(&items).Error
	})
	if err != nil {
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
func (s *Service) DeletePackage(ctx context.Context, id int64, p *web.Principal) error {
	var pk Package
	if err := s.DB.WithContext(ctx).First(&pk, id).Error; err != nil {
		return notFound(err, "policy_package")
	}
	if !p.ManagesZone(pk.ZoneID) {
		return errs.Forbidden()
	}
	return s.DB.WithContext(ctx).Delete(&Package{}, id).Error
}

// GetPackage returns a package with its published policies in order, each marked with its
// state, so an expired policy in an old package shows as expired.
func (s *Service) GetPackage(ctx context.Context, id int64, p *web.Principal) (Package, error) {
	var pk Package
	if err := s.DB.WithContext(ctx).First(&pk, id).Error; err != nil {
		return pk, notFound(err, "policy_package")
	}
	list := []Package{pk}
	if err := s.decoratePackages(ctx, list, p); err != nil {
		return pk, err
	}
	pk = list[0]
	pk.Policies = []Policy{}
	err := s.DB.WithContext(ctx).Model(&Policy{}).Select(listColumns).
		Joins("JOIN policy_package_items i ON i.policy_id = policies.id").
		Where("i.package_id = ? AND policies.status = ?", id, Published).Order("i.position").Find(&pk.Policies).Error
	if err != nil {
		return pk, err
	}
	return pk, s.decorate(ctx, pk.Policies, p)
}

// Packages lists the packages, of one zone when asked.
func (s *Service) Packages(ctx context.Context, p *web.Principal, q PackageQuery) ([]Package, error) {
	out := []Package{}
	tx := s.DB.WithContext(ctx).Order("updated_at DESC, id DESC").Limit(200)
	if q.ZoneID > 0 {
		tx = tx.Where("zone_id = ?", q.ZoneID)
	}
	if err := tx.Find(&out).Error; err != nil {
		return out, err
	}
	return out, s.decoratePackages(ctx, out, p)
}

func (s *Service) decoratePackages(ctx context.Context, pks []Package, p *web.Principal) error {
	if len(pks) == 0 {
		return nil
	}
	ids, zoneIDs := make([]int64, len(pks)), make([]int64, len(pks))
	for i, pk := range pks {
		ids[i], zoneIDs[i] = pk.ID, pk.ZoneID
	}
	g := s.DB.WithContext(ctx)
	var counts []struct {
		PackageID int64
		N         int
	}
	err := g.Table("policy_package_items i").Select("i.package_id, COUNT(*) AS n").Joins("JOIN policies ON policies.id = i.policy_id").
		Where("i.package_id IN ? AND policies.status = ?", ids, Published).Group("i.package_id").Scan(&counts).Error
	if err != nil {
		return err
	}
	n := map[int64]int{}
	for _, c := range counts {
		n[c.PackageID] = c.N
	}
	var zs []zone.Zone
	if err := g.Select("id, name_zh, name_en").Where("id IN ?", zoneIDs).Find(&zs).Error; err != nil {
		return err
	}
	byZone := map[int64]zone.Zone{}
	for _, z := range zs {
		byZone[z.ID] = z
	}
	for i := range pks {
		z := byZone[pks[i].ZoneID]
		pks[i].ZoneNameZh, pks[i].ZoneNameEn, pks[i].PolicyCount = z.NameZh, z.NameEn, n[pks[i].ID]
		pks[i].CanEdit = p.ManagesZone(pks[i].ZoneID)
	}
	return nil
}
