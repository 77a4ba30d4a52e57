package meeting

import (
	"context"
	"slices"

	"zonefair/app/account"
	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/web"
)

// MaxMembers bounds a group meeting, its host included: staff invite colleagues and an
// investor's team up to this many people, whose call then goes through the video server.
const MaxMembers = 16

// InviteInput names the accounts invited to a meeting by email.
type InviteInput struct {
	Emails []string `json:"emails" validate:"required,min=1,max=15,dive,required,email,max=200"`
}

// Invite adds people to an open meeting: staff of the meeting's zone (or enterprise) and
// investors, up to MaxMembers in all. The host and staff who manage the meeting invite; each
// new member is told as for a booking and finds the meeting, its calendar file and reminder
// like any other. Someone already in it is left as they are.
func (s *Service) Invite(ctx context.Context, a *actor.Actor, id int64, in InviteInput) (Meeting, error) {
	m, err := s.Store.Meeting(ctx, id)
	if err != nil {
		return m, err
	}
	role, err := s.Store.RoleIn(ctx, id, a.UserID)
	if err != nil {
		return m, err
	}
	if role != Host && !manages(a, &m) {
		if role == "" {
			return m, missing()
		}
		return m, errs.Forbidden()
	}
	if m.Status != Open || m.EndedAt != nil {
		return m, errs.New(errs.ErrConflict, "meeting.not_open")
	}
	emails := make([]string, 0, len(in.Emails))
	for _, e := range in.Emails {
		emails = append(emails, account.NormalizeEmail(e))
	}
	users, err := s.Users.ByEmails(ctx, emails)
	if err != nil {
		return m, err
	}
	if len(users) < len(slices.Compact(slices.Sorted(slices.Values(emails)))) {
		return m, errs.Invalid("emails", "meeting.unknown_email")
	}
	for _, u := range users {
		if !invitable(&u, &m) {
			return m, errs.Invalid("emails", "meeting.not_invitable")
		}
	}
	var added []int64
	err = s.Store.Transaction(ctx, func(tx *Store) error {
		have, err := tx.MemberIDs(ctx, id, "")
		if err != nil {
			return err
		}
		for _, u := range users {
			if !slices.Contains(have, u.ID) {
				added = append(added, u.ID)
			}
		}
		if len(have)+len(added) > MaxMembers {
			return errs.New(errs.ErrConflict, "meeting.group_full")
		}
		rows := make([]member, 0, len(added))
		for _, uid := range added {
			rows = append(rows, member{MeetingID: id, UserID: uid, Role: Guest, CreatedAt: s.now()})
		}
		if err := tx.AddMembers(ctx, rows...); err != nil {
			return err
		}
		return s.tell(tx, added, "meeting.booked", notice(&m))
	})
	if err != nil {
		return m, err
	}
	s.publish(ctx, added, "meeting.booked", notice(&m))
	if m, err = s.Store.Meeting(ctx, id); err != nil {
		return m, err
	}
	return m, s.decorateOne(ctx, &m, a.UserID)
}

// invitable: colleagues from the meeting's zone or enterprise, and investors.
func invitable(u *account.User, m *Meeting) bool {
	switch u.Role {
	case actor.RoleInvestor:
		return true
	case actor.RoleZoneStaff:
		return u.ZoneID != nil && *u.ZoneID == m.ZoneID
	case actor.RoleEnterprise:
		return m.EnterpriseID != nil && u.EnterpriseID != nil && *u.EnterpriseID == *m.EnterpriseID
	}
	return false
}

func init() {
	web.AddMessages(map[string][2]string{
		"meeting.unknown_email": {"有邮箱不对应任何账号。", "An email does not belong to any account."},
		"meeting.not_invitable": {"只能邀请本园区（企业）的同事和投资者。", "Only colleagues of the meeting's zone or enterprise, and investors, can be invited."},
		"meeting.group_full":    {"会面最多 16 人。", "A meeting has at most 16 people."},
	})
}
