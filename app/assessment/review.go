// A submission's review: submitting it, returning it with the items to correct, approving it.

package assessment

import (
	"context"
	"fmt"
	"strconv"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// transition moves submission id from one of from to status to as p, stamping who and when
// in the columns named stamp (none when empty), returning the values back with their reasons,
// and records the step in the audit trail.
func (s *Service) transition(ctx context.Context, p *actor.Actor, id int64, from []string, to, action, stamp string, back []returned) error {
	step := who(p)
	step.Action = action
	return s.Store.Transition(ctx, id, from, to, stamp, step, back, s.now())
}

// Submit sends a complete submission to the province.
func (s *Service) Submit(ctx context.Context, p *actor.Actor, id int64) (Detail, error) {
	d, err := s.Detail(ctx, p, id)
	if err != nil {
		return Detail{}, err
	}
	if !isStaffOf(p, d.ZoneID) {
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
func (s *Service) Return(ctx context.Context, p *actor.Actor, id int64, items []ReturnItem) (Detail, error) {
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
	values, err := s.Store.Values(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	byCode := map[string]valueRow{}
	for _, v := range values {
		byCode[v.IndicatorCode] = v
	}
	back := make([]returned, len(items))
	for i, it := range items {
		v, ok := byCode[it.Code]
		if !ok {
			return Detail{}, errs.Invalid(fmt.Sprintf("items.%d.code", i), "assessment.no_value")
		}
		back[i] = returned{value: v, reason: it.Reason}
	}
	if err := s.transition(ctx, p, id, []string{row.Status}, StatusReturned, ActionReturn, "", back); err != nil {
		return Detail{}, err
	}
	return s.Detail(ctx, p, id)
}

// Approve passes a submission on: province staff to the ministry (reviewed), an admin to
// final approval.
func (s *Service) Approve(ctx context.Context, p *actor.Actor, id int64) (Detail, error) {
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
	if p.Role == actor.RoleProvince {
		err = s.transition(ctx, p, id, []string{StatusSubmitted}, StatusReviewed, ActionReview, "reviewed", nil)
	} else {
		err = s.transition(ctx, p, id, []string{StatusReviewed}, StatusApproved, ActionApprove, "approved", nil)
	}
	if err != nil {
		return Detail{}, err
	}
	return s.Detail(ctx, p, id)
}
