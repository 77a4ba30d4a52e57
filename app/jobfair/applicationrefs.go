package jobfair

import "context"

// Interviews returns userID's applications in the interview stage, oldest first: the
// invitations with which a graduate books an interview slot. Job titles and employer names
// are left empty (FillJobs adds them).
func (s *Store) Interviews(ctx context.Context, userID int64) ([]Application, error) {
	apps := []Application{}
	err := s.db.WithContext(ctx).Select("id", "job_id", "user_id", "fair_id", "zone_id", "enterprise_id", "status").
		Where("user_id = ? AND status = ?", userID, StatusInterview).Order("id").Find(&apps).Error
	return apps, err
}

// FillJobs puts on each of apps its job's titles and its employer's names, reading the jobs
// in one batch (none when the search index holds them current).
func (s *Store) FillJobs(ctx context.Context, apps []Application) error {
	return s.decorateApps(ctx, apps)
}
