package account

import (
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NameOf and EmailOf are the name and the e-mail of the user whose id is in column userID of
// another package's query, as a subquery it may select, filter or sort by: one statement for
// a page of rows that name users (an employer's applicants, sorted and searched by name),
// while the users table stays account's. Use them as "(?)".
func (s *Store) NameOf(userID clause.Column) *gorm.DB { return s.columnOf("name", userID) }

// EmailOf: see NameOf.
func (s *Store) EmailOf(userID clause.Column) *gorm.DB { return s.columnOf("email", userID) }

func (s *Store) columnOf(col string, userID clause.Column) *gorm.DB {
	return s.db.Model(&User{}).Select(col).Where("users.id = ?", userID)
}
