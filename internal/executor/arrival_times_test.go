package executor_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/llmbench/llmbench/internal/executor"
	"github.com/llmbench/llmbench/internal/vu"
)

// TestArrivalTimes replays small traces in virtual time: iteration i starts
// exactly at times[i] (scaled by timeUnit and speed), with iterationInTest
// = i, zero schedule_lag, and drops when no VU is idle.
func TestArrivalTimes(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name          string
		raw           string
		iter          time.Duration
		seg           string
		starts        map[int64]time.Duration // iterationInTest → start offset
		done, dropped int64
		took          time.Duration
	}{
		{"as recorded, timeUnit 1ms", `{"executor": "arrival-times", "times": [0, 100, 250, 250, 1000], "preAllocatedVUs": 2}`,
			10 * ms, "", map[int64]time.Duration{0: 0, 1: 100 * ms, 2: 250 * ms, 3: 250 * ms, 4: time.Second}, 5, 0, 1010 * ms},
		{"speed 2", `{"executor": "arrival-times", "times": [0, 100, 400], "speed": 2, "preAllocatedVUs": 1}`,
			10 * ms, "", map[int64]time.Duration{0: 0, 1: 50 * ms, 2: 200 * ms}, 3, 0, 210 * ms},
		{"timeUnit 1s, fractional offsets", `{"executor": "arrival-times", "times": [0.5, 1.25], "timeUnit": "1s", "preAllocatedVUs": 1}`,
			10 * ms, "", map[int64]time.Duration{0: 500 * ms, 1: 1250 * ms}, 2, 0, 1260 * ms},
		{"no idle VU: dropped", `{"executor": "arrival-times", "times": [0, 10, 20, 100], "preAllocatedVUs": 1}`,
			50 * ms, "", map[int64]time.Duration{0: 0, 3: 100 * ms}, 2, 2, 150 * ms},
		{"segment 0:1/2 owns every other index", `{"executor": "arrival-times", "times": [0, 10, 20, 30], "preAllocatedVUs": 2}`,
			ms, "0:1/2", map[int64]time.Duration{0: 0, 2: 20 * ms}, 2, 0, 30 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var seg executor.Segment
				if tt.seg != "" {
					var err error
					if seg, err = executor.ParseSegment(tt.seg, "0,1/2,1"); err != nil {
						t.Fatal(err)
					}
				}
				var mu sync.Mutex
				starts := map[int64]time.Duration{}
				scheduled := map[int64]time.Duration{}
				t0 := time.Now()
				r := runScenario(t, tt.raw, runOpts{seg: seg, iter: func(ctx context.Context, id uint64, it *vu.Iteration) error {
					mu.Lock()
					starts[it.InTest] = time.Since(t0)
					scheduled[it.InTest] = it.Scheduled.Sub(t0)
					mu.Unlock()
					return sleepIter(tt.iter)(ctx, id, it)
				}})
				r.check(t, tt.done, tt.dropped, 0)
				if !mapsEqual(starts, tt.starts) || !mapsEqual(scheduled, tt.starts) {
					t.Errorf("starts %v, scheduled %v; want %v", starts, scheduled, tt.starts)
				}
				for _, l := range r.out.Samples("schedule_lag") {
					if l.Value != 0 {
						t.Errorf("schedule_lag %vms in virtual time", l.Value)
					}
				}
				if n := len(r.out.Samples("schedule_lag")); int64(n) != tt.done {
					t.Errorf("%d schedule_lag samples, want %d", n, tt.done)
				}
				if r.took != tt.took {
					t.Errorf("took %v, want %v", r.took, tt.took)
				}
			})
		})
	}
}

func mapsEqual(a, b map[int64]time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestArrivalTimesGracefulStop: a stop in the middle of the trace starts
// nothing more.
func TestArrivalTimesGracefulStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := runScenario(t, `{"executor": "arrival-times", "times": [0, 100, 200, 300, 400], "preAllocatedVUs": 1}`,
			runOpts{iter: sleepIter(time.Millisecond), stopAt: 250 * time.Millisecond})
		r.check(t, 3, 0, 0)
	})
}

func TestArrivalTimesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw string
		errs      []string
	}{
		{"empty", `{"executor": "arrival-times", "times": [], "preAllocatedVUs": 1}`, []string{"times must list at least one"}},
		{"missing", `{"executor": "arrival-times", "preAllocatedVUs": 1}`, []string{"times must list at least one"}},
		{"negative", `{"executor": "arrival-times", "times": [-1], "preAllocatedVUs": 1}`, []string{"times[0] = -1: want a non-negative offset"}},
		{"out of order", `{"executor": "arrival-times", "times": [0, 5, 3], "preAllocatedVUs": 1}`, []string{"times[2] = 3 is before times[1] = 5"}},
		{"speed", `{"executor": "arrival-times", "times": [0], "speed": 0, "preAllocatedVUs": 1}`, []string{"speed = 0: want a number more than 0"}},
		{"vus", `{"executor": "arrival-times", "times": [0], "preAllocatedVUs": 3, "maxVUs": 2}`, []string{"maxVUs can't be less than preAllocatedVUs"}},
		{"no preAllocatedVUs", `{"executor": "arrival-times", "times": [0]}`, []string{"preAllocatedVUs isn't specified"}},
		{"unknown key", `{"executor": "arrival-times", "times": [0], "preAllocatedVUs": 1, "rate": 3}`, []string{`unknown field "rate"`}},
		{"timeUnit", `{"executor": "arrival-times", "times": [0], "timeUnit": "0s", "preAllocatedVUs": 1}`, []string{"timeUnit must be more than 0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := executor.ParseConfig("s", json.RawMessage(tc.raw))
			for _, want := range tc.errs {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("err = %v, want it to contain %q", err, want)
				}
			}
		})
	}
	cfg, err := executor.ParseConfig("trace", json.RawMessage(`{"executor": "arrival-times", "times": [0, 1500, 3000], "speed": 1.5, "preAllocatedVUs": 2, "maxVUs": 8}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Description(), "3 iterations at recorded times over 2s (speed 1.5x) (maxVUs: 2-8, gracefulStop: 30s)"; got != want {
		t.Errorf("description %q, want %q", got, want)
	}
	if cfg.MaxDuration() != 32*time.Second || cfg.PlannedVUs() != 2 || cfg.MaxVUs() != 8 {
		t.Errorf("max duration %v, planned %d, max %d", cfg.MaxDuration(), cfg.PlannedVUs(), cfg.MaxVUs())
	}
	var got []time.Duration
	for _, at := range executor.TraceTimes([]float64{0, 1, 2.5}, time.Second, 2) {
		got = append(got, at)
	}
	if want := []time.Duration{0, 500 * time.Millisecond, 1250 * time.Millisecond}; !slices.Equal(got, want) {
		t.Errorf("TraceTimes %v, want %v", got, want)
	}
}
