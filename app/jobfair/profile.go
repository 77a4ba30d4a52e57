package jobfair

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"time"

	"zonefair/app/db"

	"gorm.io/gorm/clause"

	"zonefair/app/errs"
	"zonefair/app/pdfcheck"
	"zonefair/app/web"
)

// MaxResumeBytes bounds an uploaded resume.
const MaxResumeBytes = 5 << 20

// Profile is a graduate's job-seeking profile.
type Profile struct {
	UserID           int64      `json:"userId"`
	School           string     `json:"school"`
	Major            string     `json:"major"`
	MajorName        string     `json:"majorName"`
	Degree           string     `json:"degree" enum:"associate,bachelor,master,doctorate"`
	GraduationYear   int        `json:"graduationYear"`
	Skills           string     `json:"skills"`
	Languages        string     `json:"languages"`
	Phone            string     `json:"phone"`
	ContactEmail     string     `json:"contactEmail"`
	About            string     `json:"about"`
	ResumePath       string     `json:"-"`
	ResumeName       string     `json:"resumeName"`
	ResumeSize       int64      `json:"resumeSize"`
	ResumeUploadedAt *time.Time `json:"resumeUploadedAt"`
	CreatedAt        time.Time  `json:"-"`
	UpdatedAt        time.Time  `json:"updatedAt"`

	HasResume bool `json:"hasResume" gorm:"-"`
	// Saved is false for a graduate who has not written a profile yet: the rest is empty.
	Saved bool `json:"saved" gorm:"-"`
}

// TableName is the graduate_profiles table.
func (Profile) TableName() string { return "graduate_profiles" }

func (p *Profile) fill() { p.HasResume, p.Saved = p.ResumePath != "", p.UserID != 0 }

// ProfileInput is a graduate's profile as they write it.
type ProfileInput struct {
	School         string `json:"school" validate:"required,min=2,max=200,text"`
	Major          string `json:"major" validate:"required,max=40"`
	MajorName      string `json:"majorName,omitempty" validate:"max=100,text"`
	Degree         string `json:"degree" validate:"required,oneof=associate bachelor master doctorate"`
	GraduationYear int    `json:"graduationYear" validate:"required,gte=1980,lte=2100"`
	Skills         string `json:"skills,omitempty" validate:"max=2000,text"`
	Languages      string `json:"languages,omitempty" validate:"max=300,text"`
	Phone          string `json:"phone,omitempty" validate:"max=40,text"`
	ContactEmail   string `json:"contactEmail,omitempty" validate:"omitempty,max=254,email"`
	About          string `json:"about,omitempty" validate:"max=5000,text"`
}

// Profile returns userID's profile.
func (s *Store) Profile(ctx context.Context, userID int64) (Profile, error) {
	var p Profile
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).First(&p).Error
	p.fill()
	return p, db.NotFound(err, "profile")
}

// SaveProfile creates or replaces userID's profile, keeping the resume.
func (s *Store) SaveProfile(ctx context.Context, userID int64, in ProfileInput) (Profile, error) {
	if _, ok := find(Majors, in.Major); !ok {
		return Profile{}, errs.Invalid("major", "field.major")
	}
	p := Profile{UserID: userID, School: trimmed(in.School), Major: in.Major, MajorName: trimmed(in.MajorName), Degree: in.Degree,
		GraduationYear: in.GraduationYear, Skills: in.Skills, Languages: in.Languages, Phone: trimmed(in.Phone),
		ContactEmail: trimmed(in.ContactEmail), About: in.About}
	cols := []string{"school", "major", "major_name", "degree", "graduation_year", "skills", "languages", "phone", "contact_email", "about", "updated_at"}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}}, DoUpdates: clause.AssignmentColumns(cols)}).Create(&p).Error
	if err != nil {
		return p, err
	}
	return s.Profile(ctx, userID)
}

// SaveResume checks body, stores it under a random name and records it on the profile. The
// previous file is removed unless an application still refers to it.
func (s *Service) SaveResume(ctx context.Context, userID int64, filename string, body []byte) (Profile, error) {
	if len(body) == 0 {
		return Profile{}, errs.Invalid("file", "upload.empty")
	}
	if len(body) > MaxResumeBytes {
		e := errs.New(errs.ErrTooLarge, "upload.too_large")
		e.Fields = []errs.FieldError{{Field: "file", Key: "upload.too_large", Param: "5 MiB"}}
		return Profile{}, e
	}
	old, err := s.Store.Profile(ctx, userID)
	if err != nil {
		return old, errs.New(errs.ErrConflict, "application.no_profile")
	}
	if _, err := pdfcheck.Pages(body, 0, ""); err != nil {
		return old, err
	}
	rel, err := s.writeFile(body)
	if err != nil {
		return old, err
	}
	now := s.now()
	name := displayName(filename)
	err = s.Store.db.WithContext(ctx).Model(&Profile{}).Where("user_id = ?", userID).Updates(map[string]any{
		"resume_path": rel, "resume_name": name, "resume_size": len(body), "resume_uploaded_at": now,
	}).Error
	if err != nil {
		_ = os.Remove(filepath.Join(s.UploadDir, rel))
		return old, err
	}
	s.dropUnused(ctx, old.ResumePath)
	return s.Store.Profile(ctx, userID)
}

// DeleteResume removes userID's resume from the profile.
func (s *Service) DeleteResume(ctx context.Context, userID int64) error {
	p, err := s.Store.Profile(ctx, userID)
	if err != nil {
		return err
	}
	if p.ResumePath == "" {
		return errs.NotFound("resume")
	}
	err = s.Store.db.WithContext(ctx).Model(&Profile{}).Where("user_id = ?", userID).Updates(map[string]any{
		"resume_path": "", "resume_name": "", "resume_size": 0, "resume_uploaded_at": nil,
	}).Error
	if err != nil {
		return err
	}
	s.dropUnused(ctx, p.ResumePath)
	return nil
}

// dropUnused deletes a stored resume no profile or application refers to.
func (s *Service) dropUnused(ctx context.Context, rel string) {
	if rel == "" {
		return
	}
	var n int64
	g := s.Store.db.WithContext(ctx)
	if g.Model(&Application{}).Where("resume_path = ?", rel).Count(&n).Error != nil || n > 0 {
		return
	}
	if g.Model(&Profile{}).Where("resume_path = ?", rel).Count(&n).Error != nil || n > 0 {
		return
	}
	_ = os.Remove(filepath.Join(s.UploadDir, rel))
}

// writeFile stores body under a fresh random name; the uploader's filename never reaches the
// disk.
func (s *Service) writeFile(body []byte) (string, error) {
	rnd := make([]byte, 16)
	_, _ = rand.Read(rnd)
	rel := filepath.Join("resumes", hex.EncodeToString(rnd)+".pdf")
	full := filepath.Join(s.UploadDir, rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return "", err
	}
	tmp := full + ".part"
	if err := os.WriteFile(tmp, body, 0o640); err != nil {
		return "", err
	}
	return rel, os.Rename(tmp, full)
}

// ReadResume returns a stored resume's bytes.
func (s *Service) ReadResume(rel string) ([]byte, error) {
	if rel == "" {
		return nil, errs.NotFound("resume")
	}
	body, err := os.ReadFile(filepath.Join(s.UploadDir, filepath.Clean(rel)))
	if err != nil {
		return nil, errs.NotFound("resume")
	}
	return body, nil
}

// displayName keeps a printable, bounded version of the uploader's filename for display and
// for the download's suggested name.
func displayName(name string) string {
	if name = web.DisplayName(name); name == "" {
		return "resume.pdf"
	}
	return name
}
