package signing

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"

	"zonefair/app/errs"
)

// The writes of the signing use cases: an agreement's draft, its lock, recipients, fields,
// one-time codes and documents. Each use case runs them inside its own Transaction.

// Transaction runs f in one transaction, with a Store on it.
func (s *Store) Transaction(ctx context.Context, f func(tx *Store) error) error {
	return s.db.WithContext(ctx).Transaction(func(g *gorm.DB) error { return f(&Store{db: g}) })
}

// lock takes agreement id's row write lock for the rest of the transaction (a no-op update does
// it on PostgreSQL; SQLite transactions already write one at a time).
func (s *Store) lock(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Model(&Agreement{}).Where("id = ?", id).UpdateColumn("audit_seq", gorm.Expr("audit_seq"))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return missing("agreement")
	}
	return nil
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return missing("agreement")
	}
	return err
}

// agreement reads agreement id.
func (s *Store) agreement(ctx context.Context, id int64) (Agreement, error) {
	var a Agreement
	err := s.db.WithContext(ctx).First(&a, id).Error
	return a, notFound(err)
}

// load reads agreement id with its recipients (in signing order) and fields.
func (s *Store) load(ctx context.Context, id int64) (Agreement, []Recipient, []Field, error) {
	a, err := s.agreement(ctx, id)
	if err != nil {
		return a, nil, nil, err
	}
	rs, err := s.recipients(ctx, id)
	if err != nil {
		return a, nil, nil, err
	}
	var fs []Field
	if err := s.db.WithContext(ctx).Where("agreement_id = ?", id).Order("page, y, x, id").Find(&fs).Error; err != nil {
		return a, nil, nil, err
	}
	return a, rs, fs, nil
}

// A verification's ways of finding the agreement a file, a hash or a link is about.
const (
	byFinal       = iota // a completed agreement, by its sealed document's hash
	byOriginal           // a sent agreement, by its original document's hash
	byTokenSealed        // a completed agreement, by its verification token
	byToken              // a sent agreement, by its verification token
)

var findBy = [...]struct {
	where  string
	status string
}{
	byFinal:       {"final_sha256 = ? AND status = ?", StatusCompleted},
	byOriginal:    {"original_sha256 = ? AND status <> ?", StatusDraft},
	byTokenSealed: {"verify_token = ? AND status = ?", StatusCompleted},
	byToken:       {"verify_token = ? AND status <> ?", StatusDraft},
}

// findAgreement returns the first agreement found by way by (byFinal, ...) for key, and false
// when there is none.
func (s *Store) findAgreement(ctx context.Context, by int, key string) (Agreement, bool, error) {
	var a Agreement
	err := s.db.WithContext(ctx).Where(findBy[by].where, key, findBy[by].status).Order("id").Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return a, false, nil
	}
	return a, err == nil, err
}

// status reads only agreement id's status.
func (s *Store) status(ctx context.Context, id int64) (string, error) {
	var a Agreement
	err := s.db.WithContext(ctx).Select("id, status").Take(&a, id).Error
	return a.Status, notFound(err)
}

// liveTemplate returns template id unless it is archived; a missing one is an invalid input.
func (s *Store) liveTemplate(ctx context.Context, id int64) (Template, error) {
	var t Template
	if err := s.db.WithContext(ctx).Where("archived = ?", false).First(&t, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return t, errs.Invalid("templateId", "signing.no_template")
		}
		return t, err
	}
	t.fillMergeFields()
	return t, nil
}

// templateExists reports whether template id is still there (archived or not).
func (s *Store) templateExists(ctx context.Context, id int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Template{}).Where("id = ?", id).Count(&n).Error
	return n > 0, err
}

// createAgreement inserts a.
func (s *Store) createAgreement(ctx context.Context, a *Agreement) error {
	return s.db.WithContext(ctx).Create(a).Error
}

// updateAgreement writes cols over agreement id.
func (s *Store) updateAgreement(ctx context.Context, id int64, cols map[string]any) error {
	return s.db.WithContext(ctx).Model(&Agreement{}).Where("id = ?", id).Updates(cols).Error
}

// replacedBy returns the agreement that re-sends agreement id, 0 when there is none.
func (s *Store) replacedBy(ctx context.Context, id int64) (int64, error) {
	var next Agreement
	err := s.db.WithContext(ctx).Select("id").Where("replaces_id = ?", id).Order("id").Limit(1).Find(&next).Error
	return next.ID, err
}

// putDocument stores body as a's original, clears its fields and records its pages.
func (s *Store) putDocument(ctx context.Context, a *Agreement, body []byte) error {
	pages, err := Inspect(body)
	if err != nil {
		return err
	}
	pj, _ := json.Marshal(pages)
	g := s.db.WithContext(ctx)
	if err := g.Where("agreement_id = ? AND kind = ?", a.ID, "original").Delete(&document{}).Error; err != nil {
		return err
	}
	if err := g.Create(&document{AgreementID: a.ID, Kind: "original", SHA256: Hash(body), Size: int64(len(body)), Data: body}).Error; err != nil {
		return err
	}
	if err := g.Where("agreement_id = ?", a.ID).Delete(&Field{}).Error; err != nil {
		return err
	}
	a.PageCount, a.PagesJSON = len(pages), string(pj)
	return s.updateAgreement(ctx, a.ID, map[string]any{"page_count": a.PageCount, "pages": a.PagesJSON})
}

// original returns agreement id's original document (gorm's not-found error when it has none).
func (s *Store) original(ctx context.Context, id int64) (document, error) {
	var d document
	err := s.db.WithContext(ctx).Where("agreement_id = ? AND kind = ?", id, "original").Take(&d).Error
	return d, err
}

// putFinal stores final as agreement id's sealed document.
func (s *Store) putFinal(ctx context.Context, id int64, final []byte, sum string) error {
	return s.db.WithContext(ctx).Create(&document{AgreementID: id, Kind: "final", SHA256: sum, Size: int64(len(final)), Data: final}).Error
}

// replaceRecipients puts rows in place of agreement id's recipients and clears its fields.
func (s *Store) replaceRecipients(ctx context.Context, id int64, rows []Recipient) error {
	g := s.db.WithContext(ctx)
	if err := g.Where("agreement_id = ?", id).Delete(&Field{}).Error; err != nil {
		return err
	}
	if err := g.Where("agreement_id = ?", id).Delete(&Recipient{}).Error; err != nil {
		return err
	}
	return s.createRecipients(ctx, rows)
}

// createRecipient inserts r, filling in its id.
func (s *Store) createRecipient(ctx context.Context, r *Recipient) error {
	return s.db.WithContext(ctx).Create(r).Error
}

// createRecipients inserts rows (none: nothing), filling in their ids.
func (s *Store) createRecipients(ctx context.Context, rows []Recipient) error {
	if len(rows) == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Create(&rows).Error
}

// replaceFields puts rows in place of agreement id's fields.
func (s *Store) replaceFields(ctx context.Context, id int64, rows []Field) error {
	if err := s.db.WithContext(ctx).Where("agreement_id = ?", id).Delete(&Field{}).Error; err != nil {
		return err
	}
	return s.createFields(ctx, rows)
}

// createFields inserts rows (none: nothing).
func (s *Store) createFields(ctx context.Context, rows []Field) error {
	if len(rows) == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Create(&rows).Error
}

// fillField sets the value of field id, filled at at.
func (s *Store) fillField(ctx context.Context, id int64, value string, at time.Time) error {
	return s.db.WithContext(ctx).Model(&Field{}).Where("id = ?", id).Updates(map[string]any{"value": value, "filled_at": at}).Error
}

// updatePending writes cols over recipient id while it is pending, and reports whether it was.
func (s *Store) updatePending(ctx context.Context, id int64, cols map[string]any) (bool, error) {
	res := s.db.WithContext(ctx).Model(&Recipient{}).Where("id = ? AND status = ?", id, "pending").Updates(cols)
	return res.RowsAffected == 1, res.Error
}

// declineRecipient marks recipient id declined for reason.
func (s *Store) declineRecipient(ctx context.Context, id int64, reason string) error {
	return s.db.WithContext(ctx).Model(&Recipient{}).Where("id = ?", id).Updates(map[string]any{"status": "declined", "decline_reason": reason}).Error
}

// markViewed records recipient id's first look at at, and reports whether it was the first.
func (s *Store) markViewed(ctx context.Context, id int64, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&Recipient{}).Where("id = ? AND viewed_at IS NULL", id).UpdateColumn("viewed_at", at)
	return res.RowsAffected > 0, res.Error
}

// latestCode returns recipient id's newest one-time code (a zero code when there is none).
func (s *Store) latestCode(ctx context.Context, recipientID int64) (code, error) {
	var c code
	err := s.db.WithContext(ctx).Where("recipient_id = ?", recipientID).Order("id DESC").Limit(1).Find(&c).Error
	return c, err
}

// createCode inserts c.
func (s *Store) createCode(ctx context.Context, c *code) error {
	return s.db.WithContext(ctx).Create(c).Error
}

// spendCodeTry counts one try of code id, and reports false when it is used or out of tries.
func (s *Store) spendCodeTry(ctx context.Context, id int64) (bool, error) {
	res := s.db.WithContext(ctx).Model(&code{}).Where("id = ? AND attempts < ? AND used_at IS NULL", id, MaxCodeAttempts).UpdateColumn("attempts", gorm.Expr("attempts + 1"))
	return res.RowsAffected > 0, res.Error
}

// useCode marks code id used at at, and reports false when it was used already.
func (s *Store) useCode(ctx context.Context, id int64, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&code{}).Where("id = ? AND used_at IS NULL", id).UpdateColumn("used_at", at)
	return res.RowsAffected > 0, res.Error
}
