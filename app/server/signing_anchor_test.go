package server_test

import (
	"bytes"
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"slices"
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
	t.Parallel()
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
		if v.Verdict != signing.VerdictIntact || v.Altered != signing.AlteredNone || !v.Agreement.AuditIntact ||
			v.Agreement.AuditProof != signing.ProofAnchored || v.Agreement.FileAnchor != signing.FileRecorded || len(v.Agreement.AuditProblems) != 0 {
			t.Fatalf("untouched sealed file: %+v %+v", v, v.Agreement)
		}
		sealedAt := v.Agreement.FileSeq // the entry the file records; its completion follows
		if sealedAt < second(t, e, d.ID) || v.Agreement.AuditCount < int(sealedAt)+1 {
			t.Fatalf("the file records entry %d of %d", sealedAt, v.Agreement.AuditCount)
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
		second := second(t, e, d.ID)
		prev := before.Events[second-2].Hash
		for _, attack := range []struct {
			name     string
			from     int64
			prev     string
			mac      string
			fileOnly bool                   // only the sealed file can tell
			trail    []signing.AuditProblem // what the trail check says
			kept     bool                   // the trail still holds what the file records
		}{
			{"cut before the second signature, MAC kept", second, prev, all.AuditMAC, false, []signing.AuditProblem{
				{Code: signing.ProblemHeadUnauthenticated, Entry: second - 1}, {Code: signing.ProblemNoCompletion, Found: second - 1}}, false},
			{"cut before the second signature, MAC emptied", second, prev, "", false, []signing.AuditProblem{
				{Code: signing.ProblemHeadUnauthenticated, Entry: second - 1}, {Code: signing.ProblemNoCompletion, Found: second - 1}}, false},
			{"cut of the last entry", int64(len(before.Events)), before.Events[len(before.Events)-2].Hash, all.AuditMAC, false, []signing.AuditProblem{
				{Code: signing.ProblemHeadUnauthenticated, Entry: int64(len(before.Events) - 1)}}, true},
			{"cut to a head copied earlier with its MAC", earlier.AuditSeq + 1, earlier.AuditHead, earlier.AuditMAC, true, []signing.AuditProblem{
				{Code: signing.ProblemNoCompletion, Found: earlier.AuditSeq}}, false},
		} {
			e.cut(t, d.ID, attack.from, attack.prev, attack.mac)
			var trail signing.Trail
			staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
			if trail.Chain.Intact && !attack.fileOnly || !slices.Equal(trail.Chain.Problems, attack.trail) {
				t.Errorf("%s: trail check says %v, want %v", attack.name, trail.Chain.Problems, attack.trail)
			}
			v = signing.Verdict{}
			e.anon().do("GET", "/api/v1/signing/verify?sha256="+d.FinalSHA256, nil).want(200).json(&v)
			if v.Agreement == nil || !attack.fileOnly && (v.Agreement.AuditIntact || v.Verdict != signing.VerdictAltered || v.Altered != signing.AlteredTrail) {
				t.Errorf("%s: the record by hash says %q (%s), trail intact %v", attack.name, v.Verdict, v.Altered, v.Agreement != nil && v.Agreement.AuditIntact)
			}
			v = signing.Verdict{}
			e.anon().upload("/api/v1/signing/verify", "sealed.pdf", file).want(200).json(&v)
			// The file itself is the sealed one: what changed is the trail, which ends before
			// the entry and completion the seal records (or, cut after them, fails its own check).
			shorter := signing.AuditProblem{Code: signing.ProblemTrailShorter, Found: attack.from - 1, Recorded: sealedAt + 1}
			if attack.kept {
				shorter = attack.trail[0]
			}
			if v.Verdict != signing.VerdictAltered || v.Altered != signing.AlteredTrail || v.Agreement == nil || v.Agreement.AuditIntact {
				t.Errorf("%s: sealed file verdict %q (%s)", attack.name, v.Verdict, v.Altered)
			} else if ps := v.Agreement.AuditProblems; len(ps) == 0 || ps[0] != shorter || v.Agreement.FileSeq != sealedAt {
				t.Errorf("%s: problems %v do not start with %v", attack.name, ps, shorter)
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
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		ctx := context.Background()
		staff := e.as(web.RoleZoneStaff)
		d := e.signBoth(e.sent(staff, e.sequential()))
		sealed := e.as(web.RoleInvestor).do("GET", apath(d.ID, "/sealed"), nil).want(200).body
		var trail signing.Trail
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		// Written as the server did before: the same entries in the keyed format, no head MAC.
		key := legacyAuditKey(e.app.Signing.Secret)
		e.rewriteKeyed(t, trail.Events, key)
		e.db.Exec("UPDATE signing_agreements SET audit_mac = '' WHERE id = ?", d.ID)
		var v signing.Verdict
		e.anon().do("GET", "/api/v1/signing/verify?sha256="+d.FinalSHA256, nil).want(200).json(&v)
		if v.Verdict != signing.VerdictIntact || v.Agreement == nil || !v.Agreement.AuditIntact || v.Agreement.AuditProof != signing.ProofLegacy {
			t.Fatalf("legacy trail: %+v", v.Agreement)
		}
		// A file sealed before files recorded the end of their trail verifies as before, and
		// says that only the trail's own check holds for it.
		legacy := e.legacyFile(t, d.ID, sealed)
		v = signing.Verdict{}
		e.anon().upload("/api/v1/signing/verify", "legacy.pdf", legacy).want(200).json(&v)
		if v.Verdict != signing.VerdictIntact || v.Agreement == nil || !v.Agreement.AuditIntact ||
			v.Agreement.FileAnchor != signing.FileLegacy || v.Agreement.AuditProof != signing.ProofLegacy {
			t.Fatalf("legacy file: %+v %+v", v, v.Agreement)
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
		v = signing.Verdict{}
		e.anon().upload("/api/v1/signing/verify", "legacy.pdf", legacy).want(200).json(&v)
		if v.Verdict != signing.VerdictIntact || v.Agreement.FileAnchor != signing.FileLegacy || v.Agreement.AuditProof != signing.ProofAnchored {
			t.Fatalf("legacy file after anchoring: %+v %+v", v, v.Agreement)
		}
		e.cut(t, d.ID, 3, trail.Events[1].Hash, e.head(t, d.ID).AuditMAC)
		staff.do("GET", apath(d.ID, "/audit"), nil).want(200).json(&trail)
		if trail.Chain.Intact || trail.Chain.Problems[0] != (signing.AuditProblem{Code: signing.ProblemHeadUnauthenticated, Entry: 2}) {
			t.Fatalf("a cut after anchoring: %v", trail.Chain.Problems)
		}
		v = signing.Verdict{}
		e.anon().upload("/api/v1/signing/verify", "legacy.pdf", legacy).want(200).json(&v)
		if v.Verdict != signing.VerdictAltered || v.Altered != signing.AlteredTrail || v.Agreement.FileAnchor != signing.FileLegacy {
			t.Fatalf("legacy file of a cut trail: %+v %+v", v, v.Agreement)
		}
		if n, err := e.app.Signing.KeyLegacyTrails(ctx); err != nil || n != 0 {
			t.Fatalf("a cut trail was anchored again: %d %v", n, err)
		}
	})
}

// second is the entry of agreement id's trail that holds the investor's (second) signature.
func second(t *testing.T, e *signEnv, id int64) int64 {
	t.Helper()
	var seq int64
	e.db.Raw("SELECT seq FROM signing_events WHERE agreement_id = ? AND kind = ? AND user_id = ?", id, signing.EventSigned, e.users[web.RoleInvestor].ID).Scan(&seq)
	if seq < 2 {
		t.Fatalf("agreement %d: no second signature", id)
	}
	return seq
}

// legacyFile makes agreement id's sealed file look like one sealed before sealed files recorded
// the end of their trail: the record is taken out (the same length, so the file stays a PDF)
// and the agreement's final hash follows, as it would have been at sealing.
func (e *signEnv) legacyFile(t *testing.T, id int64, file []byte) []byte {
	t.Helper()
	out := bytes.Replace(file, []byte("audit trail entry "), []byte("audit trail-entry "), 1)
	if bytes.Equal(out, file) {
		t.Fatal("the sealed file records no end of its trail")
	}
	if err := e.db.Exec("UPDATE signing_agreements SET final_sha256 = ? WHERE id = ?", signing.Hash(out), id).Error; err != nil {
		t.Fatal(err)
	}
	return out
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
