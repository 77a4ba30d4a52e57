package signing

import (
	"bytes"
	"context"
	"regexp"
	"time"

	"github.com/digitorus/pdfsign/verify"
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
	Verdict string `json:"verdict" enum:"intact,altered,original,sealed,pending,unknown"`
	// Altered says, for an altered verdict, what was changed: the file (it is not the document
	// sealed), or the trail (the file is the sealed document, but the agreement's audit trail no
	// longer holds what the seal records or fails its own check); none otherwise.
	Altered   string         `json:"altered" enum:"none,file,trail"`
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
	// AuditCount is the number of entries in the trail.
	AuditCount int `json:"auditCount"`
	// AuditProof says what the check of the trail can prove (see Chain.Proof).
	AuditProof string `json:"auditProof" enum:"anchored,legacy,unkeyed"`
	// FileAnchor says, for an uploaded sealed file, whether it records the end of the trail at
	// sealing (FileSeq, compared with the trail) or was sealed before files recorded it, so
	// that only the trail's own check holds; unchecked when no file was uploaded.
	FileAnchor string `json:"fileAnchor" enum:"unchecked,recorded,legacy"`
	// FileSeq is the entry the sealed file records as the end of the trail at sealing (0 unless
	// FileAnchor is recorded); its completion follows it.
	FileSeq int64 `json:"fileSeq"`
	// AuditProblems says where the checks fail, as codes with the entries concerned.
	AuditProblems []AuditProblem `json:"auditProblems"`

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
	v := Verdict{SHA256: sum, Altered: AlteredNone, Signature: s.embedded(body)}
	found, err := s.lookup(ctx, byFinal, sum)
	if err != nil || found != nil {
		v.Verdict, v.Agreement = VerdictIntact, found
		if found != nil && !found.checkFile(body, sum) {
			v.Verdict, v.Altered = VerdictAltered, AlteredTrail
		}
		return v, err
	}
	if found, err = s.lookup(ctx, byOriginal, sum); err != nil || found != nil {
		v.Verdict, v.Agreement = VerdictOriginal, found
		return v, err
	}
	// A changed copy still carries the verification link that sealing wrote into it.
	if m := tokenRef.FindSubmatch(body); m != nil {
		if found, err = s.lookup(ctx, byTokenSealed, string(m[1])); err != nil || found != nil {
			v.Verdict, v.Altered, v.Agreement = VerdictAltered, AlteredFile, found
			return v, err
		}
	}
	v.Verdict = VerdictUnknown
	if v.Signature.ByZonefair {
		// Signed with our certificate yet matching no record: altered, and its record unknown.
		v.Verdict, v.Altered = VerdictAltered, AlteredFile
	}
	return v, nil
}

// VerifyHash judges a SHA-256 given by hand.
func (s *Service) VerifyHash(ctx context.Context, sum string) (Verdict, error) {
	v := Verdict{SHA256: sum, Verdict: VerdictUnknown, Altered: AlteredNone}
	found, err := s.lookup(ctx, byFinal, sum)
	if err != nil || found != nil {
		v.Verdict, v.Agreement = VerdictIntact, found
		if found != nil && !found.AuditIntact {
			// The hash is the sealed document's, but its record no longer checks out.
			v.Verdict, v.Altered = VerdictAltered, AlteredTrail
		}
		return v, err
	}
	if found, err = s.lookup(ctx, byOriginal, sum); found != nil {
		v.Verdict, v.Agreement = VerdictOriginal, found
	}
	return v, err
}

// VerifyToken opens a verification link.
func (s *Service) VerifyToken(ctx context.Context, token string) (Verdict, error) {
	found, err := s.lookup(ctx, byToken, token)
	if err != nil || found == nil {
		return Verdict{Verdict: VerdictUnknown, Altered: AlteredNone}, err
	}
	v := Verdict{Verdict: VerdictPending, Altered: AlteredNone, Agreement: found}
	if found.Status == StatusCompleted {
		v.Verdict, v.SHA256 = VerdictSealed, found.FinalSHA256
	}
	return v, nil
}

// lookup finds the agreement by way by (byFinal, ...) for key, with what its verification shows.
func (s *Service) lookup(ctx context.Context, by int, key string) (*Sealed, error) {
	a, ok, err := s.Store.findAgreement(ctx, by, key)
	if err != nil || !ok {
		return nil, err
	}
	out := &Sealed{ID: a.ID, Title: a.Title, Status: a.Status, OriginalSHA256: a.OriginalSHA256, FinalSHA256: a.FinalSHA256,
		SentAt: a.SentAt, CompletedAt: a.CompletedAt, Signers: []SealedSigner{}}
	out.ZoneNameZh, out.ZoneNameEn = s.zoneName(ctx, a.ZoneID)
	rs, err := s.Store.recipients(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if Signs(r.Role) {
			out.Signers = append(out.Signers, SealedSigner{Party: r.Party, Name: r.Name, Role: r.Role, SignedAt: r.SignedAt})
		}
	}
	events, err := s.Store.events(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	c := checkChain(a, events, s.auditKey())
	out.AuditIntact, out.AuditCount, out.AuditProof, out.AuditProblems = c.Intact, c.Count, c.Proof, c.Problems
	out.FileAnchor = FileUnchecked
	out.agreement, out.events = a, events
	return out, nil
}

// What an altered verdict found changed.
const (
	AlteredNone  = "none"
	AlteredFile  = "file"
	AlteredTrail = "trail"
)

// What an uploaded sealed file records of its trail (Sealed.FileAnchor).
const (
	FileUnchecked = "unchecked" // no file was uploaded
	FileRecorded  = "recorded"  // the file records the end of the trail at sealing
	FileLegacy    = "legacy"    // sealed before files recorded it: only the trail's own check holds
)

// checkFile compares the end of the trail that sealed file body (whose SHA-256 is sum) records
// with the trail: the trail must hold that entry with that hash, followed by the completion
// naming this file. It adds what fails to the record's problems and reports whether the trail
// checks out.
func (r *Sealed) checkFile(body []byte, sum string) bool {
	seq, head, ok := fileAnchor(body)
	if !ok {
		r.FileAnchor = FileLegacy
		return r.AuditIntact
	}
	r.FileAnchor, r.FileSeq = FileRecorded, seq
	var p *AuditProblem
	switch n := int64(len(r.events)); {
	case seq < 1:
		p = &AuditProblem{Code: ProblemSealNoEntry}
	case n < seq+1:
		p = &AuditProblem{Code: ProblemTrailShorter, Found: n, Recorded: seq + 1}
	case r.events[seq-1].Hash != head:
		p = &AuditProblem{Code: ProblemSealEntryRewritten, Entry: seq}
	case r.events[seq].Kind != EventCompleted || r.events[seq].Detail != detail("sha256", sum):
		p = &AuditProblem{Code: ProblemSealCompletionRewritten, Entry: seq + 1}
	}
	if p != nil {
		// What the seal records is the strongest evidence: it comes first.
		r.AuditProblems = append([]AuditProblem{*p}, r.AuditProblems...)
		r.AuditIntact = false
	}
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
