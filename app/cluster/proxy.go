package cluster

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"zonefair/app/idleconn"
)

// maxBuffered is the largest request body the proxy holds so that it can send the request to
// another instance when the first refuses the connection (uploads are at most 12 MiB).
const maxBuffered = 16 << 20

// ioTimeout bounds reading or writing a whole request or answer: slow uploads and long answers
// fit in it.
const ioTimeout = 60 * time.Second

// Proxy is a load balancer in front of the instances, as nginx would be: round-robin per
// request with no stickiness, websocket upgrades passed through, and a request whose connection
// an instance refuses (it is down) sent to the next one — safe even for a POST, since nothing
// reached the refusing instance.
//
// It is built on fasthttp rather than net/http: it shares two cores with the instances,
// PostgreSQL, Redis and the load generator in the benchmark, so its CPU is their throughput.
type Proxy struct {
	URL      string
	addrs    []string
	clients  []*fasthttp.HostClient
	next     atomic.Uint64
	served   []atomic.Int64
	srv      *fasthttp.Server
	dialer   net.Dialer
	mu       sync.Mutex
	closed   bool
	tunneled map[net.Conn]struct{} // both ends of every websocket, closed when the test ends
}

// NewProxy starts a proxy on a free loopback port; it stops when the test ends.
func NewProxy(tb testing.TB, backends []string) *Proxy {
	tb.Helper()
	p := &Proxy{
		served:   make([]atomic.Int64, len(backends)),
		dialer:   net.Dialer{Timeout: 2 * time.Second},
		tunneled: map[net.Conn]struct{}{},
	}
	for _, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			tb.Fatal(err)
		}
		p.addrs = append(p.addrs, u.Host)
		p.clients = append(p.clients, &fasthttp.HostClient{
			Addr: u.Host,
			Dial: p.dial,
			// A burst beyond MaxConns waits for a connection rather than failing.
			MaxConns:           512,
			MaxConnWaitTimeout: ioTimeout,
			ReadTimeout:        ioTimeout,
			WriteTimeout:       ioTimeout,
			ReadBufferSize:     16 << 10,
			// The proxy decides itself what may be sent again (serve): fasthttp would repeat a
			// POST whose connection closed before the answer, though it may have reached the
			// instance.
			MaxIdemponentCallAttempts: 1,
			// Answers without a Content-Length are passed on as they come (serve).
			StreamResponseBody:       true,
			DisablePathNormalizing:   true,
			NoDefaultUserAgentHeader: true,
		})
	}
	p.srv = &fasthttp.Server{
		Handler:            p.serve,
		ReadTimeout:        ioTimeout,
		WriteTimeout:       ioTimeout,
		ReadBufferSize:     16 << 10,
		MaxRequestBodySize: maxBuffered,
		ErrorHandler: func(ctx *fasthttp.RequestCtx, err error) {
			if errors.Is(err, fasthttp.ErrBodyTooLarge) {
				// 413 as with net/http; fasthttp would answer 400.
				ctx.Error("request body too large for the test proxy", fasthttp.StatusRequestEntityTooLarge)
				return
			}
			ctx.Error(err.Error(), fasthttp.StatusBadRequest)
		},
		// Bodies are passed on as they are, never parsed here.
		DisablePreParseMultipartForm: true,
		NoDefaultServerHeader:        true,
		NoDefaultContentType:         true,
		// Websocket tunnels close their client connection themselves (tunnel).
		KeepHijackedConns: true,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p.URL = "http://" + ln.Addr().String()
	go func() { _ = p.srv.Serve(ln) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = p.srv.ShutdownWithContext(ctx)
		p.mu.Lock()
		p.closed = true
		for c := range p.tunneled {
			_ = c.Close()
		}
		p.mu.Unlock()
		for _, c := range p.clients {
			c.CloseIdleConnections()
		}
	})
	return p
}

// Served is how many requests instance i has answered through the proxy.
func (p *Proxy) Served(i int) int64 { return p.served[i].Load() }

// serve sends a request to the instances in turn from the next in the round, going on only
// while nothing has reached one.
func (p *Proxy) serve(ctx *fasthttp.RequestCtx) {
	h := &ctx.Request.Header
	ip := ctx.RemoteIP().String()
	if prior := h.Peek("X-Forwarded-For"); len(prior) > 0 {
		ip = string(prior) + ", " + ip
	}
	h.Set("X-Forwarded-For", ip)
	h.SetBytesV("X-Forwarded-Host", h.Host())
	h.Set("X-Forwarded-Proto", "http")
	if h.ConnectionUpgrade() {
		p.upgrade(ctx)
		return
	}
	// The Host the client sent goes on as it is, not as fasthttp normalises the parsed URI.
	ctx.Request.UseHostHeader = true
	start := p.next.Add(1)
	for n := 0; n < len(p.clients); {
		i := int((start + uint64(n)) % uint64(len(p.clients)))
		err := p.clients[i].Do(&ctx.Request, &ctx.Response)
		switch {
		case err == nil:
			p.served[i].Add(1)
			// Connection is between the proxy and each side, as in net/http's ReverseProxy.
			ctx.Response.Header.ResetConnectionClose()
			if ctx.Response.Header.ContentLength() >= 0 {
				// The whole answer has been read: closing the stream hands the connection
				// back and leaves the body to be sent with its Content-Length.
				_ = ctx.Response.CloseBodyStream()
			} else {
				// Streamed (text/event-stream, chunked): every chunk is flushed as it comes.
				ctx.Response.ImmediateHeaderFlush = true
			}
			return
		case errors.Is(err, idleconn.ErrClosed):
			// Same instance again: the next connection is another pooled one or a new one.
		case refused(err):
			n++
		default:
			n = len(p.clients)
		}
	}
	unavailable(ctx)
}

func unavailable(ctx *fasthttp.RequestCtx) {
	ctx.Response.Reset()
	ctx.SetStatusCode(fasthttp.StatusBadGateway)
	ctx.SetContentType("application/json")
	ctx.SetBodyString(`{"error":{"code":"unavailable","message":"no instance answered"}}`)
}

// upgrade passes a websocket (or any Connection: Upgrade) request to an instance and then
// relays bytes both ways on the client's connection, taken over from the server.
func (p *Proxy) upgrade(ctx *fasthttp.RequestCtx) {
	start := p.next.Add(1)
	for n := range len(p.addrs) {
		i := int((start + uint64(n)) % uint64(len(p.addrs)))
		backend, err := p.dialer.Dial("tcp", p.addrs[i])
		if err != nil {
			continue // nothing reached the instance
		}
		if !p.track(backend) {
			break
		}
		request := net.Buffers{ctx.Request.Header.Header(), ctx.Request.Body()}
		if _, err := request.WriteTo(backend); err != nil {
			p.untrack(backend)
			break
		}
		p.served[i].Add(1)
		// The instance answers the upgrade itself, through the tunnel.
		ctx.HijackSetNoResponse(true)
		ctx.Hijack(func(client net.Conn) { p.tunnel(client, backend) })
		return
	}
	unavailable(ctx)
}

// tunnel copies bytes both ways until either side closes, then closes both: a client whose
// instance dies sees its connection drop, and reconnects.
func (p *Proxy) tunnel(client, backend net.Conn) {
	defer p.untrack(backend)
	if !p.track(client) {
		return
	}
	defer p.untrack(client)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(client, backend)
		_ = client.Close()
	}()
	_, _ = io.Copy(backend, client)
	_ = backend.Close()
	<-done
}

// track registers a connection to be closed when the test ends; false (and it is closed) if the
// test has already ended.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_ = c.Close()
		return false
	}
	p.tunneled[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	_ = c.Close()
	p.mu.Lock()
	delete(p.tunneled, c)
	p.mu.Unlock()
}

// refused reports a connection that was never established, so the request did not reach the
// instance.
func refused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func (p *Proxy) dial(addr string) (net.Conn, error) {
	c, err := p.dialer.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return idleconn.Wrap(c)
}
