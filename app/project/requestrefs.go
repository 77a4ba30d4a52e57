package project

import (
	"context"
	"time"
)

// RequestRef is what other capabilities see of an investor's meeting request: an accepted one
// lets the investor book negotiation slots, and gets a meeting room of its own.
type RequestRef struct {
	ID         int64
	ZoneID     int64
	ProjectID  *int64
	InvestorID int64
	Status     string
	// StartsAt and Minutes are the accepted time; DecidedBy the staff member who accepted.
	StartsAt  *time.Time
	Minutes   int
	DecidedBy *int64
}

const requestRefColumns = "id, zone_id, project_id, investor_id, status, starts_at, minutes, decided_by"

// RequestRefs returns the meeting requests among ids that exist, by id.
func (s *Store) RequestRefs(ctx context.Context, ids []int64) ([]RequestRef, error) {
	refs := []RequestRef{}
	if len(ids) == 0 {
		return refs, nil
	}
	err := s.db.WithContext(ctx).Table("meeting_requests").Select(requestRefColumns).Where("id IN ?", ids).Order("id").Scan(&refs).Error
	return refs, err
}

// AcceptedRequests returns investorID's accepted meeting requests, by id.
func (s *Store) AcceptedRequests(ctx context.Context, investorID int64) ([]RequestRef, error) {
	refs := []RequestRef{}
	err := s.db.WithContext(ctx).Table("meeting_requests").Select(requestRefColumns).Where("investor_id = ? AND status = ?", investorID, MeetingAccepted).
		Order("id").Scan(&refs).Error
	return refs, err
}

// RequestLeads returns, by id, the leads that the meeting requests among requestIDs concern:
// the investor's lead on the project each request was made about. A negotiation's outcome
// moves them.
func (s *Store) RequestLeads(ctx context.Context, requestIDs []int64) ([]int64, error) {
	leads := []int64{}
	if len(requestIDs) == 0 {
		return leads, nil
	}
	err := s.db.WithContext(ctx).Table("project_leads l").Distinct("l.id").
		Joins("JOIN meeting_requests r ON r.project_id = l.project_id AND r.investor_id = l.investor_id").
		Where("r.id IN ?", requestIDs).Order("l.id").Pluck("l.id", &leads).Error
	return leads, err
}
