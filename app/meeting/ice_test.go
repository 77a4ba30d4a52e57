package meeting_test

import (
	"strings"
	"testing"

	"zonefair/app/config"
)

// TestICEServersSetting: ZONEFAIR_ICE_SERVERS is read as the list the room hands to browsers,
// and nonsense is refused at start.
func TestICEServersSetting(t *testing.T) {
	load := func(v string) (*config.Config, error) {
		return config.Load(func(k string) string {
			return map[string]string{"ZONEFAIR_DATA_DIR": t.TempDir(), "ZONEFAIR_SECRET": strings.Repeat("s", 40), "ZONEFAIR_ICE_SERVERS": v}[k]
		})
	}
	c, err := load(`[{"urls":["stun:stun.example.org:3478"]},{"urls":["turn:turn.example.org:3478?transport=udp"],"username":"zf","credential":"secret"}]`)
	if err != nil || len(c.ICEServers) != 2 || c.ICEServers[1].Credential != "secret" || c.ICEServers[0].URLs[0] != "stun:stun.example.org:3478" {
		t.Fatalf("parsed %+v, %v", c, err)
	}
	if c, err = load(""); err != nil || len(c.ICEServers) != 0 {
		t.Fatalf("empty: %+v, %v", c, err)
	}
	for _, bad := range []string{`{"urls":"stun:x"}`, `[{"urls":[]}]`, `[{"urls":["http://x"]}]`, `[{"url":["stun:x"]}]`, `not json`} {
		if _, err := load(bad); err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
