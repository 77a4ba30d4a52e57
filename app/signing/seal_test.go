package signing

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pdfsign/verify"
	"github.com/pdfcpu/pdfcpu/pkg/api"
)

func testPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 300, 100))
	for x := 10; x < 290; x++ {
		img.Set(x, 50+(x%40)-20, color.NRGBA{0, 0, 0, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sealed builds and seals a two-signer agreement rendered from a bilingual template.
func sealed(t testing.TB, id *Identity) ([]byte, sealInput) {
	t.Helper()
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	tpl := &Template{NameZh: "投资协议", NameEn: "Investment Agreement",
		BodyZh: "甲方：{{zone}}\n乙方：{{investor}}\n投资金额：{{amount}}。双方同意按本协议条款在园区内设立项目。",
		BodyEn: "Party A: {{zone}}\nParty B: {{investor}}\nAmount: {{amount}}. The parties agree to establish the project in the zone."}
	doc, err := renderTemplate(tpl, "苏州精密制造项目投资协议 Precision Manufacturing Investment Agreement",
		map[string]string{"zone": "苏州工业园区 Suzhou Industrial Park", "investor": "Rheinland Precision GmbH", "amount": "5,000 万美元 USD 50 million"}, at)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := Inspect(doc)
	if err != nil {
		t.Fatal(err)
	}
	sent := at.Add(-time.Hour)
	in := sealInput{
		Agreement: Agreement{ID: 7, Title: "苏州精密制造项目投资协议", OriginalSHA256: Hash(doc), SentAt: &sent, AuditHead: strings.Repeat("ab", 32)},
		ZoneName:  "苏州工业园区 Suzhou Industrial Park",
		Recipients: []Recipient{
			{ID: 1, UserID: 10, Role: RoleSignatory, Party: "苏州工业园区", Name: "王芳", Email: "wang@example.test", SignedAt: &at, SignatureKind: "drawn", SignatureImage: testPNG(t), SignedIP: "203.0.113.5", SignedUA: "Mozilla/5.0"},
			{ID: 2, UserID: 11, Role: RoleSignatory, Party: "Rheinland Precision GmbH", Name: "Anna Schmidt", Email: "anna@example.test", SignedAt: &at, SignatureKind: "typed", TypedName: "Anna Schmidt", SignedIP: "198.51.100.7", SignedUA: "Mozilla/5.0"},
		},
		Original:  doc,
		VerifyURL: "https://zonefair.example/verify/tok123",
		At:        at,
		Events:    []Event{{Kind: EventSigned, UserID: 10, At: at, IP: "203.0.113.5", UserAgent: "Mozilla/5.0", Hash: strings.Repeat("cd", 32)}},
	}
	for i, r := range in.Recipients {
		for _, f := range slotFields(i, len(pages)) {
			f.RecipientID = r.ID
			switch f.Kind {
			case FieldName:
				f.Value = r.Name
			case FieldDate:
				f.Value = "2026-11-25"
			}
			in.Fields = append(in.Fields, f)
		}
	}
	s := &Sealer{Identity: id}
	out, err := s.Seal(in)
	if err != nil {
		t.Fatal(err)
	}
	return out, in
}

func TestSealVerifiesIndependently(t *testing.T) {
	id, _, _, err := newIdentity()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, _ := sealed(t, id)
	t.Logf("sealed in %v, %d bytes", time.Since(start), len(out))
	if dir := os.Getenv("ZONEFAIR_SIGNING_DUMP"); dir != "" {
		_ = os.WriteFile(dir+"/sealed.pdf", out, 0o644)
	}
	// pdfcpu, a second independent reader, accepts the sealed file and sees the certificate pages.
	if err := api.Validate(bytes.NewReader(out), pdfConf()); err != nil {
		t.Fatalf("pdfcpu validation: %v", err)
	}
	if n, err := api.PageCount(bytes.NewReader(out), pdfConf()); err != nil || n != 4 {
		t.Fatalf("sealed pages: %d, %v", n, err)
	}
	opts := verify.DefaultVerifyOptions()
	opts.AllowUntrustedRoots = true
	res, err := verify.VerifyWithOptions(bytes.NewReader(out), int64(len(out)), opts)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if len(res.Signers) != 1 || !res.Signers[0].ValidSignature {
		t.Fatalf("signature not valid: %+v", res)
	}
	// A signature that refers to DocMDP (a certification) needs the catalog's /Perms entry
	// naming it; without it readers report the file as certified in name only.
	if bytes.Contains(out, []byte("/DocMDP")) && !bytes.Contains(out, []byte("/Perms")) {
		t.Fatal("the signature claims a certification (DocMDP) that the catalog does not carry (/Perms)")
	}
	// One flipped byte inside the signed range breaks the signature.
	bad := bytes.Clone(out)
	bad[len(bad)/3] ^= 0x01
	res, err = verify.VerifyWithOptions(bytes.NewReader(bad), int64(len(bad)), opts)
	if err == nil && len(res.Signers) > 0 && res.Signers[0].ValidSignature {
		t.Fatal("a flipped byte still verifies")
	}
}

// BenchmarkSeal measures sealing a three-page agreement with two signers: stamping the
// fields, the certificate pages, merging and the digital signature.
func BenchmarkSeal(b *testing.B) {
	id, _, _, err := newIdentity()
	if err != nil {
		b.Fatal(err)
	}
	_, in := sealed(b, id)
	s := &Sealer{Identity: id}
	var size int
	for b.Loop() {
		out, err := s.Seal(in)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}

// TestSealRecordsTrailEnd: the sealed file records the end of the trail at sealing, which the
// verification of the file compares with the trail; a file sealed before it did says so.
func TestSealRecordsTrailEnd(t *testing.T) {
	id, _, _, err := newIdentity()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := sealed(t, id)
	seq, head, ok := fileAnchor(out)
	if !ok || seq != 0 || head != strings.Repeat("ab", 32) {
		t.Fatalf("anchor %d %q %v", seq, head, ok)
	}
	sum := Hash(out)
	trail := func(n int) []Event {
		es := make([]Event, n)
		for i := range es {
			es[i] = Event{Seq: int64(i + 1), Kind: EventSigned, Hash: strings.Repeat("0", 64)}
		}
		return es
	}
	withAnchor := bytes.Replace(out, []byte("audit trail entry 0 head "), []byte("audit trail entry 2 head "), 1)
	good := trail(3)
	good[1].Hash = head
	good[2] = Event{Seq: 3, Kind: EventCompleted, Detail: detail("sha256", sum)}
	r := &Sealed{AuditIntact: true, events: good}
	if !r.checkFile(withAnchor, sum) || r.FileAnchor != FileRecorded || r.FileSeq != 2 || len(r.AuditProblems) != 0 {
		t.Fatalf("trail holding the file's end: %+v", r)
	}
	r = &Sealed{AuditIntact: true, events: good[:2]}
	if r.checkFile(withAnchor, sum) || len(r.AuditProblems) != 1 || r.AuditProblems[0] != (AuditProblem{Code: ProblemTrailShorter, Found: 2, Recorded: 3}) {
		t.Fatalf("trail cut before the completion: %+v", r)
	}
	rewritten := append([]Event(nil), good...)
	rewritten[1].Hash = strings.Repeat("cd", 32)
	r = &Sealed{AuditIntact: true, events: rewritten}
	if r.checkFile(withAnchor, sum) || r.AuditProblems[0] != (AuditProblem{Code: ProblemSealEntryRewritten, Entry: 2}) {
		t.Fatalf("entry the seal records rewritten: %+v", r)
	}
	r = &Sealed{AuditIntact: true, events: good}
	if r.checkFile(withAnchor, Hash([]byte("another file"))) || r.AuditProblems[0] != (AuditProblem{Code: ProblemSealCompletionRewritten, Entry: 3}) {
		t.Fatalf("a completion naming another file passed: %+v", r)
	}
	r = &Sealed{AuditIntact: true, events: good}
	if !r.checkFile([]byte("%PDF-1.7 sealed before files recorded it"), sum) || r.FileAnchor != FileLegacy || r.FileSeq != 0 {
		t.Fatalf("legacy file: %+v", r)
	}
}
