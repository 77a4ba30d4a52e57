package assessment

import (
	"context"
	"errors"
	"fmt"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// LoadApproved records a zone's values for a year as already approved by the ministry, for
// loading historical data (the demo data set). Each value is checked like an entered one and
// the load is audited; an existing submission for the zone and year is left alone.
func (s *Service) LoadApproved(ctx context.Context, zoneID int64, year int, values map[string]float64, by string) error {
	return s.LoadAt(ctx, zoneID, year, values, by, StatusApproved)
}

// LoadAt is LoadApproved for a submission that has come as far as status: submitted (awaiting
// the province), reviewed (awaiting the ministry) or approved, as the demo shows reviewers
// submissions to act on.
func (s *Service) LoadAt(ctx context.Context, zoneID int64, year int, values map[string]float64, by, status string) error {
	entry := auditRow{Action: ActionImport, Reason: "historical data", ActorName: by, ActorRole: string(actor.RoleAdmin)}
	switch status {
	case StatusSubmitted, StatusReviewed:
		entry = auditRow{Action: ActionSubmit, ActorName: by, ActorRole: string(actor.RoleZoneStaff)}
	case StatusApproved:
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
	return s.Store.Load(ctx, zoneID, year, status, values, entry, s.now())
}

// PublishIfMissing publishes year's ranking under the current version unless it already is.
func (s *Service) PublishIfMissing(ctx context.Context, p *actor.Actor, year int) error {
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
