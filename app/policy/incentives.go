package policy

import "context"

// Incentive is what a project shows of a published policy it names among its incentives.
type Incentive struct {
	ID          int64
	Level       string
	Province    string
	ZoneID      *int64
	TitleZh     string
	TitleEn     string
	IssuerZh    string
	IssuerEn    string
	EffectiveOn string
	ExpiresOn   string
}

// AppliesTo reports whether the policy applies to zone zoneID of province: a national one, one
// of the province's, or one issued for the zone itself (the zone's own and its city's, which
// name the zone).
func (i Incentive) AppliesTo(zoneID int64, province string) bool {
	return i.Level == National || (i.Level == Provincial && province != "" && i.Province == province) ||
		(i.ZoneID != nil && *i.ZoneID == zoneID)
}

const incentiveColumns = "id, level, province, zone_id, title_zh, title_en, issuer_zh, issuer_en, effective_on, expires_on"

// ApplyingTo lists the published policies that apply to zone zoneID of province (see
// Incentive.AppliesTo), national first, then provincial, then local, each newest first; at
// most 500.
func (s *Store) ApplyingTo(ctx context.Context, zoneID int64, province string) ([]Incentive, error) {
	out := []Incentive{}
	err := s.db.WithContext(ctx).Model(&Policy{}).Select(incentiveColumns).Where("status = ?", Published).
		Where("(level = ? OR (level = ? AND province = ? AND province <> '') OR zone_id = ?)", National, Provincial, province, zoneID).
		Order("CASE level WHEN 'national' THEN 0 WHEN 'provincial' THEN 1 WHEN 'municipal' THEN 2 ELSE 3 END, issued_on DESC, id DESC").
		Limit(500).Scan(&out).Error
	return out, err
}

// Published returns the published policies among ids, by id.
func (s *Store) Published(ctx context.Context, ids []int64) ([]Incentive, error) {
	out := []Incentive{}
	if len(ids) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).Model(&Policy{}).Select(incentiveColumns).Where("id IN ? AND status = ?", ids, Published).
		Order("id").Scan(&out).Error
	return out, err
}
