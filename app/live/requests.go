// A connection's requests: join (with recovery), leave, publish, kick and presence.

package live

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

func (c *client) handle(msg []byte) {
	var req request
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.DisallowUnknownFields()
	if !utf8.Valid(msg) || dec.Decode(&req) != nil || dec.More() {
		c.fail(req.ID, "invalid_input", "message is not a valid request object")
		return
	}
	ctx, cancel := context.WithTimeout(c.h.ctx, 10*time.Second)
	defer cancel()
	switch req.Op {
	case "ping":
		c.reply(frame{ID: req.ID})
	case "join":
		c.join(ctx, req)
	case "leave":
		c.leave(req)
	case "pub":
		c.publish(ctx, req)
	case "kick":
		c.kickUser(ctx, req)
	case "presence":
		c.presence(ctx, req)
	default:
		c.fail(req.ID, "invalid_input", "unknown op")
	}
}

func (c *client) room(ch string) *room {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rooms[ch]
}

func (c *client) join(ctx context.Context, req request) {
	t, key, err := c.h.channelType(req.Ch)
	if err != nil {
		c.fail(req.ID, "not_found", "no such channel")
		return
	}
	if t.rights(c.id, key)&CanJoin == 0 {
		code := "forbidden"
		if c.id.Anonymous() {
			code = "unauthorized"
		}
		c.fail(req.ID, code, "not allowed to join this channel")
		return
	}
	c.mu.Lock()
	_, dup := c.rooms[req.Ch]
	full := len(c.rooms) >= c.h.o.MaxChannels
	c.mu.Unlock()
	if dup {
		c.fail(req.ID, "conflict", "already joined")
		return
	}
	if full {
		c.fail(req.ID, "limit", "too many channels on one connection")
		return
	}
	r, err := c.h.acquire(ctx, req.Ch, t)
	if err != nil {
		c.h.log.Warn("live join failed", "channel", req.Ch, "err", err)
		c.send(errorFrame(req.ID, "unavailable", "channel temporarily unavailable", jitter(time.Second, 3*time.Second)))
		return
	}
	defer c.h.release(r)
	s := &sub{pending: true}
	r.mu.Lock()
	snap, epoch := r.last, r.epoch
	r.subs[c] = s
	r.mu.Unlock()
	c.mu.Lock()
	c.rooms[req.Ch] = r
	c.mu.Unlock()

	// Everything up to snap comes from history; everything after it was collected in s.buf.
	recovered := req.Since == nil
	var missed []Publication
	if req.Since != nil && req.Since.Epoch == epoch && req.Since.Off <= snap {
		recovered = true
		if req.Since.Off < snap {
			pubs, _, err := c.h.node.History(ctx, req.Ch, req.Since.Off, epoch, int(snap-req.Since.Off))
			missed, recovered = pubs, err == nil
		}
	}
	if t.Presence {
		c.h.presenceJoin(ctx, r, c)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.subs[c] != s {
		return // kicked meanwhile
	}
	c.reply(frame{ID: req.ID, Ch: req.Ch, Epoch: epoch, Off: &snap, Recovered: &recovered})
	for _, p := range missed {
		if p.Offset <= snap {
			c.send(pubFrame(p))
		}
	}
	for _, f := range s.buf {
		c.send(f)
	}
	s.pending, s.buf = false, nil
	if recovered && req.Since != nil {
		c.h.m.recoveries.Inc()
	}
}

func (c *client) leave(req request) {
	r := c.room(req.Ch)
	if r == nil {
		c.fail(req.ID, "not_found", "not joined")
		return
	}
	c.part(r)
	c.reply(frame{ID: req.ID, Ch: req.Ch})
}

// part removes the client from a room.
func (c *client) part(r *room) {
	r.mu.Lock()
	_, in := r.subs[c]
	delete(r.subs, c)
	r.mu.Unlock()
	c.forget(r.name)
	if in && r.t.Presence {
		c.h.presenceLeave(r, c)
	}
}

func (c *client) publish(ctx context.Context, req request) {
	t, key, err := c.h.channelType(req.Ch)
	if err != nil {
		c.fail(req.ID, "not_found", "no such channel")
		return
	}
	if !kindName.MatchString(req.Kind) {
		c.fail(req.ID, "invalid_input", "kind must match [a-z][a-z0-9_.-]{0,31}")
		return
	}
	need := CanPublish
	if strings.HasPrefix(req.Kind, "mod.") {
		need = CanModerate
	}
	if t.rights(c.id, key)&need == 0 {
		c.fail(req.ID, "forbidden", "not allowed to publish this kind here")
		return
	}
	if len(req.Data) == 0 {
		c.fail(req.ID, "invalid_input", "data is required")
		return
	}
	c.publishData(ctx, req, t, req.Kind, req.Data)
}

func (c *client) publishData(ctx context.Context, req request, t *ChannelType, kind string, data []byte) {
	// Compacting keeps frames newline-free; escaping <, > and & means that text is inert even if
	// a page were to misuse it as HTML. Pages still render it as text.
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		c.fail(req.ID, "invalid_input", "data is not valid JSON")
		return
	}
	var safe bytes.Buffer
	json.HTMLEscape(&safe, buf.Bytes())
	pos, err := c.h.node.Publish(ctx, req.Ch, payload(kind, c.id, safe.Bytes()), t.stream())
	if err != nil {
		c.send(errorFrame(req.ID, "unavailable", "publishing is temporarily unavailable", jitter(time.Second, 3*time.Second)))
		return
	}
	c.h.m.published.Inc()
	c.reply(frame{ID: req.ID, Ch: req.Ch, Off: &pos.Offset})
}

func (c *client) kickUser(ctx context.Context, req request) {
	t, key, err := c.h.channelType(req.Ch)
	if err != nil {
		c.fail(req.ID, "not_found", "no such channel")
		return
	}
	if t.rights(c.id, key)&CanModerate == 0 {
		c.fail(req.ID, "forbidden", "not a moderator of this channel")
		return
	}
	if req.User <= 0 {
		c.fail(req.ID, "invalid_input", "user is required")
		return
	}
	data, _ := json.Marshal(map[string]int64{"user": req.User})
	c.publishData(ctx, req, t, "mod.kick", data)
}

func (c *client) presence(ctx context.Context, req request) {
	r := c.room(req.Ch)
	if r == nil || !r.t.Presence {
		c.fail(req.ID, "not_found", "not joined to a channel with presence")
		return
	}
	// Count first: a large room's member list is never fetched.
	n, _, err := c.h.node.Presence(ctx, req.Ch, false)
	var members [][]byte
	if err == nil && n <= r.t.ListLimit {
		n, members, err = c.h.node.Presence(ctx, req.Ch, true)
	}
	if err != nil {
		c.send(errorFrame(req.ID, "unavailable", "presence is temporarily unavailable", jitter(time.Second, 3*time.Second)))
		return
	}
	f := frame{ID: req.ID, Ch: req.Ch, N: &n}
	if n <= r.t.ListLimit {
		f.Members = make([]json.RawMessage, 0, len(members))
		for _, m := range members {
			f.Members = append(f.Members, m)
		}
	}
	c.reply(f)
}
