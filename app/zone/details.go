package zone

import (
	"context"
	"slices"
)

// Details returns the zones among ids that exist with their industries and enterprises (by
// English name), ordered by region, province and English name: the zones' stands at an event
// (a job fair's booths). Three queries, whatever the number of zones.
func (s *Store) Details(ctx context.Context, ids []int64) ([]Detail, error) {
	out := []Detail{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return out, nil
	}
	var zones []Zone
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Order("region, province, name_en").Find(&zones).Error; err != nil {
		return nil, err
	}
	var links []zoneIndustry
	if err := s.db.WithContext(ctx).Where("zone_id IN ?", ids).Order("industry").Find(&links).Error; err != nil {
		return nil, err
	}
	var firms []Enterprise
	if err := s.db.WithContext(ctx).Where("zone_id IN ?", ids).Order("name_en").Find(&firms).Error; err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(zones))
	for i, z := range zones {
		out = append(out, Detail{Zone: z, Enterprises: []Enterprise{}})
		at[z.ID] = i
	}
	for _, l := range links {
		d := &out[at[l.ZoneID]]
		d.Industries = append(d.Industries, l.Industry)
	}
	for _, e := range firms {
		d := &out[at[e.ZoneID]]
		d.Enterprises = append(d.Enterprises, e)
	}
	for i := range out {
		out[i].EnterpriseCount = len(out[i].Enterprises)
		out[i].fill()
	}
	return out, nil
}
