package assessment

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"zonefair/app/errs"
	"zonefair/app/web"
)

// LoadApproved records a zone's values for a year as already approved by the ministry, for
// loading historical data (the demo data set). Each value is checked like an entered one and
// the load is audited; an existing submission for the zone and year is left alone.
func (s *Service) LoadApproved(ctx context.Context, zoneID int64, year int, values map[string]float64, actor string) error {
	return s.LoadAt(ctx, zoneID, year, values, actor, StatusApproved)
}

// LoadAt is LoadApproved for a submission that has come as far as status: submitted (awaiting
// the province), reviewed (awaiting the ministry) or approved, as the demo shows reviewers
// submissions to act on.
func (s *Service) LoadAt(ctx context.Context, zoneID int64, year int, values map[string]float64, actor, status string) error {
	var steps int
	switch status {
	case StatusSubmitted:
		steps = 1
	case StatusReviewed:
		steps = 2
	case StatusApproved:
		steps = 3
	default:
		return fmt.Errorf("cannot load a submission as %q", status)
	}
	v, err := s.Store.Current(ctx)
	if err != nil {
		return err
	}
	for code, val := range values {
		ind, ok := v.Indicator(code)
		if !ok {
			return fmt.Errorf("unknown indicator %q", code)
		}
		if key, param, ok := CheckValue(ind, val); !ok {
			return fmt.Errorf("%s = %v: %s %s", code, val, key, param)
		}
	}
	now := s.now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&submissionRow{}).Where("zone_id = ? AND year = ?", zoneID, year).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		sub := submissionRow{ZoneID: zoneID, Year: year, Status: status, SubmittedAt: &now}
		if steps >= 2 {
			sub.ReviewedAt = &now
		}
		if steps >= 3 {
			sub.ApprovedAt = &now
		}
		if err := tx.Create(&sub).Error; err != nil {
			return err
		}
		rows := make([]valueRow, 0, len(values))
		for code, val := range values {
			rows = append(rows, valueRow{SubmissionID: sub.ID, IndicatorCode: code, Value: val, CreatedAt: now, UpdatedAt: now})
		}
		if err := tx.Create(&rows).Error; err != nil {
			return err
		}
		if status != StatusApproved {
			return tx.Create(&auditRow{SubmissionID: sub.ID, Action: ActionSubmit, ActorName: actor, ActorRole: string(web.RoleZoneStaff), CreatedAt: now}).Error
		}
		return tx.Create(&auditRow{SubmissionID: sub.ID, Action: ActionImport, Reason: "historical data", ActorName: actor, ActorRole: "admin", CreatedAt: now}).Error
	})
}

// PublishIfMissing publishes year's ranking under the current version unless it already is.
func (s *Service) PublishIfMissing(ctx context.Context, p *web.Principal, year int) error {
	v, err := s.Store.Current(ctx)
	if err != nil {
		return err
	}
	_, err = s.Publish(ctx, p, PublishRequest{VersionID: v.ID, Year: year})
	var e *errs.Error
	if errors.As(err, &e) && e.Key == "assessment.ranking_published" {
		return nil
	}
	return err
}
