// Package zone owns the development zones and the enterprises located in them: the directory
// with search and facets, zone pages, edits by the zone's own staff, logos, and the reference
// lists of regions, provinces and industries.
package zone

import (
	"strconv"
	"strings"
	"time"
)

// Zone is a national-level economic and technological development zone.
type Zone struct {
	ID              int64     `json:"id"`
	Slug            string    `json:"slug"`
	NameZh          string    `json:"nameZh"`
	NameEn          string    `json:"nameEn"`
	Province        string    `json:"province"`
	Region          string    `json:"region"`
	CityZh          string    `json:"cityZh"`
	CityEn          string    `json:"cityEn"`
	DescriptionZh   string    `json:"descriptionZh"`
	DescriptionEn   string    `json:"descriptionEn"`
	ContactName     string    `json:"contactName"`
	ContactEmail    string    `json:"contactEmail"`
	ContactPhone    string    `json:"contactPhone"`
	Website         string    `json:"website"`
	EstablishedYear int       `json:"establishedYear"`
	LogoPath        string    `json:"-"`
	LogoType        string    `json:"-"`
	CreatedAt       time.Time `json:"-"`
	UpdatedAt       time.Time `json:"updatedAt"`

	Industries      []string `json:"industries" gorm:"-"`
	ProvinceZh      string   `json:"provinceZh" gorm:"-"`
	ProvinceEn      string   `json:"provinceEn" gorm:"-"`
	LogoURL         string   `json:"logoUrl" gorm:"-"`
	EnterpriseCount int      `json:"enterpriseCount" gorm:"-"`
}

// TableName is the zones table.
func (Zone) TableName() string { return "zones" }

// fill derives the fields that are not stored.
func (z *Zone) fill() {
	if p, ok := ProvinceByCode(z.Province); ok {
		z.ProvinceZh, z.ProvinceEn = p.NameZh, p.NameEn
	}
	z.LogoURL = ""
	if z.LogoPath != "" {
		z.LogoURL = "/api/v1/zones/" + itoa(z.ID) + "/logo?v=" + itoa(z.UpdatedAt.Unix())
	}
	if z.Industries == nil {
		z.Industries = []string{}
	}
}

// haystack is the lower-cased text a directory search looks in.
func (z *Zone) haystack() string {
	parts := []string{z.Slug, z.NameZh, z.NameEn, z.CityZh, z.CityEn, z.ProvinceZh, z.ProvinceEn, z.DescriptionZh, z.DescriptionEn}
	for _, code := range z.Industries {
		if ind, ok := industryByCode(code); ok {
			parts = append(parts, ind.NameZh, ind.NameEn)
		}
	}
	return strings.ToLower(strings.Join(parts, "\x00"))
}

type zoneIndustry struct {
	ZoneID   int64
	Industry string
}

func (zoneIndustry) TableName() string { return "zone_industries" }

// Enterprise is a company located in a zone.
type Enterprise struct {
	ID            int64     `json:"id"`
	ZoneID        int64     `json:"zoneId"`
	NameZh        string    `json:"nameZh"`
	NameEn        string    `json:"nameEn"`
	Industry      string    `json:"industry"`
	Ownership     string    `json:"ownership" enum:"domestic,foreign,joint"`
	Country       string    `json:"country"`
	DescriptionZh string    `json:"descriptionZh"`
	DescriptionEn string    `json:"descriptionEn"`
	Website       string    `json:"website"`
	Employees     int       `json:"employees"`
	CreatedAt     time.Time `json:"-"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// TableName is the enterprises table.
func (Enterprise) TableName() string { return "enterprises" }

// Detail is a zone with its enterprises, for the zone page.
type Detail struct {
	Zone
	Enterprises []Enterprise `json:"enterprises"`
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
