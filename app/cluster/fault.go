package cluster

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// FaultProxy relays TCP connections to a server (PostgreSQL in the tests) and can cut them all
// and refuse new ones, which is what the instances see while the database restarts.
type FaultProxy struct {
	Addr   string
	target string
	ln     net.Listener
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]struct{}
}

// NewFaultProxy relays a loopback port to target (host:port) until the test ends.
func NewFaultProxy(tb testing.TB, target string) *FaultProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	f := &FaultProxy{Addr: ln.Addr().String(), target: target, ln: ln, conns: map[net.Conn]struct{}{}}
	go f.serve()
	tb.Cleanup(func() {
		_ = ln.Close()
		f.Cut()
	})
	return f
}

// Via returns rawURL (a postgres:// URL) pointed at the proxy instead of its own host.
func (f *FaultProxy) Via(tb testing.TB, rawURL string) string {
	tb.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		tb.Fatal(err)
	}
	u.Host = f.Addr
	return u.String()
}

// Cut closes every relayed connection and refuses new ones until Restore.
func (f *FaultProxy) Cut() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = true
	for c := range f.conns {
		_ = c.Close()
	}
	clear(f.conns)
}

// Restore accepts connections again.
func (f *FaultProxy) Restore() {
	f.mu.Lock()
	f.down = false
	f.mu.Unlock()
}

func (f *FaultProxy) serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		go f.relay(c)
	}
}

func (f *FaultProxy) relay(c net.Conn) {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		_ = c.Close()
		return
	}
	s, err := net.Dial("tcp", f.target)
	if err != nil {
		_ = c.Close()
		return
	}
	f.mu.Lock()
	if f.down {
		f.mu.Unlock()
		_ = c.Close()
		_ = s.Close()
		return
	}
	f.conns[c], f.conns[s] = struct{}{}, struct{}{}
	f.mu.Unlock()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(s, c)
	go pipe(c, s)
	<-done
	_ = c.Close()
	_ = s.Close()
	f.mu.Lock()
	delete(f.conns, c)
	delete(f.conns, s)
	f.mu.Unlock()
}
