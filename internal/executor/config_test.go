package executor

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want []string // substrings of the error
	}{
		{"missing executor", `{"vus": 1}`, []string{"scenario 'x' doesn't have a specified executor type"}},
		{"unknown executor", `{"executor": "warp-speed"}`, []string{"unknown executor type 'warp-speed'"}},
		{"misspelled key", `{"executor": "constant-vus", "duration": "1s", "vuss": 5}`, []string{`unknown field "vuss"`}},
		{"bad duration", `{"executor": "constant-vus", "duration": "soon"}`, []string{`invalid duration "soon"`}},
		{"shared-iterations", `{"executor": "shared-iterations", "vus": 10, "iterations": 5, "maxDuration": "500ms"}`,
			[]string{"the number of iterations (5) can't be less than the number of VUs (10)", "the maxDuration must be at least 1s, but is 500ms"}},
		{"shared-iterations zero VUs", `{"executor": "shared-iterations", "vus": 0}`, []string{"the number of VUs must be more than 0"}},
		{"per-vu-iterations", `{"executor": "per-vu-iterations", "vus": -1, "iterations": 0}`,
			[]string{"the number of VUs must be more than 0", "the number of iterations must be more than 0"}},
		{"constant-vus without duration", `{"executor": "constant-vus", "vus": 2}`, []string{"the duration is unspecified"}},
		{"constant-vus short", `{"executor": "constant-vus", "vus": 0, "duration": 999}`,
			[]string{"the number of VUs must be more than 0", "the duration must be at least 1s, but is 999ms"}},
		{"ramping-vus no stages", `{"executor": "ramping-vus"}`, []string{"at least one stage has to be specified"}},
		{"ramping-vus bad stages", `{"executor": "ramping-vus", "startVUs": -1, "stages": [{"target": 1}, {"duration": "-1s", "target": -2}, {"duration": "1s"}]}`,
			[]string{"the number of start VUs shouldn't be negative", "stage 1 doesn't have a duration",
				"the duration for stage 2 shouldn't be negative", "the target for stage 2 shouldn't be negative", "stage 3 doesn't have a target"}},
		{"ramping-vus all zero", `{"executor": "ramping-vus", "startVUs": 0, "stages": [{"duration": "1s", "target": 0}]}`,
			[]string{"either startVUs or one of the stages' target values must be greater than 0"}},
		{"ramping-vus too many", `{"executor": "ramping-vus", "stages": [{"duration": "1s", "target": 100000001}]}`,
			[]string{"the target for stage 1 exceeds the max limit of 100000000"}},
		{"constant-arrival-rate missing", `{"executor": "constant-arrival-rate"}`,
			[]string{"the iteration rate isn't specified", "the duration is unspecified", "the number of preAllocatedVUs isn't specified"}},
		{"constant-arrival-rate invalid", `{"executor": "constant-arrival-rate", "rate": 0, "timeUnit": "0s", "duration": "1s", "preAllocatedVUs": 5, "maxVUs": 2}`,
			[]string{"the iteration rate must be more than 0", "the timeUnit must be more than 0", "maxVUs can't be less than preAllocatedVUs"}},
		{"ramping-arrival-rate", `{"executor": "ramping-arrival-rate", "startRate": -1, "preAllocatedVUs": -1, "stages": []}`,
			[]string{"the startRate value can't be negative", "at least one stage has to be specified", "the number of preAllocatedVUs can't be negative"}},
		{"common options", `{"executor": "constant-vus", "duration": "1s", "exec": "", "startTime": "-1s", "gracefulStop": "-2s"}`,
			[]string{"exec value cannot be empty", "the startTime can't be negative", "the gracefulStop timeout can't be negative"}},
		{"externally-controlled", `{"executor": "externally-controlled", "duration": "1s"}`, []string{"not supported"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("x", json.RawMessage(tt.raw))
			if err == nil {
				t.Fatal("ParseConfig succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
	t.Run("bad scenario name", func(t *testing.T) {
		_, err := ParseConfig("a b", json.RawMessage(`{"executor": "constant-vus", "duration": "1s"}`))
		if err == nil || !strings.Contains(err.Error(), "only numbers, latin letters, underscores, and dashes") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestParseConfigDefaults(t *testing.T) {
	tests := []struct {
		name        string
		raw         string
		desc        string
		planned     int64
		max         int64
		maxDuration time.Duration
		json        string
	}{
		{"shared-iterations", `{"executor": "shared-iterations"}`,
			"1 iterations shared among 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)", 1, 1, 10*time.Minute + 30*time.Second,
			`{"executor":"shared-iterations","startTime":"0s","gracefulStop":"30s","exec":"default","vus":1,"iterations":1,"maxDuration":"10m0s"}`},
		{"per-vu-iterations", `{"executor": "per-vu-iterations", "vus": 4, "iterations": 6, "exec": "chat", "startTime": "10s"}`,
			"6 iterations for each of 4 VUs (maxDuration: 10m0s, exec: chat, startTime: 10s, gracefulStop: 30s)", 4, 4, 10*time.Minute + 30*time.Second,
			`{"executor":"per-vu-iterations","startTime":"10s","gracefulStop":"30s","exec":"chat","vus":4,"iterations":6,"maxDuration":"10m0s"}`},
		{"constant-vus", `{"executor": "constant-vus", "vus": 5, "duration": 30000, "tags": {"a": "b"}}`,
			"5 looping VUs for 30s (gracefulStop: 30s)", 5, 5, time.Minute,
			`{"executor":"constant-vus","startTime":"0s","gracefulStop":"30s","exec":"default","tags":{"a":"b"},"vus":5,"duration":"30s"}`},
		{"ramping-vus", `{"executor": "ramping-vus", "stages": [{"duration": "1m", "target": 20}, {"duration": "30s", "target": 0}], "gracefulStop": "0s"}`,
			"Up to 20 looping VUs for 1m30s over 2 stages (gracefulRampDown: 30s)", 20, 20, 90 * time.Second,
			`{"executor":"ramping-vus","startTime":"0s","gracefulStop":"0s","exec":"default","startVUs":1,"stages":[{"duration":"1m0s","target":20},{"duration":"30s","target":0}],"gracefulRampDown":"30s"}`},
		{"constant-arrival-rate", `{"executor": "constant-arrival-rate", "rate": 30, "timeUnit": "1m", "duration": "1d", "preAllocatedVUs": 2, "maxVUs": 10}`,
			"0.50 iterations/s for 24h0m0s (maxVUs: 2-10, gracefulStop: 30s)", 2, 10, 24*time.Hour + 30*time.Second,
			`{"executor":"constant-arrival-rate","startTime":"0s","gracefulStop":"30s","exec":"default","rate":30,"timeUnit":"1m0s","duration":"24h0m0s","preAllocatedVUs":2,"maxVUs":10}`},
		{"ramping-arrival-rate", `{"executor": "ramping-arrival-rate", "preAllocatedVUs": 3, "stages": [{"duration": "10s", "target": 10}]}`,
			"Up to 10.00 iterations/s for 10s over 1 stages (maxVUs: 3, gracefulStop: 30s)", 3, 3, 40 * time.Second,
			`{"executor":"ramping-arrival-rate","startTime":"0s","gracefulStop":"30s","exec":"default","startRate":0,"timeUnit":"1s","stages":[{"duration":"10s","target":10}],"preAllocatedVUs":3,"maxVUs":3}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig("s1", json.RawMessage(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Name() != "s1" || cfg.Type() != tt.name || cfg.Base().Name != "s1" {
				t.Errorf("Name, Type = %q, %q", cfg.Name(), cfg.Type())
			}
			if got := cfg.Description(); got != tt.desc {
				t.Errorf("Description:\n got %q\nwant %q", got, tt.desc)
			}
			if cfg.PlannedVUs() != tt.planned || cfg.MaxVUs() != tt.max {
				t.Errorf("PlannedVUs, MaxVUs = %d, %d; want %d, %d", cfg.PlannedVUs(), cfg.MaxVUs(), tt.planned, tt.max)
			}
			if got := cfg.MaxDuration(); got != tt.maxDuration {
				t.Errorf("MaxDuration = %v, want %v", got, tt.maxDuration)
			}
			b, err := json.Marshal(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.json {
				t.Errorf("JSON:\n got %s\nwant %s", b, tt.json)
			}
			again, err := ParseConfig("s1", b)
			if err != nil {
				t.Fatalf("re-parsing own JSON: %v", err)
			}
			if b2, _ := json.Marshal(again); string(b2) != string(b) {
				t.Errorf("round trip changed JSON:\n%s\n%s", b, b2)
			}
		})
	}
}

// TestConfigDurations reads durations through k6's one grammar
// (internal/duration): before it, this package read "2d-3h" as 45h where
// k6 and the config layer reject it.
func TestConfigDurations(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: `"1m30s"`, want: 90 * time.Second},
		{in: `"1d"`, want: 24 * time.Hour},
		{in: `"2d3h"`, want: 51 * time.Hour},
		{in: `"1500"`, want: 1500 * time.Millisecond},
		{in: `1500`, want: 1500 * time.Millisecond},
		{in: `"2d-3h"`, wantErr: true},
		{in: `"xd1s"`, wantErr: true},
		{in: `"d"`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			cfg, err := ParseConfig("s1", []byte(`{"executor":"constant-vus","vus":1,"duration":`+tt.in+`}`))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("duration %s accepted as %v, want an error", tt.in, cfg.(*ConstantVUs).Duration)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.(*ConstantVUs).Duration.D(); got != tt.want {
				t.Errorf("duration %s = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
