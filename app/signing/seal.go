package signing

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	qrcode "github.com/skip2/go-qrcode"
)

// Sealer produces the final PDF of a completed agreement and signs it with the platform's
// identity.
type Sealer struct {
	Identity *Identity
	TSAURL   string // RFC 3161 timestamp authority; empty for none
	Name     string // signer name shown by PDF readers
}

// sealInput is everything the sealed document shows.
type sealInput struct {
	Agreement  Agreement
	ZoneName   string
	Recipients []Recipient
	Fields     []Field
	Events     []Event
	Original   []byte
	VerifyURL  string
	At         time.Time
}

// Seal stamps the filled fields into the original, appends the completion certificate and
// signs the result. It returns the sealed PDF.
func (s *Sealer) Seal(in sealInput) ([]byte, error) {
	pages, err := Inspect(in.Original)
	if err != nil {
		return nil, fmt.Errorf("original: %w", err)
	}
	stamped, err := stamp(in, pages)
	if err != nil {
		return nil, fmt.Errorf("stamp fields: %w", err)
	}
	cert, err := certificate(in, Hash(stamped))
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	var merged bytes.Buffer
	if err := api.MergeRaw([]io.ReadSeeker{bytes.NewReader(stamped), bytes.NewReader(cert)}, &merged, false, pdfConf()); err != nil {
		return nil, fmt.Errorf("append certificate: %w", err)
	}
	return s.sign(merged.Bytes(), in)
}

func (s *Sealer) sign(doc []byte, in sealInput) ([]byte, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, fmt.Errorf("read for signing: %w", err)
	}
	name := s.Name
	if name == "" {
		name = "Zonefair"
	}
	var out bytes.Buffer
	err = sign.Sign(bytes.NewReader(doc), &out, rdr, int64(len(doc)), sign.SignData{
		Signature: sign.SignDataSignature{
			Info: sign.SignDataSignatureInfo{
				Name:        name,
				Reason:      fmt.Sprintf("Agreement %d sealed after all signatures; %s", in.Agreement.ID, anchorText(in.Agreement)),
				Location:    "Zonefair",
				ContactInfo: in.VerifyURL,
				Date:        in.At,
			},
			// An approval signature over the whole file: any byte changed after sealing breaks
			// it, and the verification page compares the stored hash too. (A certification
			// signature would also need the catalog's /Perms entry, which the signing library
			// does not write; readers then report a certification the file does not carry.)
			CertType: sign.ApprovalSignature,
		},
		Signer:            s.Identity.Key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.Identity.Chain[0],
		CertificateChains: [][]*x509.Certificate{s.Identity.Chain},
		TSA:               sign.TSA{URL: s.TSAURL},
	})
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return out.Bytes(), nil
}

// stamp draws every filled field onto its page of the original.
func stamp(in sealInput, pages []Page) ([]byte, error) {
	f := newPDF(in.At)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	byRecipient := map[int64]Recipient{}
	for _, r := range in.Recipients {
		byRecipient[r.ID] = r
	}
	for i, p := range pages {
		f.AddPageFormat("P", fpdf.SizeType{Wd: p.W, Ht: p.H})
		for _, fl := range in.Fields {
			if fl.Page != i+1 {
				continue
			}
			drawField(f, fl, byRecipient[fl.RecipientID])
		}
	}
	overlay, err := output(f)
	if err != nil {
		return nil, err
	}
	wm, err := api.PDFMultiWatermarkForReadSeeker(bytes.NewReader(overlay), 1, 1, "pos:bl, off:0 0, scale:1 abs, rot:0", true, false, types.POINTS)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := api.AddWatermarks(bytes.NewReader(in.Original), &out, nil, wm, pdfConf()); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func drawField(f *fpdf.Fpdf, fl Field, r Recipient) {
	if fl.Kind == FieldSignature {
		if r.SignatureKind == "drawn" && len(r.SignatureImage) > 0 {
			name := fmt.Sprintf("sig-%d", r.ID)
			info := f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(r.SignatureImage))
			if info == nil || f.Err() {
				return
			}
			w, h := fit(info.Width(), info.Height(), fl.W, fl.H)
			f.ImageOptions(name, fl.X+(fl.W-w)/2, fl.Y+(fl.H-h)/2, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			return
		}
		drawText(f, fl, r.TypedName, 28)
		return
	}
	drawText(f, fl, fl.Value, 12)
}

// drawText writes s left-aligned and vertically centred in the field, shrinking the size so
// that it fits.
func drawText(f *fpdf.Fpdf, fl Field, s string, limit float64) {
	if s == "" {
		return
	}
	size := min(limit, fl.H*0.7)
	f.SetFontSize(size)
	if w := f.GetStringWidth(s); w > fl.W && w > 0 {
		size = max(4, size*fl.W/w)
		f.SetFontSize(size)
	}
	f.SetTextColor(10, 30, 110)
	f.Text(fl.X+1, fl.Y+fl.H/2+size*0.35, s)
}

func fit(iw, ih, bw, bh float64) (float64, float64) {
	if iw <= 0 || ih <= 0 {
		return bw, bh
	}
	scale := min(bw/iw, bh/ih)
	return iw * scale, ih * scale
}

var eventNames = map[string]string{
	EventCreated: "创建 created", EventSent: "发送 sent", EventViewed: "查看 viewed",
	EventCodeSent: "发送验证码 code sent", EventCodeVerified: "验证码通过 code verified",
	EventCodeFailed: "验证码错误 wrong code", EventFieldFilled: "填写字段 field filled",
	EventSigned: "签署 signed", EventDeclined: "拒签 declined", EventVoided: "作废 voided",
	EventExpired: "过期 expired", EventCompleted: "完成 completed", EventDownloaded: "下载 downloaded",
	EventReminded: "提醒 reminded", EventAnchored: "锚定 anchored",
}

var roleNames = map[string]string{RoleSignatory: "签署人 Signatory", RoleWitness: "见证人 Witness", RoleCopy: "抄送 Copy"}

const stamp8601 = "2006-01-02 15:04:05 UTC"

// certificate renders the completion certificate pages.
func certificate(in sealInput, signedHash string) ([]byte, error) {
	a := in.Agreement
	f := newPDF(in.At)
	f.SetMargins(40, 40, 40)
	f.SetAutoPageBreak(true, 40)
	f.AddPage()
	f.SetFontSize(18)
	f.CellFormat(0, 26, "完成证书  Certificate of Completion", "", 1, "L", false, 0, "")
	f.SetFontSize(10)
	f.SetTextColor(90, 90, 90)
	f.MultiCell(360, 14, "本证书由 Zonefair 平台在全部签署人签署后生成，并与协议一起经平台数字签名。\nIssued by Zonefair when every signer had signed, and digitally signed by the platform together with the agreement.", "", "L", false)
	f.SetTextColor(0, 0, 0)
	if png, err := qrcode.Encode(in.VerifyURL, qrcode.Medium, 256); err == nil {
		f.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		f.ImageOptions("qr", a4W-40-110, 36, 110, 110, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, in.VerifyURL)
	}
	f.SetY(150)
	row := func(label, value string) {
		f.SetFontSize(9)
		f.SetTextColor(90, 90, 90)
		f.CellFormat(150, 14, label, "", 0, "L", false, 0, "")
		f.SetTextColor(0, 0, 0)
		f.MultiCell(0, 14, value, "", "L", false)
	}
	row("协议 Agreement", fmt.Sprintf("%s (#%d)", a.Title, a.ID))
	if in.ZoneName != "" {
		row("开发区 Zone", in.ZoneName)
	}
	if a.SentAt != nil {
		row("发送时间 Sent", a.SentAt.UTC().Format(stamp8601))
	}
	row("完成时间 Completed", in.At.UTC().Format(stamp8601))
	row("原件 SHA-256 Original", a.OriginalSHA256)
	row("签署后 SHA-256 Signed pages", signedHash)
	row("审计链 Audit chain", anchorText(a))
	row("核验 Verify", in.VerifyURL)
	f.SetFontSize(8)
	f.SetTextColor(90, 90, 90)
	f.MultiCell(0, 12, "最终文件（含本证书）的 SHA-256 由核验页面给出；对文件的任何改动都会使平台签名失效。\nThe SHA-256 of the final file (with this certificate) is shown by the verification page; any change to the file invalidates the platform's signature.", "", "L", false)
	f.SetTextColor(0, 0, 0)

	f.Ln(8)
	f.SetFontSize(13)
	f.CellFormat(0, 20, "签署方  Parties and signers", "", 1, "L", false, 0, "")
	for _, r := range in.Recipients {
		if f.GetY() > a4H-150 {
			f.AddPage()
		}
		top := f.GetY()
		f.SetDrawColor(200, 200, 200)
		f.Line(40, top, a4W-40, top)
		f.Ln(4)
		f.SetFontSize(10)
		f.CellFormat(330, 14, fmt.Sprintf("%s — %s", r.Name, r.Party), "", 1, "L", false, 0, "")
		f.SetFontSize(8.5)
		lines := []string{roleNames[r.Role] + " · " + r.Email}
		if r.SignedAt != nil {
			method := "手写签名 drawn"
			if r.SignatureKind == "typed" {
				method = "键入姓名 typed: " + r.TypedName
			}
			lines = append(lines,
				"签署 Signed: "+r.SignedAt.UTC().Format(stamp8601)+" · IP "+r.SignedIP+" · "+method,
				"UA: "+clip(r.SignedUA, 110))
		}
		for _, l := range lines {
			f.CellFormat(330, 12, l, "", 1, "L", false, 0, "")
		}
		if r.SignatureKind == "drawn" && len(r.SignatureImage) > 0 {
			name := fmt.Sprintf("cert-sig-%d", r.ID)
			if info := f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(r.SignatureImage)); info != nil && !f.Err() {
				w, h := fit(info.Width(), info.Height(), 140, 44)
				f.ImageOptions(name, a4W-40-w, top+4, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			}
		}
		f.SetY(max(f.GetY(), top+52) + 4)
	}

	f.Ln(8)
	f.SetFontSize(13)
	f.CellFormat(0, 20, "审计记录  Audit trail", "", 1, "L", false, 0, "")
	names := map[int64]string{}
	for _, r := range in.Recipients {
		names[r.UserID] = r.Name
	}
	f.SetFontSize(7.5)
	for _, e := range in.Events {
		who := names[e.UserID]
		if who == "" && e.UserID != 0 {
			who = fmt.Sprintf("user %d", e.UserID)
		}
		line := fmt.Sprintf("%s  %s  %s  %s", e.At.UTC().Format(stamp8601), eventNames[e.Kind], who, e.IP)
		f.CellFormat(0, 11, line, "", 1, "L", false, 0, "")
		f.SetTextColor(120, 120, 120)
		f.CellFormat(0, 10, "    "+clip(e.UserAgent, 90)+"  #"+e.Hash[:16], "", 1, "L", false, 0, "")
		f.SetTextColor(0, 0, 0)
	}
	return output(f)
}

func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// anchorRef finds the end of the trail a sealed file records (anchorText): its entry number and
// hash. The text sits in the signature dictionary, which the signature covers.
var anchorRef = regexp.MustCompile(`audit trail entry ([0-9]{1,9}) head ([0-9a-f]{64})`)

// anchorText records in the sealed file the end of the audit trail at sealing: the entry the
// file was sealed after and its hash. The public verification of the file compares it with the
// trail, so a trail cut back past it is found without trusting anything in the database.
func anchorText(a Agreement) string {
	return fmt.Sprintf("audit trail entry %d head %s", a.AuditSeq, a.AuditHead)
}

// fileAnchor reads the end of the trail a sealed file records; ok is false for files sealed
// before files recorded it.
func fileAnchor(body []byte) (seq int64, head string, ok bool) {
	m := anchorRef.FindSubmatch(body)
	if m == nil {
		return 0, "", false
	}
	seq, err := strconv.ParseInt(string(m[1]), 10, 64)
	return seq, string(m[2]), err == nil
}
