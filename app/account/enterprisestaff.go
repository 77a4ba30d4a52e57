package account

import (
	"context"

	"zonefair/app/actor"
)

// EnterpriseStaff returns the ids of enterprise id's staff: who hears of what is written to
// their enterprise (an application's messages).
func (s *Store) EnterpriseStaff(ctx context.Context, enterpriseID int64) ([]int64, error) {
	ids := []int64{}
	err := s.db.WithContext(ctx).Model(&User{}).Where("role = ? AND enterprise_id = ?", actor.RoleEnterprise, enterpriseID).
		Order("id").Pluck("id", &ids).Error
	return ids, err
}
