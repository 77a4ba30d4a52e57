package notify

import (
	"context"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// Mail is one plain-text email.
type Mail struct {
	To      string
	Subject string
	Text    string
}

// Sender delivers mail.
type Sender interface {
	Send(ctx context.Context, m Mail) error
}

// Stored is a mail kept in the outbox.
type Stored struct {
	ID        int64     `json:"id"`
	To        string    `json:"to" gorm:"column:recipient"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"createdAt"`
}

// TableName is the outbox table.
func (Stored) TableName() string { return "mail_outbox" }

// Outbox is the sender used when no SMTP server is configured: mail is stored for admins to
// read, so nothing is lost and a demo shows what would have been sent.
type Outbox struct{ Store *Store }

// Send stores m.
func (o *Outbox) Send(ctx context.Context, m Mail) error {
	return o.Store.AddMail(ctx, &Stored{To: m.To, Subject: m.Subject, Body: m.Text})
}

// OutboxPage is one page of the outbox, newest first.
type OutboxPage struct {
	Items []Stored `json:"items"`
	Total int64    `json:"total"`
}

// OutboxQuery pages through the outbox.
type OutboxQuery struct {
	Page     int `query:"page" validate:"omitempty,gte=1,lte=100000"`
	PageSize int `query:"pageSize" validate:"omitempty,gte=1,lte=100"`
}

// List returns one page of the outbox.
func (o *Outbox) List(ctx context.Context, q OutboxQuery) (OutboxPage, error) {
	return o.Store.Mail(ctx, "", q.withDefaults())
}

// ListTo returns one page of the outbox's mail to address.
func (o *Outbox) ListTo(ctx context.Context, address string, q OutboxQuery) (OutboxPage, error) {
	if address == "" {
		return OutboxPage{Items: []Stored{}}, nil
	}
	return o.Store.Mail(ctx, address, q.withDefaults())
}

// withDefaults is q with page 1 and 50 a page where q says nothing.
func (q OutboxQuery) withDefaults() OutboxQuery {
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PageSize == 0 {
		q.PageSize = 50
	}
	return q
}

// SMTP sends mail through an SMTP server with STARTTLS when offered and PLAIN auth when a
// user is set.
type SMTP struct {
	Addr     string // host:port
	From     string
	User     string
	Password string
	Timeout  time.Duration // default 15s
}

// Send delivers m.
func (s *SMTP) Send(ctx context.Context, m Mail) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(s.From, "\r\n") {
		return fmt.Errorf("notify: bad address")
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return err
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(tlsConfig(host)); err != nil {
			return err
		}
	}
	if s.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.From); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(message(s.From, m)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message renders m as an RFC 5322 message; the subject is encoded so Chinese survives.
func message(from string, m Mail) []byte {
	var b strings.Builder
	b.WriteString("From: " + from + "\r\n")
	b.WriteString("To: " + m.To + "\r\n")
	b.WriteString("Subject: " + mime.BEncoding.Encode("utf-8", strings.ReplaceAll(m.Subject, "\n", " ")) + "\r\n")
	b.WriteString("Date: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n", "\r\n"))
	b.WriteString("\r\n")
	return []byte(b.String())
}
