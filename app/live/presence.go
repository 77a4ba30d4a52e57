package live

import (
	"context"
	"encoding/json"
	"time"
)

type member struct {
	Conn   string `json:"conn"`
	UserID int64  `json:"userId"`
	Name   string `json:"name"`
}

func (c *client) member() json.RawMessage {
	b, _ := json.Marshal(member{Conn: c.conn, UserID: c.id.UserID, Name: c.id.Name})
	return b
}

// small reports whether the room is small enough for join/leave events. The local subscriber
// count bounds the total from below, so a crowd arriving at once does not produce an event storm
// before the next count refresh.
func (r *room) small() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return max(r.count, len(r.subs)) <= r.t.ListLimit
}

func (h *Hub) presenceJoin(ctx context.Context, r *room, c *client) {
	m := c.member()
	if err := h.node.PresenceAdd(ctx, r.name, c.conn, m); err != nil {
		h.log.Debug("presence add failed", "channel", r.name, "err", err)
		return
	}
	if r.small() {
		f, _ := json.Marshal(frame{T: "join", Ch: r.name, Member: m})
		_ = h.node.Notify(ctx, r.name, f)
	}
}

func (h *Hub) presenceLeave(r *room, c *client) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(h.ctx), 2*time.Second)
	defer cancel()
	if err := h.node.PresenceRemove(ctx, r.name, c.conn); err != nil {
		h.log.Debug("presence remove failed", "channel", r.name, "err", err)
		return
	}
	if r.small() {
		f, _ := json.Marshal(frame{T: "leave", Ch: r.name, Member: c.member()})
		_ = h.node.Notify(ctx, r.name, f)
	}
}
