package live

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Identity is who holds a connection. UserID 0 is an anonymous visitor.
type Identity struct {
	UserID       int64  `json:"userId"`
	Name         string `json:"name"`
	Role         string `json:"role"`
	ZoneID       int64  `json:"zoneId"`
	EnterpriseID int64  `json:"enterpriseId"`
}

// Anonymous reports whether the identity has no account behind it.
func (i Identity) Anonymous() bool { return i.UserID == 0 }

// Authenticator resolves the caller of a request from its session; it returns an anonymous
// Identity (not an error) when there is no session.
type Authenticator func(c *fiber.Ctx) (Identity, error)

// Rights are what an identity may do in one channel.
type Rights uint8

// Rights a ChannelType grants.
const (
	CanJoin Rights = 1 << iota
	CanPublish
	// CanModerate allows kinds starting with "mod." (such as mod.kick and mod.delete).
	CanModerate
)

// ChannelType is a family of channels named "<Name>:<key>" with shared rules.
type ChannelType struct {
	Name string
	// Rights decides per identity and key; anonymous identities get at most CanJoin unless
	// AnonymousPublish is set. Nil grants nothing.
	Rights func(id Identity, key string) Rights
	// AnonymousPublish lets anonymous connections publish; only the benchmark channel uses it.
	AnonymousPublish bool
	// History is how many publications are kept for recovery (default 100); HistoryTTL how long
	// an idle channel keeps them (default 1h). When they go, the epoch changes.
	History    int
	HistoryTTL time.Duration
	// Presence tracks members. While a channel has at most ListLimit members (default 100)
	// members are listed and join/leave events sent; above it only counts are sent.
	Presence  bool
	ListLimit int
}

func (t *ChannelType) stream() Stream { return Stream{Size: t.History, TTL: t.HistoryTTL} }

func (t *ChannelType) rights(id Identity, key string) Rights {
	if t.Rights == nil {
		return 0
	}
	r := t.Rights(id, key)
	if id.Anonymous() && !t.AnonymousPublish {
		r &= CanJoin
	}
	return r
}

var (
	typeName   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	channelKey = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,96}$`)
	kindName   = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,31}$`)
)

var errChannel = errors.New("invalid channel name")

// splitChannel checks a channel name and splits it into type and key.
func splitChannel(ch string) (typ, key string, err error) {
	typ, key, ok := strings.Cut(ch, ":")
	if !ok || !typeName.MatchString(typ) || !channelKey.MatchString(key) {
		return "", "", errChannel
	}
	return typ, key, nil
}

// UserChannel names the channel only the given user may join; the server publishes the user's
// notifications to it.
func UserChannel(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

func userType() ChannelType {
	return ChannelType{
		Name: "user",
		Rights: func(id Identity, key string) Rights {
			if !id.Anonymous() && key == strconv.FormatInt(id.UserID, 10) {
				return CanJoin
			}
			return 0
		},
		History:    100,
		HistoryTTL: 24 * time.Hour,
	}
}

// benchType lets anyone join and publish so the load generator needs no accounts. It exists
// only when Options.EnableBench is set.
func benchType() ChannelType {
	return ChannelType{
		Name:             "bench",
		Rights:           func(Identity, string) Rights { return CanJoin | CanPublish },
		AnonymousPublish: true,
		History:          2000,
		HistoryTTL:       time.Hour,
		Presence:         true,
		ListLimit:        100,
	}
}
