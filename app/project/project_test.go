package project

import "testing"

func TestCanMove(t *testing.T) {
	allowed := map[string][]string{
		LeadNew:         {LeadContacted, LeadMeeting, LeadNegotiating, LeadSigned, LeadDropped},
		LeadContacted:   {LeadMeeting, LeadNegotiating, LeadSigned, LeadDropped},
		LeadMeeting:     {LeadNegotiating, LeadSigned, LeadDropped},
		LeadNegotiating: {LeadSigned, LeadDropped},
	}
	all := []string{LeadNew, LeadContacted, LeadMeeting, LeadNegotiating, LeadSigned, LeadDropped, "bogus"}
	for _, from := range all {
		for _, to := range all {
			want := false
			for _, ok := range allowed[from] {
				want = want || ok == to
			}
			if got := CanMove(from, to); got != want {
				t.Errorf("CanMove(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
}
