package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"zonefair/app/web"
)

// listen serves the env's app on a loopback port, for clients that need a real socket.
func (e *env) listen() string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go e.app.Fiber.Listener(ln)
	e.t.Cleanup(func() { _ = e.app.Fiber.ShutdownWithTimeout(5 * time.Second) })
	return ln.Addr().String()
}

type liveFrame struct {
	T     string          `json:"t"`
	ID    int             `json:"id"`
	Ch    string          `json:"ch"`
	Kind  string          `json:"kind"`
	Data  json.RawMessage `json:"data"`
	Error *struct {
		Code string `json:"code"`
	} `json:"error"`
}

func readFrame(t *testing.T, c *websocket.Conn) liveFrame {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, msg, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var f liveFrame
	line, _, _ := strings.Cut(string(msg), "\n")
	if err := json.Unmarshal([]byte(line), &f); err != nil {
		t.Fatalf("liveFrame %s: %v", msg, err)
	}
	return f
}

// TestLiveWebsocketIsWiredToAccounts: a logged-in user fetches a ticket, opens the websocket,
// may join their own notification channel but not someone else's, and receives what the server
// publishes there; an anonymous socket and a foreign origin get nothing private.
func TestLiveWebsocketIsWiredToAccounts(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		addr := e.listen()
		grad := e.as(web.RoleGraduate)
		var ticket struct {
			Ticket string `json:"ticket"`
		}
		grad.do("POST", "/api/v1/live/ticket", nil).want(200).json(&ticket)
		e.anon().do("POST", "/api/v1/live/ticket", nil).want(401)

		origin := http.Header{"Origin": {"http://" + addr}}
		ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/api/v1/live/ws?ticket="+ticket.Ticket, origin)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer ws.Close()
		me, other := e.users[web.RoleGraduate].ID, e.users[web.RoleInvestor].ID
		ws.WriteJSON(map[string]any{"id": 1, "op": "join", "ch": fmt.Sprintf("user:%d", other)})
		if f := readFrame(t, ws); f.ID != 1 || f.Error == nil || f.Error.Code != "forbidden" {
			t.Fatalf("joining another user's channel: %+v", f)
		}
		ws.WriteJSON(map[string]any{"id": 2, "op": "join", "ch": fmt.Sprintf("user:%d", me)})
		if f := readFrame(t, ws); f.ID != 2 || f.Error != nil {
			t.Fatalf("joining my channel: %+v", f)
		}
		// Booth chat: a graduate follows their own conversation, not another graduate's.
		ws.WriteJSON(map[string]any{"id": 3, "op": "join", "ch": fmt.Sprintf("chat:1.%d.%d", e.zoneA.ID, other)})
		if f := readFrame(t, ws); f.ID != 3 || f.Error == nil || f.Error.Code != "forbidden" {
			t.Fatalf("joining another graduate's conversation: %+v", f)
		}
		ws.WriteJSON(map[string]any{"id": 4, "op": "join", "ch": fmt.Sprintf("chat:1.%d.%d", e.zoneA.ID, me)})
		if f := readFrame(t, ws); f.ID != 4 || f.Error != nil {
			t.Fatalf("joining my conversation: %+v", f)
		}
		if _, err := e.hub.Publish(context.Background(), fmt.Sprintf("user:%d", me), "notice", map[string]string{"text": "<b>hi</b>"}); err != nil {
			t.Fatal(err)
		}
		f := readFrame(t, ws)
		var data map[string]string
		json.Unmarshal(f.Data, &data)
		if f.T != "pub" || f.Kind != "notice" || data["text"] != "<b>hi</b>" {
			t.Fatalf("publication %+v %v", f, data)
		}

		anon, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/api/v1/live/ws", origin)
		if err != nil {
			t.Fatalf("anonymous dial: %v", err)
		}
		defer anon.Close()
		anon.WriteJSON(map[string]any{"id": 1, "op": "join", "ch": fmt.Sprintf("user:%d", me)})
		if f := readFrame(t, anon); f.Error == nil {
			t.Fatalf("an anonymous socket joined a user's channel: %+v", f)
		}

		_, res, err := websocket.DefaultDialer.Dial("ws://"+addr+"/api/v1/live/ws", http.Header{"Origin": {"https://evil.example"}})
		if err == nil || res == nil || res.StatusCode != 403 {
			t.Fatalf("foreign origin: %v %v", err, res)
		}
	})
}
