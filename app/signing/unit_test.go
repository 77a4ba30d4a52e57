package signing

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"zonefair/app/errs"
)

func TestChainFindsEveryChange(t *testing.T) {
	key := auditKey([]byte("test secret"))
	a := Agreement{ID: 3}
	var events []Event
	at := time.Date(2026, 11, 25, 8, 0, 0, 123456000, time.UTC)
	for i, kind := range []string{EventCreated, EventSent, EventSigned, EventCompleted} {
		e := Event{AgreementID: 3, Seq: int64(i + 1), Kind: kind, UserID: 9, IP: "203.0.113.1", At: at.Add(time.Duration(i) * time.Minute), PrevHash: a.AuditHead}
		e.Hash = e.digest(key, formatKeyed)
		a.AuditHead, a.AuditSeq = e.Hash, e.Seq
		events = append(events, e)
	}
	if c := checkChain(a, events, key); !c.Intact {
		t.Fatalf("intact chain reported broken: %v", c.Problems)
	}
	cases := map[string]struct {
		change func([]Event) []Event
		first  AuditProblem // the first problem named
	}{
		"edited": {func(es []Event) []Event { es[1].IP = "198.51.100.9"; return es }, AuditProblem{Code: ProblemEdited, Entry: 2}},
		"re-hashed": {func(es []Event) []Event {
			es[1].Kind = EventDeclined
			es[1].Hash = es[1].digest(key, formatKeyed)
			return es
		}, AuditProblem{Code: ProblemNotChained, Entry: 3}},
		"deleted":   {func(es []Event) []Event { return append(es[:1], es[2:]...) }, AuditProblem{Code: ProblemSequence, Entry: 2, Found: 3}},
		"truncated": {func(es []Event) []Event { return es[:3] }, AuditProblem{Code: ProblemLength, Found: 3, Recorded: 4}},
		"reordered": {func(es []Event) []Event { es[1], es[2] = es[2], es[1]; return es }, AuditProblem{Code: ProblemSequence, Entry: 2, Found: 3}},
	}
	for name, tc := range cases {
		es := tc.change(append([]Event(nil), events...))
		if c := checkChain(a, es, key); c.Intact || len(c.Problems) == 0 || c.Problems[0] != tc.first {
			t.Errorf("%s trail: problems %v, want first %v", name, c.Problems, tc.first)
		}
	}
}

// TestChainAnchoredFindsCut: an anchored trail cut back to an earlier entry, its head and count
// set back to that entry as well, is found by the head MAC; a legacy trail cannot show it, and
// says so.
func TestChainAnchoredFindsCut(t *testing.T) {
	key := auditKey([]byte("test secret"))
	at := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	build := func(f int) (Agreement, []Event) {
		a := Agreement{ID: 3}
		var events []Event
		for i, kind := range []string{EventCreated, EventSent, EventSigned, EventSigned, EventCompleted} {
			e := Event{AgreementID: 3, Seq: int64(i + 1), Kind: kind, At: at.Add(time.Duration(i) * time.Minute), PrevHash: a.AuditHead}
			e.Hash = e.digest(key, f)
			a.AuditHead, a.AuditSeq = e.Hash, e.Seq
			events = append(events, e)
		}
		if f == formatAnchored {
			a.AuditMAC = headMAC(key, a.ID, a.AuditSeq, a.AuditHead)
		}
		return a, events
	}
	cut := func(a Agreement, es []Event, n int) (Agreement, []Event) {
		a.AuditSeq, a.AuditHead = int64(n), es[n-1].Hash
		return a, es[:n]
	}
	a, es := build(formatAnchored)
	if c := checkChain(a, es, key); !c.Intact || !c.Anchored || c.Proof != ProofAnchored {
		t.Fatalf("anchored trail: %+v", c)
	}
	ca, ces := cut(a, es, 3)
	c := checkChain(ca, ces, key)
	want := []AuditProblem{{Code: ProblemHeadUnauthenticated, Entry: 3}}
	if c.Intact || !slices.Equal(c.Problems, want) {
		t.Fatalf("cut anchored trail: %+v, want %v", c, want)
	}
	ca.Status = StatusCompleted
	c = checkChain(ca, ces, key)
	want = append(want, AuditProblem{Code: ProblemNoCompletion, Found: 3})
	if !slices.Equal(c.Problems, want) {
		t.Fatalf("cut completed trail: %v, want %v", c.Problems, want)
	}
	ca.Status = ""
	ca.AuditMAC = ""
	if c := checkChain(ca, ces, key); c.Intact {
		t.Fatal("cut anchored trail without its head MAC reported intact")
	}
	ca.AuditMAC = headMAC([]byte("a guessed key"), ca.ID, ca.AuditSeq, ca.AuditHead)
	if c := checkChain(ca, ces, key); c.Intact {
		t.Fatal("cut anchored trail with a head MAC under another key reported intact")
	}
	// An anchored entry followed by one in the older format is a rewrite.
	mixed := append([]Event(nil), es...)
	mixed[4].Hash = mixed[4].digest(key, formatKeyed)
	ma := a
	ma.AuditHead, ma.AuditMAC = mixed[4].Hash, headMAC(key, a.ID, 5, mixed[4].Hash)
	if c := checkChain(ma, mixed, key); c.Intact {
		t.Fatal("an older-format entry after anchored ones reported intact")
	}
	// A wholly deleted trail is not an empty legacy one.
	if c := checkChain(Agreement{ID: 3}, nil, key); c.Intact {
		t.Fatal("an agreement without any entry reported intact")
	}

	la, les := build(formatKeyed)
	la, les = cut(la, les, 3)
	if c := checkChain(la, les, key); !c.Intact || c.Anchored || c.Proof != ProofLegacy {
		t.Fatalf("legacy trail: %+v", c)
	}
}

func TestDecodeSignature(t *testing.T) {
	good := "data:image/png;base64," + base64.StdEncoding.EncodeToString(testPNG(t))
	out, err := DecodeSignature(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("re-encoded image: %v", err)
	}
	var blankPNG bytes.Buffer
	_ = png.Encode(&blankPNG, image.NewNRGBA(image.Rect(0, 0, 300, 100)))
	for name, in := range map[string]string{
		"jpeg":     "data:image/jpeg;base64,/9j/4AAQSkZJRg==",
		"no url":   base64.StdEncoding.EncodeToString(testPNG(t)),
		"bad b64":  "data:image/png;base64,***",
		"not png":  "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("GIF89a....")),
		"blank":    "data:image/png;base64," + base64.StdEncoding.EncodeToString(blankPNG.Bytes()),
		"too big":  "data:image/png;base64," + base64.StdEncoding.EncodeToString(append(testPNG(t), make([]byte, MaxSignatureBytes)...)),
		"too wide": "data:image/png;base64," + base64.StdEncoding.EncodeToString(wide(t)),
	} {
		if _, err := DecodeSignature(in); !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

func wide(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, MaxSignatureSide+1, 20))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestInspectRefusesWhatIsNotAPlainPDF(t *testing.T) {
	doc, err := renderTemplate(&Template{NameZh: "协议", NameEn: "Agreement", BodyZh: "正文", BodyEn: "Body"}, "标题 Title", nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pages, err := Inspect(doc)
	if err != nil || len(pages) != 3 || pages[0].W < 595 || pages[0].W > 596 {
		t.Fatalf("rendered agreement: %v %+v", err, pages)
	}
	for name, body := range map[string][]byte{
		"png":       []byte("\x89PNG\r\n\x1a\n"),
		"truncated": doc[:len(doc)/2],
		"garbage":   []byte("%PDF-1.4\n1 0 obj <<"),
	} {
		if _, err := Inspect(body); !errors.Is(err, errs.ErrUnsupported) {
			t.Errorf("%s: %v, want unsupported", name, err)
		}
	}
	if _, err := Inspect(nil); !errors.Is(err, errs.ErrInvalid) {
		t.Errorf("empty: %v", err)
	}
}

func TestCodes(t *testing.T) {
	secret := []byte("server-secret")
	seen := map[string]bool{}
	for range 50 {
		c, err := newCode()
		if err != nil || len(c) != 6 || strings.Trim(c, "0123456789") != "" {
			t.Fatalf("code %q: %v", c, err)
		}
		seen[c] = true
	}
	if len(seen) < 45 {
		t.Fatalf("only %d distinct codes in 50", len(seen))
	}
	h := codeHash(secret, 1, "123456")
	if strings.Contains(h, "123456") || !codeMatches(secret, 1, "123456", h) {
		t.Fatal("hash does not check its code")
	}
	if codeMatches(secret, 2, "123456", h) || codeMatches([]byte("other"), 1, "123456", h) || codeMatches(secret, 1, "123457", h) {
		t.Fatal("hash matches another recipient, secret or code")
	}
}

func TestIdentityGeneratedOnceAndKeptPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "signing")
	a, err := LoadIdentity("", "", dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "seal-key.pem"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", err, st)
	}
	b, err := LoadIdentity("", "", dir)
	if err != nil || !b.Chain[0].Equal(a.Chain[0]) {
		t.Fatalf("second start made another identity: %v", err)
	}
	// A configured key must match its certificate.
	other := filepath.Join(t.TempDir(), "other")
	if _, err := LoadIdentity("", "", other); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadIdentity(filepath.Join(other, "seal-key.pem"), filepath.Join(dir, "seal-cert.pem"), ""); err == nil {
		t.Fatal("a key that does not match the certificate was accepted")
	}
	if _, err := LoadIdentity(filepath.Join(dir, "seal-key.pem"), "", ""); err == nil {
		t.Fatal("a key without a certificate was accepted")
	}
	if id, err := LoadIdentity(filepath.Join(dir, "seal-key.pem"), filepath.Join(dir, "seal-cert.pem"), ""); err != nil || !id.Chain[0].Equal(a.Chain[0]) {
		t.Fatalf("configured identity: %v", err)
	}
}

func TestMergeFields(t *testing.T) {
	tpl := &Template{BodyZh: "{{ zone }} 与 {{investor}}", BodyEn: "{{zone}} and {{amount}} {{bad-name}}"}
	tpl.fillMergeFields()
	if strings.Join(tpl.MergeFields, ",") != "amount,investor,zone" {
		t.Fatalf("merge fields %v", tpl.MergeFields)
	}
	if got := merge(tpl.BodyZh, map[string]string{"zone": "园区", "investor": "投资方"}); got != "园区 与 投资方" {
		t.Fatalf("merged %q", got)
	}
}

// chainOf builds a trail of kinds for agreement a, hashing entry i with keys[i].
func chainOf(a *Agreement, kinds []string, keys [][]byte) []Event {
	at := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	var out []Event
	for i, kind := range kinds {
		e := Event{AgreementID: a.ID, Seq: int64(i + 1), Kind: kind, At: at.Add(time.Duration(i) * time.Second), PrevHash: a.AuditHead}
		f := formatKeyed
		if keys[i] == nil {
			f = formatPlain
		}
		e.Hash = e.digest(keys[i], f)
		a.AuditHead, a.AuditSeq = e.Hash, e.Seq
		out = append(out, e)
	}
	return out
}

func TestChainIsKeyed(t *testing.T) {
	key, other := auditKey([]byte("server secret")), auditKey([]byte("another secret"))
	kinds := []string{EventCreated, EventSent, EventSigned}
	for name, keys := range map[string][][]byte{
		"rewritten without the key":    {nil, nil, nil},
		"rewritten with another key":   {other, other, other},
		"unkeyed after keyed":          {key, nil, nil},
		"unkeyed start, no checkpoint": {nil, nil, key},
	} {
		a := Agreement{ID: 5}
		if c := checkChain(a, chainOf(&a, kinds, keys), key); c.Intact {
			t.Errorf("%s: reported intact", name)
		}
	}
	// An unkeyed start sealed by a keyed checkpoint holds, and is counted.
	a := Agreement{ID: 5}
	es := chainOf(&a, []string{EventCreated, EventSent, EventKeyed, EventSigned}, [][]byte{nil, nil, key, key})
	if c := checkChain(a, es, key); !c.Intact || c.Unkeyed != 2 {
		t.Fatalf("sealed legacy trail: %+v", c)
	}
	// Without a key (a process with no secret) only the unkeyed format is read.
	a = Agreement{ID: 5}
	if c := checkChain(a, chainOf(&a, kinds, [][]byte{nil, nil, nil}), nil); !c.Intact {
		t.Fatalf("unkeyed trail without a key: %+v", c)
	}
	if auditKey(nil) != nil || bytes.Equal(key, other) || len(key) != 32 {
		t.Fatal("audit key derivation")
	}
}
