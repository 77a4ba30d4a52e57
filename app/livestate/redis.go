package livestate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// NewRedis returns state shared by every instance that uses the same Redis and prefix. Every
// key it writes starts with prefix (e.g. "zf:"): "<prefix>sess:<key>" per session,
// "<prefix>user:<id>" for each user's set of session keys, "<prefix>rate:<key>" per
// rate-limit key and "<prefix>ver:<name>" per version. The State owns client from now on: Close closes it.
func NewRedis(client *redis.Client, prefix string) *State {
	sessions, versions := &redisSessions{rdb: client, prefix: prefix}, &redisVersions{rdb: client, prefix: prefix + "ver:"}
	return &State{
		Sessions: sessions,
		Limiter: &redisLimiter{
			rl:     redis_rate.NewLimiter(scoped{client}),
			prefix: prefix + "rate:",
		},
		Versions: versions,
		ReadRequest: func(ctx context.Context, key string, names []string) RequestState {
			return readRequestRedis(ctx, sessions, versions, key, names)
		},
		Ping:  func(ctx context.Context) error { return client.Ping(ctx).Err() },
		Close: client.Close,
		Kind:  "redis",
	}
}

type redisSessions struct {
	rdb    *redis.Client
	prefix string
}

// stored is the JSON form of a session in Redis; short names keep every session small.
type stored struct {
	UserID    int64     `json:"u"`
	CSRFToken string    `json:"c"`
	IP        string    `json:"i"`
	UserAgent string    `json:"a"`
	CreatedAt time.Time `json:"t"`
	ExpiresAt time.Time `json:"e"`
}

// putSession writes the session and indexes it under its user in one step. The user's set
// lives as long as the longest of its sessions, so it never outlives them by much.
var putSession = redis.NewScript(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return 1
`)

func (r *redisSessions) sessKey(key string) string { return r.prefix + "sess:" + key }

func (r *redisSessions) userKey(id int64) string {
	return r.prefix + "user:" + strconv.FormatInt(id, 10)
}

func (r *redisSessions) Put(ctx context.Context, key string, s Session) error {
	ttl := time.Until(s.ExpiresAt).Milliseconds()
	if ttl <= 0 {
		return fmt.Errorf("livestate: session for user %d expired at %s", s.UserID, s.ExpiresAt)
	}
	b, err := json.Marshal(stored(s))
	if err != nil {
		return fmt.Errorf("livestate: encode session: %w", err)
	}
	keys := []string{r.sessKey(key), r.userKey(s.UserID)}
	if err := putSession.Run(ctx, r.rdb, keys, b, ttl, key).Err(); err != nil {
		return fmt.Errorf("livestate: put session: %w", err)
	}
	return nil
}

func (r *redisSessions) Get(ctx context.Context, key string) (Session, error) {
	return r.decode(r.rdb.Get(ctx, r.sessKey(key)).Bytes())
}

// readRequestRedis sends the session's GET and the versions' MGET in one pipeline.
func readRequestRedis(ctx context.Context, r *redisSessions, v *redisVersions, key string, names []string) RequestState {
	var (
		sess *redis.StringCmd
		vals *redis.SliceCmd
	)
	_, _ = r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		sess = p.Get(ctx, r.sessKey(key))
		vals = p.MGet(ctx, v.keys(names)...)
		return nil
	})
	var out RequestState
	out.Session, out.SessionErr = r.decode(sess.Bytes())
	if got, err := v.parse(names, vals); err == nil {
		out.Versions = got
	}
	return out
}

func (r *redisSessions) decode(b []byte, err error) (Session, error) {
	if errors.Is(err, redis.Nil) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("livestate: get session: %w", err)
	}
	var s stored
	if err := json.Unmarshal(b, &s); err != nil {
		return Session{}, fmt.Errorf("livestate: decode session: %w", err)
	}
	// Redis expires keys on its own clock; this guards against ours being ahead of it.
	if !time.Now().Before(s.ExpiresAt) {
		return Session{}, ErrNotFound
	}
	return Session(s), nil
}

func (r *redisSessions) Delete(ctx context.Context, key string) error {
	s, err := r.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return r.rdb.Del(ctx, r.sessKey(key)).Err()
	}
	if err != nil {
		return err
	}
	_, err = r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, r.sessKey(key))
		p.SRem(ctx, r.userKey(s.UserID), key)
		return nil
	})
	if err != nil {
		return fmt.Errorf("livestate: delete session: %w", err)
	}
	return nil
}

// DeleteUser removes the sessions the user had when it was called; one created meanwhile (a
// login racing a password change) survives, as it would had it come a moment later.
func (r *redisSessions) DeleteUser(ctx context.Context, userID int64, keep string) error {
	members, err := r.rdb.SMembers(ctx, r.userKey(userID)).Result()
	if err != nil {
		return fmt.Errorf("livestate: list user sessions: %w", err)
	}
	var drop, sessKeys []string
	for _, m := range members {
		if m != keep {
			drop = append(drop, m)
			sessKeys = append(sessKeys, r.sessKey(m))
		}
	}
	if len(drop) == 0 {
		return nil
	}
	_, err = r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, sessKeys...)
		p.SRem(ctx, r.userKey(userID), anys(drop)...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("livestate: delete user sessions: %w", err)
	}
	return nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

type redisLimiter struct {
	rl     *redis_rate.Limiter
	prefix string
}

func (l *redisLimiter) Allow(ctx context.Context, key string, lim Limit) (Result, error) {
	if err := lim.validate(); err != nil {
		return Result{}, err
	}
	res, err := l.rl.Allow(ctx, l.prefix+key, redis_rate.Limit{
		Rate:   lim.Events,
		Burst:  lim.Events,
		Period: lim.Per,
	})
	if err != nil {
		return Result{}, fmt.Errorf("livestate: rate limit: %w", err)
	}
	if res.Allowed > 0 {
		return Result{Allowed: true, Remaining: res.Remaining}, nil
	}
	return Result{RetryAfter: max(res.RetryAfter, time.Millisecond)}, nil
}

func (l *redisLimiter) Reset(ctx context.Context, key string) error {
	if err := l.rl.Reset(ctx, l.prefix+key); err != nil {
		return fmt.Errorf("livestate: reset rate limit: %w", err)
	}
	return nil
}

type redisVersions struct {
	rdb    *redis.Client
	prefix string
}

func (v *redisVersions) keys(names []string) []string {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = v.prefix + n
	}
	return keys
}

func (v *redisVersions) Get(ctx context.Context, names ...string) ([]int64, error) {
	return v.parse(names, v.rdb.MGet(ctx, v.keys(names)...))
}

func (v *redisVersions) parse(names []string, cmd *redis.SliceCmd) ([]int64, error) {
	vals, err := cmd.Result()
	if err != nil {
		return nil, fmt.Errorf("livestate: read versions: %w", err)
	}
	out := make([]int64, len(names))
	for i, val := range vals {
		if s, ok := val.(string); ok {
			if out[i], err = strconv.ParseInt(s, 10, 64); err != nil {
				return nil, fmt.Errorf("livestate: version %s: %w", names[i], err)
			}
		}
	}
	return out, nil
}

// raiseScript moves a version forward only: two writers raising out of order leave the larger.
var raiseScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1]) end
return 0`)

func (v *redisVersions) Raise(ctx context.Context, name string, to int64) error {
	if err := raiseScript.Run(ctx, v.rdb, []string{v.prefix + name}, to).Err(); err != nil {
		return fmt.Errorf("livestate: raise version: %w", err)
	}
	return nil
}

func (v *redisVersions) Bump(ctx context.Context, name string) (int64, error) {
	n, err := v.rdb.Incr(ctx, v.prefix+name).Result()
	if err != nil {
		return 0, fmt.Errorf("livestate: bump version: %w", err)
	}
	return n, nil
}

// libPrefix is the namespace redis_rate puts in front of every key it is given.
const libPrefix = "rate:"

// scoped strips redis_rate's fixed namespace again, so that rate keys sit under our prefix
// like every other key and two prefixes on one Redis never share a counter.
type scoped struct{ *redis.Client }

func unscope(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.TrimPrefix(k, libPrefix)
	}
	return out
}

func (s scoped) Eval(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	return s.Client.Eval(ctx, script, unscope(keys), args...)
}

func (s scoped) EvalSha(ctx context.Context, sha string, keys []string, args ...any) *redis.Cmd {
	return s.Client.EvalSha(ctx, sha, unscope(keys), args...)
}

func (s scoped) EvalRO(ctx context.Context, script string, keys []string, args ...any) *redis.Cmd {
	return s.Client.EvalRO(ctx, script, unscope(keys), args...)
}

func (s scoped) EvalShaRO(ctx context.Context, sha string, keys []string, args ...any) *redis.Cmd {
	return s.Client.EvalShaRO(ctx, sha, unscope(keys), args...)
}

func (s scoped) Del(ctx context.Context, keys ...string) *redis.IntCmd {
	return s.Client.Del(ctx, unscope(keys)...)
}
