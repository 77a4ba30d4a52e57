package server_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"zonefair/app/actor"
	"zonefair/app/assessment"
	"zonefair/app/zone"
)

// TestDemoReviewersHaveWork: in the demo the Jiangsu province reviewer finds complete
// submissions of the latest year waiting for review (and may return or pass them on), the
// Shaanxi reviewer one, and the ministry one the province passed on; the year is not published.
func TestDemoReviewersHaveWork(t *testing.T) {
	t.Parallel()
	eachDemo(t, func(t *testing.T, g *gorm.DB) { // a copy of the seeded demo
		ctx := context.Background()
		svc := &assessment.Service{Store: assessment.NewStore(g), Zones: zone.NewStore(g)}
		waiting := func(p *actor.Actor, status string) []assessment.Submission {
			t.Helper()
			list, err := svc.List(ctx, p, assessment.SubmissionFilter{Year: 2025, Status: status})
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		jiangsu := &actor.Actor{UserID: 1, Name: "reviewer", Role: actor.RoleProvince, Province: "jiangsu"}
		subs := waiting(jiangsu, assessment.StatusSubmitted)
		if len(subs) != 2 {
			t.Fatalf("Jiangsu reviewer: %d submissions to review, want 2: %+v", len(subs), subs)
		}
		for _, s := range subs {
			if s.Province != "jiangsu" || s.Filled != s.Total || s.Total == 0 {
				t.Fatalf("submission to review %+v", s)
			}
			d, err := svc.Detail(ctx, jiangsu, s.ID)
			if err != nil || !d.CanReview {
				t.Fatalf("reviewer cannot review %d: %+v %v", s.ID, d.Submission, err)
			}
		}
		if n := len(waiting(&actor.Actor{UserID: 2, Role: actor.RoleProvince, Province: "shaanxi"}, assessment.StatusSubmitted)); n != 1 {
			t.Fatalf("Shaanxi reviewer: %d submissions to review", n)
		}
		admin := &actor.Actor{UserID: 3, Role: actor.RoleAdmin}
		passed := waiting(admin, assessment.StatusReviewed)
		if len(passed) != 1 || passed[0].Province != "jiangsu" {
			t.Fatalf("awaiting the ministry: %+v", passed)
		}
		if d, err := svc.Detail(ctx, admin, passed[0].ID); err != nil || !d.CanApprove {
			t.Fatalf("the ministry cannot approve %d: %v", passed[0].ID, err)
		}
		pubs, err := svc.Publications(ctx)
		if err != nil || len(pubs) == 0 || pubs[0].Year != 2024 {
			t.Fatalf("publications %+v %v", pubs, err)
		}
	})
}
