package policy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/pdfcheck"
	"zonefair/app/web"
)

// Attachment limits.
const (
	MaxAttachmentBytes = 10 << 20
	maxAttachmentPages = 500
	maxAttachments     = 10
)

func attachmentURL(policyID, id int64) string {
	return "/api/v1/policies/" + strconv.FormatInt(policyID, 10) + "/attachments/" + strconv.FormatInt(id, 10)
}

// Attach stores a PDF attachment on a policy the caller manages.
func (s *Service) Attach(ctx context.Context, id int64, p *actor.Actor, name string, body []byte) (Attachment, error) {
	if _, err := s.managed(ctx, id, p); err != nil {
		return Attachment{}, err
	}
	pages, err := pdfcheck.Pages(body, maxAttachmentPages, "policy.attachment_pages")
	if err != nil {
		return Attachment{}, err
	}
	n, err := s.Store.CountAttachments(ctx, id)
	if err != nil {
		return Attachment{}, err
	}
	if n >= maxAttachments {
		return Attachment{}, errs.New(errs.ErrConflict, "policy.attachments_full")
	}
	rnd := make([]byte, 12)
	_, _ = rand.Read(rnd)
	rel := filepath.Join("policies", strconv.FormatInt(id, 10), hex.EncodeToString(rnd)+".pdf")
	full := filepath.Join(s.UploadDir, rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return Attachment{}, err
	}
	if err := os.WriteFile(full+".part", body, 0o640); err != nil {
		return Attachment{}, err
	}
	if err := os.Rename(full+".part", full); err != nil {
		return Attachment{}, err
	}
	if len([]rune(name)) > 200 || !web.CleanText(name) || name == "" {
		name = "attachment.pdf"
	}
	a := Attachment{PolicyID: id, Name: name, Path: rel, Size: int64(len(body)), Pages: pages, CreatedAt: s.now()}
	if err := s.Store.AddAttachment(ctx, &a); err != nil {
		_ = os.Remove(full)
		return a, err
	}
	a.URL = attachmentURL(id, a.ID)
	return a, nil
}

// AttachmentFile returns an attachment of a policy the caller may read.
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
		return a, nil, errs.NotFound("policy_attachment")
	}
	return a, body, nil
}

// Detach removes an attachment from a policy the caller manages.
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
	s.removeFiles([]Attachment{a})
	return nil
}

func (s *Service) removeFiles(as []Attachment) {
	for _, a := range as {
		_ = os.Remove(filepath.Join(s.UploadDir, filepath.Clean(a.Path)))
	}
}
