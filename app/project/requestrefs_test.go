package project

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"zonefair/app/db/dbtest"
)

// What meetings read of meeting requests: refs by id, an investor's accepted requests, and the
// leads the requests concern (the investor's lead on the request's project; none for a request
// made to a zone directly or for a project the investor never showed interest in), each in one
// query.
func TestRequestRefs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, g *gorm.DB) {
		ctx := context.Background()
		s, z, investor, project := storeFixture(t, g, "requests")
		ann, bob := investor(1), investor(2)
		p1, p2 := project("一号"), project("二号")
		lead := func(projectID, investorID int64) int64 {
			l := Lead{ProjectID: projectID, ZoneID: z.ID, InvestorID: investorID, Status: LeadNew}
			if err := s.CreateLead(ctx, &l); err != nil {
				t.Fatal(err)
			}
			return l.ID
		}
		annP1, annP2, bobP1 := lead(p1, ann), lead(p2, ann), lead(p1, bob)
		at := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Second)
		decider := investor(3)
		request := func(investorID int64, projectID *int64, status string) int64 {
			m := MeetingRequest{ZoneID: z.ID, ProjectID: projectID, InvestorID: investorID, RawProposed: "[]", Minutes: 45, Status: status}
			if status == MeetingAccepted {
				m.StartsAt, m.DecidedBy = &at, &decider
			}
			if err := s.CreateMeetingRequest(ctx, &m); err != nil {
				t.Fatal(err)
			}
			return m.ID
		}
		annOnP1 := request(ann, &p1, MeetingAccepted)
		annDirect := request(ann, nil, MeetingAccepted)
		annPending := request(ann, &p2, MeetingPending)
		bobOnP1 := request(bob, &p1, MeetingAccepted)

		counted, n := dbtest.Counting(g)
		cs := NewStore(counted)
		refs, err := cs.RequestRefs(ctx, []int64{annOnP1, annPending, annPending + 1000})
		if err != nil || n.Load() != 1 {
			t.Fatalf("refs: %v, %d queries", err, n.Load())
		}
		if len(refs) != 2 || refs[0].ID != annOnP1 || refs[1].ID != annPending {
			t.Fatalf("refs = %+v", refs)
		}
		r := refs[0]
		if r.ZoneID != z.ID || r.InvestorID != ann || r.ProjectID == nil || *r.ProjectID != p1 || r.Status != MeetingAccepted ||
			r.StartsAt == nil || !r.StartsAt.Equal(at) || r.Minutes != 45 || r.DecidedBy == nil || *r.DecidedBy != decider {
			t.Errorf("accepted ref = %+v", r)
		}
		if r := refs[1]; r.Status != MeetingPending || r.StartsAt != nil || r.DecidedBy != nil {
			t.Errorf("pending ref = %+v", r)
		}
		if refs, err := s.RequestRefs(ctx, nil); err != nil || len(refs) != 0 {
			t.Errorf("no ids: %+v, %v", refs, err)
		}

		n.Store(0)
		accepted, err := cs.AcceptedRequests(ctx, ann)
		if err != nil || n.Load() != 1 || len(accepted) != 2 || accepted[0].ID != annOnP1 || accepted[1].ID != annDirect {
			t.Errorf("ann's accepted = %+v, %v, %d queries", accepted, err, n.Load())
		}
		if accepted, err := s.AcceptedRequests(ctx, decider); err != nil || len(accepted) != 0 {
			t.Errorf("nobody's accepted = %+v, %v", accepted, err)
		}

		n.Store(0)
		leads, err := cs.RequestLeads(ctx, []int64{annOnP1, annDirect, bobOnP1, annOnP1})
		if err != nil || n.Load() != 1 {
			t.Fatalf("leads: %v, %d queries", err, n.Load())
		}
		if len(leads) != 2 || leads[0] != min(annP1, bobP1) || leads[1] != max(annP1, bobP1) {
			t.Errorf("leads = %v, want %d and %d (not %d)", leads, annP1, bobP1, annP2)
		}
		if leads, err := s.RequestLeads(ctx, []int64{annPending}); err != nil || len(leads) != 1 || leads[0] != annP2 {
			t.Errorf("pending request's leads = %v, %v", leads, err)
		}
		if leads, err := s.RequestLeads(ctx, nil); err != nil || len(leads) != 0 {
			t.Errorf("no requests: %v, %v", leads, err)
		}
	})
}
