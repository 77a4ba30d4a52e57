package server_test

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/digitorus/pdfsign/verify"

	"zonefair/app/account"
	"zonefair/app/notify"
	"zonefair/app/signing"
	"zonefair/app/web"
)

// TestSigningInOrder walks the whole ceremony: a draft from a template with two signers in
// order, the investor refused before the zone, both signing with codes from their mail, the
// sealed PDF downloading with a signature an independent verifier accepts, and verification
// telling the sealed file from a byte-flipped copy.
func TestSigningInOrder(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff, investor := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		staffID, investorID := e.users[web.RoleZoneStaff].ID, e.users[web.RoleInvestor].ID
		d := e.draft(staff, e.sequential())

		// A draft is the zone's business only.
		investor.do("GET", apath(d.ID, ""), nil).want(403)
		staff.do("POST", apath(d.ID, "/send"), nil).want(200).json(&d)
		if d.Status != signing.StatusSent || len(d.OriginalSHA256) != 64 {
			t.Fatalf("after send: status %s, hash %q", d.Status, d.OriginalSHA256)
		}
		if n := len(d.Fields); n != 6 {
			t.Fatalf("template signature page gave %d fields, want 3 per signer", n)
		}
		if len(e.mail.to(staffID)) == 0 {
			t.Fatal("the first signer was not told it is their turn")
		}

		// The investor reads the agreement but cannot sign before the zone.
		var seen signing.Detail
		investor.do("GET", apath(d.ID, ""), nil).want(200).json(&seen)
		if seen.Me == nil || seen.Me.YourTurn {
			t.Fatalf("investor's part: %+v", seen.Me)
		}
		res := investor.do("POST", apath(d.ID, "/code"), nil).want(409)
		if res.errorBody().Message != "It is not your turn to sign yet." {
			t.Fatalf("message %q", res.errorBody().Message)
		}
		investor.do("POST", apath(d.ID, "/sign"), map[string]any{"code": "123456", "kind": "typed", "typedName": "Anna Schmidt"}).want(409)
		orig := investor.do("GET", apath(d.ID, "/document"), nil).want(200)
		if signing.Hash(orig.body) != d.OriginalSHA256 {
			t.Fatal("the document served is not the one whose hash was fixed at send")
		}

		e.sign(staff, staffID, d.ID, map[string]any{"kind": "drawn", "image": drawn(t)}).want(200).json(&d)
		if d.Status != signing.StatusSent || d.CurrentStep != 2 {
			t.Fatalf("after the zone signed: status %s step %d", d.Status, d.CurrentStep)
		}
		e.sign(investor, investorID, d.ID, map[string]any{"kind": "typed", "typedName": "Anna Schmidt"}).want(200).json(&d)
		if d.Status != signing.StatusCompleted || len(d.FinalSHA256) != 64 || d.VerifyURL == "" {
			t.Fatalf("after the last signature: status %s final %q", d.Status, d.FinalSHA256)
		}

		sealed := investor.do("GET", apath(d.ID, "/sealed"), nil).want(200)
		if got := sealed.header.Get("Content-Type"); got != "application/pdf" {
			t.Fatalf("content type %q", got)
		}
		if signing.Hash(sealed.body) != d.FinalSHA256 {
			t.Fatal("downloaded file does not match the stored final hash")
		}
		opts := verify.DefaultVerifyOptions()
		opts.AllowUntrustedRoots = true
		v, err := verify.VerifyWithOptions(bytes.NewReader(sealed.body), int64(len(sealed.body)), opts)
		if err != nil || len(v.Signers) != 1 || !v.Signers[0].ValidSignature {
			t.Fatalf("embedded signature does not verify: %v %+v", err, v)
		}
		if !v.Signers[0].Certificates[0].Certificate.Equal(e.app.Signing.Sealer.Identity.Chain[0]) {
			t.Fatal("sealed with another certificate than the platform's")
		}

		// Verification: the sealed file is intact, a byte-flipped copy altered.
		var verdict signing.Verdict
		e.anon().upload("/api/v1/signing/verify", "sealed.pdf", sealed.body).want(200).json(&verdict)
		if verdict.Verdict != signing.VerdictIntact || verdict.Agreement == nil || verdict.Agreement.ID != d.ID || !verdict.Signature.Valid || !verdict.Signature.ByZonefair {
			t.Fatalf("sealed file: %+v", verdict)
		}
		if len(verdict.Agreement.Signers) != 2 || verdict.Agreement.Signers[1].Party != "Rheinland Precision GmbH" || !verdict.Agreement.AuditIntact {
			t.Fatalf("public record: %+v", verdict.Agreement)
		}
		flipped := bytes.Clone(sealed.body)
		flipped[len(flipped)/2] ^= 0x20
		verdict = signing.Verdict{}
		e.anon().upload("/api/v1/signing/verify", "copy.pdf", flipped).want(200).json(&verdict)
		if verdict.Verdict != signing.VerdictAltered || verdict.Agreement == nil || verdict.Agreement.ID != d.ID || verdict.Signature.Valid {
			t.Fatalf("flipped copy: %+v", verdict)
		}
		e.anon().do("GET", "/api/v1/signing/verify?sha256="+d.FinalSHA256, nil).want(200).json(&verdict)
		if verdict.Verdict != signing.VerdictIntact {
			t.Fatalf("by hash: %+v", verdict)
		}
		e.anon().upload("/api/v1/signing/verify", "original.pdf", orig.body).want(200).json(&verdict)
		if verdict.Verdict != signing.VerdictOriginal {
			t.Fatalf("the unsigned original: %+v", verdict)
		}
		verdict = signing.Verdict{}
		e.anon().upload("/api/v1/signing/verify", "other.pdf", pdf("unrelated")).want(200).json(&verdict)
		if verdict.Verdict != signing.VerdictUnknown || verdict.Agreement != nil {
			t.Fatalf("an unrelated PDF: %+v", verdict)
		}
		e.anon().upload("/api/v1/signing/verify", "x.png", []byte("\x89PNG\r\n\x1a\n")).want(415)

		// The audit trail holds every step, chained.
		var trail signing.Trail
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		if !trail.Chain.Intact {
			t.Fatalf("chain: %+v", trail.Chain)
		}
		var kinds []string
		for _, ev := range trail.Events {
			kinds = append(kinds, ev.Kind)
		}
		for _, want := range []string{"created", "sent", "viewed", "code_sent", "code_verified", "field_filled", "signed", "completed", "downloaded"} {
			if !slices.Contains(kinds, want) {
				t.Errorf("audit trail lacks %q: %v", want, kinds)
			}
		}
		if n := len(e.pub.on(fmt.Sprintf("agreement:%d", d.ID))); n < 3 {
			t.Errorf("%d live status publications, want one per change", n)
		}
		if len(e.pub.on(fmt.Sprintf("user:%d", investorID))) == 0 {
			t.Error("nothing published to the investor's channel")
		}

		// A completed agreement cannot be signed or changed.
		staff.do("PUT", apath(d.ID, "/fields"), map[string]any{"fields": []any{}}).want(409)
		staff.do("POST", apath(d.ID, "/void"), map[string]any{"reason": "changed our mind"}).want(409)
	})
}

// TestSigningParallelAtOnce has two signers of one step sign at the same moment: both
// signatures are kept and the agreement is sealed once.
func TestSigningParallelAtOnce(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff, investor := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		staffID, investorID := e.users[web.RoleZoneStaff].ID, e.users[web.RoleInvestor].ID
		rs := e.sequential()
		rs[1]["step"] = 1
		d := e.sent(staff, rs)
		staff.do("POST", apath(d.ID, "/code"), nil).want(200)
		investor.do("POST", apath(d.ID, "/code"), nil).want(200)
		bodies := []map[string]any{
			{"code": e.mail.code(t, staffID), "kind": "drawn", "image": drawn(t)},
			{"code": e.mail.code(t, investorID), "kind": "typed", "typedName": "Anna Schmidt"},
		}
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, c := range []*client{staff, investor} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = c.do("POST", apath(d.ID, "/sign"), bodies[i]).status
			}()
		}
		wg.Wait()
		if statuses[0] != 200 || statuses[1] != 200 {
			t.Fatalf("statuses %v", statuses)
		}
		staff.do("GET", apath(d.ID, ""), nil).want(200).json(&d)
		if d.Status != signing.StatusCompleted {
			t.Fatalf("status %s", d.Status)
		}
		for _, r := range d.Recipients {
			if r.Status != "signed" || r.SignedAt == nil {
				t.Fatalf("a signature was lost: %+v", r)
			}
		}
		var trail signing.Trail
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		completed := 0
		for _, ev := range trail.Events {
			if ev.Kind == "completed" {
				completed++
			}
		}
		if completed != 1 || !trail.Chain.Intact {
			t.Fatalf("completed %d times; chain %+v", completed, trail.Chain)
		}
	})
}

// TestSigningGroups runs sequential groups: two zone signatories together, then the investor.
func TestSigningGroups(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff, investor, admin := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor), e.as(web.RoleAdmin)
		rs := append(e.sequential(), map[string]any{"userId": e.users[web.RoleAdmin].ID, "role": "witness", "party": "商务部 MOFCOM", "step": 1},
			map[string]any{"userId": e.users[web.RoleEnterprise].ID, "role": "copy", "party": "Alpha Co", "step": 1})
		d := e.sent(staff, rs)
		e.sign(staff, e.users[web.RoleZoneStaff].ID, d.ID, map[string]any{"kind": "typed", "typedName": "王芳"}).want(200).json(&d)
		if d.CurrentStep != 1 {
			t.Fatalf("step moved on with the witness still to sign: %d", d.CurrentStep)
		}
		investor.do("POST", apath(d.ID, "/code"), nil).want(409)
		e.sign(admin, e.users[web.RoleAdmin].ID, d.ID, map[string]any{"kind": "typed", "typedName": "Witness"}).want(200).json(&d)
		if d.CurrentStep != 2 {
			t.Fatalf("step %d after group 1", d.CurrentStep)
		}
		// A copy recipient reads but never signs.
		ent := e.as(web.RoleEnterprise)
		ent.do("GET", apath(d.ID, ""), nil).want(200)
		ent.do("POST", apath(d.ID, "/code"), nil).want(403)
		e.sign(investor, e.users[web.RoleInvestor].ID, d.ID, map[string]any{"kind": "typed", "typedName": "Anna Schmidt"}).want(200).json(&d)
		if d.Status != signing.StatusCompleted {
			t.Fatalf("status %s", d.Status)
		}
		ent.do("GET", apath(d.ID, "/sealed"), nil).want(200)
	})
}

// TestSigningThroughNotify uses the platform's own sender: codes reach the mail outbox only,
// other news also the signer's in-app notifications.
func TestSigningThroughNotify(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		e.app.Signing.Sender = signing.Mailer{Service: &notify.Service{Store: notify.NewStore(e.db)}, Users: account.NewStore(e.db)}
		staff := e.as(web.RoleZoneStaff)
		d := e.sent(staff, e.sequential())
		staff.do("POST", apath(d.ID, "/code"), nil).want(200)
		var outbox struct {
			Items []struct{ To, Subject, Body string } `json:"items"`
		}
		e.as(web.RoleAdmin).do("GET", "/api/v1/admin/outbox", nil).want(200).json(&outbox)
		code := ""
		for _, m := range outbox.Items {
			if m.To == e.users[web.RoleZoneStaff].Email {
				if c := sixDigits.FindString(m.Subject); c != "" && code == "" {
					code = c
				}
			}
		}
		if code == "" {
			t.Fatalf("no code in the outbox: %+v", outbox.Items)
		}
		staff.do("POST", apath(d.ID, "/sign"), map[string]any{"code": code, "kind": "typed", "typedName": "王芳"}).want(200)

		// The investor's turn is announced in the app; no code ever is.
		var list struct {
			Items []struct {
				Kind string         `json:"kind"`
				Data map[string]any `json:"data"`
			} `json:"items"`
		}
		e.as(web.RoleInvestor).do("GET", "/api/v1/notifications", nil).want(200).json(&list)
		if len(list.Items) == 0 || list.Items[0].Kind != "signing.signed" || list.Items[0].Data["agreementId"] != float64(d.ID) {
			t.Fatalf("investor's notifications: %+v", list.Items)
		}
		staff.do("GET", "/api/v1/notifications", nil).want(200).json(&list)
		for _, n := range list.Items {
			if sixDigits.MatchString(fmt.Sprint(n.Data)) {
				t.Fatalf("a code reached the in-app list: %+v", n)
			}
		}
	})
}
