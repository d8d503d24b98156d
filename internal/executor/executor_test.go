package executor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/executor"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/testkit"
	"github.com/llmbench/llmbench/internal/vu"
)

// pool is a minimal executor.Pool over a FuncRunner.
type pool struct {
	r     vu.Runner
	out   metrics.Emitter
	mu    sync.Mutex
	idle  []vu.VU
	next  atomic.Uint64
	state *vu.State
}

func (p *pool) Get(ctx context.Context) (vu.VU, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		v := p.idle[0]
		p.idle = p.idle[1:]
		p.mu.Unlock()
		return v, nil
	}
	p.mu.Unlock()
	return p.New(ctx)
}

func (p *pool) New(ctx context.Context) (vu.VU, error) {
	p.state.VUsInitialized.Add(1)
	return p.r.NewVU(ctx, p.next.Add(1), p.out)
}

func (p *pool) Put(v vu.VU) { p.mu.Lock(); p.idle = append(p.idle, v); p.mu.Unlock() }

// run is one executor run's observable results.
type run struct {
	out     *testkit.CaptureEmitter
	state   *vu.State
	runner  *testkit.FuncRunner
	logs    *bytes.Buffer
	took    time.Duration
	exec    executor.Executor
	maxVUs  int64 // most VUs active at once
	created int64
}

type runOpts struct {
	iter    testkit.IterFunc
	stopAt  time.Duration // graceful stop (cancel Run's ctx); 0 = never
	killAt  time.Duration // Env.Kill; 0 = never
	observe func(elapsed time.Duration, s *vu.State)
	every   time.Duration // observe period
	seg     executor.Segment
}

// runScenario runs one scenario in the current synctest bubble.
func runScenario(t *testing.T, raw string, o runOpts) run {
	t.Helper()
	cfg, err := executor.ParseConfig("s", json.RawMessage(raw))
	if err != nil {
		t.Fatal(err)
	}
	reg := metrics.NewRegistry()
	b := metrics.RegisterBuiltins(reg)
	r := run{out: &testkit.CaptureEmitter{}, state: &vu.State{}, logs: &bytes.Buffer{}}
	r.runner = &testkit.FuncRunner{Iter: o.iter, Builtins: b, RunTags: map[string]string{"run": "t"}}
	kill, killCancel := context.WithCancel(context.Background())
	defer killCancel()
	env := executor.Env{
		Pool:     &pool{r: r.runner, out: r.out, state: r.state},
		Scenario: &vu.Scenario{Name: "s", Executor: cfg.Type(), Exec: "default"},
		Out:      r.out, Builtins: b, RunTags: metrics.NewTagSet(map[string]string{"run": "t"}),
		Logger: slog.New(slog.NewTextHandler(r.logs, nil)), State: r.state, Kill: kill, Segment: o.seg,
	}
	r.exec = cfg.New(env)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if o.stopAt > 0 {
		time.AfterFunc(o.stopAt, cancel)
	}
	if o.killAt > 0 {
		time.AfterFunc(o.killAt, killCancel)
	}
	done := make(chan struct{})
	go func() {
		every := o.every
		if every == 0 {
			every = 10 * time.Millisecond
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		start := time.Now()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if a := r.state.VUsActive.Load(); a > r.maxVUs {
					r.maxVUs = a
				}
				if o.observe != nil {
					o.observe(time.Since(start), r.state)
				}
			}
		}
	}()
	start := time.Now()
	if err := r.exec.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	r.took = time.Since(start)
	close(done)
	synctest.Wait()
	r.created = r.runner.VUsCreated()
	if a := r.state.VUsActive.Load(); a != 0 {
		t.Errorf("%d VUs still active after Run", a)
	}
	return r
}

func sleepIter(d time.Duration) testkit.IterFunc {
	return func(ctx context.Context, _ uint64, _ *vu.Iteration) error {
		select {
		case <-time.After(d):
		case <-ctx.Done():
		}
		return nil
	}
}

func (r run) check(t *testing.T, iterations, dropped, interrupted int64) {
	t.Helper()
	if got := int64(r.out.Sum("iterations")); got != iterations {
		t.Errorf("iterations = %d, want %d", got, iterations)
	}
	if got := r.state.IterationsCompleted.Load(); got != iterations {
		t.Errorf("State.IterationsCompleted = %d, want %d", got, iterations)
	}
	if got := int64(r.out.Sum("dropped_iterations")); got != dropped {
		t.Errorf("dropped_iterations = %d, want %d", got, dropped)
	}
	if got := r.state.IterationsInterrupted.Load(); got != interrupted {
		t.Errorf("interrupted = %d, want %d", got, interrupted)
	}
	for _, s := range r.out.Samples("dropped_iterations") {
		if want := metrics.NewTagSet(map[string]string{"run": "t", "scenario": "s"}); s.Tags.Key() != want.Key() {
			t.Errorf("dropped_iterations tags = %v, want run + scenario", s.Tags.Map())
		}
	}
}

func TestIterationExecutors(t *testing.T) {
	tests := []struct {
		name                          string
		raw                           string
		iter                          time.Duration
		iterations, dropped, interrup int64
		took                          time.Duration
		maxVUs                        int64
	}{
		{"shared-iterations 5 VUs 50 iterations", `{"executor": "shared-iterations", "vus": 5, "iterations": 50}`,
			100 * time.Millisecond, 50, 0, 0, time.Second, 5},
		{"per-vu-iterations 4x6", `{"executor": "per-vu-iterations", "vus": 4, "iterations": 6}`,
			100 * time.Millisecond, 24, 0, 0, 600 * time.Millisecond, 4},
		{"shared-iterations past maxDuration drops the rest", `{"executor": "shared-iterations", "vus": 2, "iterations": 10, "maxDuration": "1s", "gracefulStop": "0s"}`,
			300 * time.Millisecond, 6, 2, 2, time.Second, 2},
		{"per-vu-iterations past maxDuration drops per VU", `{"executor": "per-vu-iterations", "vus": 2, "iterations": 5, "maxDuration": "1s"}`,
			300 * time.Millisecond, 8, 2, 0, 1200 * time.Millisecond, 2},
		{"constant-vus 3 VUs for 1s", `{"executor": "constant-vus", "vus": 3, "duration": "1s"}`,
			300 * time.Millisecond, 12, 0, 0, 1200 * time.Millisecond, 3},
		{"constant-vus: no iteration starts at the regular end", `{"executor": "constant-vus", "vus": 3, "duration": "1s"}`,
			250 * time.Millisecond, 12, 0, 0, time.Second, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := runScenario(t, tt.raw, runOpts{iter: sleepIter(tt.iter)})
				r.check(t, tt.iterations, tt.dropped, tt.interrup)
				if r.took != tt.took {
					t.Errorf("took %v, want %v", r.took, tt.took)
				}
				if r.maxVUs != tt.maxVUs || r.created != tt.maxVUs {
					t.Errorf("max active VUs %d, created %d; want %d", r.maxVUs, r.created, tt.maxVUs)
				}
				if p := r.exec.Progress(); p.Status != executor.StatusDone {
					t.Errorf("status %q, want done", p.Status)
				}
			})
		})
	}
}

func TestGracefulStop(t *testing.T) {
	tests := []struct {
		name       string
		raw        string
		o          runOpts
		took       time.Duration
		done, intr int64
		status     executor.Status
	}{
		{"gracefulStop interrupts a long iteration", `{"executor": "constant-vus", "vus": 1, "duration": "1s", "gracefulStop": "2s"}`,
			runOpts{iter: sleepIter(10 * time.Second)}, 3 * time.Second, 0, 1, executor.StatusDone},
		{"an iteration ending within gracefulStop is full", `{"executor": "constant-vus", "vus": 1, "duration": "1s", "gracefulStop": "2s"}`,
			runOpts{iter: sleepIter(1500 * time.Millisecond)}, 1500 * time.Millisecond, 1, 0, executor.StatusDone},
		{"graceful stop, then gracefulStop", `{"executor": "constant-vus", "vus": 2, "duration": "10s", "gracefulStop": "1s"}`,
			runOpts{iter: sleepIter(2 * time.Second), stopAt: 2500 * time.Millisecond}, 3500 * time.Millisecond, 2, 2, executor.StatusInterrupted},
		{"kill interrupts at once", `{"executor": "constant-vus", "vus": 2, "duration": "10s"}`,
			runOpts{iter: sleepIter(2 * time.Second), killAt: 2500 * time.Millisecond}, 2500 * time.Millisecond, 2, 2, executor.StatusInterrupted},
		{"kill stops arrival-rate", `{"executor": "constant-arrival-rate", "rate": 1, "duration": "10s", "preAllocatedVUs": 1}`,
			runOpts{iter: sleepIter(500 * time.Millisecond), killAt: 2200 * time.Millisecond}, 2200 * time.Millisecond, 2, 1, executor.StatusInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := runScenario(t, tt.raw, tt.o)
				r.check(t, tt.done, 0, tt.intr)
				if r.took != tt.took {
					t.Errorf("took %v, want %v", r.took, tt.took)
				}
				if p := r.exec.Progress(); p.Status != tt.status {
					t.Errorf("status %q, want %q", p.Status, tt.status)
				}
			})
		})
	}
}

func TestSegmentsSplitTheWork(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want []int64 // iterations per instance of 0:1/3, 1/3:2/3, 2/3:1
	}{
		{"constant-arrival-rate", `{"executor": "constant-arrival-rate", "rate": 10, "duration": "1s", "preAllocatedVUs": 3}`, []int64{4, 3, 3}},
		{"shared-iterations", `{"executor": "shared-iterations", "vus": 3, "iterations": 10}`, []int64{4, 3, 3}},
		{"per-vu-iterations", `{"executor": "per-vu-iterations", "vus": 4, "iterations": 2}`, []int64{4, 2, 2}},
		{"ramping-arrival-rate", `{"executor": "ramping-arrival-rate", "preAllocatedVUs": 3, "stages": [{"duration": "2s", "target": 10}]}`, []int64{4, 3, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			for _, s := range []string{"0:1/3", "1/3:2/3", "2/3:1"} {
				seg, err := executor.ParseSegment(s, "0,1/3,2/3,1")
				if err != nil {
					t.Fatal(err)
				}
				synctest.Test(t, func(t *testing.T) {
					r := runScenario(t, tt.raw, runOpts{iter: sleepIter(10 * time.Millisecond), seg: seg})
					got = append(got, r.state.IterationsCompleted.Load())
				})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("iterations per instance (-want +got):\n%s", diff)
			}
		})
	}
}
