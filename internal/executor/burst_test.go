package executor_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/llmbench/llmbench/internal/executor"
	"github.com/llmbench/llmbench/internal/vu"
)

// gapStats returns the mean (ns) and coefficient of variation of the gaps
// between consecutive offsets.
func gapStats(offsets []time.Duration) (mean, cv float64) {
	n := float64(len(offsets) - 1)
	for i := 1; i < len(offsets); i++ {
		mean += float64(offsets[i] - offsets[i-1])
	}
	mean /= n
	var ss float64
	for i := 1; i < len(offsets); i++ {
		d := float64(offsets[i]-offsets[i-1]) - mean
		ss += d * d
	}
	return mean, math.Sqrt(ss/(n-1)) / mean
}

func collect(seq func(func(int64, time.Duration) bool)) []time.Duration {
	var out []time.Duration
	k := int64(0)
	for i, at := range seq {
		if i != k {
			panic("indices not consecutive")
		}
		k++
		out = append(out, at)
	}
	return out
}

// TestBurstyGapDistribution: over 10k arrivals the gaps' mean is 1/rate
// (within 3%) and their coefficient of variation within 5% of the gamma
// distribution's 1/√burstiness, for burstiness 1 (Poisson), 0.5 and 4, on
// a constant rate and on a flat ramping stage; offsets never go back.
func TestBurstyGapDistribution(t *testing.T) {
	t.Parallel()
	const rate = 100 // per second: mean gap 10ms
	flat := []executor.Stage{{Duration: executor.Duration(110 * time.Second), Target: rate}}
	for _, b := range []float64{1, 0.5, 4} {
		for _, seed := range []uint64{1, 2, 3} {
			for name, offs := range map[string][]time.Duration{
				"constant": collect(executor.BurstyConstantTimes(rate, time.Second, 110*time.Second, b, seed)),
				"ramping":  collect(executor.BurstyRampingTimes(rate, time.Second, flat, b, seed)),
			} {
				if len(offs) < 10_000 {
					t.Fatalf("%s b=%g: %d arrivals, want ≥ 10k", name, b, len(offs))
				}
				offs = offs[:10_001]
				for i := 1; i < len(offs); i++ {
					if offs[i] < offs[i-1] {
						t.Fatalf("%s b=%g: offset %d goes back", name, b, i)
					}
				}
				mean, cv := gapStats(offs)
				want := 1 / math.Sqrt(b)
				if math.Abs(mean/1e7-1) > 0.03 || math.Abs(cv/want-1) > 0.05 {
					t.Errorf("%s b=%g seed %d: mean gap %.3fms (want 10), CV %.4f (want %.4f ± 5%%)", name, b, seed, mean/1e6, cv, want)
				} else {
					t.Logf("%s b=%g seed %d: mean gap %.3fms, CV %.4f (theory %.4f, %+.2f%%)", name, b, seed, mean/1e6, cv, want, 100*(cv/want-1))
				}
			}
		}
	}
}

func TestBurstySchedules(t *testing.T) {
	t.Parallel()
	a := collect(executor.BurstyConstantTimes(10, time.Second, 10*time.Second, 0.5, 7))
	b := collect(executor.BurstyConstantTimes(10, time.Second, 10*time.Second, 0.5, 7))
	c := collect(executor.BurstyConstantTimes(10, time.Second, 10*time.Second, 0.5, 8))
	if len(a) == 0 || a[0] != 0 {
		t.Fatalf("first start %v, want 0", a)
	}
	if !equalDurations(a, b) {
		t.Error("the same seed gave two schedules")
	}
	if equalDurations(a, c) {
		t.Error("two seeds gave the same schedule")
	}
	if last := a[len(a)-1]; last >= 10*time.Second {
		t.Errorf("a start at %v, after the 10s duration", last)
	}
	// 0 → 100/s over 100s: about 5,000 starts (Poisson: sd ≈ 71), more of
	// them in the second half (3/4 of the integral).
	r := collect(executor.BurstyRampingTimes(0, time.Second, []executor.Stage{{Duration: executor.Duration(100 * time.Second), Target: 100}}, 1, 1))
	late := 0
	for _, at := range r {
		if at >= 50*time.Second {
			late++
		}
	}
	if n := len(r); n < 4700 || n > 5300 || math.Abs(float64(late)/float64(n)-0.75) > 0.03 {
		t.Errorf("%d starts, %d in the second half; want about 5000 and 3/4", n, late)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestBurstyExecutor runs a bursty constant-arrival-rate in virtual time:
// the iterations start at the bursty schedule's offsets, with the seed's
// schedule, and k6's options are unchanged otherwise.
func TestBurstyExecutor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		want := collect(executor.BurstyConstantTimes(20, time.Second, 2*time.Second, 0.5, 42))
		var mu sync.Mutex
		var got []time.Duration
		t0 := time.Now()
		r := runScenario(t, `{"executor": "constant-arrival-rate", "rate": 20, "duration": "2s", "preAllocatedVUs": 50, "burstiness": 0.5, "seed": 42}`,
			runOpts{iter: func(ctx context.Context, id uint64, it *vu.Iteration) error {
				mu.Lock()
				got = append(got, it.Scheduled.Sub(t0))
				mu.Unlock()
				return sleepIter(time.Millisecond)(ctx, id, it)
			}})
		r.check(t, int64(len(want)), 0, 0)
		if !equalDurations(got, want) {
			t.Errorf("started at %v, want %v", got, want)
		}
	})
}

func TestBurstyConfig(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		`{"executor": "constant-arrival-rate", "rate": 1, "duration": "1s", "preAllocatedVUs": 1, "burstiness": 0}`:                 "burstiness = 0: want a number more than 0",
		`{"executor": "ramping-arrival-rate", "preAllocatedVUs": 1, "stages": [{"duration": "1s", "target": 1}], "burstiness": -1}`: "burstiness = -1",
		`{"executor": "constant-arrival-rate", "rate": 1, "duration": "1s", "preAllocatedVUs": 1, "seed": 3}`:                       "seed applies only with burstiness",
	} {
		if _, err := executor.ParseConfig("s", json.RawMessage(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", raw, err, want)
		}
	}
	cfg, err := executor.ParseConfig("s", json.RawMessage(`{"executor": "constant-arrival-rate", "rate": 5, "duration": "1m", "preAllocatedVUs": 2, "burstiness": 0.5}`))
	if err != nil {
		t.Fatal(err)
	}
	if d := cfg.Description(); !strings.Contains(d, "burstiness: 0.5") {
		t.Errorf("description %q lacks the burstiness", d)
	}
	if b, _ := json.Marshal(cfg); !strings.Contains(string(b), `"burstiness":0.5,"seed":1`) {
		t.Errorf("marshalled %s, want burstiness 0.5 and the default seed 1", b)
	}
}
