package config

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/exit"
)

// TestConsolidateWithExecutor checks that Consolidate parses every scenario
// with executor.ParseConfig: defaults expanded, bad scenarios exit 104.
func TestConsolidateWithExecutor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		script  string
		check   func(t *testing.T, r Run)
		wantErr string
	}{
		{"shortcut_expanded", `{"vus": 5, "duration": "30s"}`, func(t *testing.T, r Run) {
			sc := r.Scenarios()
			if len(sc) != 1 || sc[0].Config == nil || sc[0].Config.Type() != "constant-vus" {
				t.Fatalf("scenarios = %+v", sc)
			}
			var m map[string]any
			if err := json.Unmarshal(sc[0].JSON, &m); err != nil {
				t.Fatal(err)
			}
			if m["gracefulStop"] != "30s" || m["exec"] != "default" {
				t.Errorf("expanded JSON lacks defaults: %s", sc[0].JSON)
			}
			if d := sc[0].Config.Description(); !strings.Contains(d, "5 looping VUs for 30s") {
				t.Errorf("Description = %q", d)
			}
		}, ""},
		{"unknown_scenario_key", `{"scenarios": {"a": {"executor": "constant-vus", "vus": 1, "duration": "1s", "bogus": 1}}}`, nil, "bogus"},
		{"missing_executor", `{"scenarios": {"a": {"vus": 1}}}`, nil, "doesn't have a specified executor type"},
		{"unknown_executor", `{"scenarios": {"a": {"executor": "fastest"}}}`, nil, "unknown executor type 'fastest'"},
		{"short_duration", `{"duration": "10ms"}`, nil, "scenario"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			script, _, err := FromScriptJSON([]byte(c.script))
			if err != nil {
				t.Fatal(err)
			}
			r, _, err := Consolidate(Defaults(), script)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || exit.CodeOf(err) != exit.InvalidConfig {
					t.Fatalf("Consolidate error = %v (code %d), want exit 104 containing %q", err, exit.CodeOf(err), c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, r)
		})
	}
}
