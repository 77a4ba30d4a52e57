package jobfair

import "context"

// HasBooth reports whether zone zoneID has a booth at fair fairID (takes part in it).
func (s *Store) HasBooth(ctx context.Context, fairID, zoneID int64) (bool, error) {
	return s.inFair(ctx, fairID, zoneID)
}
