package policy_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"zonefair/app/actor"
	"zonefair/app/errs"
	"zonefair/app/policy"
	"zonefair/app/testenv"
)

// TestPolicyAttachments: a policy's managers attach PDFs (checked by content, ten at most) that
// readers download while the policy is visible to them; removing an attachment or the policy
// removes the files from disk.
func TestPolicyAttachments(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		d.svc.UploadDir = t.TempDir()
		pol := d.create(d.staff, false, func(in *policy.Input) { in.Level = policy.ZoneLevel })
		body := testenv.PDF("Application form")
		a, err := d.svc.Attach(d.ctx, pol.ID, d.staff, "申请表.pdf", body)
		if err != nil {
			t.Fatal(err)
		}
		if a.PolicyID != pol.ID || a.Name != "申请表.pdf" || a.Size != int64(len(body)) || a.Pages != 1 || a.URL == "" {
			t.Fatalf("attachment: %+v", a)
		}
		unnamed, err := d.svc.Attach(d.ctx, pol.ID, d.admin, "", testenv.PDF("Notice"))
		if err != nil || unnamed.Name != "attachment.pdf" {
			t.Fatalf("an attachment without a name: %+v, %v", unnamed, err)
		}
		_, err = d.svc.Attach(d.ctx, pol.ID, d.staff, "notes.pdf", []byte("not a PDF at all"))
		testenv.Refused(t, "a file that is no PDF", err, errs.ErrUnsupported, "upload.pdf")
		xianStaff := d.user(actor.RoleZoneStaff, &d.xian.ID, "")
		if _, err := d.svc.Attach(d.ctx, pol.ID, xianStaff, "x.pdf", body); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("another zone's staff attaching: %v", err)
		}

		got, err := d.svc.Get(d.ctx, pol.ID, d.staff)
		if err != nil || len(got.Attachments) != 2 || got.Attachments[0].ID != a.ID || got.Attachments[1].ID != unnamed.ID {
			t.Fatalf("the policy's attachments in order: %+v, %v", got.Attachments, err)
		}
		// A draft's attachment is hidden from readers as the draft is.
		if _, _, err := d.svc.AttachmentFile(d.ctx, pol.ID, a.ID, nil); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("a draft's attachment to an anonymous reader: %v", err)
		}
		if _, err := d.svc.Publish(d.ctx, pol.ID, d.staff); err != nil {
			t.Fatal(err)
		}
		file, data, err := d.svc.AttachmentFile(d.ctx, pol.ID, a.ID, nil)
		if err != nil || file.Name != a.Name || !bytes.Equal(data, body) {
			t.Fatalf("the published policy's attachment: %+v, %d bytes, %v", file, len(data), err)
		}
		other := d.create(d.staff, true, func(in *policy.Input) { in.Level = policy.ZoneLevel })
		if _, _, err := d.svc.AttachmentFile(d.ctx, other.ID, a.ID, nil); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("an attachment read under another policy: %v", err)
		}
		if err := d.svc.Detach(d.ctx, other.ID, a.ID, d.staff); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("an attachment removed under another policy: %v", err)
		}

		for i := 2; i < 10; i++ {
			if _, err := d.svc.Attach(d.ctx, pol.ID, d.staff, "more.pdf", body); err != nil {
				t.Fatalf("attachment %d: %v", i+1, err)
			}
		}
		_, err = d.svc.Attach(d.ctx, pol.ID, d.staff, "eleventh.pdf", body)
		testenv.Refused(t, "an eleventh attachment", err, errs.ErrConflict, "policy.attachments_full")

		files := func() int {
			t.Helper()
			entries, err := os.ReadDir(filepath.Join(d.svc.UploadDir, "policies", itoa(pol.ID)))
			if errors.Is(err, os.ErrNotExist) {
				return 0
			}
			if err != nil {
				t.Fatal(err)
			}
			return len(entries)
		}
		if n := files(); n != 10 {
			t.Fatalf("%d files on disk for 10 attachments", n)
		}
		if err := d.svc.Detach(d.ctx, pol.ID, a.ID, xianStaff); !errors.Is(err, errs.ErrForbidden) {
			t.Fatalf("another zone's staff removing an attachment: %v", err)
		}
		if err := d.svc.Detach(d.ctx, pol.ID, a.ID, d.staff); err != nil {
			t.Fatal(err)
		}
		if _, _, err := d.svc.AttachmentFile(d.ctx, pol.ID, a.ID, nil); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("a removed attachment: %v", err)
		}
		if n := files(); n != 9 {
			t.Fatalf("%d files on disk after removing one of 10", n)
		}
		if err := d.svc.Delete(d.ctx, pol.ID, d.staff); err != nil {
			t.Fatal(err)
		}
		if n := files(); n != 0 {
			t.Fatalf("%d files left on disk by a deleted policy", n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
