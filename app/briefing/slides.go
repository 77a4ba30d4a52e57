package briefing

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

// MaxSlidesBytes bounds an uploaded slide deck; MaxSlidesPages its pages.
const (
	MaxSlidesBytes = 10 << 20
	MaxSlidesPages = 500
)

// inspect checks that body is a readable, unencrypted PDF of a slide deck's size and returns its
// page count.
func inspect(body []byte) (int, error) {
	if len(body) > MaxSlidesBytes {
		e := errs.New(errs.ErrTooLarge, "upload.too_large")
		e.Fields = []errs.FieldError{{Field: "file", Key: "upload.too_large", Param: "10 MiB"}}
		return 0, e
	}
	return pdfcheck.Pages(body, MaxSlidesPages, "briefing.slides_pages")
}

// SetSlides stores the briefing's slide deck and puts the room on its first page.
func (s *Service) SetSlides(ctx context.Context, id int64, p *actor.Actor, name string, body []byte) (Briefing, error) {
	a, err := s.hosting(ctx, id, p)
	if err != nil {
		return Briefing{}, err
	}
	if err := s.writable(a); err != nil {
		return Briefing{}, err
	}
	pages, err := inspect(body)
	if err != nil {
		return Briefing{}, err
	}
	rnd := make([]byte, 12)
	_, _ = rand.Read(rnd)
	rel := filepath.Join("briefings", strconv.FormatInt(id, 10), "slides-"+hex.EncodeToString(rnd)+".pdf")
	full := filepath.Join(s.UploadDir, rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return Briefing{}, err
	}
	if err := os.WriteFile(full+".part", body, 0o640); err != nil {
		return Briefing{}, err
	}
	if err := os.Rename(full+".part", full); err != nil {
		return Briefing{}, err
	}
	if len([]rune(name)) > 200 || !web.CleanText(name) {
		name = "slides.pdf"
	}
	if err := s.Store.SetSlides(ctx, id, rel, name, pages); err != nil {
		_ = os.Remove(full)
		return Briefing{}, err
	}
	if a.b.SlidesPath != "" {
		_ = os.Remove(filepath.Join(s.UploadDir, filepath.Clean(a.b.SlidesPath)))
	}
	b, err := s.Get(ctx, id)
	if err == nil {
		s.publish(ctx, id, "slide.deck", map[string]any{"slidesUrl": b.SlidesURL, "pages": b.SlidesPages, "page": b.Page})
	}
	return b, err
}

// Slides returns the deck's bytes for a caller who may enter the room.
func (s *Service) Slides(ctx context.Context, id int64, p *actor.Actor) ([]byte, error) {
	a, err := s.load(ctx, id, p)
	if err != nil {
		return nil, err
	}
	if !a.enter() {
		return nil, errRegisterFirst
	}
	if a.b.SlidesPath == "" {
		return nil, missing("slides")
	}
	body, err := os.ReadFile(filepath.Join(s.UploadDir, filepath.Clean(a.b.SlidesPath)))
	if err != nil {
		return nil, missing("slides")
	}
	return body, nil
}
