package policy

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"zonefair/app/textsearch"
	"zonefair/app/web"
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

// listColumns leave out the long texts a result list does not show.
const listColumns = "policies.id, policies.zone_id, policies.level, policies.province, policies.issuer_zh, policies.issuer_en, " +
	"policies.doc_number, policies.title_zh, policies.title_en, policies.summary_zh, policies.summary_en, policies.ownerships, " +
	"policies.sizes, policies.industries, policies.issued_on, policies.effective_on, policies.expires_on, policies.status, " +
	"policies.published_at, policies.created_at, policies.updated_at"

// Search finds policies by text in Chinese or English (the job search's tokeniser: two
// Chinese characters find every policy containing them, "invest" finds "investment") and by
// filters, best matches first, then the most recently issued.
func (s *Service) Search(ctx context.Context, p *web.Principal, q Query) (Page, error) {
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PageSize == 0 {
		q.PageSize = 20
	}
	out := Page{Items: []Policy{}, Page: q.Page, PageSize: q.PageSize}
	g := s.DB.WithContext(ctx)
	tx := g.Model(&Policy{})
	if q.Drafts {
		if p == nil {
			return out, nil
		}
		tx = tx.Where("policies.status = ?", Draft)
		tx = s.scopeManaged(tx, p)
	} else {
		tx = tx.Where("policies.status = ?", Published)
	}
	tx = s.filter(tx, q)
	order := "policies.issued_on DESC, policies.id DESC"
	if tokens := textsearch.QueryTokens(q.Q); len(tokens) > 0 {
		sql, args := matchSQL(tokens)
		tx = tx.Joins("JOIN ("+sql+") m ON m.policy_id = policies.id", args...)
		order = "m.score DESC, " + order
	} else if strings.TrimSpace(q.Q) != "" {
		return out, nil
	}
	if err := tx.Count(&out.Total).Error; err != nil {
		return out, err
	}
	err := tx.Select(listColumns).Order(order).Offset((q.Page - 1) * q.PageSize).Limit(q.PageSize).Find(&out.Items).Error
	if err != nil {
		return out, err
	}
	return out, s.decorate(ctx, out.Items, p)
}

// scopeManaged narrows tx to the policies p may edit.
func (s *Service) scopeManaged(tx *gorm.DB, p *web.Principal) *gorm.DB {
	switch p.Role {
	case web.RoleAdmin:
		return tx
	case web.RoleProvince:
		return tx.Where("policies.zone_id IS NULL AND policies.level = ? AND policies.province = ? AND policies.province <> ''", Provincial, p.Province)
	case web.RoleZoneStaff:
		return tx.Where("policies.zone_id = ?", p.ZoneID)
	}
	return tx.Where("1 = 0")
}

func (s *Service) filter(tx *gorm.DB, q Query) *gorm.DB {
	today := Today(s.now())
	switch q.State {
	case "", "active":
		tx = tx.Where("(policies.expires_on = '' OR policies.expires_on >= ?)", today)
	case Current:
		tx = tx.Where("(policies.expires_on = '' OR policies.expires_on >= ?) AND policies.effective_on <= ?", today, today)
	case Upcoming:
		tx = tx.Where("policies.effective_on > ?", today)
	case Expired:
		tx = tx.Where("policies.expires_on <> '' AND policies.expires_on < ?", today)
	}
	if q.Level != "" {
		tx = tx.Where("policies.level = ?", q.Level)
	}
	if q.Topic != "" {
		tx = tx.Where("policies.id IN (?)", s.DB.Model(&topicRow{}).Select("policy_id").Where("topic = ?", q.Topic))
	}
	if q.ZoneID > 0 {
		tx = tx.Where("policies.zone_id = ?", q.ZoneID)
	}
	if q.Province != "" {
		tx = tx.Where("(policies.province = ? OR policies.zone_id IN (?))", q.Province, s.DB.Table("zones").Select("id").Where("province = ?", q.Province))
	}
	// An empty beneficiary list means every kind of enterprise.
	for col, v := range map[string]string{"ownerships": q.Ownership, "sizes": q.Size, "industries": q.Industry} {
		if v != "" {
			tx = tx.Where("(policies."+col+" = '' OR ',' || policies."+col+" || ',' LIKE ? ESCAPE '\\')", "%,"+escapeLike(v)+",%")
		}
	}
	return tx
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// matchSQL selects the policies matching every token with the sum of their best weights.
func matchSQL(tokens []textsearch.Token) (string, []any) {
	parts := make([]string, 0, len(tokens))
	args := make([]any, 0, 2*len(tokens)+1)
	for _, t := range tokens {
		if t.Prefix {
			parts = append(parts, "SELECT policy_id, MAX(weight) AS w FROM policy_terms WHERE term >= ? AND term < ? GROUP BY policy_id")
			args = append(args, t.Term, t.Hi)
		} else {
			parts = append(parts, "SELECT policy_id, weight AS w FROM policy_terms WHERE term = ?")
			args = append(args, t.Term)
		}
	}
	args = append(args, len(tokens))
	return "SELECT policy_id, SUM(w) AS score FROM (" + strings.Join(parts, " UNION ALL ") + ") t GROUP BY policy_id HAVING COUNT(*) = ?", args
}
