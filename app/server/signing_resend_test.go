package server_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"zonefair/app/signing"
	"zonefair/app/web"
)

// trailOf reads the audit trail of agreement id as c.
func trailOf(c *client, id int64) signing.Trail {
	c.e.t.Helper()
	var tr signing.Trail
	c.do("GET", apath(id, "/audit"), nil).want(200).json(&tr)
	return tr
}

// sameSigners reports whether two agreements go to the same people in the same roles, parties
// and signing order.
func sameSigners(a, b []signing.Recipient) bool {
	key := func(rs []signing.Recipient) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, strings.Join([]string{r.Email, r.Role, r.Party, strconv.Itoa(r.Step)}, "|"))
		}
		return out
	}
	return slices.Equal(key(a), key(b))
}

// TestSigningResend: a voided agreement is re-sent as a new draft with the same document (same
// hash), signers in the same order and the same fields, unfilled; the draft is sent and signed
// as any other; the voided agreement stays as it was, its trail intact and ending with the
// re-issue, and points to its copy, which points back. It is re-sent only once.
func TestSigningResend(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff := e.as(web.RoleZoneStaff)
		staffID := e.users[web.RoleZoneStaff].ID
		old := e.sent(staff, e.sequential())
		e.sign(staff, staffID, old.ID, map[string]any{"kind": "typed", "typedName": "王芳"}).want(200)
		staff.do("POST", apath(old.ID, "/void"), map[string]any{"reason": "Amount changes"}).want(200).json(&old)
		if old.Status != signing.StatusVoided {
			t.Fatalf("voided: %s", old.Status)
		}
		origBody := staff.do("GET", apath(old.ID, "/document"), nil).want(200).body
		before := trailOf(staff, old.ID)

		var d signing.Detail
		staff.do("POST", apath(old.ID, "/resend"), nil).want(201).json(&d)
		if d.ID == old.ID || d.Status != signing.StatusDraft || d.ReplacesID == nil || *d.ReplacesID != old.ID {
			t.Fatalf("copy: id %d status %s replaces %v", d.ID, d.Status, d.ReplacesID)
		}
		if d.Title != old.Title || d.ZoneID != old.ZoneID || d.PageCount != old.PageCount || d.CreatedBy != staffID || d.OriginalSHA256 != "" {
			t.Fatalf("copy: %+v", d.Agreement)
		}
		if !sameSigners(d.Recipients, old.Recipients) {
			t.Fatalf("signers %+v, want those of %+v", d.Recipients, old.Recipients)
		}
		for _, r := range d.Recipients {
			if r.Status != "pending" || r.SignedAt != nil || r.ViewedAt != nil || r.SignatureKind != "" {
				t.Fatalf("copied recipient not fresh: %+v", r)
			}
		}
		if len(d.Fields) != len(old.Fields) || len(d.Fields) == 0 {
			t.Fatalf("%d fields, want %d", len(d.Fields), len(old.Fields))
		}
		emailOf := func(rs []signing.Recipient, id int64) string {
			for _, r := range rs {
				if r.ID == id {
					return r.Email
				}
			}
			return ""
		}
		for i, f := range d.Fields {
			o := old.Fields[i]
			if f.Kind != o.Kind || f.Page != o.Page || f.X != o.X || f.Y != o.Y || f.W != o.W || f.H != o.H || f.Required != o.Required ||
				emailOf(d.Recipients, f.RecipientID) != emailOf(old.Recipients, o.RecipientID) || f.Value != "" || f.FilledAt != nil {
				t.Fatalf("field %d: %+v, copied from %+v", i, f, o)
			}
		}
		if body := staff.do("GET", apath(d.ID, "/document"), nil).want(200).body; signing.Hash(body) != old.OriginalSHA256 || signing.Hash(origBody) != old.OriginalSHA256 {
			t.Fatal("the copy's document is not the voided agreement's")
		}

		// The voided agreement is as it was, points to the copy, and its trail still verifies:
		// the same entries, then the re-issue.
		var now signing.Detail
		staff.do("GET", apath(old.ID, ""), nil).want(200).json(&now)
		if now.Status != signing.StatusVoided || now.ClosedReason != "Amount changes" || now.OriginalSHA256 != old.OriginalSHA256 ||
			now.ReplacedBy == nil || *now.ReplacedBy != d.ID || now.Recipients[0].Status != "signed" || now.Fields[0].FilledAt == nil && old.Fields[0].FilledAt != nil {
			t.Fatalf("voided agreement changed: %+v", now)
		}
		after := trailOf(staff, old.ID)
		if !after.Chain.Intact || len(after.Events) != len(before.Events)+1 {
			t.Fatalf("old trail: %+v", after.Chain)
		}
		if !slices.Equal(after.Events[:len(before.Events)], before.Events) {
			t.Fatal("existing audit entries changed")
		}
		if last := after.Events[len(after.Events)-1]; last.Kind != signing.EventReissued || !strings.Contains(last.Detail, "as="+strconv.FormatInt(d.ID, 10)) || last.UserID != staffID {
			t.Fatalf("re-issue entry: %+v", last)
		}
		fresh := trailOf(staff, d.ID)
		if !fresh.Chain.Intact || len(fresh.Events) != 1 || fresh.Events[0].Kind != signing.EventCreated ||
			!strings.Contains(fresh.Events[0].Detail, "copied_from="+strconv.FormatInt(old.ID, 10)) {
			t.Fatalf("copy's trail: %+v", fresh)
		}

		// Re-sent once only: a second try points to the draft.
		res := staff.do("POST", apath(old.ID, "/resend"), nil).want(409)
		if res.errorBody().Message != "This agreement has already been re-sent as a new draft; open that draft instead." {
			t.Fatalf("second re-send: %s", res.body)
		}

		// The copy is sent and signed as any other, on the same document.
		staff.do("POST", apath(d.ID, "/send"), nil).want(200).json(&d)
		if d.OriginalSHA256 != old.OriginalSHA256 || len(d.Fields) != len(old.Fields) {
			t.Fatalf("sent copy: hash %s, %d fields", d.OriginalSHA256, len(d.Fields))
		}
		d = e.signBoth(d)
		if d.Status != signing.StatusCompleted || len(d.FinalSHA256) != 64 {
			t.Fatalf("copy not completed: %s", d.Status)
		}
		if tr := trailOf(staff, d.ID); !tr.Chain.Intact {
			t.Fatalf("copy's trail after signing: %+v", tr.Chain)
		}
		if tr := trailOf(staff, old.ID); !tr.Chain.Intact || len(tr.Events) != len(after.Events) {
			t.Fatalf("old trail after the copy was signed: %+v", tr.Chain)
		}
	})
}

// TestSigningResendRefused: only a voided, declined or expired agreement is re-sent, and only by
// its zone's staff or an admin; the refusals are localised.
func TestSigningResendRefused(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff, investor, admin := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor), e.as(web.RoleAdmin)
		other := e.staffOf(e.zoneB.ID)

		draft := e.draft(staff, e.sequential())
		res := staff.do("POST", apath(draft.ID, "/resend"), nil).want(409)
		if res.errorBody().Message != "This agreement is still a draft: edit it and send it." {
			t.Fatalf("draft: %s", res.body)
		}

		sent := e.sent(staff, e.sequential())
		res = staff.do("POST", apath(sent.ID, "/resend"), nil).want(409)
		if res.errorBody().Message != "This agreement is still out for signature: void it first, then re-send it as a new draft." {
			t.Fatalf("sent: %s", res.body)
		}
		staff.lang = "zh-CN"
		res = staff.do("POST", apath(sent.ID, "/resend"), nil).want(409)
		staff.lang = "en"
		if res.errorBody().Message != "该协议仍在签署中，请先作废，再重新发送为新草稿。" {
			t.Fatalf("sent, in Chinese: %s", res.body)
		}

		done := e.signBoth(e.sent(staff, e.sequential()))
		res = staff.do("POST", apath(done.ID, "/resend"), nil).want(409)
		if res.errorBody().Message != "A completed agreement (every signer has signed) cannot be re-sent." {
			t.Fatalf("completed: %s", res.body)
		}

		staff.do("POST", apath(sent.ID, "/void"), map[string]any{"reason": "Wrong party"}).want(200)
		before := trailOf(staff, sent.ID)
		// A signer of it, another zone's staff and the zone's enterprise staff may not.
		investor.do("POST", apath(sent.ID, "/resend"), nil).want(403)
		other.do("POST", apath(sent.ID, "/resend"), nil).want(403)
		e.as(web.RoleEnterprise).do("POST", apath(sent.ID, "/resend"), nil).want(403)
		e.anon().do("POST", apath(sent.ID, "/resend"), nil).want(401)
		staff.do("POST", apath(999999, "/resend"), nil).want(404)
		if after := trailOf(staff, sent.ID); len(after.Events) != len(before.Events) || !after.Chain.Intact {
			t.Fatal("a refused re-send left a trace")
		}
		var list []signing.Summary
		staff.do("GET", "/api/v1/signing/agreements?status=draft", nil).want(200).json(&list)
		if len(list) != 1 {
			t.Fatalf("%d drafts after the refusals, want the one", len(list))
		}

		// An admin may.
		var d signing.Detail
		admin.do("POST", apath(sent.ID, "/resend"), nil).want(201).json(&d)
		if d.Status != signing.StatusDraft || *d.ReplacesID != sent.ID || d.CreatedBy != e.users[web.RoleAdmin].ID {
			t.Fatalf("admin's copy: %+v", d.Agreement)
		}
	})
}

// TestSigningResendDeclinedExpired: a declined agreement and an expired one (even one whose
// expiry passed unnoticed) are re-sent too; a copy of an expired agreement gets the same signing
// period again from now, and one whose expiry is still far keeps it.
func TestSigningResendDeclinedExpired(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff, investor := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		clk := e.clock()

		declined := e.sent(staff, e.sequential())
		investor.do("POST", apath(declined.ID, "/decline"), map[string]any{"reason": "Terms need review"}).want(200)
		var d signing.Detail
		staff.do("POST", apath(declined.ID, "/resend"), nil).want(201).json(&d)
		if d.Status != signing.StatusDraft || d.ExpiresAt != nil || !sameSigners(d.Recipients, declined.Recipients) {
			t.Fatalf("copy of the declined agreement: %+v", d)
		}
		for _, r := range d.Recipients {
			if r.Status != "pending" || r.DeclineReason != "" {
				t.Fatalf("copied recipient not fresh: %+v", r)
			}
		}

		expiring := func(in time.Duration) signing.Detail {
			var x signing.Detail
			staff.do("POST", "/api/v1/signing/agreements", map[string]any{"title": "Expiring agreement", "templateId": e.template.ID, "expiresAt": clk.now().Add(in),
				"reminderHours": 24, "merge": map[string]string{"zone": "Z", "investor": "I", "project": "P", "amount": "1"}}).want(201).json(&x)
			staff.do("PUT", apath(x.ID, "/recipients"), map[string]any{"recipients": e.sequential()}).want(200)
			staff.do("POST", apath(x.ID, "/send"), nil).want(200).json(&x)
			return x
		}
		x := expiring(48 * time.Hour)
		far := expiring(30 * 24 * time.Hour)
		clk.add(72 * time.Hour)
		// Nobody noticed it expire: re-sending notes it first.
		staff.do("POST", apath(x.ID, "/resend"), nil).want(201).json(&d)
		if d.ExpiresAt == nil || d.ReminderHours != 24 {
			t.Fatalf("copy of the expired agreement: expires %v, reminders %d", d.ExpiresAt, d.ReminderHours)
		}
		if want := clk.now().Add(48 * time.Hour); d.ExpiresAt.Sub(want).Abs() > 2*time.Second {
			t.Fatalf("copy expires %v, want %v (the same 48 hours from now)", d.ExpiresAt, want)
		}
		staff.do("GET", apath(x.ID, ""), nil).want(200).json(&x)
		if x.Status != signing.StatusExpired {
			t.Fatalf("the expired agreement is %s", x.Status)
		}
		if tr := trailOf(staff, x.ID); !tr.Chain.Intact || tr.Events[len(tr.Events)-2].Kind != signing.EventExpired || tr.Events[len(tr.Events)-1].Kind != signing.EventReissued {
			t.Fatalf("expired trail: %+v", tr)
		}
		// The copy can be sent at once.
		staff.do("POST", apath(d.ID, "/send"), nil).want(200)

		// Still 27 days to go: a voided agreement's expiry is kept.
		staff.do("POST", apath(far.ID, "/void"), map[string]any{"reason": "Redo"}).want(200)
		staff.do("POST", apath(far.ID, "/resend"), nil).want(201).json(&d)
		if d.ExpiresAt == nil || !d.ExpiresAt.Equal(*far.ExpiresAt) {
			t.Fatalf("copy expires %v, want %v", d.ExpiresAt, far.ExpiresAt)
		}
	})
}
