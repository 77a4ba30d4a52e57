package server_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"zonefair/app/signing"
	"zonefair/app/web"
)

// forge recomputes an entry's hash the way the server does, with key (nil: plain SHA-256), as
// someone who knows the format but not the server secret would.
func forge(e signing.Event, key []byte) string {
	var h hash.Hash = sha256.New()
	version := "zonefair-audit-v1"
	if key != nil {
		h, version = hmac.New(sha256.New, key), "zonefair-audit-v2"
	}
	for _, part := range []string{version, e.PrevHash, strconv.FormatInt(e.AgreementID, 10), strconv.FormatInt(e.Seq, 10),
		e.Kind, strconv.FormatInt(e.UserID, 10), strconv.FormatInt(e.RecipientID, 10), e.IP, e.UserAgent, e.Detail,
		e.At.UTC().Format(time.RFC3339Nano)} {
		fmt.Fprintf(h, "%d:%s\n", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// rewrite replaces the whole trail of agreement id and its head in the database, changing the
// IP of every "signed" entry, with hashes made under key.
func (e *signEnv) rewrite(t *testing.T, events []signing.Event, key []byte) {
	t.Helper()
	prev := ""
	for _, ev := range events {
		if ev.Kind == signing.EventSigned {
			ev.IP = "198.51.100.66"
		}
		ev.PrevHash = prev
		ev.Hash = forge(ev, key)
		prev = ev.Hash
		if err := e.db.Exec("UPDATE signing_events SET ip = ?, prev_hash = ?, hash = ? WHERE id = ?", ev.IP, ev.PrevHash, ev.Hash, ev.ID).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := e.db.Exec("UPDATE signing_agreements SET audit_head = ? WHERE id = ?", prev, events[0].AgreementID).Error; err != nil {
		t.Fatal(err)
	}
}

// TestSigningAuditKeyed: the trail is keyed with the server secret, so a complete rewrite of the
// entries and the head, consistent in itself but made without the key, is found, as are an
// edited and a deleted row.
func TestSigningAuditKeyed(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff := e.as(web.RoleZoneStaff)
		d := e.sent(staff, e.sequential())
		d = e.signBoth(d)
		var before, trail signing.Trail
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&before)
		if !before.Chain.Intact || before.Chain.Unkeyed != 0 {
			t.Fatalf("untouched chain: %+v", before.Chain)
		}
		for _, ev := range before.Events {
			if ev.Hash == forge(ev, nil) {
				t.Fatalf("entry %d carries a plain SHA-256: the trail is not keyed", ev.Seq)
			}
		}
		broken := func(what string) {
			t.Helper()
			staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
			if trail.Chain.Intact || len(trail.Chain.Problems) == 0 {
				t.Fatalf("%s: reported intact", what)
			}
			var v signing.Verdict
			e.anon().do("GET", "/api/v1/signing/verify?sha256="+d.FinalSHA256, nil).want(200).json(&v)
			if v.Agreement == nil || v.Agreement.AuditIntact {
				t.Fatalf("%s: public record says the trail is intact", what)
			}
		}
		restore := func() {
			t.Helper()
			for _, ev := range before.Events {
				e.db.Exec("UPDATE signing_events SET ip = ?, detail = ?, prev_hash = ?, hash = ? WHERE id = ?", ev.IP, ev.Detail, ev.PrevHash, ev.Hash, ev.ID)
			}
			e.db.Exec("UPDATE signing_agreements SET audit_head = ? WHERE id = ?", before.Events[len(before.Events)-1].Hash, d.ID)
			staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
			if !trail.Chain.Intact {
				t.Fatalf("restored chain: %+v", trail.Chain)
			}
		}

		e.rewrite(t, before.Events, nil)
		broken("rewritten with plain SHA-256")
		restore()
		e.rewrite(t, before.Events, []byte("a guessed key"))
		broken("rewritten with another key")
		restore()
		e.db.Exec("UPDATE signing_events SET detail = ? WHERE agreement_id = ? AND kind = ?", "method=drawn", d.ID, signing.EventSigned)
		broken("edited row")
		restore()
		e.db.Exec("DELETE FROM signing_events WHERE agreement_id = ? AND seq = 2", d.ID)
		broken("deleted row")
	})
}

// TestSigningLegacyTrailKeyed: a trail written without the key (the demo seed, or a database from
// before the key) is sealed once at start by a keyed checkpoint; a rewrite afterwards is found.
func TestSigningLegacyTrailKeyed(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		ctx := context.Background()
		unkeyed := &signing.Service{Store: signing.NewStore(e.db)}
		m := signing.Meta{UserID: e.users[web.RoleZoneStaff].ID, IP: "127.0.0.1", UserAgent: "seed"}
		id, err := unkeyed.Create(ctx, m, signing.CreateInput{ZoneID: e.zoneA.ID, Title: "Legacy agreement", TemplateID: &e.template.ID,
			Merge: map[string]string{"zone": "A", "investor": "B", "project": "C", "amount": "D"}})
		if err != nil {
			t.Fatal(err)
		}
		staff := e.as(web.RoleZoneStaff)
		var trail signing.Trail
		staff.do("GET", apath(id, "/audit"), nil).want(200).json(&trail)
		if trail.Chain.Intact {
			t.Fatal("an unkeyed trail passed before it was sealed by the key")
		}
		// A broken unkeyed trail is not sealed.
		broken, err := unkeyed.Create(ctx, m, signing.CreateInput{ZoneID: e.zoneA.ID, Title: "Broken legacy", TemplateID: &e.template.ID,
			Merge: map[string]string{"zone": "A", "investor": "B", "project": "C", "amount": "D"}})
		if err != nil {
			t.Fatal(err)
		}
		e.db.Exec("UPDATE signing_events SET ip = ? WHERE agreement_id = ?", "198.51.100.1", broken)
		for run, want := range []int{1, 0} { // the second run finds nothing left to do
			if n, err := e.app.Signing.KeyLegacyTrails(ctx); err != nil || n != want {
				t.Fatalf("run %d sealed %d trails, want %d: %v", run+1, n, want, err)
			}
		}
		staff.do("GET", apath(broken, "/audit"), nil).want(200).json(&trail)
		if trail.Chain.Intact {
			t.Fatal("a broken unkeyed trail was sealed")
		}
		staff.do("GET", apath(id, "/audit"), nil).want(200).json(&trail)
		last := trail.Events[len(trail.Events)-1]
		if !trail.Chain.Intact || trail.Chain.Unkeyed != 1 || len(trail.Events) != 2 || last.Kind != signing.EventKeyed {
			t.Fatalf("sealed legacy trail: %+v %+v", trail.Chain, trail.Events)
		}
		// Once the database is keyed, a rewrite of a whole trail without the key is found, and
		// the next start does not seal it again.
		e.draft(staff, e.sequential())
		e.rewrite(t, trail.Events, nil)
		if n, err := e.app.Signing.KeyLegacyTrails(ctx); err != nil || n != 0 {
			t.Fatalf("a rewritten trail was sealed again: %d %v", n, err)
		}
		staff.do("GET", apath(id, "/audit"), nil).want(200).json(&trail)
		if trail.Chain.Intact || !slices.ContainsFunc(trail.Chain.Problems, func(p signing.AuditProblem) bool {
			return p.Code == signing.ProblemUnkeyedStart && p.Entry == int64(len(trail.Events))
		}) {
			t.Fatalf("unkeyed rewrite after sealing: %+v", trail.Chain)
		}
	})
}

// TestSigningCeremonyInBriefing: an agreement linked to a briefing that is live when the last
// signer signs shows the ceremony in that briefing's room; one whose briefing is not live does not.
func TestSigningCeremonyInBriefing(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff := e.as(web.RoleZoneStaff)
		live := e.schedule(staff, "public", e.zoneA.ID, nil)
		later := e.schedule(staff, "public", e.zoneA.ID, map[string]any{
			"startsAt": time.Now().UTC().Add(24 * time.Hour), "endsAt": time.Now().UTC().Add(26 * time.Hour)})
		staff.do("POST", bpath(live.ID, "/start"), nil).want(200)
		for _, b := range []int64{live.ID, later.ID} {
			d := e.draft(staff, e.sequential())
			staff.do("PATCH", apath(d.ID, ""), map[string]any{"briefingId": b}).want(200)
			staff.do("POST", apath(d.ID, "/send"), nil).want(200).json(&d)
			d = e.signBoth(d)
			if d.Status != signing.StatusCompleted {
				t.Fatalf("status %s", d.Status)
			}
		}
		var ceremonies []publication
		for _, p := range e.pub.on(fmt.Sprintf("briefing:%d", live.ID)) {
			if p.Kind == "signing.ceremony" {
				ceremonies = append(ceremonies, p)
			}
		}
		if len(ceremonies) != 1 {
			t.Fatalf("live briefing got %d ceremonies", len(ceremonies))
		}
		data := ceremonies[0].Data.(map[string]any)
		if parties := data["parties"].([]string); len(parties) != 2 || !strings.Contains(data["title"].(string), "Precision") {
			t.Fatalf("ceremony %+v", data)
		}
		for _, p := range e.pub.on(fmt.Sprintf("briefing:%d", later.ID)) {
			if p.Kind == "signing.ceremony" {
				t.Fatal("a ceremony was shown in a briefing that is not live")
			}
		}
	})
}

// TestSigningViewedAndDated (audit of issue 6): a recipient's look at the draft is not recorded
// as "viewed" (the document may still change), their first look once it is sent is, after
// "sent"; and a date field shows the day in Beijing, where the zone signs: a signature at 01:30
// in Suzhou (17:30 UTC the day before) is dated that day.
func TestSigningViewedAndDated(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		clk := e.clock()
		now := time.Now().UTC()
		clk.at = time.Date(now.Year(), now.Month(), now.Day(), 17, 30, 0, 0, time.UTC)
		staff := e.as(web.RoleZoneStaff)
		d := e.draft(staff, e.sequential())
		staff.do("GET", apath(d.ID, "/document"), nil).want(200)
		staff.do("POST", apath(d.ID, "/send"), nil).want(200).json(&d)
		staff.do("GET", apath(d.ID, "/document"), nil).want(200)
		staff.do("GET", apath(d.ID, "/document"), nil).want(200)
		var trail signing.Trail
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		var kinds []string
		for _, ev := range trail.Events {
			kinds = append(kinds, ev.Kind)
		}
		if got := strings.Join(kinds, ","); got != "created,sent,viewed" {
			t.Fatalf("trail %s, want created,sent,viewed", got)
		}

		e.sign(staff, e.users[web.RoleZoneStaff].ID, d.ID, map[string]any{"kind": "typed", "typedName": "王芳"}).want(200).json(&d)
		want := clk.now().Add(8 * time.Hour).Format("2006-01-02")
		dated := 0
		for _, f := range d.Fields {
			if f.Kind == signing.FieldDate && f.RecipientID == d.Recipients[0].ID {
				dated++
				if f.Value != want {
					t.Fatalf("date field %q for a signature at %s, want the Beijing day %s", f.Value, clk.now(), want)
				}
			}
		}
		if dated != 1 {
			t.Fatalf("%d date fields of the zone's signer", dated)
		}
	})
}
