package live

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
)

const identityKey = "zf.live.identity"

// TicketHandler issues a single-use ticket (valid TicketTTL) that authenticates a websocket
// upgrade, for clients that cannot send the session cookie with it.
// Response: {"ticket":"…","expiresAt":"RFC 3339"}.
func (h *Hub) TicketHandler(c *fiber.Ctx) error {
	if h.o.Authenticate == nil {
		return fiber.ErrUnauthorized
	}
	id, err := h.o.Authenticate(c)
	if err != nil {
		return err
	}
	if id.Anonymous() {
		return fiber.ErrUnauthorized
	}
	raw := make([]byte, 24)
	_, _ = rand.Read(raw)
	ticket := base64.RawURLEncoding.EncodeToString(raw)
	data, _ := json.Marshal(id)
	if err := h.node.PutTicket(c.UserContext(), ticket, data, h.o.TicketTTL); err != nil {
		return fiber.NewError(fiber.StatusServiceUnavailable, "live tickets are temporarily unavailable")
	}
	return c.JSON(fiber.Map{"ticket": ticket, "expiresAt": time.Now().Add(h.o.TicketTTL).UTC().Format(time.RFC3339)})
}

// Handler upgrades GET requests to the websocket protocol described in doc.go. The caller is
// identified by ?ticket= when present, otherwise by the session cookie (or is anonymous).
func (h *Hub) Handler() fiber.Handler {
	upgrade := websocket.New(h.serve, websocket.Config{
		HandshakeTimeout: 10 * time.Second,
		// Frames are read through the HTTP server's own buffered reader, which the hijacked
		// connection keeps; this one only needs to hold frame headers and small messages.
		ReadBufferSize:  512,
		WriteBufferSize: 4096,
		// Idle connections hold no write buffer; only a connection mid-write borrows one.
		WriteBufferPool: h.pool,
	})
	return func(c *fiber.Ctx) error {
		if !websocket.IsWebSocketUpgrade(c) {
			return fiber.ErrUpgradeRequired
		}
		if h.closing.Load() {
			c.Set(fiber.HeaderRetryAfter, "2")
			return fiber.NewError(fiber.StatusServiceUnavailable, "server is restarting")
		}
		if !h.originAllowed(c) {
			return fiber.NewError(fiber.StatusForbidden, "origin not allowed")
		}
		id, err := h.identify(c)
		if err != nil {
			return err
		}
		c.Locals(identityKey, id)
		return upgrade(c)
	}
}

func (h *Hub) identify(c *fiber.Ctx) (Identity, error) {
	if t := c.Query("ticket"); t != "" {
		data, err := h.node.TakeTicket(c.UserContext(), t)
		if errors.Is(err, ErrTicket) {
			return Identity{}, fiber.NewError(fiber.StatusUnauthorized, "ticket is invalid or expired")
		}
		if err != nil {
			return Identity{}, fiber.NewError(fiber.StatusServiceUnavailable, "live tickets are temporarily unavailable")
		}
		var id Identity
		if err := json.Unmarshal(data, &id); err != nil {
			return Identity{}, fiber.NewError(fiber.StatusUnauthorized, "ticket is invalid")
		}
		return id, nil
	}
	if h.o.Authenticate == nil {
		return Identity{}, nil
	}
	return h.o.Authenticate(c)
}

// originAllowed blocks cross-site websocket hijacking: a browser always sends Origin, and it must
// be listed (or be this host when nothing is listed). Clients without Origin are not browsers
// and carry no ambient credentials a third-party page could borrow.
func (h *Hub) originAllowed(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	// The configured public origins, or the host the browser reached (same-origin).
	if slices.Contains(h.o.AllowedOrigins, origin) {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, c.Hostname())
}

func (h *Hub) serve(wc *websocket.Conn) {
	id, _ := wc.Locals(identityKey).(Identity)
	c := &client{h: h, ws: wc.Conn, id: id, conn: h.node.ID() + "-" + itoa(h.seq.Add(1)),
		done: make(chan struct{}), rooms: map[string]*room{},
		tokens: float64(h.o.Burst), refill: time.Now()}
	c.sock = socket(wc.Conn)
	c.raw = rawConn(c.sock)
	c.fl = h.flush[int(h.seq.Load())%len(h.flush)]
	s := h.shard(c.conn)
	s.mu.Lock()
	if h.closing.Load() {
		s.mu.Unlock()
		_ = wc.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(CloseRestart, reason("restart", jitter(500*time.Millisecond, 5*time.Second))),
			time.Now().Add(time.Second))
		return
	}
	h.conns.Add(1)
	s.clients[c] = struct{}{}
	s.mu.Unlock()
	h.m.conns.Inc()
	defer func() {
		s.mu.Lock()
		delete(s.clients, c)
		s.mu.Unlock()
		h.m.conns.Dec()
		h.conns.Done()
	}()

	h.limitSendBuffer(c.sock)
	c.readLoop()

	c.mu.Lock()
	closing := c.closed
	c.mu.Unlock()
	if !closing {
		// The peer went away: nothing left to tell it.
		c.close(0, "")
		_ = c.sock.Close()
	}
	<-c.done
	_ = c.sock.Close()
	c.mu.Lock()
	rooms := make([]*room, 0, len(c.rooms))
	for _, r := range c.rooms {
		rooms = append(rooms, r)
	}
	c.mu.Unlock()
	for _, r := range rooms {
		c.part(r)
	}
}

// limitSendBuffer sets the kernel send buffer so that a stalled client meets the queue limit
// soon rather than after megabytes of autotuned buffer.
func (h *Hub) limitSendBuffer(nc net.Conn) {
	if h.o.SendBuffer <= 0 {
		return
	}
	if tc, ok := nc.(interface{ SetWriteBuffer(int) error }); ok {
		_ = tc.SetWriteBuffer(h.o.SendBuffer)
	}
}
