package server_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"zonefair/app/signing"
	"zonefair/app/web"
)

// clock is a settable time for the signing service.
type clock struct {
	mu sync.Mutex
	at time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

func (e *signEnv) clock() *clock {
	c := &clock{at: time.Now().UTC()}
	e.app.Signing.Now = c.now
	return c
}

// TestSigningCodeTries locks a code after five wrong tries: even the right code is then refused
// and nothing is signed, until a new code is sent.
func TestSigningCodeTries(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		clk := e.clock()
		staff := e.as(web.RoleZoneStaff)
		staffID := e.users[web.RoleZoneStaff].ID
		d := e.sent(staff, e.sequential())
		staff.do("POST", apath(d.ID, "/code"), nil).want(200)
		right := e.mail.code(t, staffID)
		wrong := fmt.Sprintf("%06d", (atoi(right)+1)%1_000_000)
		sign := map[string]any{"code": wrong, "kind": "typed", "typedName": "王芳"}
		for i := 1; i <= 4; i++ {
			res := staff.do("POST", apath(d.ID, "/sign"), sign).want(400)
			want := fmt.Sprintf("Wrong code; %d tries left.", 5-i)
			if i == 4 {
				want = "Wrong code; one try left."
			}
			if msg := res.errorBody().Details[0].Message; msg != want {
				t.Fatalf("try %d: %q", i, msg)
			}
		}
		staff.do("POST", apath(d.ID, "/sign"), sign).want(429)
		sign["code"] = right
		staff.do("POST", apath(d.ID, "/sign"), sign).want(429)
		staff.do("GET", apath(d.ID, ""), nil).want(200).json(&d)
		if d.Recipients[0].Status != "pending" {
			t.Fatal("signed with a locked code")
		}
		// A new code right away is refused, later it is sent and works.
		staff.do("POST", apath(d.ID, "/code"), nil).want(429)
		clk.add(signing.CodeResend)
		staff.do("POST", apath(d.ID, "/code"), nil).want(200)
		sign["code"] = e.mail.code(t, staffID)
		staff.do("POST", apath(d.ID, "/sign"), sign).want(200)

		// An expired code is refused.
		investor := e.as(web.RoleInvestor)
		investor.do("POST", apath(d.ID, "/code"), nil).want(200)
		clk.add(signing.CodeTTL + time.Second)
		sign["code"] = e.mail.code(t, e.users[web.RoleInvestor].ID)
		res := investor.do("POST", apath(d.ID, "/sign"), sign).want(400)
		if res.errorBody().Details[0].Message != "The code has expired; request a new one." {
			t.Fatalf("expired code: %s", res.body)
		}
	})
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// TestSigningReplay submits one signature twice at once from two sessions, then replays the
// code: one signature is kept, the rest refused.
func TestSigningReplay(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff, again := e.as(web.RoleZoneStaff), e.as(web.RoleZoneStaff)
		staffID := e.users[web.RoleZoneStaff].ID
		d := e.sent(staff, e.sequential())
		staff.do("POST", apath(d.ID, "/code"), nil).want(200)
		body := map[string]any{"code": e.mail.code(t, staffID), "kind": "drawn", "image": drawn(t)}
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, c := range []*client{staff, again} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = c.do("POST", apath(d.ID, "/sign"), body).status
			}()
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			switch {
			case s == 200:
				ok++
			case s != 409 && s != 400:
				t.Fatalf("second submission: status %d", s)
			}
		}
		if ok != 1 {
			t.Fatalf("statuses %v: want exactly one accepted", statuses)
		}
		// The replayed code.
		again.do("POST", apath(d.ID, "/sign"), body).want(409)
		var trail signing.Trail
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		signed := 0
		for _, ev := range trail.Events {
			if ev.Kind == "signed" {
				signed++
			}
		}
		if signed != 1 || !trail.Chain.Intact {
			t.Fatalf("signed %d times, chain %+v", signed, trail.Chain)
		}
		staff.do("GET", apath(d.ID, ""), nil).want(200).json(&d)
		if d.Recipients[0].Status != "signed" || d.CurrentStep != 2 {
			t.Fatalf("the signature was not kept: %+v", d.Recipients[0])
		}
	})
}

// TestSigningAsSomeoneElse: people who are not the signer at turn, or not a party, are refused
// and can neither read nor fill another's fields.
func TestSigningAsSomeoneElse(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff, investor, ent, grad := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor), e.as(web.RoleEnterprise), e.as(web.RoleGraduate)
		var d signing.Detail
		staff.do("POST", "/api/v1/signing/agreements", map[string]any{"title": "Land use agreement"}).want(201).json(&d)
		staff.upload(apath(d.ID, "/document"), "land.pdf", pdf("Land use agreement")).want(200).json(&d)
		if d.PageCount != 1 || d.Pages[0].W != 595 || d.Pages[0].H != 842 {
			t.Fatalf("pages %+v", d.Pages)
		}
		rs := e.sequential()
		rs[1]["step"] = 1
		staff.do("PUT", apath(d.ID, "/recipients"), map[string]any{"recipients": rs}).want(200).json(&d)
		staffR, invR := d.Recipients[0].ID, d.Recipients[1].ID
		if d.Recipients[0].UserID != e.users[web.RoleZoneStaff].ID {
			staffR, invR = invR, staffR
		}
		// Sending without signature fields on an uploaded PDF is refused.
		staff.do("POST", apath(d.ID, "/send"), nil).want(409)
		staff.do("PUT", apath(d.ID, "/fields"), map[string]any{"fields": []map[string]any{
			{"recipientId": staffR, "kind": "signature", "page": 1, "x": 60, "y": 600, "w": 200, "h": 60},
			{"recipientId": staffR, "kind": "text", "page": 1, "x": 60, "y": 680, "w": 200, "h": 20, "label": "Title", "required": true},
			{"recipientId": invR, "kind": "signature", "page": 1, "x": 320, "y": 600, "w": 200, "h": 60},
			{"recipientId": invR, "kind": "date", "page": 1, "x": 320, "y": 680, "w": 200, "h": 20},
		}}).want(200).json(&d)
		// Fields off the page or on a page that does not exist are refused.
		staff.do("PUT", apath(d.ID, "/fields"), map[string]any{"fields": []map[string]any{{"recipientId": staffR, "kind": "signature", "page": 1, "x": 500, "y": 600, "w": 200, "h": 60}}}).want(400)
		staff.do("PUT", apath(d.ID, "/fields"), map[string]any{"fields": []map[string]any{{"recipientId": staffR, "kind": "signature", "page": 2, "x": 50, "y": 60, "w": 200, "h": 60}}}).want(400)
		staff.do("POST", apath(d.ID, "/send"), nil).want(200).json(&d)
		var textField int64
		for _, f := range d.Fields {
			if f.Kind == "text" {
				textField = f.ID
			}
		}

		// Not a party: refused, nothing shown.
		for _, p := range []string{"", "/document", "/audit", "/sealed"} {
			ent.do("GET", apath(d.ID, p), nil).want(403)
			grad.do("GET", apath(d.ID, p), nil).want(403)
		}
		ent.do("POST", apath(d.ID, "/code"), nil).want(403)
		ent.do("POST", apath(d.ID, "/sign"), map[string]any{"code": "000000", "kind": "typed", "typedName": "Li Qiang"}).want(403)
		ent.do("POST", apath(d.ID, "/decline"), map[string]any{"reason": "not mine"}).want(403)
		investor.do("POST", apath(d.ID, "/void"), map[string]any{"reason": "no"}).want(403)

		// The investor cannot fill the zone's field, and the zone must fill its own.
		e.sign(investor, e.users[web.RoleInvestor].ID, d.ID, map[string]any{"kind": "typed", "typedName": "Anna Schmidt",
			"values": map[string]string{fmt.Sprint(textField): "CEO"}}).want(400)
		res := staff.do("POST", apath(d.ID, "/code"), nil).want(200)
		_ = res
		body := map[string]any{"code": e.mail.code(t, e.users[web.RoleZoneStaff].ID), "kind": "typed", "typedName": "王芳"}
		staff.do("POST", apath(d.ID, "/sign"), body).want(400)
		body["values"] = map[string]string{fmt.Sprint(textField): "主任 Director"}
		staff.do("POST", apath(d.ID, "/sign"), body).want(200)
		investor.do("POST", apath(d.ID, "/code"), nil).want(429)
		investor.do("POST", apath(d.ID, "/sign"), map[string]any{"code": e.mail.code(t, e.users[web.RoleInvestor].ID), "kind": "typed", "typedName": "Anna Schmidt"}).want(200).json(&d)
		if d.Status != signing.StatusCompleted {
			t.Fatalf("status %s", d.Status)
		}
		for _, f := range d.Fields {
			if f.ID == textField && f.Value != "主任 Director" {
				t.Fatalf("text field %q", f.Value)
			}
		}
	})
}

// TestSigningBadDocuments refuses what is not a plain PDF, and signatures that are not PNGs.
func TestSigningBadDocuments(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff := e.as(web.RoleZoneStaff)
		var d signing.Detail
		staff.do("POST", "/api/v1/signing/agreements", map[string]any{"title": "Uploaded agreement"}).want(201).json(&d)
		doc := apath(d.ID, "/document")
		if code := staff.upload(doc, "a.pdf", []byte("\x89PNG\r\n\x1a\nnot a pdf")).want(415).errorBody().Code; code != "unsupported_media_type" {
			t.Fatalf("code %s", code)
		}
		staff.upload(doc, "a.pdf", []byte("%PDF-1.7\nthis is not really a pdf\n%%EOF")).want(415)
		staff.upload(doc, "a.pdf", nil).want(400)
		res := staff.upload(doc, "locked.pdf", encrypted(t, pdf("secret"))).want(415)
		if msg := res.errorBody().Message; msg != "Encrypted or password-protected PDFs are not accepted." {
			t.Fatalf("encrypted: %q", msg)
		}
		big := append(pdf("big"), bytes.Repeat([]byte("%"), signing.MaxPDFBytes)...)
		staff.upload(doc, "big.pdf", big).want(413)
		staff.do("GET", apath(d.ID, ""), nil).want(200).json(&d)
		if d.PageCount != 0 {
			t.Fatal("a refused upload was stored")
		}

		d = e.sent(staff, e.sequential())
		staff.do("POST", apath(d.ID, "/code"), nil).want(200)
		code := e.mail.code(t, e.users[web.RoleZoneStaff].ID)
		for _, img := range []string{"data:image/jpeg;base64,/9j/4AAQ", "data:image/png;base64,!!!", "data:image/png;base64,iVBORw0KGgo=",
			"data:image/png;base64," + strings.Repeat("A", 300000)} {
			staff.do("POST", apath(d.ID, "/sign"), map[string]any{"code": code, "kind": "drawn", "image": img}).want(400)
		}
		// None of these spent a try of the code.
		staff.do("POST", apath(d.ID, "/sign"), map[string]any{"code": code, "kind": "drawn", "image": drawn(t)}).want(200)
	})
}

func encrypted(t *testing.T, doc []byte) []byte {
	t.Helper()
	conf := model.NewAESConfiguration("user-pw", "owner-pw", 256)
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(doc), &out, conf); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestSigningTamperedTrail edits and deletes audit rows in the database: the chain check and
// the public record both say so.
func TestSigningTamperedTrail(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff := e.as(web.RoleZoneStaff)
		d := e.sent(staff, e.sequential())
		d = e.signBoth(d)
		var before, trail signing.Trail
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&before)
		if !before.Chain.Intact {
			t.Fatalf("untouched chain: %+v", before.Chain)
		}

		if err := e.db.Exec("UPDATE signing_events SET ip = ? WHERE agreement_id = ? AND kind = ?", "198.51.100.66", d.ID, "signed").Error; err != nil {
			t.Fatal(err)
		}
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		if trail.Chain.Intact || len(trail.Chain.Problems) == 0 || trail.Chain.Problems[0].Code != signing.ProblemEdited {
			t.Fatalf("edited row not found: %+v", trail.Chain)
		}
		var verdict signing.Verdict
		e.anon().do("GET", "/api/v1/signing/verify?sha256="+d.FinalSHA256, nil).want(200).json(&verdict)
		if verdict.Agreement == nil || verdict.Agreement.AuditIntact {
			t.Fatalf("public record hides the broken trail: %+v", verdict.Agreement)
		}

		// Put the row back as it was: the chain holds again. Then delete the last row.
		for _, ev := range before.Events {
			if ev.Kind == "signed" {
				e.db.Exec("UPDATE signing_events SET ip = ? WHERE id = ?", ev.IP, ev.ID)
			}
		}
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		if !trail.Chain.Intact {
			t.Fatalf("restored chain: %+v", trail.Chain)
		}
		last := before.Events[len(before.Events)-1]
		if err := e.db.Exec("DELETE FROM signing_events WHERE id = ?", last.ID).Error; err != nil {
			t.Fatal(err)
		}
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		if trail.Chain.Intact {
			t.Fatal("a deleted row went unnoticed")
		}
	})
}

// TestSigningClosed: a sent agreement cannot change; voided, declined and expired agreements
// cannot be signed, and what was signed before stays.
func TestSigningClosed(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		clk := e.clock()
		staff, investor := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		staffID, investorID := e.users[web.RoleZoneStaff].ID, e.users[web.RoleInvestor].ID

		d := e.sent(staff, e.sequential())
		staff.do("PATCH", apath(d.ID, ""), map[string]any{"title": "Changed"}).want(409)
		staff.do("PUT", apath(d.ID, "/recipients"), map[string]any{"recipients": e.sequential()}).want(409)
		staff.upload(apath(d.ID, "/document"), "x.pdf", pdf("other")).want(409)
		staff.do("POST", apath(d.ID, "/send"), nil).want(409)
		staff.do("POST", apath(d.ID, "/void"), map[string]any{"reason": "项目调整 project changed"}).want(200).json(&d)
		if d.Status != signing.StatusVoided {
			t.Fatalf("status %s", d.Status)
		}
		staff.do("POST", apath(d.ID, "/code"), nil).want(409)

		d = e.sent(staff, e.sequential())
		e.sign(staff, staffID, d.ID, map[string]any{"kind": "typed", "typedName": "王芳"}).want(200)
		investor.do("POST", apath(d.ID, "/decline"), map[string]any{"reason": "Terms need review"}).want(200).json(&d)
		if d.Status != signing.StatusDeclined || d.ClosedReason != "Terms need review" || d.Recipients[0].Status != "signed" {
			t.Fatalf("after decline: %+v", d)
		}
		investor.do("POST", apath(d.ID, "/code"), nil).want(409)
		if len(e.mail.to(staffID)) == 0 {
			t.Fatal("the sender was not told of the decline")
		}

		expires := clk.now().Add(48 * time.Hour)
		var x signing.Detail
		staff.do("POST", "/api/v1/signing/agreements", map[string]any{"title": "Expiring agreement", "templateId": e.template.ID, "expiresAt": expires,
			"merge": map[string]string{"zone": "Z", "investor": "I", "project": "P", "amount": "1"}}).want(201).json(&x)
		staff.do("PUT", apath(x.ID, "/recipients"), map[string]any{"recipients": e.sequential()}).want(200)
		staff.do("POST", apath(x.ID, "/send"), nil).want(200)
		e.sign(staff, staffID, x.ID, map[string]any{"kind": "typed", "typedName": "王芳"}).want(200)
		investor.do("POST", apath(x.ID, "/code"), nil).want(200)
		code := e.mail.code(t, investorID)
		clk.add(49 * time.Hour)
		res := investor.do("POST", apath(x.ID, "/sign"), map[string]any{"code": code, "kind": "typed", "typedName": "Anna Schmidt"}).want(409)
		if res.errorBody().Message != "This agreement has expired and can no longer be signed." {
			t.Fatalf("expired: %s", res.body)
		}
		staff.do("GET", apath(x.ID, ""), nil).want(200).json(&x)
		if x.Status != signing.StatusExpired || x.Recipients[0].Status != "signed" {
			t.Fatalf("after expiry: %s %+v", x.Status, x.Recipients[0])
		}

		// A template needs every merge field.
		res = staff.do("POST", "/api/v1/signing/agreements", map[string]any{"title": "Missing", "templateId": e.template.ID, "merge": map[string]string{"zone": "Z"}}).want(400)
		if len(res.errorBody().Details) != 3 {
			t.Fatalf("details %s", res.body)
		}
	})
}
