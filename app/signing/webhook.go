package signing

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// Webhook is a URL of a zone that receives its agreements' events.
type Webhook struct {
	ID        int64     `json:"id"`
	ZoneID    int64     `json:"zoneId"`
	URL       string    `json:"url" gorm:"column:url"`
	Secret    string    `json:"-"`
	Active    bool      `json:"active"`
	CreatedBy int64     `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
}

// TableName is the webhooks table.
func (Webhook) TableName() string { return "signing_webhooks" }

// Delivery is one event sent (or being retried) to one webhook.
type Delivery struct {
	ID            int64      `json:"id"`
	WebhookID     int64      `json:"webhookId"`
	AgreementID   int64      `json:"agreementId"`
	Event         string     `json:"event"`
	Payload       string     `json:"payload"`
	Status        string     `json:"status" enum:"pending,delivered,failed"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"nextAttemptAt"`
	LastStatus    int        `json:"lastStatus"`
	LastError     string     `json:"lastError"`
	CreatedAt     time.Time  `json:"createdAt"`
	DeliveredAt   *time.Time `json:"deliveredAt"`
}

// TableName is the deliveries table.
func (Delivery) TableName() string { return "signing_webhook_deliveries" }

// DefaultBackoff is the wait before each retry of a failed delivery.
var DefaultBackoff = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour}

// Payload is the JSON body of a webhook call.
type Payload struct {
	Event       string    `json:"event"`
	AgreementID int64     `json:"agreementId"`
	ZoneID      int64     `json:"zoneId"`
	Title       string    `json:"title"`
	Status      string    `json:"status"`
	FinalSHA256 string    `json:"finalSha256,omitempty"`
	At          time.Time `json:"at"`
}

func newSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

// Signature is the value of X-Zonefair-Signature for body sent at timestamp: HMAC-SHA256 with
// the webhook's secret over "<timestamp>.<body>".
func Signature(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp + "."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// enqueueHooks queues event of a for every active webhook of its zone, inside the use case's
// transaction so that no committed event is lost.
func (s *Service) enqueueHooks(ctx context.Context, tx *Store, a Agreement, event string, o *outbox) error {
	hooks, err := tx.activeWebhooks(ctx, a.ZoneID)
	if err != nil {
		return err
	}
	if len(hooks) == 0 {
		return nil
	}
	now := s.now()
	body, _ := json.Marshal(Payload{Event: event, AgreementID: a.ID, ZoneID: a.ZoneID, Title: a.Title, Status: a.Status, FinalSHA256: a.FinalSHA256, At: now})
	rows := make([]Delivery, len(hooks))
	for i, h := range hooks {
		rows[i] = Delivery{WebhookID: h.ID, AgreementID: a.ID, Event: event, Payload: string(body), Status: "pending", NextAttemptAt: now, CreatedAt: now}
	}
	o.hooks = true
	return tx.createDeliveries(ctx, rows)
}

// Hooks posts webhook calls.
type Hooks struct {
	Client *http.Client
}

// NewHooks returns a poster with a short timeout that, unless allowPrivate, refuses to connect
// to loopback, private and link-local addresses, so a zone cannot aim the server at its own
// network.
func NewHooks(allowPrivate bool) *Hooks {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip := net.ParseIP(host)
			if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast() {
				return fmt.Errorf("webhook address %s is not public", host)
			}
			return nil
		}
	}
	return &Hooks{Client: &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{DialContext: d.DialContext, Proxy: nil, MaxIdleConns: 10},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (s *Service) backoff() []time.Duration {
	if len(s.Backoff) > 0 {
		return s.Backoff
	}
	return DefaultBackoff
}

// DeliverDue sends every delivery whose time has come, once each, and returns how many it
// tried. A delivery is leased before it is sent so that several instances never send it twice
// at once.
func (s *Service) DeliverDue(ctx context.Context) (int, error) {
	now := s.now()
	due, err := s.Store.dueDeliveries(ctx, now)
	if err != nil {
		return 0, err
	}
	tried := 0
	for _, d := range due {
		lease := now.Add(2 * time.Minute)
		leased, err := s.Store.leaseDelivery(ctx, d, lease)
		if err != nil {
			return tried, err
		}
		if !leased {
			continue
		}
		tried++
		h, err := s.Store.Webhook(ctx, d.WebhookID)
		if err != nil {
			continue
		}
		status, err := s.post(ctx, h, d)
		cols := map[string]any{"attempts": d.Attempts + 1, "last_status": status, "last_error": ""}
		if err == nil && status >= 200 && status < 300 {
			cols["status"], cols["delivered_at"] = "delivered", s.now()
		} else {
			if err != nil {
				cols["last_error"] = clip(err.Error(), 490)
			} else {
				cols["last_error"] = "HTTP " + strconv.Itoa(status)
			}
			if b := s.backoff(); d.Attempts < len(b) {
				cols["next_attempt_at"] = s.now().Add(b[d.Attempts])
			} else {
				cols["status"] = "failed"
			}
		}
		if err := s.Store.updateDelivery(ctx, d.ID, cols); err != nil {
			return tried, err
		}
	}
	return tried, nil
}

func (s *Service) post(ctx context.Context, h Webhook, d Delivery) (int, error) {
	hooks := s.Hooks
	if hooks == nil {
		hooks = NewHooks(false)
	}
	ts := strconv.FormatInt(s.now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader([]byte(d.Payload)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Zonefair-Webhooks/1")
	req.Header.Set("X-Zonefair-Event", d.Event)
	req.Header.Set("X-Zonefair-Delivery", strconv.FormatInt(d.ID, 10))
	req.Header.Set("X-Zonefair-Timestamp", ts)
	req.Header.Set("X-Zonefair-Signature", Signature(h.Secret, ts, []byte(d.Payload)))
	res, err := hooks.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	return res.StatusCode, nil
}

// Run does the background work until ctx ends: webhook deliveries (at once when an event is
// queued, and on retry), expiries, reminders, and sealing left unfinished by a crash.
func (s *Service) Run(ctx context.Context) {
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		if err := s.Sweep(ctx); err != nil && !errors.Is(err, context.Canceled) {
			s.log().Error("signing sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.kicker():
		}
	}
}

// Sweep does one round of the background work.
func (s *Service) Sweep(ctx context.Context) error {
	now := s.now()
	ids, err := s.Store.pastExpiry(ctx, now)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.expire(ctx, id); err != nil {
			return err
		}
	}
	if err := s.remind(ctx, now); err != nil {
		return err
	}
	if ids, err = s.Store.unsealed(ctx); err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.Seal(ctx, id); err != nil {
			s.log().Error("seal agreement", "agreement", id, "err", err)
		}
	}
	_, err = s.DeliverDue(ctx)
	return err
}

// remind nudges the signers whose turn it is on agreements whose reminder is due.
func (s *Service) remind(ctx context.Context, now time.Time) error {
	due, err := s.Store.remindersDue(ctx, now)
	if err != nil {
		return err
	}
	for _, a := range due {
		next := now.Add(time.Duration(max(a.ReminderHours, 1)) * time.Hour)
		// Claiming the reminder by moving its time keeps several instances from sending it twice.
		claimed, err := s.Store.claimReminder(ctx, a, next)
		if err != nil {
			return err
		}
		if !claimed {
			continue
		}
		rs, err := s.Store.recipients(ctx, a.ID)
		if err != nil {
			return err
		}
		var out outbox
		step := currentStep(rs)
		for _, r := range rs {
			if Signs(r.Role) && r.Status == "pending" && r.Step == step {
				out.mail(r.UserID, msgReminder, a.Title)
			}
		}
		err = s.Store.Transaction(ctx, func(tx *Store) error {
			return s.appendEvent(ctx, tx, &Event{AgreementID: a.ID, Kind: EventReminded}, now)
		})
		if err != nil {
			return err
		}
		s.flush(ctx, a.ID, a.Status, EventReminded, out)
	}
	return nil
}
