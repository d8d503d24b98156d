package executor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/executor"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/testkit"
	"github.com/llmbench/llmbench/internal/vu"
)

// benchEnv returns an Env over FuncRunner VUs running an empty iteration
// that emits iterations and iteration_duration like a real VU.
func benchEnv(out metrics.Emitter) executor.Env {
	b := metrics.RegisterBuiltins(metrics.NewRegistry())
	r := &testkit.FuncRunner{Builtins: b, Iter: func(context.Context, uint64, *vu.Iteration) error { return nil }}
	return executor.Env{Pool: &pool{r: r, out: out, state: &vu.State{}}, Scenario: &vu.Scenario{Name: "bench"},
		Out: out, Builtins: b, State: &vu.State{}}
}

// BenchmarkConstantVUsEmptyIteration measures the executor's per-iteration
// overhead in real time: run with -benchtime=1x (each op is a 1s test).
func BenchmarkConstantVUsEmptyIteration(b *testing.B) {
	for _, vus := range []int{1, 100} {
		b.Run(fmt.Sprintf("vus=%d", vus), func(b *testing.B) {
			cfg, err := executor.ParseConfig("bench", json.RawMessage(fmt.Sprintf(`{"executor": "constant-vus", "vus": %d, "duration": "1s"}`, vus)))
			if err != nil {
				b.Fatal(err)
			}
			var iters int64
			var took time.Duration
			for b.Loop() {
				env := benchEnv(metrics.Discard)
				start := time.Now()
				if err := cfg.New(env).Run(context.Background()); err != nil {
					b.Fatal(err)
				}
				took += time.Since(start)
				iters += env.State.IterationsCompleted.Load()
			}
			b.ReportMetric(float64(iters)/took.Seconds(), "iters/s")
			b.ReportMetric(float64(took.Nanoseconds())/float64(iters), "ns/iter")
		})
	}
}

// BenchmarkConstantArrivalRate runs 1,000 iterations/s for 3s in real time
// and reports the achieved rate and the start lag (schedule_lag) p50/p99.
// Run with -benchtime=1x.
func BenchmarkConstantArrivalRate(b *testing.B) {
	const rate, dur = 1000, 3 * time.Second
	cfg, err := executor.ParseConfig("bench", json.RawMessage(fmt.Sprintf(
		`{"executor": "constant-arrival-rate", "rate": %d, "duration": "%s", "preAllocatedVUs": 20, "maxVUs": 100}`, rate, dur)))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		out := &testkit.CaptureEmitter{}
		env := benchEnv(out)
		if err := cfg.New(env).Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		var lags []float64
		for _, s := range out.Samples("schedule_lag") {
			lags = append(lags, s.Value)
		}
		slices.Sort(lags)
		pct := func(p float64) float64 {
			if len(lags) == 0 {
				return 0
			}
			return lags[int(p*float64(len(lags)-1))]
		}
		b.ReportMetric(float64(len(lags))/dur.Seconds(), "started/s")
		b.ReportMetric(out.Sum("dropped_iterations"), "dropped")
		b.ReportMetric(pct(0.5), "lag_p50_ms")
		b.ReportMetric(pct(0.99), "lag_p99_ms")
	}
}
