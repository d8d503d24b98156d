package executor_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/llmbench/llmbench/internal/vu"
)

func TestArrivalRateExecutors(t *testing.T) {
	tests := []struct {
		name                string
		raw                 string
		iter                time.Duration
		iterations, dropped int64
		created             int64
		insufficient        bool
	}{
		{"constant 20/s for 3s", `{"executor": "constant-arrival-rate", "rate": 20, "duration": "3s", "preAllocatedVUs": 5}`,
			100 * time.Millisecond, 60, 0, 5, false},
		// One VU busy 100ms serves every 6th start at 50/s (a start that
		// falls on the instant the VU frees itself finds it still busy
		// unless the VU got there first: assert the exact virtual-time
		// outcome with 101ms to rule that tie out).
		{"constant 50/s for 2s, 1 VU busy 101ms", `{"executor": "constant-arrival-rate", "rate": 50, "duration": "2s", "preAllocatedVUs": 1}`,
			101 * time.Millisecond, 17, 83, 1, true},
		{"ramping 0 to 20/s over 4s", `{"executor": "ramping-arrival-rate", "preAllocatedVUs": 2, "stages": [{"duration": "4s", "target": 20}]}`,
			10 * time.Millisecond, 40, 0, 2, false},
		{"unplanned VUs are initialised after drops", `{"executor": "constant-arrival-rate", "rate": 10, "duration": "1s", "preAllocatedVUs": 1, "maxVUs": 3}`,
			250 * time.Millisecond, 8, 2, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var mu sync.Mutex
				var sched []time.Time
				r := runScenario(t, tt.raw, runOpts{iter: func(ctx context.Context, id uint64, it *vu.Iteration) error {
					mu.Lock()
					sched = append(sched, it.Scheduled)
					mu.Unlock()
					return sleepIter(tt.iter)(ctx, id, it)
				}})
				r.check(t, tt.iterations, tt.dropped, 0)
				if r.created != tt.created {
					t.Errorf("%d VUs created, want %d", r.created, tt.created)
				}
				lags := r.out.Samples("schedule_lag")
				if int64(len(lags)) != tt.iterations {
					t.Errorf("%d schedule_lag samples, want one per started iteration (%d)", len(lags), tt.iterations)
				}
				for _, l := range lags {
					if l.Value != 0 {
						t.Errorf("schedule_lag %vms in virtual time, want 0", l.Value)
						break
					}
					if s, _ := l.Tags.Get("scenario"); s != "s" {
						t.Errorf("schedule_lag tags %v lack scenario", l.Tags.Map())
					}
				}
				for _, s := range sched {
					if s.IsZero() {
						t.Error("Iteration.Scheduled is zero")
						break
					}
				}
				if got := strings.Count(r.logs.String(), "Insufficient VUs"); got != map[bool]int{true: 1}[tt.insufficient] {
					t.Errorf("%d 'Insufficient VUs' warnings, want %v; log:\n%s", got, tt.insufficient, r.logs)
				}
			})
		})
	}
}

func TestArrivalRateTieAtVUFree(t *testing.T) {
	// The brief's case: 50/s, 1 VU whose iteration sleeps exactly 100ms. A
	// start falling on the instant the VU ends its iteration races with it,
	// so every 5th or 6th start is served.
	synctest.Test(t, func(t *testing.T) {
		r := runScenario(t, `{"executor": "constant-arrival-rate", "rate": 50, "duration": "2s", "preAllocatedVUs": 1}`,
			runOpts{iter: sleepIter(100 * time.Millisecond)})
		done, dropped := int64(r.out.Sum("iterations")), int64(r.out.Sum("dropped_iterations"))
		if done+dropped != 100 || done < 17 || done > 20 {
			t.Errorf("%d done + %d dropped; want 100 starts, 17–20 done", done, dropped)
		}
		t.Logf("%d done, %d dropped", done, dropped)
	})
}

// TestArrivalRateLastsItsDuration: with no iteration left to schedule before
// the end, an arrival-rate executor still runs until its regular end (as
// k6), so per-second rates divide by the configured duration.
func TestArrivalRateLastsItsDuration(t *testing.T) {
	for _, raw := range []string{
		`{"executor": "constant-arrival-rate", "rate": 1, "duration": "3s", "preAllocatedVUs": 1}`,
		`{"executor": "ramping-arrival-rate", "preAllocatedVUs": 1, "stages": [{"duration": "3s", "target": 1}]}`,
	} {
		synctest.Test(t, func(t *testing.T) {
			r := runScenario(t, raw, runOpts{iter: sleepIter(time.Millisecond)})
			if r.took != 3*time.Second {
				t.Errorf("%s: ran %v, want exactly 3s", raw, r.took)
			}
		})
	}
}
