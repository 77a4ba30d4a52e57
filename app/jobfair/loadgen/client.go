package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Client is one user's browser: the session cookie and CSRF token of a login, over a transport
// shared by every user of the run.
type Client struct {
	Base   string
	HTTP   *http.Client
	UserID int64
	mu     sync.Mutex
	cookie string
	csrf   string
}

// NewHTTPClient is the transport every Client of a run shares: enough idle connections for
// the run's concurrency and a timeout that counts a hung request as failed.
func NewHTTPClient(conns int) *http.Client {
	return &http.Client{
		Timeout:   15 * time.Second,
		Transport: &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: 60 * time.Second},
		// The API never redirects; a redirect would be a misconfigured base URL.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// FromOwnAddress gives graduate i a transport of its own whose connections leave from a loopback
// address of its own (127.1.x.y) when the site is on this machine: each simulated graduate is
// then a separate visitor to the site's per-address limits, as real visitors are, with no header
// the site would have to believe. Elsewhere it returns shared.
func FromOwnAddress(shared *http.Client, base string, i int) *http.Client {
	u, err := url.Parse(base)
	if err != nil {
		return shared
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback() || ip.To4() == nil) {
		return shared
	}
	local := &net.TCPAddr{IP: net.IPv4(127, 1, byte(i/250), byte(i%250+1))}
	t := shared.Transport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost, t.MaxIdleConns = 4, 4
	t.DialContext = (&net.Dialer{LocalAddr: local, Timeout: 5 * time.Second}).DialContext
	return &http.Client{Timeout: shared.Timeout, Transport: t, CheckRedirect: shared.CheckRedirect}
}

// Do sends one API request (body as JSON when not nil) and decodes a 2xx JSON answer into out.
// It returns the status (0 when no answer came) and an error for transport failures only.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Language", "en")
	c.mu.Lock()
	if c.cookie != "" {
		req.Header.Set("Cookie", "zf_session="+c.cookie)
	}
	if c.csrf != "" && method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	c.mu.Unlock()
	res, err := c.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.Name == "zf_session" {
			c.mu.Lock()
			c.cookie = ck.Value
			c.mu.Unlock()
		}
	}
	answer := io.LimitReader(res.Body, 8<<20)
	if out == nil {
		// Read to the end, so the connection is reused, without keeping what is read.
		_, err = io.Copy(io.Discard, answer)
		return res.StatusCode, err
	}
	data, err := io.ReadAll(answer)
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			return res.StatusCode, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	if res.StatusCode/100 != 2 {
		if e, ok := out.(*APIError); ok {
			_ = json.Unmarshal(data, e)
		}
	}
	return res.StatusCode, nil
}

// APIError is the API's error body.
type APIError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type session struct {
	User struct {
		ID int64 `json:"id"`
	} `json:"user"`
	CSRFToken string `json:"csrfToken"`
}

// Register creates a graduate account and keeps its session.
func (c *Client) Register(ctx context.Context, email, password, name string) error {
	return c.auth(ctx, "/api/v1/auth/register", map[string]string{"email": email, "password": password, "name": name, "role": "graduate", "locale": "en"})
}

// Login starts a session.
func (c *Client) Login(ctx context.Context, email, password string) error {
	return c.auth(ctx, "/api/v1/auth/login", map[string]string{"email": email, "password": password})
}

func (c *Client) auth(ctx context.Context, path string, body any) error {
	var s session
	status, err := c.Do(ctx, http.MethodPost, path, body, &s)
	if err != nil {
		return err
	}
	if status/100 != 2 {
		return fmt.Errorf("POST %s: status %d", path, status)
	}
	c.mu.Lock()
	c.UserID, c.csrf = s.User.ID, s.CSRFToken
	c.mu.Unlock()
	return nil
}

// Must is Do for set-up steps: anything but a 2xx is an error naming the request.
func (c *Client) Must(ctx context.Context, method, path string, body, out any) error {
	status, err := c.Do(ctx, method, path, body, out)
	if err != nil {
		return err
	}
	if status/100 != 2 {
		return fmt.Errorf("%s %s: status %d", method, path, status)
	}
	return nil
}

func query(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if b.Len() == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(kv[i] + "=" + url.QueryEscape(kv[i+1]))
	}
	return b.String()
}
