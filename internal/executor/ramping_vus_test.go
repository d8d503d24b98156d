package executor_test

import (
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
