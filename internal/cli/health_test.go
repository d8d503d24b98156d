package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestClientHealth: every run reports the generator's self-health — in
// handleSummary's data.client, and as the CLIENT section of the default
// text summary.
func TestClientHealth(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil, "-q", "client_health.js")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	var c struct {
		Cores        int      `json:"cores"`
		WallSeconds  float64  `json:"wall_seconds"`
		CPUSeconds   float64  `json:"cpu_seconds"`
		GCPauses     *uint64  `json:"gc_pauses"`
		Saturated    []string `json:"saturated"`
		SchedLatency struct {
			P99Ms *float64 `json:"p99_ms"`
		} `json:"sched_latency"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
		t.Fatalf("data.client is not the self-health JSON: %v\n%s", err, r.stdout)
	}
	if c.Cores < 1 || c.WallSeconds <= 0 || c.CPUSeconds <= 0 || c.GCPauses == nil || c.SchedLatency.P99Ms == nil || c.Saturated == nil {
		t.Errorf("data.client = %s", r.stdout)
	}

	r = runCLI(t, nil, "shared_iterations.js")
	if !strings.Contains(r.stdout, "█ CLIENT (load generator self-health)") || !strings.Contains(r.stdout, "sched_latency") {
		t.Errorf("text summary lacks the CLIENT section:\n%s", r.stdout)
	}
}
