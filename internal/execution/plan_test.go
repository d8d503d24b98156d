package execution_test

import (
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/execution"
)

func TestPlan(t *testing.T) {
	tests := []struct {
		name            string
		raw             map[string]string
		planned, maxVUs int64
		maxDuration     time.Duration
	}{
		{"overlapping scenarios add up", map[string]string{
			"a": `{"executor": "constant-vus", "vus": 5, "duration": "1m"}`,
			"b": `{"executor": "constant-arrival-rate", "rate": 1, "duration": "1m", "preAllocatedVUs": 2, "maxVUs": 10, "startTime": "30s"}`,
		}, 7, 15, 2 * time.Minute},
		{"sequential scenarios reuse VUs", map[string]string{
			"a": `{"executor": "constant-vus", "vus": 5, "duration": "1m", "gracefulStop": "0s"}`,
			"b": `{"executor": "ramping-vus", "startTime": "1m", "stages": [{"duration": "10s", "target": 8}]}`,
		}, 8, 8, 1*time.Minute + 40*time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfgs := scenarios(t, tt.raw)
			s := execution.New(execution.Config{Scenarios: cfgs})
			if got := execution.PlannedVUs(cfgs); got != tt.planned {
				t.Errorf("PlannedVUs = %d, want %d", got, tt.planned)
			}
			if got := s.MaxVUs(); got != tt.maxVUs {
				t.Errorf("MaxVUs = %d, want %d", got, tt.maxVUs)
			}
			if got := s.MaxDuration(); got != tt.maxDuration {
				t.Errorf("MaxDuration = %v, want %v", got, tt.maxDuration)
			}
		})
	}
}
