package briefing

import (
	"context"
	"net/url"
	"strings"
	"unicode"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/web"
)

func init() {
	web.AddMessages(map[string][2]string{
		"briefing.own_question": {"不能为自己提出的问题投票。", "You cannot upvote your own question."},
	})
}

// MaxRecordingURL bounds the recording link.
const MaxRecordingURL = 500

// RecordingInput sets the link to the briefing's recording; an empty url clears it.
type RecordingInput struct {
	URL string `json:"url" validate:"omitempty,max=500,http_url"`
}

// recordingURL checks a recording link: empty, or an absolute http(s) address of at most
// MaxRecordingURL characters with a host and no credentials, spaces, invisible formatting
// characters, quotes or angle brackets.
// Pages put it in an href only, never as markup, but a link that cannot be a plain address is
// refused rather than stored.
func recordingURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", nil
	}
	bad := errs.Invalid("url", "field.url")
	if len(s) > MaxRecordingURL {
		return "", bad
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(`<>"'\`+"`", r) {
			return "", bad
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", bad
	}
	if scheme := strings.ToLower(u.Scheme); scheme != "http" && scheme != "https" {
		return "", bad
	}
	return s, nil
}

// SetRecording sets or clears the link to the briefing's recording. Recordings exist once a
// briefing is over, so this is the one change its hosts may still make after the end; the rest
// of an ended briefing stays read-only.
func (s *Service) SetRecording(ctx context.Context, id int64, p *actor.Actor, in RecordingInput) (Briefing, error) {
	if _, err := s.hosting(ctx, id, p); err != nil {
		return Briefing{}, err
	}
	link, err := recordingURL(in.URL)
	if err != nil {
		return Briefing{}, err
	}
	if err := s.Store.SetRecording(ctx, id, link); err != nil {
		return Briefing{}, err
	}
	b, err := s.Get(ctx, id)
	if err == nil {
		s.publish(ctx, id, "briefing.updated", b)
	}
	return b, err
}
