// Package account owns users, passwords, login sessions, invitations of zone and enterprise
// staff, and the middleware that turns a session cookie into the request's principal.
package account

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"zonefair/app/actor"
	"zonefair/app/db"
	"zonefair/app/errs"
	"zonefair/app/livestate"
	"zonefair/app/web"
)

// User is an account on the platform.
type User struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	PasswordHash string    `json:"-"`
	Name         string    `json:"name"`
	Role         web.Role  `json:"role" enum:"admin,zone_staff,enterprise_staff,investor,graduate,province_staff"`
	ZoneID       *int64    `json:"zoneId"`
	EnterpriseID *int64    `json:"enterpriseId"`
	Province     string    `json:"province"` // province staff: the province code they review
	Locale       string    `json:"locale" enum:"zh-CN,en"`
	Organization string    `json:"organization"`
	Phone        string    `json:"phone"`
	Country      string    `json:"country"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"-"`
}

// TableName is the users table.
func (User) TableName() string { return "users" }

// Actor is who u is when calling a use case.
func (u *User) Actor() *actor.Actor {
	a := &actor.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, Province: u.Province}
	if u.ZoneID != nil {
		a.ZoneID = *u.ZoneID
	}
	if u.EnterpriseID != nil {
		a.EnterpriseID = *u.EnterpriseID
	}
	return a
}

// Principal is the request identity of u, before its session is attached.
func (u *User) Principal() *web.Principal { return &web.Principal{Actor: *u.Actor()} }

// NormalizeEmail is the form emails are stored and looked up in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Store reads and writes users and invitations.
type Store struct {
	db *gorm.DB
	// Set by ShareVersions (identities.go).
	versions livestate.Versions
	log      *slog.Logger
	ids      identities
}

// NewStore returns a Store on g.
func NewStore(g *gorm.DB) *Store { return &Store{db: g} }

// Create inserts u; a taken email is a 409 on the email field.
func (s *Store) Create(ctx context.Context, u *User) error {
	u.Email = NormalizeEmail(u.Email)
	err := s.db.WithContext(ctx).Create(u).Error
	if db.IsUniqueViolation(err) {
		e := errs.New(errs.ErrConflict, "auth.email_taken")
		e.Fields = []errs.FieldError{{Field: "email", Key: "auth.email_taken"}}
		return e
	}
	return err
}

// ByID returns user id.
func (s *Store) ByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).First(&u, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, errs.New(errs.ErrNotFound, "not_found")
	}
	return u, err
}

// ByIDs returns the users among ids that exist, in no particular order. Long lists are read
// a thousand ids at a time, under every database's limit on a statement's parameters.
func (s *Store) ByIDs(ctx context.Context, ids []int64) ([]User, error) {
	var us []User
	for chunk := range slices.Chunk(ids, 1000) {
		var part []User
		if err := s.db.WithContext(ctx).Where("id IN ?", chunk).Find(&part).Error; err != nil {
			return nil, err
		}
		us = append(us, part...)
	}
	return us, nil
}

// Reviewers returns, by id, the admins and the province staff who review province (none when
// province is empty): who hears of a zone's monitoring alerts.
func (s *Store) Reviewers(ctx context.Context, province string) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&User{}).Where("role = ? OR (role = ? AND province = ? AND province <> '')", web.RoleAdmin, web.RoleProvince, province).
		Order("id").Pluck("id", &ids).Error
	return ids, err
}

// ZoneStaff returns the ids of zone id's staff: who hears of its leads and meeting requests.
func (s *Store) ZoneStaff(ctx context.Context, zoneID int64) ([]int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&User{}).Where("role = ? AND zone_id = ?", web.RoleZoneStaff, zoneID).Pluck("id", &ids).Error
	return ids, err
}

// FindColleagues returns up to limit accounts other than graduates whose name or e-mail
// contains q (case-insensitive), by name: the people an agreement or a meeting can name.
func (s *Store) FindColleagues(ctx context.Context, q string, limit int) ([]User, error) {
	like := "%" + strings.NewReplacer("%", "", "_", "").Replace(strings.ToLower(q)) + "%"
	var us []User
	err := s.db.WithContext(ctx).Where("role <> ? AND (LOWER(name) LIKE ? OR email LIKE ?)", web.RoleGraduate, like, like).
		Order("name").Limit(limit).Find(&us).Error
	return us, err
}

// identity reads only what a request's principal needs of user id (every request whose route
// looks at its caller does this). With shared versions it is kept until the accounts version
// moves (identities.go).
func (s *Store) identity(ctx context.Context, id int64) (User, error) {
	u, hit, version, keep := s.kept(ctx, id)
	if hit {
		return u, nil
	}
	read := time.Now()
	err := s.db.WithContext(ctx).Select("id", "name", "role", "zone_id", "enterprise_id", "province").Where("id = ?", id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, errs.New(errs.ErrNotFound, "not_found")
	}
	if err == nil && keep {
		s.ids.put(u, version, read)
	}
	return u, err
}

// ByEmail returns the user with email.
func (s *Store) ByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, errs.New(errs.ErrNotFound, "not_found")
	}
	return u, err
}

// Update writes the given columns of user id.
func (s *Store) Update(ctx context.Context, id int64, cols map[string]any) error {
	if len(cols) == 0 {
		return nil
	}
	if err := s.db.WithContext(ctx).Model(&User{}).Where("id = ?", id).Updates(cols).Error; err != nil {
		return err
	}
	s.AccountsChanged(ctx)
	return nil
}

// CountByRole returns how many users have role.
func (s *Store) CountByRole(ctx context.Context, role web.Role) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&User{}).Where("role = ?", role).Count(&n).Error
	return n, err
}
