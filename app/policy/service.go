package policy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/notify"
	"zonefair/app/zone"
)

// Service is the policies' use cases.
type Service struct {
	Store     *Store
	Zones     Zones           // zones' names, existence and provinces
	Notify    *notify.Service // nil notifies nobody
	Users     Users           // subscribers' addresses and languages
	UploadDir string          // attachments are kept under UploadDir/policies/<id>/
	BaseURL   string
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Input is a new or edited policy.
type Input struct {
	Level       string   `json:"level" validate:"required,oneof=national provincial municipal zone"`
	ZoneID      int64    `json:"zoneId" validate:"gte=0"`
	Province    string   `json:"province" validate:"max=40"`
	IssuerZh    string   `json:"issuerZh" validate:"required,min=2,max=200,text"`
	IssuerEn    string   `json:"issuerEn" validate:"required,min=2,max=200,text"`
	DocNumber   string   `json:"docNumber" validate:"max=100,text"`
	TitleZh     string   `json:"titleZh" validate:"required,min=2,max=300,text"`
	TitleEn     string   `json:"titleEn" validate:"required,min=2,max=300,text"`
	SummaryZh   string   `json:"summaryZh" validate:"required,max=2000,text"`
	SummaryEn   string   `json:"summaryEn" validate:"required,max=2000,text"`
	BodyZh      string   `json:"bodyZh" validate:"max=100000,text"`
	BodyEn      string   `json:"bodyEn" validate:"max=100000,text"`
	ApplyZh     string   `json:"applyZh" validate:"max=10000,text"`
	ApplyEn     string   `json:"applyEn" validate:"max=10000,text"`
	Topics      []string `json:"topics" validate:"required,min=1,max=10"`
	Ownerships  []string `json:"ownerships" validate:"max=3"`
	Sizes       []string `json:"sizes" validate:"max=4"`
	Industries  []string `json:"industries" validate:"max=30"`
	IssuedOn    string   `json:"issuedOn" validate:"required"`
	EffectiveOn string   `json:"effectiveOn" validate:"required"`
	ExpiresOn   string   `json:"expiresOn"`
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// check validates what the tags cannot: dates, lists, and where the caller may issue.
func (in *Input) check(p *actor.Actor) error {
	for field, d := range map[string]string{"issuedOn": in.IssuedOn, "effectiveOn": in.EffectiveOn, "expiresOn": in.ExpiresOn} {
		if (d != "" || field != "expiresOn") && !validDate(d) {
			return errs.Invalid(field, "policy.date")
		}
	}
	// A policy may take effect before it is issued (tax relief often applies from the start
	// of the year), but it must be in force for at least a day.
	if in.ExpiresOn != "" && in.ExpiresOn <= in.EffectiveOn {
		return errs.Invalid("expiresOn", "policy.dates")
	}
	lists := []struct {
		field, key string
		vals, ok   []string
	}{{"topics", "policy.topic", in.Topics, Topics}, {"ownerships", "policy.ownership", in.Ownerships, Ownerships}, {"sizes", "policy.size", in.Sizes, Sizes}}
	for _, l := range lists {
		for _, v := range l.vals {
			if !slices.Contains(l.ok, v) {
				return errs.Invalid(l.field, l.key)
			}
		}
	}
	for _, v := range in.Industries {
		if !zone.IsIndustry(v) {
			return errs.Invalid("industries", "field.industry")
		}
	}
	switch p.Role {
	case actor.RoleZoneStaff:
		if in.Level != ZoneLevel && in.Level != Municipal {
			return errs.Invalid("level", "policy.level_zone")
		}
		zoneID, err := p.CreatesIn(in.ZoneID)
		if err != nil {
			return err
		}
		in.ZoneID = zoneID
	case actor.RoleProvince:
		if in.Level != Provincial {
			return errs.Invalid("level", "policy.level_province")
		}
		in.Province, in.ZoneID = p.Province, 0
	}
	switch in.Level {
	case National:
		in.ZoneID, in.Province = 0, ""
	case Provincial:
		in.ZoneID = 0
		if _, ok := zone.ProvinceByCode(in.Province); !ok {
			return errs.Invalid("province", "policy.province_needed")
		}
	default:
		if in.ZoneID == 0 {
			return errs.Invalid("zoneId", "policy.zone_needed")
		}
	}
	return nil
}

func (in *Input) apply(pol *Policy) {
	trim := strings.TrimSpace
	pol.Level, pol.Province = in.Level, in.Province
	pol.ZoneID = nil
	if in.ZoneID > 0 {
		id := in.ZoneID
		pol.ZoneID = &id
	}
	pol.IssuerZh, pol.IssuerEn, pol.DocNumber = trim(in.IssuerZh), trim(in.IssuerEn), trim(in.DocNumber)
	pol.TitleZh, pol.TitleEn = trim(in.TitleZh), trim(in.TitleEn)
	pol.SummaryZh, pol.SummaryEn, pol.BodyZh, pol.BodyEn = in.SummaryZh, in.SummaryEn, in.BodyZh, in.BodyEn
	pol.ApplyZh, pol.ApplyEn = in.ApplyZh, in.ApplyEn
	pol.RawOwners, pol.RawSizes, pol.RawInd = joinList(in.Ownerships), joinList(in.Sizes), joinList(in.Industries)
	pol.IssuedOn, pol.EffectiveOn, pol.ExpiresOn = in.IssuedOn, in.EffectiveOn, in.ExpiresOn
	pol.Topics = slices.Compact(slices.Sorted(slices.Values(in.Topics)))
}

// Create stores a draft policy (published at once when publish is set).
func (s *Service) Create(ctx context.Context, p *actor.Actor, in Input, publish bool) (Policy, error) {
	if p == nil {
		return Policy{}, errs.Forbidden()
	}
	if err := in.check(p); err != nil {
		return Policy{}, err
	}
	if err := s.zoneKnown(ctx, in.ZoneID); err != nil {
		return Policy{}, err
	}
	pol := Policy{Status: Draft, CreatedBy: p.UserID}
	in.apply(&pol)
	if !mayManage(p, &pol) {
		return Policy{}, errs.Forbidden()
	}
	if err := s.Store.Create(ctx, &pol); err != nil {
		return Policy{}, err
	}
	if publish {
		return s.Publish(ctx, pol.ID, p)
	}
	return s.Get(ctx, pol.ID, p)
}

// zoneKnown refuses a zone id (other than 0, none) that names no zone.
func (s *Service) zoneKnown(ctx context.Context, zoneID int64) error {
	if zoneID > 0 {
		if err := s.Zones.Exists(ctx, zoneID); err != nil {
			if errors.Is(err, errs.ErrNotFound) {
				return errs.Invalid("zoneId", "field.zone_unknown")
			}
			return err
		}
	}
	return nil
}

// Update edits a policy the caller manages; a published one stays published (its
// subscribers were told once and are not told again).
func (s *Service) Update(ctx context.Context, id int64, p *actor.Actor, in Input) (Policy, error) {
	pol, err := s.managed(ctx, id, p)
	if err != nil {
		return pol, err
	}
	if p.Role == actor.RoleAdmin && in.ZoneID == 0 && pol.ZoneID != nil && in.Level != National && in.Level != Provincial {
		in.ZoneID = *pol.ZoneID
	}
	if err := in.check(p); err != nil {
		return pol, err
	}
	if err := s.zoneKnown(ctx, in.ZoneID); err != nil {
		return pol, err
	}
	in.apply(&pol)
	if !mayManage(p, &pol) {
		return pol, errs.Forbidden()
	}
	if err := s.Store.Update(ctx, &pol, s.now()); err != nil {
		return pol, err
	}
	return s.Get(ctx, id, p)
}

// Delete removes a policy the caller manages, with its attachments' files.
func (s *Service) Delete(ctx context.Context, id int64, p *actor.Actor) error {
	if _, err := s.managed(ctx, id, p); err != nil {
		return err
	}
	files, err := s.Store.Delete(ctx, id)
	if err != nil {
		return err
	}
	s.removeFiles(files)
	return nil
}

// managed loads a policy the caller may edit.
func (s *Service) managed(ctx context.Context, id int64, p *actor.Actor) (Policy, error) {
	pol, err := s.Store.Policy(ctx, id)
	if err != nil {
		return pol, err
	}
	if !mayManage(p, &pol) {
		return pol, errs.Forbidden()
	}
	return pol, nil
}

// Get returns a policy as the caller sees it: drafts only to those who manage them.
func (s *Service) Get(ctx context.Context, id int64, p *actor.Actor) (Policy, error) {
	pol, err := s.Store.Policy(ctx, id)
	if err != nil {
		return pol, err
	}
	if pol.Status != Published && !mayManage(p, &pol) {
		return pol, errs.NotFound("policy")
	}
	list := []Policy{pol}
	if err := s.decorate(ctx, list, p); err != nil {
		return pol, err
	}
	if list[0].Attachments, err = s.Store.Attachments(ctx, id); err != nil {
		return pol, err
	}
	for i := range list[0].Attachments {
		a := &list[0].Attachments[i]
		a.URL = attachmentURL(a.PolicyID, a.ID)
	}
	return list[0], nil
}

// decorate fills topics, zone names and the derived fields of a page of policies.
func (s *Service) decorate(ctx context.Context, ps []Policy, viewer *actor.Actor) error {
	if len(ps) == 0 {
		return nil
	}
	ids, zoneIDs := make([]int64, len(ps)), []int64{}
	for i, pol := range ps {
		ids[i] = pol.ID
		if pol.ZoneID != nil {
			zoneIDs = append(zoneIDs, *pol.ZoneID)
		}
	}
	byPolicy, err := s.Store.Topics(ctx, ids)
	if err != nil {
		return err
	}
	byZone, err := s.Zones.RefsByID(ctx, zoneIDs)
	if err != nil {
		return err
	}
	day := Today(s.now())
	for i := range ps {
		ps[i].Topics = byPolicy[ps[i].ID]
		if ps[i].ZoneID != nil {
			z := byZone[*ps[i].ZoneID]
			ps[i].ZoneNameZh, ps[i].ZoneNameEn = z.NameZh, z.NameEn
		}
		ps[i].fill(day, viewer)
	}
	return nil
}
