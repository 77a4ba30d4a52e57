// A submission's review: submitting it, returning it with the items to correct, approving it.

package assessment

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"zonefair/app/errs"
	"zonefair/app/web"
)

// transition moves submission id from one of from to status to, stamping who and when in the
// columns named stamp ("submitted" → submitted_by, submitted_at; none when empty), and records
// the step in the audit trail; extra runs inside the same transaction.
func (s *Service) transition(ctx context.Context, p *web.Principal, id int64, from []string, to, action, stamp string, extra func(tx *gorm.DB, now time.Time) error) error {
	now := s.now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cols := map[string]any{"status": to, "updated_at": now}
		if stamp != "" {
			cols[stamp+"_by"], cols[stamp+"_at"] = p.UserID, now
		}
		res := tx.Model(&submissionRow{}).Where("id = ? AND status IN ?", id, from).Updates(cols)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.ErrConflict, "assessment.state")
		}
		if extra != nil {
			if err := extra(tx, now); err != nil {
				return err
			}
		}
		return tx.Create(&auditRow{SubmissionID: id, Action: action, ActorID: p.UserID, ActorName: p.Name, ActorRole: string(p.Role), CreatedAt: now}).Error
	})
}

// Submit sends a complete submission to the province.
func (s *Service) Submit(ctx context.Context, p *web.Principal, id int64) (Detail, error) {
	d, err := s.Detail(ctx, p, id)
	if err != nil {
		return Detail{}, err
	}
	if !(p.Role == web.RoleZoneStaff && p.ZoneID == d.ZoneID) {
		return Detail{}, s.refuse(ctx, p, "submit", id)
	}
	if !d.CanEdit {
		return Detail{}, errs.New(errs.ErrConflict, "assessment.state")
	}
	if missing := d.Total - d.Filled; missing > 0 {
		e := errs.New(errs.ErrInvalid, "assessment.incomplete")
		e.Fields = []errs.FieldError{{Field: "values", Key: "assessment.incomplete", Param: strconv.Itoa(missing)}}
		return Detail{}, e
	}
	err = s.transition(ctx, p, id, []string{StatusDraft, StatusReturned}, StatusSubmitted, ActionSubmit, "submitted", nil)
	if err != nil {
		return Detail{}, err
	}
	return s.Detail(ctx, p, id)
}

// Return sends values back to the zone, each with the reason the zone will see.
func (s *Service) Return(ctx context.Context, p *web.Principal, id int64, items []ReturnItem) (Detail, error) {
	row, z, err := s.submission(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	if !canReview(p, row, z) {
		if !p.ReviewsProvince(z.Province) {
			return Detail{}, s.refuse(ctx, p, "return", id)
		}
		return Detail{}, errs.New(errs.ErrConflict, "assessment.state")
	}
	var values []valueRow
	if err := s.DB.WithContext(ctx).Where("submission_id = ?", id).Find(&values).Error; err != nil {
		return Detail{}, err
	}
	byCode := map[string]valueRow{}
	for _, v := range values {
		byCode[v.IndicatorCode] = v
	}
	for i, it := range items {
		if _, ok := byCode[it.Code]; !ok {
			return Detail{}, errs.Invalid(fmt.Sprintf("items.%d.code", i), "assessment.no_value")
		}
	}
	err = s.transition(ctx, p, id, []string{row.Status}, StatusReturned, ActionReturn, "", func(tx *gorm.DB, now time.Time) error {
		for _, it := range items {
			v := byCode[it.Code]
			err := tx.Model(&valueRow{}).Where("id = ?", v.ID).Updates(map[string]any{"return_reason": it.Reason, "returned_by": p.UserID, "returned_at": now}).Error
			if err != nil {
				return err
			}
			val := v.Value
			err = tx.Create(&auditRow{SubmissionID: id, IndicatorCode: it.Code, Action: ActionReturn, OldValue: &val, Reason: it.Reason,
				ActorID: p.UserID, ActorName: p.Name, ActorRole: string(p.Role), CreatedAt: now}).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Detail(ctx, p, id)
}

// Approve passes a submission on: province staff to the ministry (reviewed), an admin to
// final approval.
func (s *Service) Approve(ctx context.Context, p *web.Principal, id int64) (Detail, error) {
	row, z, err := s.submission(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	if !canApprove(p, row, z) {
		if !p.ReviewsProvince(z.Province) {
			return Detail{}, s.refuse(ctx, p, "approve", id)
		}
		return Detail{}, errs.New(errs.ErrConflict, "assessment.state")
	}
	if p.Role == web.RoleProvince {
		err = s.transition(ctx, p, id, []string{StatusSubmitted}, StatusReviewed, ActionReview, "reviewed", nil)
	} else {
		err = s.transition(ctx, p, id, []string{StatusReviewed}, StatusApproved, ActionApprove, "approved", nil)
	}
	if err != nil {
		return Detail{}, err
	}
	return s.Detail(ctx, p, id)
}
