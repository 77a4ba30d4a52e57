package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"sync"
	"testing"

	"zonefair/app/signing"
	"zonefair/app/web"
)

// mailbag is a signing.Sender that keeps every message, so tests read the one-time codes the
// way a signer reads their mail.
type mailbag struct {
	mu   sync.Mutex
	msgs []sentMessage
}

type sentMessage struct {
	To            int64
	Subject, Body string
}

func (m *mailbag) Send(_ context.Context, to int64, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, sentMessage{to, subject, body})
	return nil
}

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

// code is the newest one-time code sent to userID.
func (m *mailbag) code(t *testing.T, userID int64) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.msgs) - 1; i >= 0; i-- {
		if msg := m.msgs[i]; msg.To == userID {
			if c := sixDigits.FindString(msg.Subject); c != "" {
				return c
			}
		}
	}
	t.Fatalf("no code was sent to user %d", userID)
	return ""
}

func (m *mailbag) to(userID int64) []sentMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []sentMessage
	for _, msg := range m.msgs {
		if msg.To == userID {
			out = append(out, msg)
		}
	}
	return out
}

// signEnv is env with a recording sender and publisher, and a template made by the admin.
type signEnv struct {
	*env
	mail     *mailbag
	pub      *recorder
	template signing.Template
}

func eachSignEnv(t *testing.T, f func(t *testing.T, e *signEnv)) {
	eachEnv(t, func(t *testing.T, base *env) {
		e := &signEnv{env: base, mail: &mailbag{}, pub: &recorder{}}
		e.app = base.instance(e.pub, t.TempDir())
		e.app.Signing.Sender = e.mail
		e.as(web.RoleAdmin).do("POST", "/api/v1/signing/templates", map[string]any{
			"nameZh": "投资合作协议", "nameEn": "Investment Cooperation Agreement",
			"bodyZh": "甲方：{{zone}}\n乙方：{{investor}}\n项目：{{project}}，投资额 {{amount}}。",
			"bodyEn": "Party A: {{zone}}\nParty B: {{investor}}\nProject: {{project}}, investment {{amount}}.",
		}).want(201).json(&e.template)
		f(t, e)
	})
}

// draft creates an agreement from the template in zone A with the given recipients.
func (e *signEnv) draft(staff *client, recipients []map[string]any) signing.Detail {
	e.t.Helper()
	var d signing.Detail
	staff.do("POST", "/api/v1/signing/agreements", map[string]any{
		"title": "精密制造项目投资协议 Precision Manufacturing Agreement", "templateId": e.template.ID,
		"merge": map[string]string{"zone": "苏州工业园区", "investor": "Rheinland Precision GmbH", "project": "精密轴承 Precision bearings", "amount": "USD 50 million"},
	}).want(201).json(&d)
	staff.do("PUT", fmt.Sprintf("/api/v1/signing/agreements/%d/recipients", d.ID), map[string]any{"recipients": recipients}).want(200).json(&d)
	return d
}

// sequential is the zone's signatory first, then the investor's.
func (e *signEnv) sequential() []map[string]any {
	return []map[string]any{
		{"userId": e.users[web.RoleZoneStaff].ID, "role": "signatory", "party": "苏州工业园区 Suzhou Industrial Park", "step": 1},
		{"userId": e.users[web.RoleInvestor].ID, "role": "signatory", "party": "Rheinland Precision GmbH", "step": 2},
	}
}

// sent drafts and sends an agreement with recipients.
func (e *signEnv) sent(staff *client, recipients []map[string]any) signing.Detail {
	e.t.Helper()
	d := e.draft(staff, recipients)
	staff.do("POST", fmt.Sprintf("/api/v1/signing/agreements/%d/send", d.ID), nil).want(200).json(&d)
	return d
}

// drawn is a PNG data URL of a stroke, as signature_pad gives.
func drawn(t *testing.T) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 400, 150))
	for x := 20; x < 380; x++ {
		img.Set(x, 75+(x%50)-25, color.NRGBA{0, 0, 0, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

func apath(id int64, rest string) string {
	return fmt.Sprintf("/api/v1/signing/agreements/%d%s", id, rest)
}

// sign requests a code as c (user userID) and signs with it.
func (e *signEnv) sign(c *client, userID, id int64, body map[string]any) response {
	e.t.Helper()
	c.do("POST", apath(id, "/code"), nil).want(200)
	body["code"] = e.mail.code(e.t, userID)
	return c.do("POST", apath(id, "/sign"), body)
}

// signBoth has the zone's signatory and then the investor sign sent agreement d of e.sequential()
// with typed names, and returns the completed agreement.
func (e *signEnv) signBoth(d signing.Detail) signing.Detail {
	e.t.Helper()
	e.sign(e.as(web.RoleZoneStaff), e.users[web.RoleZoneStaff].ID, d.ID, map[string]any{"kind": "typed", "typedName": "王芳"}).want(200)
	e.sign(e.as(web.RoleInvestor), e.users[web.RoleInvestor].ID, d.ID, map[string]any{"kind": "typed", "typedName": "Anna Schmidt"}).want(200).json(&d)
	return d
}
