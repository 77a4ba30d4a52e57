package signing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/digitorus/pdfsign/verify"
	"gorm.io/gorm"
)

// Verdicts of a verification.
const (
	VerdictIntact   = "intact"   // the file is exactly a document Zonefair sealed
	VerdictAltered  = "altered"  // the file names a sealed agreement but is not its sealed document
	VerdictOriginal = "original" // the file is the unsigned original of an agreement, not its sealed document
	VerdictSealed   = "sealed"   // a verification link: the agreement was sealed (compare the hash)
	VerdictPending  = "pending"  // a verification link of an agreement not completed
	VerdictUnknown  = "unknown"  // Zonefair knows nothing of this file or hash
)

// Verdict answers "did Zonefair seal this, when, between whom, and is it unaltered?".
type Verdict struct {
	Verdict   string         `json:"verdict" enum:"intact,altered,original,sealed,pending,unknown"`
	SHA256    string         `json:"sha256,omitempty"`
	Signature *SignatureInfo `json:"signature,omitempty"`
	Agreement *Sealed        `json:"agreement,omitempty"`
}

// SignatureInfo is what the uploaded file's embedded digital signature says.
type SignatureInfo struct {
	Present    bool       `json:"present"`
	Valid      bool       `json:"valid"`      // the signature covers the file and checks out
	ByZonefair bool       `json:"byZonefair"` // made with this platform's sealing certificate
	SignedAt   *time.Time `json:"signedAt,omitempty"`
}

// Sealed is the public record of an agreement.
type Sealed struct {
	ID             int64          `json:"id"`
	Title          string         `json:"title"`
	Status         string         `json:"status"`
	ZoneNameZh     string         `json:"zoneNameZh"`
	ZoneNameEn     string         `json:"zoneNameEn"`
	OriginalSHA256 string         `json:"originalSha256"`
	FinalSHA256    string         `json:"finalSha256"`
	SentAt         *time.Time     `json:"sentAt"`
	CompletedAt    *time.Time     `json:"completedAt"`
	Signers        []SealedSigner `json:"signers"`
	AuditIntact    bool           `json:"auditIntact"`
	// AuditProof says what the check of the trail (and, for an uploaded sealed file, of the end
	// of the trail the file records) can prove; AuditProblems says where it fails.
	AuditProof    string   `json:"auditProof"`
	AuditProblems []string `json:"auditProblems"`

	agreement Agreement
	events    []Event
}

// SealedSigner is one signer in the public record.
type SealedSigner struct {
	Party    string     `json:"party"`
	Name     string     `json:"name"`
	Role     string     `json:"role"`
	SignedAt *time.Time `json:"signedAt"`
}

var tokenRef = regexp.MustCompile(`/verify/([A-Za-z0-9_-]{32})`)

// VerifyFile judges an uploaded PDF.
func (s *Service) VerifyFile(ctx context.Context, body []byte) (Verdict, error) {
	sum := Hash(body)
	v := Verdict{SHA256: sum, Signature: s.embedded(body)}
	found, err := s.lookup(ctx, "final_sha256 = ? AND status = ?", sum, StatusCompleted)
	if err != nil || found != nil {
		v.Verdict, v.Agreement = VerdictIntact, found
		if found != nil && !found.checkFile(body, sum) {
			v.Verdict = VerdictAltered
		}
		return v, err
	}
	if found, err = s.lookup(ctx, "original_sha256 = ? AND status <> ?", sum, StatusDraft); err != nil || found != nil {
		v.Verdict, v.Agreement = VerdictOriginal, found
		return v, err
	}
	// A changed copy still carries the verification link that sealing wrote into it.
	if m := tokenRef.FindSubmatch(body); m != nil {
		if found, err = s.lookup(ctx, "verify_token = ? AND status = ?", string(m[1]), StatusCompleted); err != nil || found != nil {
			v.Verdict, v.Agreement = VerdictAltered, found
			return v, err
		}
	}
	v.Verdict = VerdictUnknown
	if v.Signature.ByZonefair {
		// Signed with our certificate yet matching no record: altered, and its record unknown.
		v.Verdict = VerdictAltered
	}
	return v, nil
}

// VerifyHash judges a SHA-256 given by hand.
func (s *Service) VerifyHash(ctx context.Context, sum string) (Verdict, error) {
	v := Verdict{SHA256: sum, Verdict: VerdictUnknown}
	found, err := s.lookup(ctx, "final_sha256 = ? AND status = ?", sum, StatusCompleted)
	if err != nil || found != nil {
		v.Verdict, v.Agreement = VerdictIntact, found
		return v, err
	}
	if found, err = s.lookup(ctx, "original_sha256 = ? AND status <> ?", sum, StatusDraft); found != nil {
		v.Verdict, v.Agreement = VerdictOriginal, found
	}
	return v, err
}

// VerifyToken opens a verification link.
func (s *Service) VerifyToken(ctx context.Context, token string) (Verdict, error) {
	found, err := s.lookup(ctx, "verify_token = ? AND status <> ?", token, StatusDraft)
	if err != nil || found == nil {
		return Verdict{Verdict: VerdictUnknown}, err
	}
	v := Verdict{Verdict: VerdictPending, Agreement: found}
	if found.Status == StatusCompleted {
		v.Verdict, v.SHA256 = VerdictSealed, found.FinalSHA256
	}
	return v, nil
}

func (s *Service) lookup(ctx context.Context, where string, args ...any) (*Sealed, error) {
	g := s.DB.WithContext(ctx)
	var a Agreement
	if err := g.Where(where, args...).Order("id").Take(&a).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil
		}
		return nil, err
	}
	out := &Sealed{ID: a.ID, Title: a.Title, Status: a.Status, OriginalSHA256: a.OriginalSHA256, FinalSHA256: a.FinalSHA256,
		SentAt: a.SentAt, CompletedAt: a.CompletedAt, Signers: []SealedSigner{}}
	var zone struct{ NameZh, NameEn string }
	g.Table("zones").Select("name_zh, name_en").Where("id = ?", a.ZoneID).Scan(&zone)
	out.ZoneNameZh, out.ZoneNameEn = zone.NameZh, zone.NameEn
	var rs []Recipient
	if err := g.Where("agreement_id = ?", a.ID).Order("step, id").Find(&rs).Error; err != nil {
		return nil, err
	}
	for _, r := range rs {
		if Signs(r.Role) {
			out.Signers = append(out.Signers, SealedSigner{Party: r.Party, Name: r.Name, Role: r.Role, SignedAt: r.SignedAt})
		}
	}
	var events []Event
	if err := g.Where("agreement_id = ?", a.ID).Order("seq, id").Find(&events).Error; err != nil {
		return nil, err
	}
	c := checkChain(a, events, s.auditKey())
	out.AuditIntact, out.AuditProof, out.AuditProblems = c.Intact, c.Proof, c.Problems
	out.agreement, out.events = a, events
	return out, nil
}

// Proofs of a sealed file's trail.
const (
	proofFileAnchored = "the sealed file records the end of the trail at sealing; the trail holds it and the completion of this very file"
	proofFileLegacy   = "this file was sealed before sealed files recorded the end of their trail: only the trail's own check holds for it"
)

// checkFile compares the end of the trail that sealed file body (whose SHA-256 is sum) records
// with the trail: the trail must hold that entry with that hash, followed by the completion
// naming this file. It adds what fails to the record's problems and reports whether the trail
// checks out.
func (r *Sealed) checkFile(body []byte, sum string) bool {
	seq, head, ok := fileAnchor(body)
	if !ok {
		r.AuditProof += "; " + proofFileLegacy
		return r.AuditIntact
	}
	r.AuditProof = proofFileAnchored + "; " + r.AuditProof
	var problems []string
	switch n := int64(len(r.events)); {
	case seq < 1:
		problems = append(problems, "the sealed file records no entry")
	case n < seq+1:
		problems = append(problems, fmt.Sprintf("the sealed file records entry %d followed by the completion, but the trail ends at entry %d (entries removed)", seq, n))
	case r.events[seq-1].Hash != head:
		problems = append(problems, fmt.Sprintf("entry %d of the trail is not the one the sealed file records (rewritten)", seq))
	case r.events[seq].Kind != EventCompleted || r.events[seq].Detail != detail("sha256", sum):
		problems = append(problems, fmt.Sprintf("entry %d of the trail is not the completion of this file (rewritten)", seq+1))
	}
	r.AuditProblems = append(r.AuditProblems, problems...)
	r.AuditIntact = r.AuditIntact && len(problems) == 0
	return r.AuditIntact
}

// embedded checks the file's PDF signature with an independent verifier.
func (s *Service) embedded(body []byte) (info *SignatureInfo) {
	info = &SignatureInfo{}
	if !bytes.Contains(body, []byte("/ByteRange")) {
		return info
	}
	defer func() {
		// A malformed upload must not take the server down.
		if recover() != nil {
			info = &SignatureInfo{Present: true}
		}
	}()
	opts := verify.DefaultVerifyOptions()
	opts.AllowUntrustedRoots = true
	opts.EnableExternalRevocationCheck = false
	res, err := verify.VerifyWithOptions(bytes.NewReader(body), int64(len(body)), opts)
	if res == nil || len(res.Signers) == 0 {
		info.Present = err != nil && bytes.Contains(body, []byte("/Sig"))
		return info
	}
	sg := res.Signers[0]
	info.Present, info.Valid = true, err == nil && sg.ValidSignature
	info.SignedAt = sg.SignatureTime
	if s.Sealer != nil && len(sg.Certificates) > 0 && sg.Certificates[0].Certificate != nil {
		info.ByZonefair = sg.Certificates[0].Certificate.Equal(s.Sealer.Identity.Chain[0])
	}
	return info
}
