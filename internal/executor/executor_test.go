package executor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"strings"
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

// TestSegmentsOperatorSplit reproduces reference k6-operator.md §5's worked
// example: three instances with the k6-operator's thirds. Each instance
// runs in its own bubble from the same virtual start; together they must
// run exactly what one instance runs alone.
func TestSegmentsOperatorSplit(t *testing.T) {
	type started struct {
		inTest int64
		at     time.Duration
	}
	tests := []struct {
		name    string
		raw     string
		vus     []int64           // VUs initialised per instance
		iters   []int64           // iterations per instance
		firstAt [][]time.Duration // first start offsets per instance (nil: not checked)
		vuStart [][]time.Duration // when each VU first starts, per instance (nil: not checked)
		// split is true where the work is split by global iteration index
		// (arrival-rate, shared-iterations): then the instances'
		// iterationInTest together are 0…n−1. Elsewhere, as in k6, they are
		// only disjoint.
		split bool
	}{
		{"constant-arrival-rate 10/s, preAllocatedVUs 10",
			`{"executor": "constant-arrival-rate", "rate": 10, "duration": "2s", "preAllocatedVUs": 10}`,
			[]int64{4, 3, 3}, []int64{8, 6, 6},
			[][]time.Duration{{0, 300 * time.Millisecond, 500 * time.Millisecond, 800 * time.Millisecond, time.Second},
				{100 * time.Millisecond, 400 * time.Millisecond, 700 * time.Millisecond, 1100 * time.Millisecond},
				{200 * time.Millisecond, 600 * time.Millisecond, 900 * time.Millisecond, 1200 * time.Millisecond}}, nil, true},
		{"constant-arrival-rate 10/s, preAllocatedVUs 3",
			`{"executor": "constant-arrival-rate", "rate": 10, "duration": "1s", "preAllocatedVUs": 3}`,
			[]int64{1, 1, 1}, []int64{4, 3, 3},
			[][]time.Duration{{0, 300 * time.Millisecond, 600 * time.Millisecond}, {100 * time.Millisecond, 400 * time.Millisecond}, {200 * time.Millisecond, 500 * time.Millisecond}}, nil, true},
		{"constant-arrival-rate, maxVUs 1: only the first instance works",
			`{"executor": "constant-arrival-rate", "rate": 10, "duration": "1s", "preAllocatedVUs": 1}`,
			[]int64{1, 0, 0}, []int64{10, 0, 0}, nil, nil, true},
		{"shared-iterations 100 over 10 VUs",
			`{"executor": "shared-iterations", "vus": 10, "iterations": 100}`,
			[]int64{4, 3, 3}, []int64{40, 30, 30}, nil, nil, true},
		{"shared-iterations 7 over 10 VUs",
			`{"executor": "shared-iterations", "vus": 10, "iterations": 10}`,
			[]int64{4, 3, 3}, []int64{4, 3, 3}, nil, nil, true},
		{"per-vu-iterations", `{"executor": "per-vu-iterations", "vus": 10, "iterations": 3}`,
			[]int64{4, 3, 3}, []int64{12, 9, 9}, nil, nil, false},
		{"constant-vus with 1 VU: instances 2 and 3 have none", `{"executor": "constant-vus", "vus": 1, "duration": "1s"}`,
			[]int64{1, 0, 0}, []int64{20, 0, 0}, nil, nil, false},
		{"per-vu-iterations with 2 VUs", `{"executor": "per-vu-iterations", "vus": 2, "iterations": 3}`,
			[]int64{1, 1, 0}, []int64{3, 3, 0}, nil, nil, false},
		{"shared-iterations with 2 VUs", `{"executor": "shared-iterations", "vus": 2, "iterations": 9}`,
			[]int64{1, 1, 0}, []int64{5, 4, 0}, nil, nil, true},
		{"constant-vus", `{"executor": "constant-vus", "vus": 5, "duration": "1s"}`,
			[]int64{2, 2, 1}, []int64{40, 40, 20}, nil, nil, false},
		{"ramping-vus 0→10 over 10s",
			`{"executor": "ramping-vus", "startVUs": 0, "stages": [{"duration": "10s", "target": 10}, {"duration": "1s", "target": 10}]}`,
			[]int64{4, 3, 3}, nil, nil,
			[][]time.Duration{{time.Second, 4 * time.Second, 7 * time.Second, 10 * time.Second},
				{2 * time.Second, 5 * time.Second, 8 * time.Second}, {3 * time.Second, 6 * time.Second, 9 * time.Second}}, false},
		{"ramping-arrival-rate", `{"executor": "ramping-arrival-rate", "preAllocatedVUs": 10, "stages": [{"duration": "2s", "target": 10}]}`,
			[]int64{4, 3, 3}, []int64{4, 3, 3}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var all []started
			var vus, iters []int64
			for i, s := range []string{"0:1/3", "1/3:2/3", "2/3:1"} {
				seg, err := executor.ParseSegment(s, "0,1/3,2/3,1")
				if err != nil {
					t.Fatal(err)
				}
				synctest.Test(t, func(t *testing.T) {
					var mu sync.Mutex
					var mine []started
					vuStart := map[uint64]time.Duration{}
					t0 := time.Now()
					iter := func(ctx context.Context, id uint64, it *vu.Iteration) error {
						mu.Lock()
						mine = append(mine, started{it.InTest, time.Since(t0)})
						if _, ok := vuStart[id]; !ok {
							vuStart[id] = time.Since(t0)
						}
						mu.Unlock()
						select {
						case <-time.After(50 * time.Millisecond):
						case <-ctx.Done():
						}
						return nil
					}
					r := runScenario(t, tt.raw, runOpts{iter: iter, seg: seg})
					vus = append(vus, r.created)
					iters = append(iters, int64(len(mine)))
					if tt.firstAt != nil {
						var at []time.Duration
						for _, m := range mine[:min(len(mine), len(tt.firstAt[i]))] {
							at = append(at, m.at)
						}
						if diff := cmp.Diff(tt.firstAt[i], at); diff != "" {
							t.Errorf("instance %d start offsets (-want +got):\n%s", i+1, diff)
						}
					}
					if tt.vuStart != nil {
						got := slices.Sorted(maps.Values(vuStart))
						if diff := cmp.Diff(tt.vuStart[i], got); diff != "" {
							t.Errorf("instance %d VU start times (-want +got):\n%s", i+1, diff)
						}
					}
					all = append(all, mine...)
				})
			}
			if diff := cmp.Diff(tt.vus, vus); diff != "" {
				t.Errorf("VUs per instance (-want +got):\n%s", diff)
			}
			if tt.iters != nil {
				if diff := cmp.Diff(tt.iters, iters); diff != "" {
					t.Errorf("iterations per instance (-want +got):\n%s", diff)
				}
			}
			// The union of iterationInTest is 0…n−1, each once: what one
			// instance alone numbers.
			seen := map[int64]bool{}
			for _, s := range all {
				if seen[s.inTest] {
					t.Fatalf("iterationInTest %d started twice", s.inTest)
				}
				seen[s.inTest] = true
			}
			for k := range int64(len(all)) {
				if tt.split && !seen[k] {
					t.Fatalf("iterationInTest %d missing from the union of %d iterations", k, len(all))
				}
			}
			if strings.Contains(tt.raw, "constant-arrival-rate") {
				// Overall, exactly one instance starts an iteration every 100 ms.
				slices.SortFunc(all, func(a, b started) int { return int(a.at - b.at) })
				for k, s := range all {
					if want := time.Duration(k) * 100 * time.Millisecond; s.at != want || s.inTest != int64(k) {
						t.Fatalf("start %d: iteration %d at %v, want iteration %d at %v", k, s.inTest, s.at, k, want)
					}
				}
			}
		})
	}
}
