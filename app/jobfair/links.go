package jobfair

import (
	"context"
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"zonefair/app/account"
	"zonefair/app/errs"
	"zonefair/app/zone"
)

// Jobs, booths and conversations name zones, enterprises and people; those records belong to
// other capabilities, which the job fair reads through these (wired by the server to their
// owners, zone.Store and account.Store).

// Zones is the zone capability: zones and their enterprises.
type Zones interface {
	// EmployerNames returns the names of the zones and enterprises among the ids, by id, in
	// one query.
	EmployerNames(ctx context.Context, zoneIDs, entIDs []int64) (zones, enterprises map[int64]zone.Name, err error)
	// ByIDs returns the zones among ids that exist.
	ByIDs(ctx context.Context, ids []int64) ([]zone.Zone, error)
	// Details returns the zones among ids with their industries and enterprises.
	Details(ctx context.Context, ids []int64) ([]zone.Detail, error)
	// Enterprise returns enterprise id (a not-found error when there is none).
	Enterprise(ctx context.Context, id int64) (zone.Enterprise, error)
}

// Users is the account capability: graduates' names and addresses, and employers' staff.
type Users interface {
	ByIDs(ctx context.Context, ids []int64) ([]account.User, error)
	// ZoneStaff and EnterpriseStaff return the ids of a zone's or an enterprise's staff.
	ZoneStaff(ctx context.Context, zoneID int64) ([]int64, error)
	EnterpriseStaff(ctx context.Context, enterpriseID int64) ([]int64, error)
	// NameOf and EmailOf are a user's name and e-mail as subqueries on a column holding
	// their id, for the applicant list to search and sort by in its one query.
	NameOf(userID clause.Column) *gorm.DB
	EmailOf(userID clause.Column) *gorm.DB
}

// enterpriseOf checks that enterprise id is one of zone zoneID's: an invalid enterpriseId when
// it is not, or does not exist.
func (s *Store) enterpriseOf(ctx context.Context, id, zoneID int64) error {
	e, err := s.zones.Enterprise(ctx, id)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && e.ZoneID != zoneID) {
		return errs.Invalid("enterpriseId", "field.enterprise_zone")
	}
	return err
}

// postingZone returns zone id, where a job is being posted: an invalid zoneId when it does not
// exist.
func (s *Store) postingZone(ctx context.Context, id int64) (zone.Zone, error) {
	zs, err := s.zones.ByIDs(ctx, []int64{id})
	if err != nil {
		return zone.Zone{}, err
	}
	if len(zs) == 0 {
		return zone.Zone{}, errs.Invalid("zoneId", "field.zone_unknown")
	}
	return zs[0], nil
}
