package server_test

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"strings"
	"testing"

	"zonefair/app/signing"
	"zonefair/app/web"
)

// agreementHead is the stored head of an agreement's trail.
type agreementHead struct {
	AuditSeq  int64
	AuditHead string
	AuditMAC  string
}

func (e *signEnv) head(t *testing.T, id int64) agreementHead {
	t.Helper()
	var h agreementHead
	if err := e.db.Raw("SELECT audit_seq, audit_head, audit_mac FROM signing_agreements WHERE id = ?", id).Scan(&h).Error; err != nil {
		t.Fatal(err)
	}
	return h
}

// cut deletes the entries of agreement id from seq from on and sets its head back to entry
// from-1 (hash prev), with mac as its head MAC: what someone who can write every table, but
// does not hold the server secret, can do.
func (e *signEnv) cut(t *testing.T, id, from int64, prev, mac string) {
	t.Helper()
	if err := e.db.Exec("DELETE FROM signing_events WHERE agreement_id = ? AND seq >= ?", id, from).Error; err != nil {
		t.Fatal(err)
	}
	if err := e.db.Exec("UPDATE signing_agreements SET audit_seq = ?, audit_head = ?, audit_mac = ? WHERE id = ?", from-1, prev, mac, id).Error; err != nil {
		t.Fatal(err)
	}
}

// TestSigningAuditCutFound: a completed agreement's trail cut back before the second signature
// (its count and head set back to the entry before, as the server would have left them) is
// found by the trail check, by the public record and by the verification of the sealed file,
// which names where the trail ends; so is a trail cut back to an earlier head whose MAC was
// copied while it was the head, by the sealed file, which records the end at sealing.
func TestSigningAuditCutFound(t *testing.T) {
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		staff, investor := e.as(web.RoleZoneStaff), e.as(web.RoleInvestor)
		d := e.sent(staff, e.sequential())
		e.sign(staff, e.users[web.RoleZoneStaff].ID, d.ID, map[string]any{"kind": "typed", "typedName": "王芳"}).want(200)
		earlier := e.head(t, d.ID) // what a watcher of the database could copy before the second signature
		e.sign(investor, e.users[web.RoleInvestor].ID, d.ID, map[string]any{"kind": "typed", "typedName": "Anna Schmidt"}).want(200).json(&d)
		if d.Status != signing.StatusCompleted {
			t.Fatalf("status %s", d.Status)
		}
		file := investor.do("GET", apath(d.ID, "/sealed"), nil).want(200).body
		var before signing.Trail
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&before)
		if !before.Chain.Intact || !before.Chain.Anchored {
			t.Fatalf("untouched trail: %+v", before.Chain)
		}
		var v signing.Verdict
		e.anon().upload("/api/v1/signing/verify", "sealed.pdf", file).want(200).json(&v)
		if v.Verdict != signing.VerdictIntact || !v.Agreement.AuditIntact || !strings.Contains(v.Agreement.AuditProof, "sealed file records the end") {
			t.Fatalf("untouched sealed file: %+v %+v", v, v.Agreement)
		}
		all := e.head(t, d.ID)
		restore := func() {
			t.Helper()
			for _, ev := range before.Events {
				ev.ID = 0
				e.db.Exec("DELETE FROM signing_events WHERE agreement_id = ? AND seq = ?", ev.AgreementID, ev.Seq)
				if err := e.db.Create(&ev).Error; err != nil {
					t.Fatal(err)
				}
			}
			e.db.Exec("UPDATE signing_agreements SET audit_seq = ?, audit_head = ?, audit_mac = ? WHERE id = ?", all.AuditSeq, all.AuditHead, all.AuditMAC, d.ID)
		}
		var second int64
		for _, ev := range before.Events {
			if ev.Kind == signing.EventSigned && ev.UserID == e.users[web.RoleInvestor].ID {
				second = ev.Seq
			}
		}
		if second < 2 {
			t.Fatalf("no second signature in %+v", before.Events)
		}
		prev := before.Events[second-2].Hash
		for _, attack := range []struct {
			name     string
			from     int64
			prev     string
			mac      string
			fileOnly bool // only the sealed file can tell
		}{
			{"cut before the second signature, MAC kept", second, prev, all.AuditMAC, false},
			{"cut before the second signature, MAC emptied", second, prev, "", false},
			{"cut of the last entry", int64(len(before.Events)), before.Events[len(before.Events)-2].Hash, all.AuditMAC, false},
			{"cut to a head copied earlier with its MAC", earlier.AuditSeq + 1, earlier.AuditHead, earlier.AuditMAC, true},
		} {
			e.cut(t, d.ID, attack.from, attack.prev, attack.mac)
			var trail signing.Trail
			staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
			if trail.Chain.Intact && !attack.fileOnly {
				t.Errorf("%s: trail check says intact", attack.name)
			}
			e.anon().do("GET", "/api/v1/signing/verify?sha256="+d.FinalSHA256, nil).want(200).json(&v)
			if v.Agreement == nil || v.Agreement.AuditIntact && !attack.fileOnly {
				t.Errorf("%s: public record says the trail is intact", attack.name)
			}
			v = signing.Verdict{}
			e.anon().upload("/api/v1/signing/verify", "sealed.pdf", file).want(200).json(&v)
			if v.Verdict != signing.VerdictAltered || v.Agreement == nil || v.Agreement.AuditIntact {
				t.Errorf("%s: sealed file verdict %q", attack.name, v.Verdict)
			} else if where := strings.Join(v.Agreement.AuditProblems, " "); !strings.Contains(where, "trail ends at entry") {
				t.Errorf("%s: problems do not say where the trail ends: %q", attack.name, where)
			}
			restore()
		}
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&before)
		if !before.Chain.Intact {
			t.Fatalf("restored trail: %+v", before.Chain)
		}
	})
}

// TestSigningLegacyTrailAnchored: a trail from before its head was authenticated (keyed
// entries, no head MAC) verifies and says what it cannot prove; the start after the upgrade
// anchors it once, after which a cut is found.
func TestSigningLegacyTrailAnchored(t *testing.T) {
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		ctx := context.Background()
		staff := e.as(web.RoleZoneStaff)
		d := e.signBoth(e.sent(staff, e.sequential()))
		var trail signing.Trail
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		// Written as the server did before: the same entries in the keyed format, no head MAC.
		key := legacyAuditKey(e.app.Signing.Secret)
		e.rewriteKeyed(t, trail.Events, key)
		e.db.Exec("UPDATE signing_agreements SET audit_mac = '' WHERE id = ?", d.ID)
		var v signing.Verdict
		e.anon().do("GET", "/api/v1/signing/verify?sha256="+d.FinalSHA256, nil).want(200).json(&v)
		if v.Agreement == nil || !v.Agreement.AuditIntact || !strings.Contains(v.Agreement.AuditProof, "length was not") {
			t.Fatalf("legacy trail: %+v", v.Agreement)
		}
		for run, want := range []int{1, 0} {
			if n, err := e.app.Signing.KeyLegacyTrails(ctx); err != nil || n != want {
				t.Fatalf("run %d anchored %d trails, want %d: %v", run+1, n, want, err)
			}
		}
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		last := trail.Events[len(trail.Events)-1]
		if !trail.Chain.Intact || !trail.Chain.Anchored || last.Kind != signing.EventAnchored {
			t.Fatalf("anchored legacy trail: %+v %+v", trail.Chain, last)
		}
		e.cut(t, d.ID, 3, trail.Events[1].Hash, e.head(t, d.ID).AuditMAC)
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		if trail.Chain.Intact {
			t.Fatal("a cut after anchoring reported intact")
		}
		if n, err := e.app.Signing.KeyLegacyTrails(ctx); err != nil || n != 0 {
			t.Fatalf("a cut trail was anchored again: %d %v", n, err)
		}
	})
}

// legacyAuditKey derives the audit key from the server secret as the server does.
func legacyAuditKey(secret []byte) []byte {
	k, err := hkdf.Key(sha256.New, secret, []byte("zonefair"), "zonefair signing audit chain", 32)
	if err != nil {
		panic(err)
	}
	return k
}

// rewriteKeyed writes events again, unchanged, in the keyed format of before the head MAC.
func (e *signEnv) rewriteKeyed(t *testing.T, events []signing.Event, key []byte) {
	t.Helper()
	prev := ""
	for _, ev := range events {
		ev.PrevHash = prev
		ev.Hash = forge(ev, key)
		prev = ev.Hash
		if err := e.db.Exec("UPDATE signing_events SET prev_hash = ?, hash = ? WHERE id = ?", ev.PrevHash, ev.Hash, ev.ID).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := e.db.Exec("UPDATE signing_agreements SET audit_head = ? WHERE id = ?", prev, events[0].AgreementID).Error; err != nil {
		t.Fatal(err)
	}
}
