package executor_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/llmbench/llmbench/internal/vu"
)

func TestRampingVUsTimeline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		want := map[time.Duration]int64{ // sampled between steps, iterations 30ms
			500 * time.Millisecond: 2, 1500 * time.Millisecond: 5, 2500 * time.Millisecond: 3, 2900 * time.Millisecond: 1,
		}
		got := map[time.Duration]int64{}
		var mu sync.Mutex
		r := runScenario(t, `{"executor": "ramping-vus", "startVUs": 0, "stages": [{"duration": "1s", "target": 5}, {"duration": "1s", "target": 5}, {"duration": "1s", "target": 0}]}`,
			runOpts{iter: sleepIter(30 * time.Millisecond), every: 100 * time.Millisecond, observe: func(el time.Duration, s *vu.State) {
				mu.Lock()
				got[el] = s.VUsActive.Load()
				mu.Unlock()
			}})
		for at, n := range want {
			if got[at] != n {
				t.Errorf("at %v: %d VUs active, want %d", at, got[at], n)
			}
		}
		if r.maxVUs != 5 || r.created != 5 {
			t.Errorf("max %d VUs active, %d created; want 5", r.maxVUs, r.created)
		}
		if r.took != 3020*time.Millisecond { // the last 30ms iteration started at 2.99s
			t.Errorf("took %v, want 3.02s", r.took)
		}
		if r.state.IterationsInterrupted.Load() != 0 {
			t.Errorf("%d interrupted", r.state.IterationsInterrupted.Load())
		}
	})
}

func TestRampingVUsGracefulRampDown(t *testing.T) {
	tests := []struct {
		name       string
		raw        string
		iter       time.Duration
		done, intr int64
		took       time.Duration
	}{
		// VU 2 is removed at 1s in the middle of a 0–3s iteration.
		{"removed VU interrupted after gracefulRampDown",
			`{"executor": "ramping-vus", "startVUs": 2, "gracefulRampDown": "1s", "stages": [{"duration": "1s", "target": 1}, {"duration": "5.5s", "target": 1}]}`,
			3 * time.Second, 3, 1, 9 * time.Second},
		{"removed VU finishes within gracefulRampDown; gracefulStop 0 cuts the last",
			`{"executor": "ramping-vus", "startVUs": 2, "gracefulRampDown": "4s", "gracefulStop": "0s", "stages": [{"duration": "1s", "target": 1}, {"duration": "5.5s", "target": 1}]}`,
			3 * time.Second, 3, 1, 6500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := runScenario(t, tt.raw, runOpts{iter: sleepIter(tt.iter)})
				r.check(t, tt.done, 0, tt.intr)
				if r.took != tt.took {
					t.Errorf("took %v, want %v", r.took, tt.took)
				}
			})
		})
	}
}

// TestRampingVUsKeepsASlotsContext: a slot's iterations run under one
// context until the slot stops iterating (the engine keeps per-context
// state across them), every context ends by the end of the run, and a
// slot removed mid-iteration is still interrupted after gracefulRampDown
// (TestRampingVUsGracefulRampDown) and starts a fresh context when added
// back.
func TestRampingVUsKeepsASlotsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		byVU := map[uint64]map[context.Context]int{}
		var all []context.Context
		iter := func(ctx context.Context, id uint64, _ *vu.Iteration) error {
			mu.Lock()
			if byVU[id] == nil {
				byVU[id] = map[context.Context]int{}
			}
			if byVU[id][ctx] == 0 {
				all = append(all, ctx)
			}
			byVU[id][ctx]++
			mu.Unlock()
			time.Sleep(100 * time.Millisecond)
			return nil
		}
		// 2 VUs for 1 s, 1 VU for 1 s, 2 VUs for 1 s: VU 2's slot stops
		// iterating and comes back.
		runScenario(t, `{"executor": "ramping-vus", "startVUs": 2, "gracefulRampDown": "0s", "stages": [
			{"duration": "0s", "target": 2}, {"duration": "1s", "target": 2}, {"duration": "0s", "target": 1},
			{"duration": "1s", "target": 1}, {"duration": "0s", "target": 2}, {"duration": "1s", "target": 2}]}`, runOpts{iter: iter})
		mu.Lock()
		defer mu.Unlock()
		for id, ctxs := range byVU {
			for _, n := range ctxs {
				if n < 5 {
					t.Errorf("VU %d: a context used for %d iterations (%d contexts), want each kept for a stretch of ~10", id, n, len(ctxs))
					break
				}
			}
		}
		if len(all) < 3 || len(all) > 4 {
			t.Errorf("%d contexts for 3 slot stretches, want 3 (or 4 if a slot was rebuilt after its ramp-down)", len(all))
		}
		for _, c := range all {
			if c.Err() == nil {
				t.Error("a slot's context is still live after Run")
			}
		}
	})
}
