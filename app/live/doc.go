// Package live owns Zonefair's real-time engine: the one websocket endpoint through which
// briefings, booth chat, application updates, signing ceremonies and meeting signalling reach
// browsers, the channels and their rules, ordered delivery with recovery, and presence. Room state
// lives in Redis (NewRedisBackend) when several instances run, in process otherwise
// (NewMemoryBackend).
//
// # Connecting
//
// GET /api/v1/live/ws upgrades to a websocket. The caller is identified by ?ticket=<ticket> (from
// POST /api/v1/live/ticket, single use, valid 30 s) or else by the session cookie; without either
// the connection is anonymous and may only join channel types that admit anonymous readers.
// Browsers must send an allowed Origin (403 otherwise); 503 with Retry-After while draining.
// The server pings every 25 s; a connection from which nothing, not even a pong, arrives for
// 35 s is closed with 4010. Client messages are limited to 16 KiB and 20 per second (bursts of
// 40). All of these are Options; "Timers and deadlines" below lists every one.
//
// # Frames
//
// Every message is UTF-8 JSON text. A server websocket message may carry several frames separated
// by "\n"; split on newlines before parsing (frames never contain raw newlines).
//
// Client → server (id is echoed in the reply; channel names are "<type>:<key>", key
// [A-Za-z0-9_.-]{1,96}; kinds [a-z][a-z0-9_.-]{0,31}):
//
//	{"id":1,"op":"join","ch":"briefing:12"}
//	{"id":2,"op":"join","ch":"briefing:12","since":{"off":41,"epoch":"9f2c01aa"}}   resume
//	{"id":3,"op":"leave","ch":"briefing:12"}
//	{"id":4,"op":"pub","ch":"booth:7","kind":"chat","data":{"text":"你好"}}
//	{"id":5,"op":"presence","ch":"booth:7"}
//	{"id":6,"op":"kick","ch":"booth:7","user":42}                                   moderators
//	{"id":7,"op":"ping"}
//
// Unknown fields, invalid JSON or UTF-8, and bad names are refused with an invalid_input reply;
// the connection stays open.
//
// Server → client:
//
//	{"t":"reply","id":1,"ch":"briefing:12","epoch":"9f2c01aa","off":41,"recovered":true}
//	{"t":"reply","id":4,"ch":"booth:7","off":42}
//	{"t":"reply","id":5,"ch":"booth:7","n":3,"members":[{"conn":"…","userId":42,"name":"…"}]}
//	{"t":"reply","id":9,"error":{"code":"forbidden","message":"…","retryAfter":1500}}
//	{"t":"pub","ch":"booth:7","off":42,"kind":"chat","from":{"id":42,"name":"…"},"data":{…}}
//	{"t":"reset","ch":"booth:7","epoch":"77aa0b13","off":0}
//	{"t":"join","ch":"booth:7","member":{…}}   {"t":"leave",…}   {"t":"count","ch":"booth:7","n":5120}
//
// Error codes: invalid_input, unauthorized (anonymous where an account is needed), forbidden,
// not_found (unknown channel or type), conflict (already joined), limit (too many channels),
// unavailable (backend down; retry after retryAfter ms).
//
// Data is stored and relayed as JSON with <, > and & escaped; pages must render it as text
// (Vue interpolation), never as HTML. "from" is set by the server and cannot be forged; from.id 0
// is the system. Kinds starting with "mod." need moderator rights; "mod.kick" removes the user's
// connections from the channel on every instance (they may rejoin if the type's rules allow).
//
// # Order and recovery
//
// Each channel has offsets 1, 2, 3, … assigned atomically where the history lives (one Lua script
// in Redis increments, appends to a capped stream and publishes). A client sees every offset once,
// in order. The join reply gives the current epoch and offset; with "since", the missed
// publications follow the reply and recovered is true; recovered false means the gap is beyond
// the retained history or the epoch changed, and the client must reload the channel's state
// from the API. A "reset" frame means the channel's history was lost (expired, or Redis restarted
// empty): reload, then continue from the given epoch and offset.
//
// # Presence
//
// Channel types with presence report members across instances. Up to the type's ListLimit
// members, join/leave frames are sent and presence replies list members; above it only count
// frames (at most one per PresenceInterval) and bare counts. Members of an instance that dies
// expire after three presence intervals.
//
// # Close codes
//
// The close reason is a JSON object {"reason":"…","retry":ms}; retry is a jittered delay to wait
// before reconnecting.
//
//	1000  normal closure
//	1009  message too big (reason too_big): fix the client
//	1012  server restarting or draining (restart): reconnect after retry, resume with since
//	4001  re-authenticate (reauth): fetch a new ticket, then reconnect
//	4002  protocol violation, e.g. a binary frame (binary): fix the client
//	4008  rate limited (rate): reconnect after retry
//	4009  slow consumer (slow): the outbound queue (1 MiB, on top of a 256 KiB socket buffer)
//	      overflowed, or the socket took nothing for the write timeout (10 s); reconnect after
//	      retry and resume with since. A client that reads nothing at all cannot receive this
//	      frame either: it finds the connection gone (1006) when it reads again.
//	4010  keep-alive timeout (timeout): nothing arrived for the ping interval plus the pong wait
//
// Any other closure (1006) is a network failure: reconnect with jittered exponential backoff.
//
// # Writing to connections
//
// Each connection has one outbound queue, capped in bytes. A publication is serialized once and
// its frame queued to every subscriber without blocking. The hub's flushers (one per core) then
// write each connection's queued frames with a single non-blocking writev; a broadcast to 10,000
// clients thus wakes two goroutines rather than 10,000. When a socket has no room for a whole
// message, the rest of it, any ping, pong or close, and everything after go to a writer
// goroutine of the connection's own, the only place that ever waits on the socket; it is
// started for that work and hands the socket back to the flushers, and ends, once it has caught
// up, so an idle connection holds one goroutine (its reader). Exactly one of flusher and writer
// writes to a socket at a time, so frames never interleave, and a client that falls behind
// holds up only its own writer until its queue overflows or a write waits out the write
// timeout (close 4009).
//
// The reader hands each request to a goroutine of its own and waits for it: handling needs a
// deep stack, a goroutine keeps the stack it once grew to, and the reader spends the
// connection's life waiting for the next frame, which a shallow stack does (about 4 KiB less
// per connection).
//
// # Timers and deadlines
//
// Each guards one thing, and none outlives the work it guards:
//
//   - Ping interval (Options.PingInterval, 25 s): the writer pings every connection; browsers
//     and the libraries answer with a pong.
//   - Read deadline (PingInterval + PongTimeout, 35 s): moved forward by every message and every
//     pong; when it passes the connection is closed with 4010. It is the only read deadline.
//   - Write deadline (WriteTimeout, 10 s): set on the socket only while the connection's own
//     writer writes (data it took over, pings, pongs). The writer clears it before it gives the
//     socket back to the flushers, whose writes never wait: a deadline left on the socket would
//     fail their first write after it passed, on any connection quiet for longer than the
//     timeout after a ping. A writer's write that waits the whole timeout closes the connection
//     as a slow consumer (4009), after a grace of at most 1 s to finish the message in flight
//     and send the close frame.
//   - Close: the close frame is written with a 1 s deadline, and the reader then waits at most
//     1 s for the client's answer, dropping anything else the client sends meanwhile.
//   - Ticket lifetime (TicketTTL, 30 s): a ticket is used once, at the upgrade; clients fetch a
//     new one for every connection, so the lifetime never meets a connection that is open.
//   - Presence (PresenceInterval, 5 s): members are renewed every interval and expire after
//     three, which only a dead instance lets happen.
//   - History (ChannelType.HistoryTTL): a channel's history and epoch expire after this long
//     without a publication, unless an instance has subscribers to it: they renew it every
//     quarter of the TTL, so a quiet room is never reset while someone is in it.
//   - Redis link probe (2 s): each instance echoes a probe through its pub/sub connection and
//     replaces the connection when three probe intervals pass without a message.
//   - Shutdown drain: the caller's context bounds it; clients still connected then are cut.
//
// # Degradation
//
// With Redis down, connected clients stay connected and keep their subscriptions; joins,
// publishes, presence and tickets answer "unavailable" with a retry hint; Ready reports the outage
// (a pub/sub connection is checked by echoing a probe through it, never assumed alive). When Redis
// returns, the fan-out connection resubscribes by itself and every channel reads back what it
// missed from history (or resets clients if Redis came back empty).
package live
