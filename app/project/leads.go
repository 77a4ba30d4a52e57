// Leads: an investor's interest in a project, and the zone staff's work on it.

package project

import (
	"context"
	"strings"

	"zonefair/app/actor"
	"zonefair/app/errs"
)

// InterestInput is an investor's message with their expression of interest.
type InterestInput struct {
	Message string `json:"message" validate:"max=5000,text"`
}

// ExpressInterest creates the investor's lead on a project and tells the zone's staff.
func (s *Service) ExpressInterest(ctx context.Context, id int64, p *actor.Actor, in InterestInput) (Lead, error) {
	pr, err := s.Get(ctx, id, nil)
	if err != nil {
		return Lead{}, err
	}
	if pr.Status == Signed {
		return Lead{}, errs.New(errs.ErrConflict, "project.signed")
	}
	l := Lead{ProjectID: id, ZoneID: pr.ZoneID, InvestorID: p.UserID, Message: in.Message, Status: LeadNew}
	var staff []int64
	err = s.Store.Transaction(ctx, func(st *Store) error {
		if err := st.CreateLead(ctx, &l); err != nil {
			return err
		}
		var err error
		if staff, err = s.Users.ZoneStaff(ctx, pr.ZoneID); err != nil {
			return err
		}
		return s.notifyAll(st.db, staff, "project.interest", map[string]any{"leadId": l.ID, "projectId": id, "titleZh": pr.TitleZh, "titleEn": pr.TitleEn, "investor": p.Name})
	})
	if err != nil {
		return l, err
	}
	s.publishAll(ctx, staff, "project.interest", map[string]any{"leadId": l.ID, "projectId": id, "titleZh": pr.TitleZh, "titleEn": pr.TitleEn, "investor": p.Name})
	return l, nil
}

// LeadFilter selects a zone's leads.
type LeadFilter struct {
	ZoneID    int64  `query:"zoneId" validate:"gte=0"`
	ProjectID int64  `query:"projectId" validate:"gte=0"`
	Status    string `query:"status" validate:"omitempty,oneof=new contacted meeting negotiating signed dropped"`
}

// Leads lists the leads of the caller's zone (admins: any zone, or all), newest first. An
// investor sees their own expressions of interest.
func (s *Service) Leads(ctx context.Context, p *actor.Actor, f LeadFilter) ([]Lead, error) {
	var sc Scope
	switch p.Role {
	case actor.RoleAdmin:
		sc.ZoneID = f.ZoneID
	case actor.RoleZoneStaff:
		sc.ZoneID = p.ZoneID
	default:
		sc.InvestorID = p.UserID
	}
	out, err := s.Store.Leads(ctx, sc, f)
	if err != nil {
		return out, err
	}
	return out, s.fillLeads(ctx, out, p.Role != actor.RoleInvestor)
}

func (s *Service) fillLeads(ctx context.Context, ls []Lead, staff bool) error {
	if len(ls) == 0 {
		return nil
	}
	var pids, uids []int64
	for _, l := range ls {
		pids, uids = append(pids, l.ProjectID), append(uids, l.InvestorID)
	}
	ps, err := s.Store.Titles(ctx, pids)
	if err != nil {
		return err
	}
	us, err := s.Users.ByIDs(ctx, uids)
	if err != nil {
		return err
	}
	byP := map[int64]Project{}
	for _, p := range ps {
		byP[p.ID] = p
	}
	for i := range ls {
		ls[i].ProjectTitleZh, ls[i].ProjectTitleEn = byP[ls[i].ProjectID].TitleZh, byP[ls[i].ProjectID].TitleEn
		for _, u := range us {
			if u.ID == ls[i].InvestorID {
				ls[i].InvestorName, ls[i].Organization, ls[i].Country = u.Name, u.Organization, u.Country
				if staff {
					ls[i].Email = u.Email
				}
			}
		}
	}
	return nil
}

// Lead returns one lead of the caller's zone with its notes.
func (s *Service) Lead(ctx context.Context, id int64, p *actor.Actor) (Lead, error) {
	l, err := s.Store.Lead(ctx, id)
	if err != nil {
		return l, err
	}
	if !p.ManagesZone(l.ZoneID) {
		return l, errs.Forbidden()
	}
	ls := []Lead{l}
	if err := s.fillLeads(ctx, ls, true); err != nil {
		return l, err
	}
	l = ls[0]
	l.Notes, err = s.Store.Notes(ctx, id)
	return l, err
}

// LeadUpdate moves a lead and/or adds a note.
type LeadUpdate struct {
	Status string `json:"status" validate:"omitempty,oneof=new contacted meeting negotiating signed dropped"`
	Note   string `json:"note" validate:"max=5000,text"`
}

// UpdateLead moves a lead along its pipeline and records the note; the investor is told of
// the new status.
func (s *Service) UpdateLead(ctx context.Context, id int64, p *actor.Actor, in LeadUpdate) (Lead, error) {
	l, err := s.Lead(ctx, id, p)
	if err != nil {
		return l, err
	}
	if in.Status == "" && strings.TrimSpace(in.Note) == "" {
		return l, errs.Invalid("note", "field.required")
	}
	moved := in.Status != "" && in.Status != l.Status
	if moved && !CanMove(l.Status, in.Status) {
		return l, errs.New(errs.ErrConflict, "project.lead_transition")
	}
	err = s.Store.Transaction(ctx, func(st *Store) error {
		n := Note{LeadID: id, AuthorID: p.UserID, AuthorName: p.Name, Body: strings.TrimSpace(in.Note), CreatedAt: s.now()}
		if moved {
			// The condition turns two staff moving the same lead at once into one move and a conflict.
			if err := st.MoveLead(ctx, id, l.Status, in.Status, s.now()); err != nil {
				return err
			}
			n.FromStatus, n.ToStatus = l.Status, in.Status
			if err := s.notifyAll(st.db, []int64{l.InvestorID}, "project.lead", leadNotice(l, in.Status)); err != nil {
				return err
			}
		}
		return st.AddNote(ctx, &n)
	})
	if err != nil {
		return l, err
	}
	if moved {
		s.publishAll(ctx, []int64{l.InvestorID}, "project.lead", leadNotice(l, in.Status))
	}
	return s.Lead(ctx, id, p)
}

// leadNotice is the data of the notification telling an investor their lead moved to status.
func leadNotice(l Lead, status string) map[string]any {
	return map[string]any{"leadId": l.ID, "projectId": l.ProjectID, "status": status, "titleZh": l.ProjectTitleZh, "titleEn": l.ProjectTitleEn}
}
