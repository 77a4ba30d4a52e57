package project

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"zonefair/app/errs"
	"zonefair/app/pdfcheck"
	"zonefair/app/web"
	"zonefair/app/zone"
)

// Attachment limits.
const (
	MaxAttachmentBytes = 10 << 20
	maxAttachmentPages = 500
	maxAttachments     = 20
	// MaxIncentives is how many policies a project may name as its incentives.
	MaxIncentives = 30
)

// Attachment is a PDF a zone attached to a project (a brochure, a site plan, a feasibility
// study…). Path is generated and relative to the upload directory; Name is only shown.
type Attachment struct {
	ID        int64     `json:"id"`
	ProjectID int64     `json:"projectId"`
	Name      string    `json:"name"`
	Path      string    `json:"-"`
	Size      int64     `json:"size"`
	Pages     int       `json:"pages"`
	CreatedBy int64     `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
	URL       string    `json:"url" gorm:"-"`
}

// TableName is the project_attachments table.
func (Attachment) TableName() string { return "project_attachments" }

type policyLink struct {
	ProjectID int64
	PolicyID  int64
	Position  int
	CreatedAt time.Time
}

func (policyLink) TableName() string { return "project_policies" }

// Incentive is a published policy that applies to the project's zone, named as one of the
// project's incentives.
type Incentive struct {
	ID          int64  `json:"id"`
	Level       string `json:"level" enum:"national,provincial,municipal,zone"`
	Province    string `json:"province"`
	ZoneID      *int64 `json:"zoneId"`
	TitleZh     string `json:"titleZh"`
	TitleEn     string `json:"titleEn"`
	IssuerZh    string `json:"issuerZh"`
	IssuerEn    string `json:"issuerEn"`
	EffectiveOn string `json:"effectiveOn"`
	ExpiresOn   string `json:"expiresOn"`
}

// IncentivesInput replaces a project's incentive policies; the order is the order shown.
type IncentivesInput struct {
	PolicyIDs []int64 `json:"policyIds" validate:"max=30,dive,gt=0"`
}

func attachmentURL(projectID, id int64) string {
	return "/api/v1/projects/" + strconv.FormatInt(projectID, 10) + "/attachments/" + strconv.FormatInt(id, 10)
}

// CanAttach reports, before an upload is read, whether the caller may attach to project id.
func (s *Service) CanAttach(ctx context.Context, id int64, p *web.Principal) error {
	_, err := s.managed(ctx, id, p)
	return err
}

// attachmentName is the name an upload is shown and downloaded under: the last element of
// what the browser sent, clean text of a sensible length, or a neutral name.
func attachmentName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." || len([]rune(name)) > 200 || !web.CleanText(name) || strings.ContainsAny(name, "\r\n\t") {
		return "attachment.pdf"
	}
	return name
}

// Attach stores a PDF attachment on a project the caller manages. The content is checked
// before anything is written; a refused upload leaves neither a row nor a file.
func (s *Service) Attach(ctx context.Context, id int64, p *web.Principal, name string, body []byte) (Attachment, error) {
	if _, err := s.managed(ctx, id, p); err != nil {
		return Attachment{}, err
	}
	if int64(len(body)) > MaxAttachmentBytes {
		e := errs.New(errs.ErrTooLarge, "upload.too_large")
		e.Fields = []errs.FieldError{{Field: "file", Key: "upload.too_large", Param: "10 MiB"}}
		return Attachment{}, e
	}
	pages, err := pdfcheck.Pages(body, maxAttachmentPages, "project.attachment_pages")
	if err != nil {
		return Attachment{}, err
	}
	if s.UploadDir == "" {
		return Attachment{}, errs.New(errs.ErrUnsupported, "project.attachments_off")
	}
	var n int64
	if err := s.DB.WithContext(ctx).Model(&Attachment{}).Where("project_id = ?", id).Count(&n).Error; err != nil {
		return Attachment{}, err
	}
	if n >= maxAttachments {
		return Attachment{}, errs.New(errs.ErrConflict, "project.attachments_full")
	}
	rnd := make([]byte, 12)
	_, _ = rand.Read(rnd)
	rel := filepath.Join("projects", strconv.FormatInt(id, 10), hex.EncodeToString(rnd)+".pdf")
	full := filepath.Join(s.UploadDir, rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return Attachment{}, err
	}
	if err := os.WriteFile(full+".part", body, 0o640); err != nil {
		_ = os.Remove(full + ".part")
		return Attachment{}, err
	}
	if err := os.Rename(full+".part", full); err != nil {
		_ = os.Remove(full + ".part")
		return Attachment{}, err
	}
	a := Attachment{ProjectID: id, Name: attachmentName(name), Path: rel, Size: int64(len(body)), Pages: pages, CreatedBy: p.UserID, CreatedAt: s.now()}
	if err := s.DB.WithContext(ctx).Create(&a).Error; err != nil {
		_ = os.Remove(full)
		return a, err
	}
	a.URL = attachmentURL(id, a.ID)
	return a, nil
}

// Attachments lists a project's attachments, oldest first.
func (s *Service) Attachments(ctx context.Context, id int64) ([]Attachment, error) {
	if _, err := s.Get(ctx, id, nil); err != nil {
		return nil, err
	}
	return s.attachments(ctx, id)
}

func (s *Service) attachments(ctx context.Context, id int64) ([]Attachment, error) {
	out := []Attachment{}
	if err := s.DB.WithContext(ctx).Where("project_id = ?", id).Order("id").Find(&out).Error; err != nil {
		return out, err
	}
	for i := range out {
		out[i].URL = attachmentURL(id, out[i].ID)
	}
	return out, nil
}

// AttachmentFile returns an attachment of a project with its content, for anyone who may see
// the project.
func (s *Service) AttachmentFile(ctx context.Context, id, attID int64, p *web.Principal) (Attachment, []byte, error) {
	if _, err := s.Get(ctx, id, p); err != nil {
		return Attachment{}, nil, err
	}
	var a Attachment
	if err := s.DB.WithContext(ctx).Where("id = ? AND project_id = ?", attID, id).First(&a).Error; err != nil {
		return a, nil, notFound(err, "attachment")
	}
	body, err := os.ReadFile(filepath.Join(s.UploadDir, filepath.Clean(a.Path)))
	if err != nil {
		return a, nil, missing("attachment")
	}
	return a, body, nil
}

// Detach removes an attachment, and its file, from a project the caller manages.
func (s *Service) Detach(ctx context.Context, id, attID int64, p *web.Principal) error {
	if _, err := s.managed(ctx, id, p); err != nil {
		return err
	}
	var a Attachment
	if err := s.DB.WithContext(ctx).Where("id = ? AND project_id = ?", attID, id).First(&a).Error; err != nil {
		return notFound(err, "attachment")
	}
	if err := s.DB.WithContext(ctx).Delete(&a).Error; err != nil {
		return err
	}
	_ = os.Remove(filepath.Join(s.UploadDir, filepath.Clean(a.Path)))
	return nil
}

// incentiveColumns are the policy columns an incentive shows.
const incentiveColumns = "policies.id, policies.level, policies.province, policies.zone_id, policies.title_zh, policies.title_en, " +
	"policies.issuer_zh, policies.issuer_en, policies.effective_on, policies.expires_on"

// applying narrows a query on policies to the published ones that apply to zone z: the
// national ones, its province's provincial ones, and those issued for the zone itself (the
// zone's own and its city's, which name the zone).
func applying(tx *gorm.DB, z zone.Zone) *gorm.DB {
	return tx.Where("policies.status = ?", "published").
		Where("(policies.level = ? OR (policies.level = ? AND policies.province = ? AND policies.province <> '') OR policies.zone_id = ?)",
			"national", "provincial", z.Province, z.ID)
}

func (s *Service) projectZone(ctx context.Context, zoneID int64) (zone.Zone, error) {
	var z zone.Zone
	err := s.DB.WithContext(ctx).Select("id, province").Where("id = ?", zoneID).First(&z).Error
	return z, err
}

// IncentiveOptions lists the published policies that apply to the project's zone, for its
// staff to pick the project's incentives from: national first, then provincial, then local,
// each newest first.
func (s *Service) IncentiveOptions(ctx context.Context, id int64, p *web.Principal) ([]Incentive, error) {
	pr, err := s.managed(ctx, id, p)
	if err != nil {
		return nil, err
	}
	z, err := s.projectZone(ctx, pr.ZoneID)
	if err != nil {
		return nil, err
	}
	out := []Incentive{}
	err = applying(s.DB.WithContext(ctx).Table("policies").Select(incentiveColumns), z).
		Order("CASE policies.level WHEN 'national' THEN 0 WHEN 'provincial' THEN 1 WHEN 'municipal' THEN 2 ELSE 3 END, policies.issued_on DESC, policies.id DESC").
		Limit(500).Scan(&out).Error
	return out, err
}

// Incentives lists a project's incentive policies in their order; a policy no longer
// published is left out.
func (s *Service) Incentives(ctx context.Context, id int64) ([]Incentive, error) {
	out := []Incentive{}
	err := s.DB.WithContext(ctx).Table("policies").Select(incentiveColumns).
		Joins("JOIN project_policies l ON l.policy_id = policies.id").
		Where("l.project_id = ? AND policies.status = ?", id, "published").Order("l.position, policies.id").Scan(&out).Error
	return out, err
}

// SetIncentives replaces the incentive policies of a project the caller manages. Every one
// must exist and apply to the project's zone, or nothing changes.
func (s *Service) SetIncentives(ctx context.Context, id int64, p *web.Principal, in IncentivesInput) ([]Incentive, error) {
	pr, err := s.managed(ctx, id, p)
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, pid := range in.PolicyIDs {
		if !slices.Contains(ids, pid) {
			ids = append(ids, pid)
		}
	}
	if len(ids) > MaxIncentives {
		return nil, errs.Invalid("policyIds", "project.incentives_many")
	}
	if len(ids) > 0 {
		var known []int64
		if err := s.DB.WithContext(ctx).Table("policies").Where("id IN ? AND status = ?", ids, "published").Pluck("id", &known).Error; err != nil {
			return nil, err
		}
		if len(known) != len(ids) {
			return nil, errs.Invalid("policyIds", "project.incentive_unknown")
		}
		z, err := s.projectZone(ctx, pr.ZoneID)
		if err != nil {
			return nil, err
		}
		var ok []int64
		if err := applying(s.DB.WithContext(ctx).Table("policies"), z).Where("policies.id IN ?", ids).Pluck("policies.id", &ok).Error; err != nil {
			return nil, err
		}
		if len(ok) != len(ids) {
			return nil, errs.Invalid("policyIds", "project.incentive_elsewhere")
		}
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("project_id = ?", id).Delete(&policyLink{}).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		links := make([]policyLink, len(ids))
		for i, pid := range ids {
			links[i] = policyLink{ProjectID: id, PolicyID: pid, Position: i, CreatedAt: s.now()}
		}
		return tx.Create(&links).Error
	})
	if err != nil {
		return nil, err
	}
	return s.Incentives(ctx, id)
}

func init() {
	web.AddMessages(map[string][2]string{
		"project.missing_attachment":   {"未找到该附件。", "Attachment not found."},
		"not_found.project_attachment": {"未找到该附件。", "Attachment not found."},
		"project.attachments_full":     {"每个项目最多 20 个附件。", "A project holds at most 20 attachments."},
		"project.attachment_pages":     {"附件页数过多（上限 500 页）。", "The attachment has too many pages (limit 500)."},
		"project.attachments_off":      {"本服务器未配置附件存储。", "This server does not store attachments."},
		"project.incentives_many":      {"每个项目最多关联 30 项政策。", "A project names at most 30 policies."},
		"project.incentive_unknown":    {"所选政策不存在或尚未发布。", "A chosen policy does not exist or is not published."},
		"project.incentive_elsewhere":  {"所选政策不适用于该项目所在开发区。", "A chosen policy does not apply to the project's zone."},
	})
}
