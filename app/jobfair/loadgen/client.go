package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"zonefair/app/idleconn"
)

// Client is one user's browser: the session cookie and CSRF token of a login, over a
// connection pool to the site (the graduate's own, or one shared by the run).
type Client struct {
	Base   string
	HTTP   *fasthttp.HostClient
	UserID int64
	mu     sync.Mutex
	cookie string
	csrf   string
}

const (
	// requestTimeout counts a hung request as failed.
	requestTimeout = 15 * time.Second
	// maxAnswer bounds what one answer may hold.
	maxAnswer = 8 << 20
	// ownConns is a graduate's pool: a browser opens a few connections to a site.
	ownConns = 4
)

// NewHTTPClient is the connection pool to base shared by the employers (and by every Client
// when the site is not on this machine): enough connections for the run's concurrency.
// fasthttp rather than net/http: on a benchmark machine shared with the site, the generator's
// CPU per request is throughput taken from the site.
func NewHTTPClient(base string, conns int) (*fasthttp.HostClient, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: want http://host[:port] or https://host[:port]", base)
	}
	return newHostClient(u, nil, conns*2), nil
}

// FromOwnAddress gives graduate i a pool of its own whose connections leave from a loopback
// address of its own (127.1.x.y) when the site is on this machine: each simulated graduate is
// then a separate visitor to the site's per-address limits, as real visitors are, with no header
// the site would have to believe. Elsewhere it returns shared.
func FromOwnAddress(shared *fasthttp.HostClient, base string, i int) *fasthttp.HostClient {
	u, err := url.Parse(base)
	if err != nil {
		return shared
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback() || ip.To4() == nil) {
		return shared
	}
	return newHostClient(u, &net.TCPAddr{IP: net.IPv4(127, 1, byte(i/250), byte(i%250+1))}, ownConns)
}

func newHostClient(u *url.URL, local *net.TCPAddr, conns int) *fasthttp.HostClient {
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), map[bool]string{false: "80", true: "443"}[u.Scheme == "https"])
	}
	return &fasthttp.HostClient{
		// Only the base URL's host is ever contacted: a HostClient follows no redirect, so a
		// 3xx (a misconfigured base URL) is just a status.
		Addr:        addr,
		IsTLS:       u.Scheme == "https",
		DialTimeout: dialFrom(local),
		MaxConns:    conns,
		// A burst beyond MaxConns waits for a connection (within the request's timeout)
		// rather than failing.
		MaxConnWaitTimeout: requestTimeout,
		// Idle connections are closed well before the site's idle timeout (120 s) would.
		MaxIdleConnDuration: 10 * time.Second,
		// Never send a request again by itself: an application whose connection died may have
		// been stored, and settle decides what is retried. Do resends only what never left.
		MaxIdemponentCallAttempts: 1,
		MaxResponseBodySize:       maxAnswer,
		// Room for the site's security headers.
		ReadBufferSize:         16 << 10,
		DisablePathNormalizing: true,
		Name:                   "zonefair-loadgen",
	}
}

// dialFrom dials from local (any address when nil), with connections that notice a close by
// the site while they were idle.
func dialFrom(local *net.TCPAddr) fasthttp.DialFuncWithTimeout {
	return func(addr string, timeout time.Duration) (net.Conn, error) {
		d := net.Dialer{Timeout: 5 * time.Second}
		if timeout > 0 && timeout < d.Timeout {
			d.Timeout = timeout
		}
		if local != nil {
			d.LocalAddr = local
		}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			return nil, err
		}
		return idleconn.Wrap(c)
	}
}

// Do sends one API request (body as JSON when not nil) and decodes a 2xx JSON answer into out
// (an error answer into out when it is an *APIError). It returns the status (0 when no answer
// came) and an error for transport failures only.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.SetMethod(method)
	req.SetRequestURI(c.Base + path)
	// No Content-Type unless there is a body, as net/http.
	req.Header.SetNoDefaultContentType(true)
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		req.SetBodyRaw(b)
		req.Header.SetContentType("application/json")
	}
	req.Header.Set("Accept-Language", "en")
	c.mu.Lock()
	if c.cookie != "" {
		req.Header.SetCookie("zf_session", c.cookie)
	}
	if c.csrf != "" && method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	c.mu.Unlock()
	deadline := time.Now().Add(requestTimeout)
	ctxDeadline, byCtx := ctx.Deadline()
	if byCtx && ctxDeadline.Before(deadline) {
		deadline = ctxDeadline
	} else {
		byCtx = false
	}
	res := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseResponse(res)
	err := c.HTTP.DoDeadline(req, res, deadline)
	// A connection the site closed while idle carried nothing: the next one is another pooled
	// connection or a new one. Bounded by the pool, plus the new connection.
	for range c.HTTP.MaxConns {
		if !errors.Is(err, idleconn.ErrClosed) {
			break
		}
		err = c.HTTP.DoDeadline(req, res, deadline)
	}
	if err != nil {
		if byCtx && !time.Now().Before(deadline) {
			// Cut off by the context's deadline, which fasthttp may notice before the context's
			// own timer has run: wait for it, so callers see the context done (the end of a
			// run), not a failure of the site.
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if errors.Is(err, fasthttp.ErrBodyTooLarge) {
			return res.StatusCode(), fmt.Errorf("%s %s: answer larger than %d bytes", method, path, maxAnswer)
		}
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	status := res.StatusCode()
	res.Header.VisitAllCookie(func(key, value []byte) {
		if string(key) == "zf_session" {
			v := cookieValue(value)
			c.mu.Lock()
			c.cookie = v
			c.mu.Unlock()
		}
	})
	if out == nil {
		return status, nil
	}
	// Unmarshal copies what it keeps, so nothing refers to the answer once it is released.
	if status/100 == 2 {
		if err := json.Unmarshal(res.Body(), out); err != nil {
			return status, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	} else if e, ok := out.(*APIError); ok {
		_ = json.Unmarshal(res.Body(), e)
	}
	return status, nil
}

// cookieValue is the value of a Set-Cookie header (name=value; attributes…), unquoted as
// net/http does.
func cookieValue(setCookie []byte) string {
	v, _, _ := bytes.Cut(setCookie, []byte(";"))
	_, v, _ = bytes.Cut(v, []byte("="))
	v = bytes.TrimSpace(v)
	if len(v) > 1 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	return string(v)
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
