package policy

import (
	"context"

	"zonefair/app/actor"
)

// Query searches policies.
type Query struct {
	Q         string `query:"q" validate:"max=200"`
	Level     string `query:"level" validate:"omitempty,oneof=national provincial municipal zone"`
	Topic     string `query:"topic" validate:"max=40"`
	ZoneID    int64  `query:"zoneId" validate:"gte=0"`
	Province  string `query:"province" validate:"max=40"`
	Ownership string `query:"ownership" validate:"omitempty,oneof=domestic foreign joint"`
	Size      string `query:"size" validate:"omitempty,oneof=micro small medium large"`
	Industry  string `query:"industry" validate:"max=40"`
	// State narrows to current, upcoming or expired policies; "active" (the default) is
	// current and upcoming together, "all" includes expired ones.
	State string `query:"state" validate:"omitempty,oneof=active current upcoming expired all"`
	// Drafts lists the drafts the caller manages instead of published policies.
	Drafts   bool `query:"drafts"`
	Page     int  `query:"page" validate:"omitempty,gte=1,lte=10000"`
	PageSize int  `query:"pageSize" validate:"omitempty,gte=1,lte=100"`
}

// Page is one page of policies, without their full texts.
type Page struct {
	Items    []Policy `json:"items"`
	Total    int64    `json:"total"`
	Page     int      `json:"page"`
	PageSize int      `json:"pageSize"`
}

// Search finds policies by text in Chinese or English (the job search's tokeniser: two
// Chinese characters find every policy containing them, "invest" finds "investment") and by
// filters, best matches first, then the most recently issued.
func (s *Service) Search(ctx context.Context, p *actor.Actor, q Query) (Page, error) {
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PageSize == 0 {
		q.PageSize = 20
	}
	if q.Drafts && p == nil {
		return Page{Items: []Policy{}, Page: q.Page, PageSize: q.PageSize}, nil
	}
	sc := searchScope{manager: p, today: Today(s.now())}
	if q.Province != "" {
		var err error
		if sc.provinceZones, err = s.Zones.IDsInProvince(ctx, q.Province); err != nil {
			return Page{}, err
		}
	}
	out, err := s.Store.Search(ctx, q, sc)
	if err != nil {
		return out, err
	}
	return out, s.decorate(ctx, out.Items, p)
}
