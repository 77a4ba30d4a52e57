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

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/pdfcheck"
	"zonefair/app/web"
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
func (s *Service) CanAttach(ctx context.Context, id int64, p *actor.Actor) error {
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
func (s *Service) Attach(ctx context.Context, id int64, p *actor.Actor, name string, body []byte) (Attachment, error) {
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
	n, err := s.Store.CountAttachments(ctx, id)
	if err != nil {
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
	if err := s.Store.CreateAttachment(ctx, &a); err != nil {
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
	out, err := s.Store.Attachments(ctx, id)
	if err != nil {
		return out, err
	}
	for i := range out {
		out[i].URL = attachmentURL(id, out[i].ID)
	}
	return out, nil
}

// AttachmentFile returns an attachment of a project with its content, for anyone who may see
// the project.
func (s *Service) AttachmentFile(ctx context.Context, id, attID int64, p *actor.Actor) (Attachment, []byte, error) {
	if _, err := s.Get(ctx, id, p); err != nil {
		return Attachment{}, nil, err
	}
	a, err := s.Store.Attachment(ctx, id, attID)
	if err != nil {
		return a, nil, err
	}
	body, err := os.ReadFile(filepath.Join(s.UploadDir, filepath.Clean(a.Path)))
	if err != nil {
		return a, nil, missing("attachment")
	}
	return a, body, nil
}

// Detach removes an attachment, and its file, from a project the caller manages.
func (s *Service) Detach(ctx context.Context, id, attID int64, p *actor.Actor) error {
	if _, err := s.managed(ctx, id, p); err != nil {
		return err
	}
	a, err := s.Store.Attachment(ctx, id, attID)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteAttachment(ctx, &a); err != nil {
		return err
	}
	_ = os.Remove(filepath.Join(s.UploadDir, filepath.Clean(a.Path)))
	return nil
}

// projectProvince returns the province of zone zoneID, which decides the policies that apply to
// its projects.
func (s *Service) projectProvince(ctx context.Context, zoneID int64) (string, error) {
	zs, err := s.Zones.ByIDs(ctx, []int64{zoneID})
	if err != nil {
		return "", err
	}
	if len(zs) == 0 {
		return "", errs.NotFound("zone")
	}
	return zs[0].Province, nil
}

// IncentiveOptions lists the published policies that apply to the project's zone, for its
// staff to pick the project's incentives from: national first, then provincial, then local,
// each newest first.
func (s *Service) IncentiveOptions(ctx context.Context, id int64, p *actor.Actor) ([]Incentive, error) {
	pr, err := s.managed(ctx, id, p)
	if err != nil {
		return nil, err
	}
	province, err := s.projectProvince(ctx, pr.ZoneID)
	if err != nil {
		return nil, err
	}
	pols, err := s.Policies.ApplyingTo(ctx, pr.ZoneID, province)
	if err != nil {
		return nil, err
	}
	out := make([]Incentive, len(pols))
	for i, pol := range pols {
		out[i] = Incentive(pol)
	}
	return out, nil
}

// Incentives lists the incentive policies of project id (a 404 when there is none) in their
// order; a policy no longer published is left out.
func (s *Service) Incentives(ctx context.Context, id int64) ([]Incentive, error) {
	if _, err := s.Store.ZoneOf(ctx, id); err != nil {
		return nil, err
	}
	return s.incentives(ctx, id)
}

// incentives lists the incentive policies of project id, known to exist.
func (s *Service) incentives(ctx context.Context, id int64) ([]Incentive, error) {
	ids, err := s.Store.PolicyIDs(ctx, id)
	if err != nil || len(ids) == 0 {
		return []Incentive{}, err
	}
	pols, err := s.Policies.Published(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Incentive, len(pols))
	for _, pol := range pols {
		byID[pol.ID] = Incentive(pol)
	}
	out := []Incentive{}
	for _, pid := range ids {
		if in, ok := byID[pid]; ok {
			out = append(out, in)
		}
	}
	return out, nil
}

// SetIncentives replaces the incentive policies of a project the caller manages. Every one
// must exist and apply to the project's zone, or nothing changes.
func (s *Service) SetIncentives(ctx context.Context, id int64, p *actor.Actor, in IncentivesInput) ([]Incentive, error) {
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
		known, err := s.Policies.Published(ctx, ids)
		if err != nil {
			return nil, err
		}
		if len(known) != len(ids) {
			return nil, errs.Invalid("policyIds", "project.incentive_unknown")
		}
		province, err := s.projectProvince(ctx, pr.ZoneID)
		if err != nil {
			return nil, err
		}
		for _, pol := range known {
			if !pol.AppliesTo(pr.ZoneID, province) {
				return nil, errs.Invalid("policyIds", "project.incentive_elsewhere")
			}
		}
	}
	if err := s.Store.SetPolicyIDs(ctx, id, ids, s.now()); err != nil {
		return nil, err
	}
	return s.incentives(ctx, id)
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
