package live

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"
)

// FuzzClientMessages sends arbitrary text messages over a real websocket to a hub on the memory
// backend. The server must answer each with JSON frames and keep the connection open (closing
// it only for a message over the size limit), and never panic.
func FuzzClientMessages(f *testing.F) {
	h, err := New(Options{Backend: NewMemoryBackend(), Authenticate: testAuth, EnableBench: true, Rate: 1e9, Burst: 1 << 30})
	if err != nil {
		f.Fatal(err)
	}
	h.Define(roomType())
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/ws", h.Handler())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	f.Cleanup(func() { _ = app.Shutdown() })
	url := "ws://" + ln.Addr().String() + "/ws"
	dialAs := func(t *testing.T) *websocket.Conn {
		ws, _, err := websocket.DefaultDialer.Dial(url, map[string][]string{"X-Test-User": {"7:Fuzz:graduate"}})
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		return ws
	}
	for _, seed := range []string{
		`{"id":1,"op":"join","ch":"bench:a"}`, `{"id":2,"op":"join","ch":"room:x","since":{"off":18446744073709551615,"epoch":"zz"}}`,
		`{"id":3,"op":"pub","ch":"bench:a","kind":"chat","data":{"text":"你好 <b>"}}`, `{"id":4,"op":"presence","ch":"bench:a"}`,
		`{"id":5,"op":"kick","ch":"room:x","user":-1}`, `{"id":6,"op":"leave","ch":"bench:a"}`, `{"op":"ping"}`,
		`{"id":-1}`, `{"id":1e99}`, `[]`, `null`, "\xff", `{"id":1,"op":"pub","ch":"bench:a","kind":"mod.kick","data":null}`,
		`{"id":1,"op":"join","ch":"` + strings.Repeat("a", 200) + `"}`, `{"id":1,"op":"join","ch":"bench:a"}{"id":2}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		ws := dialAs(t)
		defer ws.Close()
		_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		if err := ws.WriteMessage(websocket.TextMessage, msg); err != nil {
			t.Fatalf("write: %v", err)
		}
		if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"id":424242,"op":"ping"}`)); err != nil {
			if len(msg) > 16<<10 {
				return
			}
			t.Fatalf("write ping: %v", err)
		}
		for {
			_, b, err := ws.ReadMessage()
			if err != nil {
				if ce, ok := err.(*websocket.CloseError); ok && ce.Code == CloseOversize && len(msg) > 16<<10 {
					return
				}
				t.Fatalf("message %q: connection lost: %v", msg, err)
			}
			for _, line := range bytes.Split(b, []byte("\n")) {
				var fr struct {
					T  string `json:"t"`
					ID uint64 `json:"id"`
				}
				if err := json.Unmarshal(line, &fr); err != nil {
					t.Fatalf("message %q: server sent a frame that is not JSON: %q", msg, line)
				}
				if fr.T == "reply" && fr.ID == 424242 {
					return
				}
			}
		}
	})
}
