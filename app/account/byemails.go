package account

import "context"

// ByEmails returns the users whose email is among emails (in any case), in no particular
// order; emails that belong to nobody are left out.
func (s *Store) ByEmails(ctx context.Context, emails []string) ([]User, error) {
	us := []User{}
	if len(emails) == 0 {
		return us, nil
	}
	norm := make([]string, len(emails))
	for i, e := range emails {
		norm[i] = NormalizeEmail(e)
	}
	err := s.db.WithContext(ctx).Where("email IN ?", norm).Find(&us).Error
	return us, err
}
