package policy

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"zonefair/app/actor"
	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/textsearch"
)

// Store reads and writes policies, their attachments, packages, subscriptions and deliveries.
type Store struct{ db *gorm.DB }

// NewStore returns a Store on g.
func NewStore(g *gorm.DB) *Store { return &Store{db: g} }

// Transaction runs f in one transaction, with a Store on it; the use case's other writes that
// belong to the same change (notifications) go through tx.db.
func (s *Store) Transaction(ctx context.Context, f func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(g *gorm.DB) error { return f(&Store{db: g}) })
}

// Policy reads policy id with its full texts (not its topics).
func (s *Store) Policy(ctx context.Context, id int64) (Policy, error) {
	var pol Policy
	err := s.db.WithContext(ctx).First(&pol, id).Error
	return pol, db.NotFound(err, "policy")
}

// Create inserts pol with its topics and search terms.
func (s *Store) Create(ctx context.Context, pol *Policy) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(pol).Error; err != nil {
			return err
		}
		return writeIndex(tx, pol)
	})
}

// Update writes pol's texts, dates and beneficiaries (not its status) and its index.
func (s *Store) Update(ctx context.Context, pol *Policy, now time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Model(&Policy{}).Where("id = ?", pol.ID).Updates(map[string]any{
			"level": pol.Level, "zone_id": pol.ZoneID, "province": pol.Province, "issuer_zh": pol.IssuerZh, "issuer_en": pol.IssuerEn,
			"doc_number": pol.DocNumber, "title_zh": pol.TitleZh, "title_en": pol.TitleEn, "summary_zh": pol.SummaryZh,
			"summary_en": pol.SummaryEn, "body_zh": pol.BodyZh, "body_en": pol.BodyEn, "apply_zh": pol.ApplyZh, "apply_en": pol.ApplyEn,
			"ownerships": pol.RawOwners, "sizes": pol.RawSizes, "industries": pol.RawInd, "issued_on": pol.IssuedOn,
			"effective_on": pol.EffectiveOn, "expires_on": pol.ExpiresOn, "updated_at": now,
		}).Error
		if err != nil {
			return err
		}
		return writeIndex(tx, pol)
	})
}

// Delete removes policy id and returns its attachments, whose files the caller removes.
func (s *Store) Delete(ctx context.Context, id int64) ([]Attachment, error) {
	files, err := s.Attachments(ctx, id)
	if err != nil {
		return nil, err
	}
	return files, s.db.WithContext(ctx).Delete(&Policy{}, id).Error
}

// writeIndex replaces the policy's topics and search terms.
func writeIndex(tx *gorm.DB, pol *Policy) error {
	if err := tx.Where("policy_id = ?", pol.ID).Delete(&topicRow{}).Error; err != nil {
		return err
	}
	if err := tx.Where("policy_id = ?", pol.ID).Delete(&termRow{}).Error; err != nil {
		return err
	}
	topics := make([]topicRow, len(pol.Topics))
	for i, t := range pol.Topics {
		topics[i] = topicRow{PolicyID: pol.ID, Topic: t}
	}
	if len(topics) > 0 {
		if err := tx.Create(&topics).Error; err != nil {
			return err
		}
	}
	m := map[string]int16{}
	textsearch.AddTerms(m, pol.TitleZh+" "+pol.TitleEn, 8)
	textsearch.AddTerms(m, pol.IssuerZh+" "+pol.IssuerEn+" "+pol.DocNumber, 4)
	textsearch.AddTerms(m, pol.SummaryZh+" "+pol.SummaryEn, 2)
	textsearch.AddTerms(m, pol.BodyZh+" "+pol.BodyEn+" "+pol.ApplyZh+" "+pol.ApplyEn, 1)
	terms := make([]termRow, 0, len(m))
	for t, w := range m {
		terms = append(terms, termRow{Term: t, PolicyID: pol.ID, Weight: w})
	}
	if len(terms) == 0 {
		return nil
	}
	return tx.CreateInBatches(&terms, 500).Error
}

// Topics returns the topics of the policies ids, in order, by policy.
func (s *Store) Topics(ctx context.Context, ids []int64) (map[int64][]string, error) {
	var topics []topicRow
	if err := s.db.WithContext(ctx).Where("policy_id IN ?", ids).Order("topic").Find(&topics).Error; err != nil {
		return nil, err
	}
	byPolicy := map[int64][]string{}
	for _, t := range topics {
		byPolicy[t.PolicyID] = append(byPolicy[t.PolicyID], t.Topic)
	}
	return byPolicy, nil
}

// Attachments lists policy id's attachments in the order they were added.
func (s *Store) Attachments(ctx context.Context, id int64) ([]Attachment, error) {
	out := []Attachment{}
	err := s.db.WithContext(ctx).Where("policy_id = ?", id).Order("id").Find(&out).Error
	return out, err
}

// CountAttachments returns how many attachments policy id has.
func (s *Store) CountAttachments(ctx context.Context, id int64) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Attachment{}).Where("policy_id = ?", id).Count(&n).Error
	return n, err
}

// AddAttachment inserts a.
func (s *Store) AddAttachment(ctx context.Context, a *Attachment) error {
	return s.db.WithContext(ctx).Create(a).Error
}

// Attachment reads attachment attID of policy id.
func (s *Store) Attachment(ctx context.Context, id, attID int64) (Attachment, error) {
	var a Attachment
	err := s.db.WithContext(ctx).Where("id = ? AND policy_id = ?", attID, id).First(&a).Error
	return a, db.NotFound(err, "policy_attachment")
}

// DeleteAttachment removes attachment a's row.
func (s *Store) DeleteAttachment(ctx context.Context, a *Attachment) error {
	return s.db.WithContext(ctx).Delete(a).Error
}

// listColumns leave out the long texts a result list does not show.
const listColumns = "policies.id, policies.zone_id, policies.level, policies.province, policies.issuer_zh, policies.issuer_en, " +
	"policies.doc_number, policies.title_zh, policies.title_en, policies.summary_zh, policies.summary_en, policies.ownerships, " +
	"policies.sizes, policies.industries, policies.issued_on, policies.effective_on, policies.expires_on, policies.status, " +
	"policies.published_at, policies.created_at, policies.updated_at"

// searchScope is what a search needs besides the query: whose drafts it lists (q.Drafts),
// the zones of the province q names, and the day policies' states are judged on.
type searchScope struct {
	manager       *actor.Actor
	provinceZones []int64
	today         string
}

// Search returns one page of q's policies (q.Page and q.PageSize set), best text matches
// first, then the most recently issued.
func (s *Store) Search(ctx context.Context, q Query, sc searchScope) (Page, error) {
	out := Page{Items: []Policy{}, Page: q.Page, PageSize: q.PageSize}
	tx := s.db.WithContext(ctx).Model(&Policy{})
	if q.Drafts {
		tx = scopeManaged(tx.Where("policies.status = ?", Draft), sc.manager)
	} else {
		tx = tx.Where("policies.status = ?", Published)
	}
	tx = s.filter(tx, q, sc)
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
	return out, err
}

// scopeManaged narrows tx to the policies a may edit (as mayManage decides one by one).
func scopeManaged(tx *gorm.DB, a *actor.Actor) *gorm.DB {
	switch {
	case a == nil:
	case a.Role == actor.RoleAdmin:
		return tx
	case a.Role == actor.RoleProvince:
		return tx.Where("policies.zone_id IS NULL AND policies.level = ? AND policies.province = ? AND policies.province <> ''", Provincial, a.Province)
	case a.Role == actor.RoleZoneStaff:
		return tx.Where("policies.zone_id = ?", a.ZoneID)
	}
	return tx.Where("1 = 0")
}

func (s *Store) filter(tx *gorm.DB, q Query, sc searchScope) *gorm.DB {
	today := sc.today
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
		tx = tx.Where("policies.id IN (?)", s.db.Model(&topicRow{}).Select("policy_id").Where("topic = ?", q.Topic))
	}
	if q.ZoneID > 0 {
		tx = tx.Where("policies.zone_id = ?", q.ZoneID)
	}
	if q.Province != "" {
		if len(sc.provinceZones) > 0 {
			tx = tx.Where("(policies.province = ? OR policies.zone_id IN ?)", q.Province, sc.provinceZones)
		} else {
			tx = tx.Where("policies.province = ?", q.Province)
		}
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

// MarkPublished publishes draft id at now; a conflict when it is no longer a draft.
func (s *Store) MarkPublished(ctx context.Context, id int64, now time.Time) error {
	res := s.db.WithContext(ctx).Model(&Policy{}).Where("id = ? AND status = ?", id, Draft).Updates(map[string]any{"status": Published, "published_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.New(errs.ErrConflict, "policy.already_published")
	}
	return nil
}

// Subscribers returns, in order, the users subscribed to one of pol's topics or to its zone
// (to one of zones, the province's, for a provincial policy) who have not been told of pol.
func (s *Store) Subscribers(ctx context.Context, pol *Policy, zones []int64) ([]int64, error) {
	g := s.db.WithContext(ctx)
	sub := g.Session(&gorm.Session{NewDB: true})
	cond, args := "policy_subscriptions.topic IN (?)", []any{sub.Model(&topicRow{}).Select("topic").Where("policy_id = ?", pol.ID)}
	switch {
	case pol.ZoneID != nil:
		cond, args = cond+" OR policy_subscriptions.zone_id = ?", append(args, *pol.ZoneID)
	case pol.Level == Provincial && len(zones) > 0:
		cond, args = cond+" OR policy_subscriptions.zone_id IN ?", append(args, zones)
	}
	var ids []int64
	err := g.Model(&Subscription{}).Distinct("user_id").
		Where("("+cond+")", args...).
		Where("user_id NOT IN (?)", sub.Model(&delivery{}).Select("user_id").Where("policy_id = ?", pol.ID)).
		Order("user_id").Pluck("user_id", &ids).Error
	return ids, err
}

// ClaimDelivery records that user userID is told of policy id, and reports whether they had
// not been already.
func (s *Store) ClaimDelivery(ctx context.Context, id, userID int64, now time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&delivery{PolicyID: id, UserID: userID, CreatedAt: now})
	return res.RowsAffected > 0, res.Error
}

// Package reads package id.
func (s *Store) Package(ctx context.Context, id int64) (Package, error) {
	var pk Package
	err := s.db.WithContext(ctx).First(&pk, id).Error
	return pk, db.NotFound(err, "policy_package")
}

// CountPublished returns how many of the policies ids (distinct) are published.
func (s *Store) CountPublished(ctx context.Context, ids []int64) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Policy{}).Where("id IN ? AND status = ?", ids, Published).Count(&n).Error
	return int(n), err
}

// SavePackage inserts or updates pk with the policies ids, in that order, each once.
func (s *Store) SavePackage(ctx context.Context, pk *Package, ids []int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Save(pk).Error; err != nil {
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
}

// DeletePackage removes package id (its policies stay).
func (s *Store) DeletePackage(ctx context.Context, id int64) error {
	return s.db.WithContext(ctx).Delete(&Package{}, id).Error
}

// PackagePolicies lists package id's published policies in its order, without their texts.
func (s *Store) PackagePolicies(ctx context.Context, id int64) ([]Policy, error) {
	out := []Policy{}
	err := s.db.WithContext(ctx).Model(&Policy{}).Select(listColumns).
		Joins("JOIN policy_package_items i ON i.policy_id = policies.id").
		Where("i.package_id = ? AND policies.status = ?", id, Published).Order("i.position").Find(&out).Error
	return out, err
}

// Packages lists the 200 most recently changed packages, of zone zoneID when not 0.
func (s *Store) Packages(ctx context.Context, zoneID int64) ([]Package, error) {
	out := []Package{}
	tx := s.db.WithContext(ctx).Order("updated_at DESC, id DESC").Limit(200)
	if zoneID > 0 {
		tx = tx.Where("zone_id = ?", zoneID)
	}
	return out, tx.Find(&out).Error
}

// PackageCounts returns how many published policies each of the packages ids holds.
func (s *Store) PackageCounts(ctx context.Context, ids []int64) (map[int64]int, error) {
	var counts []struct {
		PackageID int64
		N         int
	}
	err := s.db.WithContext(ctx).Table("policy_package_items i").Select("i.package_id, COUNT(*) AS n").Joins("JOIN policies ON policies.id = i.policy_id").
		Where("i.package_id IN ? AND policies.status = ?", ids, Published).Group("i.package_id").Scan(&counts).Error
	n := make(map[int64]int, len(counts))
	for _, c := range counts {
		n[c.PackageID] = c.N
	}
	return n, err
}

// Subscribe inserts sub unless its user has the same one, which it then reads into sub.
func (s *Store) Subscribe(ctx context.Context, sub *Subscription) error {
	g := s.db.WithContext(ctx)
	err := g.Create(sub).Error
	if !db.IsUniqueViolation(err) {
		return err
	}
	return g.Where("user_id = ? AND topic = ? AND zone_id = ?", sub.UserID, sub.Topic, sub.ZoneID).First(sub).Error
}

// Subscriptions lists user userID's subscriptions in the order they were made.
func (s *Store) Subscriptions(ctx context.Context, userID int64) ([]Subscription, error) {
	out := []Subscription{}
	return out, s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id").Find(&out).Error
}

// Unsubscribe removes user userID's subscription id.
func (s *Store) Unsubscribe(ctx context.Context, userID, id int64) error {
	res := s.db.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Delete(&Subscription{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errs.NotFound("policy_subscription")
	}
	return nil
}
