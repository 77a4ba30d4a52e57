package zone

import (
	"context"
	"slices"

	"gorm.io/gorm"
)

// Ref is how other packages name and place a zone: its slug, its names and its province and
// region, without its texts.
type Ref struct {
	ID       int64  `json:"id"`
	Slug     string `json:"slug"`
	NameZh   string `json:"nameZh"`
	NameEn   string `json:"nameEn"`
	Province string `json:"province"`
	Region   string `json:"region"`
}

// refBatch is how many ids one query of RefsByID names.
const refBatch = 1000

// RefsByID returns the zones among ids that exist, by id. A long list is read a thousand ids
// at a time; an empty one reads nothing.
func (s *Store) RefsByID(ctx context.Context, ids []int64) (map[int64]Ref, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make(map[int64]Ref, len(ids))
	for chunk := range slices.Chunk(ids, refBatch) {
		var rows []Ref
		err := s.db.WithContext(ctx).Model(&Zone{}).Select("id, slug, name_zh, name_en, province, region").
			Where("id IN ?", chunk).Find(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ID] = r
		}
	}
	return out, nil
}

// IDsInProvince returns the ids of the zones of province (a province code), in order; none
// for "".
func (s *Store) IDsInProvince(ctx context.Context, province string) ([]int64, error) {
	ids := []int64{}
	if province == "" {
		return ids, nil
	}
	err := s.db.WithContext(ctx).Model(&Zone{}).Where("province = ?", province).Order("id").Pluck("id", &ids).Error
	return ids, err
}

// IDsIn is the ids of the zones in region and province (either may be empty, not both) as a
// subquery another package's query may filter by, "zone_id IN (?)": one statement for a page
// of rows filtered by where their zones are, while the zones table stays zone's.
func (s *Store) IDsIn(region, province string) *gorm.DB {
	q := s.db.Model(&Zone{}).Select("id")
	if region != "" {
		q = q.Where("region = ?", region)
	}
	if province != "" {
		q = q.Where("province = ?", province)
	}
	return q
}
