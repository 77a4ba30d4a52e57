package live

import (
	"context"
	"errors"
	"time"
)

// Errors a Backend reports.
var (
	// ErrUnrecoverable means the requested offsets are no longer in the retained history, or the
	// history was lost (epoch changed): the client must reload the channel's state.
	ErrUnrecoverable = errors.New("live: history no longer retained")
	// ErrUnavailable means the shared backend (Redis) cannot be reached right now.
	ErrUnavailable = errors.New("live: backend unavailable")
	// ErrTicket means a connection ticket is unknown, used or expired.
	ErrTicket = errors.New("live: invalid ticket")
)

// Publication is one message of a channel's ordered stream.
type Publication struct {
	Channel string
	Offset  uint64
	Epoch   string
	// Payload is a JSON object {"kind":…,"from":…,"data":…}; hubs splice it into frames
	// without decoding it.
	Payload []byte
}

// Position is the top of a channel's stream: the last assigned offset within an epoch.
type Position struct {
	Offset uint64
	Epoch  string
}

// Stream tells a backend how much history to keep for a channel.
type Stream struct {
	Size int           // publications retained
	TTL  time.Duration // history (and the epoch) is dropped after this long without a publish
}

// Receiver is the side of a hub a backend delivers to. Its methods never block on clients.
type Receiver interface {
	// Deliver hands over a stream publication; offsets of one channel arrive in order, but
	// some may be missing after a backend reconnect (the hub fills gaps from history).
	Deliver(p Publication)
	// Notice hands over a message outside the stream (presence join/leave).
	Notice(channel string, frame []byte)
	// Resync tells the hub that deliveries may have been lost (the fan-out connection was
	// re-established) and every channel must be re-checked against history.
	Resync()
}

// Backend keeps channel history, presence and tickets, and carries publications between hubs.
// The in-process backend serves one process; the Redis backend serves many instances.
type Backend interface {
	// Attach registers one hub (one process in production) and returns its node.
	Attach(ctx context.Context, r Receiver) (Node, error)
}

// Node is one hub's handle on a Backend.
type Node interface {
	// ID names the node in presence records.
	ID() string
	// Subscribe makes sure publications of channel are delivered to this node; when it returns
	// nil, every later publication will be delivered.
	Subscribe(ctx context.Context, channel string) error
	Unsubscribe(ctx context.Context, channel string) error
	// Publish assigns the next offset, appends to history and delivers to every subscribed node,
	// atomically.
	Publish(ctx context.Context, channel string, payload []byte, s Stream) (Position, error)
	// Notify delivers frame to every subscribed node without touching the stream.
	Notify(ctx context.Context, channel string, frame []byte) error
	// History returns the publications after offset `after` (at most limit) and the current top.
	// It returns ErrUnrecoverable when some of them are no longer retained or epoch is not the
	// current one (an empty epoch accepts any).
	History(ctx context.Context, channel string, after uint64, epoch string, limit int) ([]Publication, Position, error)
	// Top returns the current position, creating the epoch if the channel has none yet.
	Top(ctx context.Context, channel string, s Stream) (Position, error)

	// PresenceAdd records a member of channel held by this node.
	PresenceAdd(ctx context.Context, channel, member string, info []byte) error
	PresenceRemove(ctx context.Context, channel, member string) error
	// PresenceRefresh keeps this node's members of the channels alive for ttl; members of a node
	// that stops refreshing (it died) disappear after ttl.
	PresenceRefresh(ctx context.Context, channels []string, ttl time.Duration) error
	// Presence returns all live members of channel across nodes, or only their number when
	// list is false.
	Presence(ctx context.Context, channel string, list bool) (count int, members [][]byte, err error)

	PutTicket(ctx context.Context, id string, data []byte, ttl time.Duration) error
	// TakeTicket returns and deletes a ticket; a ticket works once.
	TakeTicket(ctx context.Context, id string) ([]byte, error)

	// Ready reports whether fan-out between instances works right now.
	Ready(ctx context.Context) error
	// Close detaches the node; crash leaves its presence records to expire.
	Close(ctx context.Context, crash bool) error
}
