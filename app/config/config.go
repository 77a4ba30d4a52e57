// Package config owns Zonefair's settings: every environment variable is declared once below
// with its default, how it is parsed and validated, and whether it is secret. Load refuses bad
// values with a message naming the variable.
package config

import (
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the validated configuration of one process.
type Config struct {
	Addr            string
	DataDir         string
	FrontendDir     string // serve the web interface from here instead of the embedded build
	DatabaseURL     string // as given; empty means SQLite under DataDir
	RedisURL        string
	RedisPrefix     string // every Redis key starts with it
	TrustedProxies  []string
	Secret          string
	BaseURL         string
	LogLevel        slog.Level
	LogFormat       string
	ShutdownTimeout time.Duration
	BodyLimit       int
	LiveBench       bool
	// Live keep-alive: how often connections are pinged, how long a pong may take and how long
	// one write to a connection may wait (see app/live/doc.go, "Timers and deadlines").
	LivePingInterval time.Duration
	LivePongTimeout  time.Duration
	LiveWriteTimeout time.Duration
	SMTPAddr         string
	SMTPFrom         string
	SMTPUser         string
	SMTPPassword     string
	DemoOnEmpty      bool
	// Signing: the agreement seal's key and certificate chain (both or neither; generated under
	// DataDir/signing when neither), an RFC 3161 timestamp authority, and whether webhooks may
	// reach private addresses.
	SigningKeyFile       string
	SigningCertFile      string
	TSAURL               string
	WebhooksAllowPrivate bool
	// ICEServers are the STUN/TURN servers meeting pages use for their peer connections.
	ICEServers []ICEServer
	// LiveKit is the video server (SFU) for briefing stages and group meetings; without its URL
	// briefings keep their external stream and meetings go peer to peer.
	LiveKitURL       string
	LiveKitAPIKey    string
	LiveKitAPISecret string
	// LiveKitRoomPrefix starts this install's room names on a video server it shares.
	LiveKitRoomPrefix string
}

// ICEServer is one STUN or TURN server as a browser's RTCPeerConnection takes it.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

type option struct {
	name   string
	def    string
	secret bool
	help   string
	set    func(c *Config, v string) error
}

// options is the single declaration of every setting.
var options = []option{
	{name: "ZONEFAIR_ADDR", def: ":8080", help: "listen address", set: func(c *Config, v string) error {
		if !strings.Contains(v, ":") {
			return errors.New("want host:port, e.g. :8080")
		}
		c.Addr = v
		return nil
	}},
	{name: "ZONEFAIR_DATA_DIR", def: "./data", help: "directory for the SQLite file, uploads and generated keys", set: func(c *Config, v string) error {
		c.DataDir = v
		return nil
	}},
	{name: "ZONEFAIR_FRONTEND_DIR", def: "", help: "serve the web interface from this directory (a `vite build --watch` output) instead of the one built into the binary", set: func(c *Config, v string) error {
		c.FrontendDir = v
		return nil
	}},
	{name: "ZONEFAIR_DATABASE_URL", def: "", secret: true, help: "postgres://… for PostgreSQL; empty or sqlite:PATH for SQLite", set: func(c *Config, v string) error {
		if v != "" && !isPostgres(v) && !strings.HasPrefix(v, "sqlite:") {
			return errors.New("want a postgres:// URL or sqlite:PATH")
		}
		c.DatabaseURL = v
		return nil
	}},
	{name: "ZONEFAIR_REDIS_URL", def: "", secret: true, help: "redis://… for shared live state; empty keeps it in process", set: func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "redis://") && !strings.HasPrefix(v, "rediss://") && !strings.HasPrefix(v, "unix://") {
			return errors.New("want a redis:// or rediss:// URL")
		}
		c.RedisURL = v
		return nil
	}},
	{name: "ZONEFAIR_TRUSTED_PROXIES", def: "", help: "comma-separated addresses or CIDR ranges of the load balancers whose X-Forwarded-For names the client (per-address limits count clients, not the balancer)", set: func(c *Config, v string) error {
		c.TrustedProxies = nil
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					return fmt.Errorf("%q is neither an IP address nor a CIDR range", p)
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
		return nil
	}},
	{name: "ZONEFAIR_REDIS_PREFIX", def: "zf:", help: "start of every Redis key, so several deployments (or test runs) can share one Redis", set: func(c *Config, v string) error {
		if v == "" || strings.ContainsAny(v, " *?[]") {
			return errors.New("want a non-empty prefix without spaces or glob characters, e.g. zf:")
		}
		c.RedisPrefix = v
		return nil
	}},
	{name: "ZONEFAIR_SECRET", def: "", secret: true, help: "server secret (≥ 32 chars); generated and kept in DATA_DIR/secret when empty", set: func(c *Config, v string) error {
		if v != "" && len(v) < 32 {
			return errors.New("must be at least 32 characters")
		}
		c.Secret = v
		return nil
	}},
	{name: "ZONEFAIR_BASE_URL", def: "http://localhost:8080", help: "public URL, used in links and to check Origin", set: func(c *Config, v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("want an absolute http(s) URL")
		}
		c.BaseURL = strings.TrimRight(v, "/")
		return nil
	}},
	{name: "ZONEFAIR_LOG_LEVEL", def: "info", help: "debug, info, warn or error", set: func(c *Config, v string) error {
		return c.LogLevel.UnmarshalText([]byte(v))
	}},
	{name: "ZONEFAIR_LOG_FORMAT", def: "text", help: "text or json", set: func(c *Config, v string) error {
		if v != "text" && v != "json" {
			return errors.New("want text or json")
		}
		c.LogFormat = v
		return nil
	}},
	{name: "ZONEFAIR_SHUTDOWN_TIMEOUT", def: "15s", help: "how long to drain on SIGTERM", set: func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return errors.New("want a positive duration, e.g. 15s")
		}
		c.ShutdownTimeout = d
		return nil
	}},
	{name: "ZONEFAIR_BODY_LIMIT", def: "12582912", help: "largest request body in bytes", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1024 {
			return errors.New("want a number of bytes ≥ 1024")
		}
		c.BodyLimit = n
		return nil
	}},
	{name: "ZONEFAIR_SMTP_ADDR", def: "", help: "SMTP server host:port for email; empty keeps mail in the outbox admins read", set: func(c *Config, v string) error {
		if v != "" && !strings.Contains(v, ":") {
			return errors.New("want host:port, e.g. smtp.example.com:587")
		}
		c.SMTPAddr = v
		return nil
	}},
	{name: "ZONEFAIR_SMTP_FROM", def: "Zonefair <no-reply@localhost>", help: "sender address of email", set: func(c *Config, v string) error {
		c.SMTPFrom = v
		return nil
	}},
	{name: "ZONEFAIR_SMTP_USER", def: "", help: "SMTP login (PLAIN auth over TLS)", set: func(c *Config, v string) error {
		c.SMTPUser = v
		return nil
	}},
	{name: "ZONEFAIR_SMTP_PASSWORD", def: "", secret: true, help: "SMTP password", set: func(c *Config, v string) error {
		c.SMTPPassword = v
		return nil
	}},
	{name: "ZONEFAIR_LIVE_BENCH", def: "false", help: "enable the anonymous bench:* live channels for load tests", set: func(c *Config, v string) (err error) {
		c.LiveBench, err = strconv.ParseBool(v)
		return err
	}},
	{name: "ZONEFAIR_LIVE_PING_INTERVAL", def: "25s", help: "how often live connections are pinged", set: func(c *Config, v string) error {
		return liveTimer(&c.LivePingInterval, v)
	}},
	{name: "ZONEFAIR_LIVE_PONG_TIMEOUT", def: "10s", help: "how long after a ping a silent live connection is kept", set: func(c *Config, v string) error {
		return liveTimer(&c.LivePongTimeout, v)
	}},
	{name: "ZONEFAIR_LIVE_WRITE_TIMEOUT", def: "10s", help: "how long one write to a live connection may wait before the client counts as slow", set: func(c *Config, v string) error {
		return liveTimer(&c.LiveWriteTimeout, v)
	}},
	{name: "ZONEFAIR_SIGNING_KEY_FILE", def: "", help: "PEM private key that seals signed agreements; generated in DATA_DIR/signing when empty", set: func(c *Config, v string) error {
		c.SigningKeyFile = v
		return nil
	}},
	{name: "ZONEFAIR_SIGNING_CERT_FILE", def: "", help: "PEM certificate chain (leaf first) of ZONEFAIR_SIGNING_KEY_FILE", set: func(c *Config, v string) error {
		if (v == "") != (c.SigningKeyFile == "") {
			return errors.New("set together with ZONEFAIR_SIGNING_KEY_FILE")
		}
		c.SigningCertFile = v
		return nil
	}},
	{name: "ZONEFAIR_TSA_URL", def: "", help: "RFC 3161 timestamp authority for sealed agreements; empty for none", set: func(c *Config, v string) error {
		if v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return errors.New("want an absolute http(s) URL")
			}
		}
		c.TSAURL = v
		return nil
	}},
	{name: "ZONEFAIR_WEBHOOKS_ALLOW_PRIVATE", def: "false", help: "let agreement webhooks reach loopback and private addresses (development only)", set: func(c *Config, v string) (err error) {
		c.WebhooksAllowPrivate, err = strconv.ParseBool(v)
		return err
	}},
	{name: "ZONEFAIR_ICE_SERVERS", def: "", secret: true, help: `STUN/TURN servers for meeting video, a JSON list of {"urls":[…],"username":…,"credential":…}; empty for direct connections only`, set: func(c *Config, v string) error {
		if strings.TrimSpace(v) == "" {
			return nil
		}
		dec := json.NewDecoder(strings.NewReader(v))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c.ICEServers); err != nil {
			return errors.New(`want a JSON list like [{"urls":["stun:stun.example.org:3478"]}]`)
		}
		for _, s := range c.ICEServers {
			if len(s.URLs) == 0 {
				return errors.New("every server needs urls")
			}
			for _, u := range s.URLs {
				if !strings.HasPrefix(u, "stun:") && !strings.HasPrefix(u, "stuns:") && !strings.HasPrefix(u, "turn:") && !strings.HasPrefix(u, "turns:") {
					return errors.New("urls must start with stun:, stuns:, turn: or turns:")
				}
			}
		}
		return nil
	}},
	{name: "ZONEFAIR_LIVEKIT_URL", def: "", help: "LiveKit server browsers connect to (ws:// or wss://) for briefing stages and group meetings; empty keeps the external stream and peer-to-peer meetings", set: func(c *Config, v string) error {
		if v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "ws" && u.Scheme != "wss" && u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return errors.New("want an absolute ws(s):// or http(s):// URL, e.g. wss://video.example.org")
			}
		}
		c.LiveKitURL = strings.TrimRight(v, "/")
		return nil
	}},
	{name: "ZONEFAIR_LIVEKIT_API_KEY", def: "", help: "API key of ZONEFAIR_LIVEKIT_URL", set: func(c *Config, v string) error {
		if (v == "") != (c.LiveKitURL == "") {
			return errors.New("set together with ZONEFAIR_LIVEKIT_URL")
		}
		c.LiveKitAPIKey = v
		return nil
	}},
	{name: "ZONEFAIR_LIVEKIT_API_SECRET", def: "", secret: true, help: "API secret of ZONEFAIR_LIVEKIT_API_KEY: signs access tokens and checks the server's webhooks", set: func(c *Config, v string) error {
		if (v == "") != (c.LiveKitURL == "") {
			return errors.New("set together with ZONEFAIR_LIVEKIT_URL")
		}
		c.LiveKitAPISecret = v
		return nil
	}},
	{name: "ZONEFAIR_LIVEKIT_ROOM_PREFIX", def: "", help: "starts the name of each of this install's rooms on the video server, so installs sharing one keep their rooms apart and ignore each other's webhooks", set: func(c *Config, v string) error {
		c.LiveKitRoomPrefix = v
		return nil
	}},
	{name: "ZONEFAIR_DEMO", def: "false", help: "load demo data at start when the database is empty", set: func(c *Config, v string) (err error) {
		c.DemoOnEmpty, err = strconv.ParseBool(v)
		return err
	}},
}

func isPostgres(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Load reads the configuration from getenv (os.Getenv in production). A secret may instead be
// given as a file path in NAME_FILE.
func Load(getenv func(string) string) (*Config, error) {
	c := &Config{}
	var problems []string
	for _, o := range options {
		v, err := lookup(o, getenv)
		if err == nil {
			err = o.set(c, v)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", o.name, err))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("configuration: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

func lookup(o option, getenv func(string) string) (string, error) {
	if o.secret {
		if path := getenv(o.name + "_FILE"); path != "" {
			if getenv(o.name) != "" {
				return "", fmt.Errorf("set either %s or %s_FILE, not both", o.name, o.name)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("read %s_FILE: %w", o.name, err)
			}
			return strings.TrimSpace(string(b)), nil
		}
	}
	if v := getenv(o.name); v != "" {
		return v, nil
	}
	return o.def, nil
}

// Postgres reports whether the database is PostgreSQL.
func (c *Config) Postgres() bool { return isPostgres(c.DatabaseURL) }

// SQLitePath is the SQLite file used when the database is not PostgreSQL.
func (c *Config) SQLitePath() string {
	if p, ok := strings.CutPrefix(c.DatabaseURL, "sqlite:"); ok {
		return strings.TrimPrefix(p, "//")
	}
	return filepath.Join(c.DataDir, "zonefair.db")
}

// Origin is the scheme://host[:port] of BaseURL, the origin browsers send.
func (c *Config) Origin() string {
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return c.BaseURL
	}
	return u.Scheme + "://" + u.Host
}

// SecureCookies reports whether cookies must carry the Secure flag (the site is served over https).
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// EnsureSecret fills Secret from DATA_DIR/secret, creating that file with a random value on first
// run, so sessions and signed links survive restarts without any set-up.
func (c *Config) EnsureSecret() error {
	if c.Secret != "" {
		return nil
	}
	path := filepath.Join(c.DataDir, "secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		c.Secret = strings.TrimSpace(string(b))
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return err
	}
	c.Secret = base64.RawURLEncoding.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(c.Secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("write generated secret: %w", err)
	}
	return nil
}

// liveTimer parses one of the live engine's timers: a duration from 100 ms to an hour.
func liveTimer(dst *time.Duration, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < 100*time.Millisecond || d > time.Hour {
		return errors.New("want a duration from 100ms to 1h, e.g. 25s")
	}
	*dst = d
	return nil
}

// LogValue lists the effective configuration with secrets left out, for the start-up log.
func (c *Config) LogValue() slog.Value {
	db := "sqlite:" + c.SQLitePath()
	if c.Postgres() {
		db = redactURL(c.DatabaseURL)
	}
	redis := "in-process"
	if c.RedisURL != "" {
		redis = redactURL(c.RedisURL)
	}
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("data_dir", c.DataDir),
		slog.String("database", db),
		slog.String("live_state", redis),
		slog.String("base_url", c.BaseURL),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.Duration("shutdown_timeout", c.ShutdownTimeout),
		slog.Int("body_limit", c.BodyLimit),
		slog.Bool("live_bench", c.LiveBench),
		slog.Duration("live_ping_interval", c.LivePingInterval),
		slog.Duration("live_pong_timeout", c.LivePongTimeout),
		slog.Duration("live_write_timeout", c.LiveWriteTimeout),
		slog.String("smtp", cmp.Or(c.SMTPAddr, "(outbox only)")),
		slog.String("livekit", cmp.Or(c.LiveKitURL, "(off)")),
		slog.Bool("secret_set", c.Secret != ""),
	)
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "redacted")
		}
	}
	return u.Redacted()
}

// Help lists every setting with its default, for `zonefair help`.
func Help() string {
	var b strings.Builder
	for _, o := range options {
		def := o.def
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "  %-26s %s (default %s)", o.name, o.help, def)
		if o.secret {
			b.WriteString("; secret, or " + o.name + "_FILE")
		}
		b.WriteString("\n")
	}
	return b.String()
}
