package cluster_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"zonefair/app/cluster"
)

// The proxy's own behaviours, on plain HTTP servers standing in for instances.

func echo(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Instance", name)
		_, _ = io.WriteString(w, name+" "+r.Method+" "+r.Host+" "+r.Header.Get("X-Forwarded-For")+" "+
			r.Header.Get("X-Forwarded-Host")+" "+r.Header.Get("X-Forwarded-Proto")+" "+r.URL.RequestURI()+" "+string(body))
	})
}

func TestProxySpreadsAndPassesHeaders(t *testing.T) {
	a, b := httptest.NewServer(echo("a")), httptest.NewServer(echo("b"))
	defer a.Close()
	defer b.Close()
	p := cluster.NewProxy(t, []string{a.URL, b.URL})
	seen := map[string]int{}
	for range 10 {
		req, _ := http.NewRequest("POST", p.URL+"/x/%2Fy?q=1&r=%20", strings.NewReader("body"))
		req.Host = "Example.TEST:8080"
		req.Header.Set("X-Forwarded-For", "10.0.0.1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		name, rest, _ := strings.Cut(string(got), " ")
		seen[name]++
		if want := "POST Example.TEST:8080 10.0.0.1, 127.0.0.1 Example.TEST:8080 http /x/%2Fy?q=1&r=%20 body"; rest != want {
			t.Fatalf("instance saw %q, want %q", rest, want)
		}
	}
	if seen["a"] != 5 || seen["b"] != 5 || p.Served(0) != 5 || p.Served(1) != 5 {
		t.Errorf("not round robin: %v, served %d / %d", seen, p.Served(0), p.Served(1))
	}
}

func TestProxyFailsOverOnlyWhenNothingReachedTheInstance(t *testing.T) {
	down := httptest.NewServer(echo("down"))
	up := httptest.NewServer(echo("up"))
	defer up.Close()
	p := cluster.NewProxy(t, []string{down.URL, up.URL})
	post := func() (int, string) {
		res, err := http.Post(p.URL+"/", "text/plain", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	// Both instances hold pooled connections; then one stops, closing them.
	for range 4 {
		post()
	}
	down.Close()
	for range 6 {
		if code, body := post(); code != 200 || !strings.HasPrefix(body, "up ") {
			t.Fatalf("after an instance stopped: %d %s", code, body)
		}
	}
	up.Close()
	code, body := post()
	if code != http.StatusBadGateway || body != `{"error":{"code":"unavailable","message":"no instance answered"}}` {
		t.Fatalf("no instance: %d %s", code, body)
	}

	// A POST that reached an instance which then died is not sent again.
	var hits atomic.Int32
	dying := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	defer dying.Close()
	other := httptest.NewServer(echo("other"))
	defer other.Close()
	p = cluster.NewProxy(t, []string{dying.URL, other.URL})
	codes := map[int]int{}
	for range 2 {
		code, _ := post()
		codes[code]++
	}
	if hits.Load() != 1 || codes[200] != 1 || codes[502] != 1 {
		t.Errorf("dying instance hit %d times; answers %v", hits.Load(), codes)
	}
}

func TestProxyLimitsBodies(t *testing.T) {
	a := httptest.NewServer(echo("a"))
	defer a.Close()
	p := cluster.NewProxy(t, []string{a.URL})
	const limit = 16 << 20
	res, err := http.Post(p.URL+"/", "application/octet-stream", strings.NewReader(strings.Repeat("x", limit)))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || n < limit {
		t.Errorf("%d bytes: %d (%d bytes back)", limit, res.StatusCode, n)
	}
	// Larger is refused from its Content-Length, before the body is read.
	c, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", limit+1)
	if res, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || res.StatusCode != 413 {
		t.Errorf("%d bytes: %v %v", limit+1, res, err)
	}
}

func TestProxyStreamsEventStreams(t *testing.T) {
	next := make(chan struct{})
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := range 3 {
			_, _ = io.WriteString(w, "data: "+string(rune('0'+i))+"\n\n")
			w.(http.Flusher).Flush()
			<-next
		}
	}))
	defer a.Close()
	p := cluster.NewProxy(t, []string{a.URL})
	res, err := http.Get(p.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	r := bufio.NewReader(res.Body)
	for i := range 3 {
		line, err := r.ReadString('\n')
		if err != nil || line != "data: "+string(rune('0'+i))+"\n" {
			t.Fatalf("event %d: %q %v", i, line, err)
		}
		_, _ = r.ReadString('\n')
		next <- struct{}{}
	}
}

func TestProxyTunnelsUpgrades(t *testing.T) {
	// The instance answers the upgrade, then echoes every line until it dies.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		r := bufio.NewReader(c)
		req, err := http.ReadRequest(r)
		if err != nil || req.Header.Get("X-Forwarded-For") != "127.0.0.1" {
			c.Close()
			return
		}
		_, _ = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
		line, _ := r.ReadString('\n')
		_, _ = io.WriteString(c, "echo "+line)
		c.Close() // the instance dies
		ln.Close()
	}()
	p := cluster.NewProxy(t, []string{"http://" + ln.Addr().String()})
	c, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET /live HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
	r := bufio.NewReader(c)
	res, err := http.ReadResponse(r, nil)
	if err != nil || res.StatusCode != 101 {
		t.Fatalf("upgrade: %v %v", res, err)
	}
	_, _ = io.WriteString(c, "hello\n")
	if line, err := r.ReadString('\n'); line != "echo hello\n" {
		t.Fatalf("through the tunnel: %q %v", line, err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := r.ReadByte(); err != io.EOF {
		t.Fatalf("the client's connection outlived its instance: %v", err)
	}
}
