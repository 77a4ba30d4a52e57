package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
)

func TestClientMessagesAreValidated(t *testing.T) {
	s := startHub(t, NewMemoryBackend(), func(o *Options) { o.MaxMessageSize = 1024 })
	c := dial(t, s, "1:ann:")
	for _, bad := range []string{`not json`, `{"op":"join","ch":"room:a","extra":1}`, `{"op":"join"} {}`, `[1]`, "{\"op\":\"ping\",\"ch\":\"\xff\"}"} {
		before := c.count(func(f tframe) bool { return f.Error != nil && f.Error.Code == "invalid_input" })
		must(t, c.ws.WriteMessage(websocket.TextMessage, []byte(bad)))
		eventually(t, "invalid_input for "+bad, func() bool {
			return c.count(func(f tframe) bool { return f.Error != nil && f.Error.Code == "invalid_input" }) == before+1
		})
	}
	if r := c.call(map[string]any{"op": "ping"}); r.Error != nil {
		t.Fatalf("connection unusable after bad input: %+v", r)
	}
	if r := c.call(map[string]any{"op": "pub", "ch": "room:a", "kind": "chat"}); r.Error == nil || r.Error.Code != "invalid_input" {
		t.Fatalf("publish without data: %+v", r)
	}

	// Hostile text is stored and delivered as the same text, never as markup.
	hostile := "<img src=x onerror=alert(1)></script>&amp;\u2028\"'\n"
	c.join("room:a")
	c.call(map[string]any{"op": "pub", "ch": "room:a", "kind": "chat", "data": map[string]string{"text": hostile}})
	p := c.waitFor("hostile publication", func(f tframe) bool { return f.T == "pub" })
	var d struct{ Text string }
	must(t, json.Unmarshal(p.Data, &d))
	if d.Text != hostile {
		t.Fatalf("text changed in transit: %q", d.Text)
	}
	if strings.ContainsAny(p.raw, "<>") {
		t.Fatalf("frame carries raw markup characters: %s", p.raw)
	}

	must(t, c.ws.WriteMessage(websocket.TextMessage, []byte(`{"op":"ping","kind":"`+strings.Repeat("a", 2000)+`"}`)))
	if code, _ := c.closed(); code != CloseOversize {
		t.Fatalf("oversized message: close code %d, want %d", code, CloseOversize)
	}

	b := dial(t, s, "")
	must(t, b.ws.WriteMessage(websocket.BinaryMessage, []byte{1, 2}))
	if code, _ := b.closed(); code != CloseInvalid {
		t.Fatalf("binary message: close code %d, want %d", code, CloseInvalid)
	}
}

func TestRateLimitClosesWithRetryHint(t *testing.T) {
	s := startHub(t, NewMemoryBackend(), func(o *Options) { o.Rate, o.Burst = 5, 5 })
	c := dial(t, s, "")
	for range 20 {
		if c.ws.WriteMessage(websocket.TextMessage, []byte(`{"op":"ping"}`)) != nil {
			break
		}
	}
	code, why := c.closed()
	var r struct {
		Reason string
		Retry  int
	}
	_ = json.Unmarshal([]byte(why), &r)
	if code != CloseRate || r.Reason != "rate" || r.Retry < 1000 {
		t.Fatalf("close %d %q, want %d with a retry hint", code, why, CloseRate)
	}
	if n := c.count(func(f tframe) bool { return f.T == "reply" }); n < 4 || n > 6 {
		t.Fatalf("%d pings answered, want the burst of 5", n)
	}
}

func TestTicketAndOrigin(t *testing.T) {
	s := startHub(t, NewMemoryBackend(), nil)
	post := func(user string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, s.url+"/ticket", nil)
		if user != "" {
			req.Header.Set("X-Test-User", user)
		}
		res, err := http.DefaultClient.Do(req)
		must(t, err)
		return res
	}
	if res := post(""); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous ticket: %d", res.StatusCode)
	}
	res := post("7:tia:graduate")
	body, _ := io.ReadAll(res.Body)
	var tk struct{ Ticket, ExpiresAt string }
	must(t, json.Unmarshal(body, &tk))
	if res.StatusCode != http.StatusOK || tk.Ticket == "" {
		t.Fatalf("ticket: %d %s", res.StatusCode, body)
	}
	url := "ws" + strings.TrimPrefix(s.url, "http") + "/ws?ticket=" + tk.Ticket
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	must(t, err)
	c := track(t, ws)
	if r := c.call(map[string]any{"op": "join", "ch": "user:7"}); r.Error != nil {
		t.Fatalf("ticket holder joining own channel: %+v", r.Error)
	}
	if _, res, err := websocket.DefaultDialer.Dial(url, nil); err == nil || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("second use of a ticket was not refused")
	}

	h := http.Header{}
	h.Set("Origin", "https://evil.example")
	if _, res, err := dialRaw(s, "7:tia:graduate", h); err == nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin was not refused")
	}
	h.Set("Origin", s.url)
	ws, _, err = dialRaw(s, "7:tia:graduate", h)
	must(t, err)
	_ = ws.Close()
}

func TestShutdownTellsClientsToReconnect(t *testing.T) {
	s := startHub(t, NewMemoryBackend(), nil)
	c := dial(t, s, "1:ann:")
	c.join("room:a")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	must(t, s.h.Shutdown(ctx))
	code, why := c.closed()
	if code != CloseRestart || !strings.Contains(why, `"retry":`) {
		t.Fatalf("close %d %q, want %d with a retry hint", code, why, CloseRestart)
	}
	if _, res, err := dialRaw(s, "1:ann:", nil); err == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("connection accepted after shutdown")
	}
}

func TestFrameHeaderLengths(t *testing.T) {
	s := startHub(t, NewMemoryBackend(), func(o *Options) { o.QueueBytes = 4 << 20 })
	c := dial(t, s, "1:ann:")
	c.join("room:big")
	// Payloads whose frames need the 7-bit, 16-bit and 64-bit length forms.
	for _, n := range []int{10, 1000, 70000} {
		_, err := s.h.Publish(context.Background(), "room:big", "chat", strings.Repeat("y", n))
		must(t, err)
	}
	eventually(t, "three publications", func() bool { return len(c.pubs("room:big")) == 3 })
	for i, n := range []int{10, 1000, 70000} {
		var got string
		must(t, json.Unmarshal(c.pubs("room:big")[i].Data, &got))
		if len(got) != n {
			t.Fatalf("publication %d: %d bytes, want %d", i, len(got), n)
		}
	}
}

// A client that stops reading while large messages are published gets every frame whole and in
// order once it reads again: the socket fills in the middle of a message, the connection's writer
// finishes it, and a ping the client sends meanwhile is answered between messages, not inside one.
func TestPausedReaderGetsEveryFrameWhole(t *testing.T) {
	s := startHub(t, NewMemoryBackend(), func(o *Options) {
		o.QueueBytes, o.SendBuffer = 16<<20, 32<<10
	})
	d := websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
		nc, err := net.Dial(network, addr)
		if err == nil {
			_ = nc.(*net.TCPConn).SetReadBuffer(64 << 10)
		}
		return nc, err
	}}
	ws, _, err := d.Dial("ws"+strings.TrimPrefix(s.url, "http")+"/ws", nil)
	must(t, err)
	defer ws.Close()
	must(t, ws.WriteMessage(websocket.TextMessage, []byte(`{"id":1,"op":"join","ch":"room:paused"}`)))
	_, msg, err := ws.ReadMessage()
	must(t, err)
	if !strings.Contains(string(msg), `"t":"reply"`) {
		t.Fatalf("join answered %s", msg)
	}

	const n, size = 400, 5000
	for i := range n {
		_, err := s.h.Publish(context.Background(), "room:paused", "chat", fmt.Sprintf("%05d%s", i, strings.Repeat("x", size)))
		must(t, err)
	}
	eventually(t, "the socket to fill", func() bool { return s.counter("zonefair_live_writes_behind_total", "") > 0 })
	must(t, ws.WriteControl(websocket.PingMessage, []byte("are you there"), time.Now().Add(time.Second)))
	var pongs atomic.Int32
	ws.SetPongHandler(func(data string) error {
		if data == "are you there" {
			pongs.Add(1)
		}
		return nil
	})

	next := 0
	must(t, ws.SetReadDeadline(time.Now().Add(15*time.Second)))
	for next < n {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("after %d of %d publications: %v", next, n, err)
		}
		for _, line := range strings.Split(string(msg), "\n") {
			var f tframe
			must(t, json.Unmarshal([]byte(line), &f))
			if f.T != "pub" {
				continue // presence counts come in between
			}
			var text string
			if err := json.Unmarshal(f.Data, &text); err != nil {
				t.Fatalf("publication %d: %v in %.300q", next, err, line)
			}
			if f.Off != uint64(next+1) || text != fmt.Sprintf("%05d%s", next, strings.Repeat("x", size)) {
				t.Fatalf("publication %d arrived as offset %d with %d bytes", next, f.Off, len(text))
			}
			next++
		}
	}
	// A request after them: its reply comes after the pong.
	must(t, ws.WriteMessage(websocket.TextMessage, []byte(`{"id":2,"op":"ping"}`)))
	for {
		_, msg, err := ws.ReadMessage()
		must(t, err)
		if strings.Contains(string(msg), `"id":2`) {
			break
		}
	}
	if pongs.Load() != 1 {
		t.Fatalf("%d answers to the ping, want 1", pongs.Load())
	}
}

// A client's close is answered with a close frame, written like every other frame by the
// connection's writer.
func TestClientCloseIsAnswered(t *testing.T) {
	s := startHub(t, NewMemoryBackend(), nil)
	ws, _, err := dialRaw(s, "", nil)
	must(t, err)
	defer ws.Close()
	must(t, ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4321, "bye"), time.Now().Add(time.Second)))
	must(t, ws.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseNormalClosure {
		t.Fatalf("after the client's close: %v, want the server's close 1000", err)
	}
}
