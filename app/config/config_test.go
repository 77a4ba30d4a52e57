package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.Postgres() || c.RedisURL != "" || c.ShutdownTimeout != 15*time.Second || c.SQLitePath() != filepath.Join("data", "zonefair.db") {
		t.Fatalf("defaults %+v", c)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	for name, value := range map[string]string{
		"ZONEFAIR_ADDR":               "8080",
		"ZONEFAIR_DATABASE_URL":       "mysql://x",
		"ZONEFAIR_REDIS_URL":          "localhost:6379",
		"ZONEFAIR_SECRET":             "short",
		"ZONEFAIR_BASE_URL":           "localhost",
		"ZONEFAIR_LOG_LEVEL":          "loud",
		"ZONEFAIR_LOG_FORMAT":         "xml",
		"ZONEFAIR_SHUTDOWN_TIMEOUT":   "15",
		"ZONEFAIR_BODY_LIMIT":         "lots",
		"ZONEFAIR_TRUSTED_PROXIES":    "10.0.0.1, nginx",
		"ZONEFAIR_REDIS_PREFIX":       "zf:*",
		"ZONEFAIR_LIVE_PING_INTERVAL": "25",
		"ZONEFAIR_LIVE_PONG_TIMEOUT":  "1ms",
		"ZONEFAIR_LIVE_WRITE_TIMEOUT": "2h",
	} {
		_, err := Load(env(map[string]string{name: value}))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: error %v does not name the variable", name, value, err)
		}
	}
}

func TestTrustedProxiesAndRedisPrefix(t *testing.T) {
	c, err := Load(env(map[string]string{"ZONEFAIR_TRUSTED_PROXIES": " 10.0.0.1, 172.16.0.0/12 ,::1", "ZONEFAIR_REDIS_PREFIX": "fair2026:"}))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(c.TrustedProxies) != "[10.0.0.1 172.16.0.0/12 ::1]" || c.RedisPrefix != "fair2026:" {
		t.Fatalf("got proxies %q, prefix %q", c.TrustedProxies, c.RedisPrefix)
	}
	if d, _ := Load(env(nil)); d.TrustedProxies != nil || d.RedisPrefix != "zf:" {
		t.Fatalf("defaults: proxies %q, prefix %q", d.TrustedProxies, d.RedisPrefix)
	}
}

func TestLiveTimers(t *testing.T) {
	d, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if d.LivePingInterval != 25*time.Second || d.LivePongTimeout != 10*time.Second || d.LiveWriteTimeout != 10*time.Second {
		t.Fatalf("defaults: ping %v, pong %v, write %v", d.LivePingInterval, d.LivePongTimeout, d.LiveWriteTimeout)
	}
	c, err := Load(env(map[string]string{"ZONEFAIR_LIVE_PING_INTERVAL": "2s", "ZONEFAIR_LIVE_PONG_TIMEOUT": "1500ms", "ZONEFAIR_LIVE_WRITE_TIMEOUT": "1s"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.LivePingInterval != 2*time.Second || c.LivePongTimeout != 1500*time.Millisecond || c.LiveWriteTimeout != time.Second {
		t.Fatalf("got ping %v, pong %v, write %v", c.LivePingInterval, c.LivePongTimeout, c.LiveWriteTimeout)
	}
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	want := strings.Repeat("k", 40)
	os.WriteFile(path, []byte(want+"\n"), 0o600)
	c, err := Load(env(map[string]string{"ZONEFAIR_SECRET_FILE": path}))
	if err != nil || c.Secret != want {
		t.Fatalf("secret from file: %v %q", err, c.Secret)
	}
	if _, err := Load(env(map[string]string{"ZONEFAIR_SECRET_FILE": path, "ZONEFAIR_SECRET": want})); err == nil {
		t.Fatal("both the secret and its file were accepted")
	}
}

func TestGeneratedSecretPersists(t *testing.T) {
	dir := t.TempDir()
	a, _ := Load(env(map[string]string{"ZONEFAIR_DATA_DIR": dir}))
	if err := a.EnsureSecret(); err != nil || len(a.Secret) < 32 {
		t.Fatalf("generate: %v", err)
	}
	b, _ := Load(env(map[string]string{"ZONEFAIR_DATA_DIR": dir}))
	if err := b.EnsureSecret(); err != nil || b.Secret != a.Secret {
		t.Fatal("the generated secret did not survive a restart")
	}
	if fi, _ := os.Stat(filepath.Join(dir, "secret")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode %v", fi.Mode())
	}
}

func TestLogValueHidesSecrets(t *testing.T) {
	c, err := Load(env(map[string]string{
		"ZONEFAIR_DATABASE_URL": "postgres://zf:db-password@db:5432/zonefair",
		"ZONEFAIR_REDIS_URL":    "redis://:redis-password@cache:6379/0",
		"ZONEFAIR_SECRET":       strings.Repeat("top-secret-", 4),
	}))
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprint(c.LogValue())
	for _, secret := range []string{"db-password", "redis-password", "top-secret"} {
		if strings.Contains(out, secret) {
			t.Fatalf("start-up log shows %s: %s", secret, out)
		}
	}
	if !strings.Contains(out, "db:5432") {
		t.Fatalf("start-up log lacks the database host: %s", out)
	}
}

func TestLiveKitSettingsGoTogether(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "lk")
	if err := os.WriteFile(secret, []byte("lk-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"ZONEFAIR_LIVEKIT_URL": "wss://video.example.org/", "ZONEFAIR_LIVEKIT_API_KEY": "key", "ZONEFAIR_LIVEKIT_API_SECRET_FILE": secret}))
	if err != nil {
		t.Fatal(err)
	}
	if c.LiveKitURL != "wss://video.example.org" || c.LiveKitAPIKey != "key" || c.LiveKitAPISecret != "lk-secret" {
		t.Fatalf("livekit %q %q %q", c.LiveKitURL, c.LiveKitAPIKey, c.LiveKitAPISecret)
	}
	if strings.Contains(fmt.Sprint(c.LogValue()), "lk-secret") {
		t.Fatal("the LiveKit secret is logged")
	}
	for _, m := range []map[string]string{
		{"ZONEFAIR_LIVEKIT_URL": "wss://video.example.org"},
		{"ZONEFAIR_LIVEKIT_API_KEY": "key", "ZONEFAIR_LIVEKIT_API_SECRET": "s"},
		{"ZONEFAIR_LIVEKIT_URL": "video.example.org", "ZONEFAIR_LIVEKIT_API_KEY": "key", "ZONEFAIR_LIVEKIT_API_SECRET": "s"},
	} {
		if _, err := Load(env(m)); err == nil || !strings.Contains(err.Error(), "ZONEFAIR_LIVEKIT_") {
			t.Fatalf("%v: %v", m, err)
		}
	}
}
