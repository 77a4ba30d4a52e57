package zone

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"gorm.io/gorm"

	"zonefair/app/db"
	"zonefair/app/errs"
)

// Store reads and writes zones and enterprises.
type Store struct {
	db *gorm.DB
	// Renamed, when set, is called after a zone is edited or an enterprise edited or removed,
	// so that caches of their names (the job listings') read them again.
	Renamed func(ctx context.Context)
	// EnterpriseRemoved, when set, is called after an enterprise is removed, which detaches its
	// staff (their enterprise becomes none), so that kept identities are read again.
	EnterpriseRemoved func(ctx context.Context)
}

// NewStore returns a Store on g.
func NewStore(g *gorm.DB) *Store { return &Store{db: g} }

func (s *Store) renamed(ctx context.Context, err error) error {
	if err == nil && s.Renamed != nil {
		s.Renamed(ctx)
	}
	return err
}

// Filter selects zones for the directory.
type Filter struct {
	Q        string `query:"q" validate:"max=100"`
	Region   string `query:"region" validate:"omitempty,max=20"`
	Province string `query:"province" validate:"omitempty,max=40"`
	Industry string `query:"industry" validate:"omitempty,max=40"`
	Page     int    `query:"page" validate:"omitempty,gte=1,lte=10000"`
	PageSize int    `query:"pageSize" validate:"omitempty,gte=1,lte=100"`
}

// Facets counts zones per value of each filter, each computed with the other filters applied.
type Facets struct {
	Region   map[string]int `json:"region"`
	Province map[string]int `json:"province"`
	Industry map[string]int `json:"industry"`
}

// Page is one page of the directory.
type Page struct {
	Items    []Zone `json:"items"`
	Total    int    `json:"total"`
	Page     int    `json:"page"`
	PageSize int    `json:"pageSize"`
	Facets   Facets `json:"facets"`
}

// List returns one page of zones matching f, ordered by province then name. The whole
// directory is a few hundred rows (there are ~230 national-level zones), so it is read in two
// queries and filtered, faceted and paged in memory: the same result on every database and
// no per-dimension facet queries.
func (s *Store) List(ctx context.Context, f Filter) (Page, error) {
	if f.Page == 0 {
		f.Page = 1
	}
	if f.PageSize == 0 {
		f.PageSize = 20
	}
	all, err := s.all(ctx)
	if err != nil {
		return Page{}, err
	}
	q := strings.ToLower(strings.TrimSpace(f.Q))
	var textHits []*Zone
	for i := range all {
		if q == "" || strings.Contains(all[i].haystack(), q) {
			textHits = append(textHits, &all[i])
		}
	}
	facets := Facets{Region: map[string]int{}, Province: map[string]int{}, Industry: map[string]int{}}
	out := Page{Page: f.Page, PageSize: f.PageSize, Items: []Zone{}}
	var hits []Zone
	for _, z := range textHits {
		region, province, industry := f.Region == "" || z.Region == f.Region,
			f.Province == "" || z.Province == f.Province,
			f.Industry == "" || slices.Contains(z.Industries, f.Industry)
		if province && industry {
			facets.Region[z.Region]++
		}
		if region && industry {
			facets.Province[z.Province]++
		}
		if region && province {
			for _, ind := range z.Industries {
				facets.Industry[ind]++
			}
		}
		if region && province && industry {
			hits = append(hits, *z)
		}
	}
	out.Facets, out.Total = facets, len(hits)
	from := min((f.Page-1)*f.PageSize, len(hits))
	to := min(from+f.PageSize, len(hits))
	out.Items = append(out.Items, hits[from:to]...)
	if err := s.countEnterprises(ctx, out.Items); err != nil {
		return Page{}, err
	}
	return out, nil
}

func (s *Store) all(ctx context.Context) ([]Zone, error) {
	var zones []Zone
	if err := s.db.WithContext(ctx).Find(&zones).Error; err != nil {
		return nil, err
	}
	var links []zoneIndustry
	if err := s.db.WithContext(ctx).Order("industry").Find(&links).Error; err != nil {
		return nil, err
	}
	byZone := map[int64][]string{}
	for _, l := range links {
		byZone[l.ZoneID] = append(byZone[l.ZoneID], l.Industry)
	}
	for i := range zones {
		zones[i].Industries = byZone[zones[i].ID]
		zones[i].fill()
	}
	order := provinceOrder()
	slices.SortFunc(zones, func(a, b Zone) int {
		return cmp.Or(cmp.Compare(order[a.Province], order[b.Province]), cmp.Compare(a.NameEn, b.NameEn))
	})
	return zones, nil
}

func (s *Store) countEnterprises(ctx context.Context, zones []Zone) error {
	if len(zones) == 0 {
		return nil
	}
	ids := make([]int64, len(zones))
	for i, z := range zones {
		ids[i] = z.ID
	}
	var rows []struct {
		ZoneID int64
		N      int
	}
	err := s.db.WithContext(ctx).Model(&Enterprise{}).Select("zone_id, COUNT(*) AS n").
		Where("zone_id IN ?", ids).Group("zone_id").Scan(&rows).Error
	if err != nil {
		return err
	}
	counts := map[int64]int{}
	for _, r := range rows {
		counts[r.ZoneID] = r.N
	}
	for i := range zones {
		zones[i].EnterpriseCount = counts[zones[i].ID]
	}
	return nil
}

// Get returns the zone with id, its industries and enterprises.
func (s *Store) Get(ctx context.Context, id int64) (Detail, error) {
	var d Detail
	if err := s.db.WithContext(ctx).First(&d.Zone, id).Error; err != nil {
		return d, db.NotFound(err, "zone")
	}
	var links []zoneIndustry
	if err := s.db.WithContext(ctx).Where("zone_id = ?", id).Order("industry").Find(&links).Error; err != nil {
		return d, err
	}
	for _, l := range links {
		d.Industries = append(d.Industries, l.Industry)
	}
	if err := s.db.WithContext(ctx).Where("zone_id = ?", id).Order("name_en").Find(&d.Enterprises).Error; err != nil {
		return d, err
	}
	d.EnterpriseCount = len(d.Enterprises)
	d.fill()
	return d, nil
}

// Names returns zone id's name in Chinese and in English.
func (s *Store) Names(ctx context.Context, id int64) (zh, en string, err error) {
	var z Zone
	if err := s.db.WithContext(ctx).Select("id", "name_zh", "name_en").Take(&z, id).Error; err != nil {
		return "", "", db.NotFound(err, "zone")
	}
	return z.NameZh, z.NameEn, nil
}

// ByIDs returns the zones among ids that exist, by id.
func (s *Store) ByIDs(ctx context.Context, ids []int64) ([]Zone, error) {
	var zs []Zone
	if len(ids) == 0 {
		return zs, nil
	}
	err := s.db.WithContext(ctx).Where("id IN ?", ids).Order("id").Find(&zs).Error
	return zs, err
}

// Exists reports whether zone id exists (a 404 error when not).
func (s *Store) Exists(ctx context.Context, id int64) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Zone{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return errs.NotFound("zone")
	}
	return nil
}

// Create inserts z with its industries.
func (s *Store) Create(ctx context.Context, z *Zone) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(z).Error; err != nil {
			if db.IsUniqueViolation(err) {
				return errs.Invalid("slug", "field.slug_taken")
			}
			return err
		}
		return setIndustries(tx, z.ID, z.Industries)
	})
	z.fill()
	return err
}

func setIndustries(tx *gorm.DB, zoneID int64, industries []string) error {
	if err := tx.Where("zone_id = ?", zoneID).Delete(&zoneIndustry{}).Error; err != nil {
		return err
	}
	// A copy: the caller's slice (the demo zones' are shared) is left as it was.
	industries = slices.Clone(industries)
	slices.Sort(industries)
	industries = slices.Compact(industries)
	if len(industries) == 0 {
		return nil
	}
	rows := make([]zoneIndustry, len(industries))
	for i, ind := range industries {
		rows[i] = zoneIndustry{ZoneID: zoneID, Industry: ind}
	}
	return tx.Create(&rows).Error
}

// Patch is a partial update of a zone; nil fields stay as they are.
type Patch struct {
	NameZh          *string   `json:"nameZh,omitempty" validate:"omitempty,min=2,max=200,text"`
	NameEn          *string   `json:"nameEn,omitempty" validate:"omitempty,min=2,max=200,text"`
	CityZh          *string   `json:"cityZh,omitempty" validate:"omitempty,max=100,text"`
	CityEn          *string   `json:"cityEn,omitempty" validate:"omitempty,max=100,text"`
	Industries      *[]string `json:"industries,omitempty" validate:"omitempty,max=12"`
	DescriptionZh   *string   `json:"descriptionZh,omitempty" validate:"omitempty,max=5000,text"`
	DescriptionEn   *string   `json:"descriptionEn,omitempty" validate:"omitempty,max=5000,text"`
	ContactName     *string   `json:"contactName,omitempty" validate:"omitempty,max=100,text"`
	ContactEmail    *string   `json:"contactEmail,omitempty" validate:"omitempty,max=254,email"`
	ContactPhone    *string   `json:"contactPhone,omitempty" validate:"omitempty,max=40,text"`
	Website         *string   `json:"website,omitempty" validate:"omitempty,max=300,http_url"`
	EstablishedYear *int      `json:"establishedYear,omitempty" validate:"omitempty,gte=1978,lte=2100"`
}

func (p Patch) columns() map[string]any {
	m := map[string]any{}
	set := func(col string, v *string) {
		if v != nil {
			m[col] = strings.TrimSpace(*v)
		}
	}
	set("name_zh", p.NameZh)
	set("name_en", p.NameEn)
	set("city_zh", p.CityZh)
	set("city_en", p.CityEn)
	set("description_zh", p.DescriptionZh)
	set("description_en", p.DescriptionEn)
	set("contact_name", p.ContactName)
	set("contact_email", p.ContactEmail)
	set("contact_phone", p.ContactPhone)
	set("website", p.Website)
	if p.EstablishedYear != nil {
		m["established_year"] = *p.EstablishedYear
	}
	return m
}

// Update applies p to zone id.
func (s *Store) Update(ctx context.Context, id int64, p Patch) error {
	return s.renamed(ctx, s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cols := p.columns()
		res := tx.Model(&Zone{}).Where("id = ?", id).Updates(cols)
		if len(cols) == 0 {
			res = tx.Model(&Zone{}).Where("id = ?", id).Update("updated_at", gorm.Expr("updated_at"))
		}
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.NotFound("zone")
		}
		if p.Industries != nil {
			if err := tx.Model(&Zone{}).Where("id = ?", id).Update("updated_at", s.db.NowFunc()).Error; err != nil {
				return err
			}
			return setIndustries(tx, id, *p.Industries)
		}
		return nil
	}))
}

// SetLogo records the stored logo file of zone id.
func (s *Store) SetLogo(ctx context.Context, id int64, path, contentType string) error {
	res := s.db.WithContext(ctx).Model(&Zone{}).Where("id = ?", id).
		Updates(map[string]any{"logo_path": path, "logo_type": contentType})
	if res.Error == nil && res.RowsAffected == 0 {
		return errs.NotFound("zone")
	}
	return res.Error
}

// Enterprise returns enterprise id.
func (s *Store) Enterprise(ctx context.Context, id int64) (Enterprise, error) {
	var e Enterprise
	err := s.db.WithContext(ctx).First(&e, id).Error
	return e, db.NotFound(err, "enterprise")
}

// CreateEnterprise inserts e.
func (s *Store) CreateEnterprise(ctx context.Context, e *Enterprise) error {
	return s.db.WithContext(ctx).Create(e).Error
}

// SaveEnterprise writes every field of e.
func (s *Store) SaveEnterprise(ctx context.Context, e *Enterprise) error {
	return s.renamed(ctx, s.db.WithContext(ctx).Save(e).Error)
}

// DeleteEnterprise removes enterprise id.
func (s *Store) DeleteEnterprise(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Delete(&Enterprise{}, id)
	if res.Error == nil && res.RowsAffected == 0 {
		return errs.NotFound("enterprise")
	}
	if res.Error == nil && s.EnterpriseRemoved != nil {
		s.EnterpriseRemoved(ctx)
	}
	return s.renamed(ctx, res.Error)
}

// Count returns how many zones there are.
func (s *Store) Count(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Zone{}).Count(&n).Error
	return n, err
}

// BySlug returns the zone with slug.
func (s *Store) BySlug(ctx context.Context, slug string) (Zone, error) {
	var z Zone
	err := s.db.WithContext(ctx).Where("slug = ?", slug).First(&z).Error
	return z, db.NotFound(err, "zone")
}
