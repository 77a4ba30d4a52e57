package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zonefair/app/signing"
	"zonefair/app/web"
)

// hookSink is a webhook receiver on 127.0.0.1 that fails its first failFirst calls.
type hookSink struct {
	mu        sync.Mutex
	failFirst int
	calls     []http.Header
	bodies    [][]byte
}

func (h *hookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, r.Header.Clone())
	h.bodies = append(h.bodies, body)
	if len(h.calls) <= h.failFirst {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// TestSigningWebhooks delivers agreement events to a zone's URL, signed with HMAC-SHA256 over
// timestamp and body, retries a failing receiver, and shows the log to the zone only.
func TestSigningWebhooks(t *testing.T) {
	t.Parallel()
	eachSignEnv(t, func(t *testing.T, e *signEnv) {
		sink := &hookSink{failFirst: 1}
		srv := httptest.NewServer(sink)
		defer srv.Close()
		svc := e.app.Signing
		svc.Hooks = signing.NewHooks(true)
		svc.Backoff = []time.Duration{time.Millisecond, time.Millisecond}

		staff, ent := e.as(web.RoleZoneStaff), e.as(web.RoleEnterprise)
		var hook signing.WebhookCreated
		staff.do("POST", fmt.Sprintf("/api/v1/zones/%d/signing/webhooks", e.zoneA.ID), map[string]any{"url": srv.URL + "/hook"}).want(201).json(&hook)
		if !strings.HasPrefix(hook.Secret, "whsec_") {
			t.Fatalf("secret %q", hook.Secret)
		}
		staff.do("POST", fmt.Sprintf("/api/v1/zones/%d/signing/webhooks", e.zoneB.ID), map[string]any{"url": srv.URL}).want(403)
		staff.do("POST", fmt.Sprintf("/api/v1/zones/%d/signing/webhooks", e.zoneA.ID), map[string]any{"url": "ftp://example.test"}).want(400)

		d := e.sent(staff, e.sequential())
		ctx := context.Background()
		// The first call fails and is retried after the backoff.
		deadline := time.Now().Add(10 * time.Second)
		var log []signing.Delivery
		for {
			if _, err := svc.DeliverDue(ctx); err != nil {
				t.Fatal(err)
			}
			staff.do("GET", fmt.Sprintf("/api/v1/signing/webhooks/%d/deliveries", hook.ID), nil).want(200).json(&log)
			if len(log) == 1 && log[0].Status == "delivered" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("not delivered: %+v", log)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if log[0].Attempts != 2 || log[0].Event != "sent" || log[0].LastStatus != 204 {
			t.Fatalf("delivery %+v", log[0])
		}
		sink.mu.Lock()
		h, body := sink.calls[1], sink.bodies[1]
		sink.mu.Unlock()
		if h.Get("X-Zonefair-Signature") != signing.Signature(hook.Secret, h.Get("X-Zonefair-Timestamp"), body) {
			t.Fatal("signature header does not match HMAC-SHA256 over timestamp and body")
		}
		if signing.Signature("whsec_other", h.Get("X-Zonefair-Timestamp"), body) == h.Get("X-Zonefair-Signature") {
			t.Fatal("signature does not depend on the secret")
		}
		var p signing.Payload
		if err := json.Unmarshal(body, &p); err != nil || p.AgreementID != d.ID || p.Event != "sent" {
			t.Fatalf("payload %s", body)
		}

		ent.do("GET", fmt.Sprintf("/api/v1/signing/webhooks/%d/deliveries", hook.ID), nil).want(403)
		e.as(web.RoleAdmin).do("GET", fmt.Sprintf("/api/v1/signing/webhooks/%d/deliveries", hook.ID), nil).want(200)

		// The production client refuses to call loopback addresses.
		svc.Hooks = signing.NewHooks(false)
		staff.do("POST", apath(d.ID, "/void"), map[string]any{"reason": "test"}).want(200)
		if _, err := svc.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		staff.do("GET", fmt.Sprintf("/api/v1/signing/webhooks/%d/deliveries", hook.ID), nil).want(200).json(&log)
		if log[0].Event != "voided" || log[0].Status != "pending" || !strings.Contains(log[0].LastError, "not public") {
			t.Fatalf("loopback delivery: %+v", log[0])
		}
		staff.do("DELETE", fmt.Sprintf("/api/v1/signing/webhooks/%d", hook.ID), nil).want(204)
	})
}
