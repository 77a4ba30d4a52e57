package cluster

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// maxBuffered is the largest request body the proxy holds so that it can send the request to
// another instance when the first refuses the connection (uploads are at most 12 MiB).
const maxBuffered = 16 << 20

// Proxy is a load balancer in front of the instances, as nginx would be: round-robin per
// request with no stickiness, websocket upgrades passed through, and a request whose connection
// an instance refuses (it is down) sent to the next one — safe even for a POST, since nothing
// reached the refusing instance.
type Proxy struct {
	URL      string
	backends []*url.URL
	next     atomic.Uint64
	served   []atomic.Int64
	srv      *http.Server
}

type bodyKey struct{}

// buffers lends ReverseProxy its copy buffers, which it would otherwise allocate (32 KiB) for
// every answer.
type buffers struct{}

var bufferPool = sync.Pool{New: func() any { return new([32 << 10]byte) }}

func (buffers) Get() []byte  { return bufferPool.Get().(*[32 << 10]byte)[:] }
func (buffers) Put(b []byte) { bufferPool.Put((*[32 << 10]byte)(b)) }

// NewProxy starts a proxy on a free loopback port; it stops when the test ends.
func NewProxy(tb testing.TB, backends []string) *Proxy {
	tb.Helper()
	p := &Proxy{served: make([]atomic.Int64, len(backends))}
	for _, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			tb.Fatal(err)
		}
		p.backends = append(p.backends, u)
	}
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     30 * time.Second,
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetXForwarded()
			r.Out.URL.Scheme, r.Out.URL.Host = "http", "backend"
			r.Out.Host = r.In.Host
		},
		Transport:  &failover{p: p, t: transport},
		BufferPool: buffers{},
		// Answers are passed on whole, as nginx buffers them; streamed answers (no
		// Content-Length, text/event-stream) are still flushed at once by ReverseProxy, and
		// websocket upgrades bypass this. Flushing after every write instead costs a write
		// system call and a chunk per buffer of every answer.
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, `{"error":{"code":"unavailable","message":"no instance answered"}}`)
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p.URL = "http://" + ln.Addr().String()
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			b, err := io.ReadAll(io.LimitReader(r.Body, maxBuffered+1))
			if err != nil || len(b) > maxBuffered {
				http.Error(w, "request body too large for the test proxy", http.StatusRequestEntityTooLarge)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), bodyKey{}, b))
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		rp.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = p.srv.Shutdown(ctx)
		_ = p.srv.Close()
		transport.CloseIdleConnections()
	})
	return p
}

// Served is how many requests instance i has answered through the proxy.
func (p *Proxy) Served(i int) int64 { return p.served[i].Load() }

type failover struct {
	p *Proxy
	t *http.Transport
}

func (f *failover) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := r.Context().Value(bodyKey{}).([]byte)
	start := f.p.next.Add(1)
	var err error
	for n := range len(f.p.backends) {
		i := int((start + uint64(n)) % uint64(len(f.p.backends)))
		out := r.Clone(r.Context())
		out.URL.Host = f.p.backends[i].Host
		if body != nil {
			out.Body = io.NopCloser(bytes.NewReader(body))
			out.ContentLength = int64(len(body))
		}
		var res *http.Response
		res, err = f.t.RoundTrip(out)
		if err == nil {
			f.p.served[i].Add(1)
			return res, nil
		}
		if !refused(err) {
			return nil, err
		}
	}
	return nil, err
}

// refused reports a connection that was never established, so the request did not reach the
// instance.
func refused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
