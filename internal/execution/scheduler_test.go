package execution_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/execution"
	"github.com/llmbench/llmbench/internal/executor"
	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/testkit"
	"github.com/llmbench/llmbench/internal/vu"
)

// harness is one scheduler run's inputs and results.
type harness struct {
	sched  *execution.Scheduler
	runner *testkit.FuncRunner
	out    *testkit.CaptureEmitter
	test   *vu.State
	err    error
	took   time.Duration

	mu    sync.Mutex
	iters []iterRecord
}

type iterRecord struct {
	scenario string
	vu       uint64
	at       time.Duration // since Run started
}

func scenarios(t *testing.T, raw map[string]string) []executor.Config {
	t.Helper()
	var out []executor.Config
	for name, r := range raw {
		c, err := executor.ParseConfig(name, json.RawMessage(r))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// newHarness builds a scheduler; iter sleeps (interruptibly) for the
// scenario's entry in sleep.
func newHarness(t *testing.T, cfgs []executor.Config, sleep time.Duration, tweak func(*execution.Config, *testkit.FuncRunner)) *harness {
	t.Helper()
	h := &harness{out: &testkit.CaptureEmitter{}, test: &vu.State{}}
	reg := metrics.NewRegistry()
	b := metrics.RegisterBuiltins(reg)
	var start time.Time
	h.runner = &testkit.FuncRunner{Builtins: b, RunTags: map[string]string{"run": "t"},
		Iter: func(ctx context.Context, id uint64, it *vu.Iteration) error {
			h.mu.Lock()
			h.iters = append(h.iters, iterRecord{it.Scenario.Name, id, time.Since(start)})
			h.mu.Unlock()
			select {
			case <-time.After(sleep):
			case <-ctx.Done():
			}
			return nil
		}}
	cfg := execution.Config{Scenarios: cfgs, Runner: h.runner, Test: h.test, Out: h.out, Builtins: b,
		RunTags: map[string]string{"run": "t"}}
	if tweak != nil {
		tweak(&cfg, h.runner)
	}
	h.sched = execution.New(cfg)
	if err := h.sched.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	return h
}

func (h *harness) run(globalCtx, runCtx context.Context) {
	start := time.Now()
	h.err = h.sched.Run(globalCtx, runCtx)
	h.took = time.Since(start)
}

func TestStartTimeAndVUReuse(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfgs := scenarios(t, map[string]string{
			"b_later": `{"executor": "constant-vus", "vus": 3, "duration": "1s", "startTime": "1s"}`,
			"a_first": `{"executor": "shared-iterations", "vus": 2, "iterations": 4, "maxDuration": "1s", "gracefulStop": "0s"}`,
		})
		if got := execution.PlannedVUs(cfgs); got != 3 {
			t.Errorf("PlannedVUs = %d, want 3 (a's span ends when b starts)", got)
		}
		if got := execution.MaxDuration(cfgs); got != 32*time.Second {
			t.Errorf("MaxDuration = %v, want 32s", got)
		}
		h := newHarness(t, cfgs, 100*time.Millisecond, nil)
		if done, total := h.sched.InitProgress(); done != 3 || total != 3 {
			t.Errorf("InitProgress = %d/%d, want 3/3", done, total)
		}
		progress := h.sched.Progress()
		if progress[0].Name != "a_first" || progress[1].Name != "b_later" || progress[1].Status != executor.StatusWaiting {
			t.Errorf("Progress before Run = %+v", progress)
		}
		h.run(t.Context(), t.Context())
		if h.err != nil {
			t.Fatal(h.err)
		}
		if h.took != 2*time.Second {
			t.Errorf("took %v, want 2s", h.took)
		}
		counts := map[string]int{}
		for _, it := range h.iters {
			counts[it.scenario]++
			if it.scenario == "b_later" && it.at < time.Second {
				t.Errorf("b_later iteration at %v, before its startTime", it.at)
			}
		}
		if diff := cmp.Diff(map[string]int{"a_first": 4, "b_later": 30}, counts); diff != "" {
			t.Errorf("iterations per scenario (-want +got):\n%s", diff)
		}
		if h.runner.VUsCreated() != 3 {
			t.Errorf("%d VUs created, want 3 (reused across scenarios)", h.runner.VUsCreated())
		}
		for _, p := range h.sched.Progress() {
			if p.Status != executor.StatusDone {
				t.Errorf("%s: status %q, want done", p.Name, p.Status)
			}
		}
		for _, s := range h.out.Samples("iterations") {
			if sc, _ := s.Tags.Get("scenario"); sc != "a_first" && sc != "b_later" {
				t.Errorf("iterations sample tagged scenario=%q", sc)
			}
		}
	})
}

func TestVUsMetrics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, scenarios(t, map[string]string{
			"s": `{"executor": "constant-vus", "vus": 3, "duration": "2500ms"}`,
		}), 100*time.Millisecond, nil)
		h.run(t.Context(), t.Context())
		var got []float64
		for _, s := range h.out.Samples("vus") {
			got = append(got, s.Value)
			if s.Tags.Key() != metrics.NewTagSet(map[string]string{"run": "t"}).Key() {
				t.Errorf("vus tags = %v, want run tags only", s.Tags.Map())
			}
		}
		if diff := cmp.Diff([]float64{3, 3, 0}, got); diff != "" {
			t.Errorf("vus samples at 1s, 2s, end (-want +got):\n%s", diff)
		}
		var maxes []float64
		for _, s := range h.out.Samples("vus_max") {
			maxes = append(maxes, s.Value)
		}
		if diff := cmp.Diff([]float64{3, 3, 3}, maxes); diff != "" {
			t.Errorf("vus_max (-want +got):\n%s", diff)
		}
	})
}

func TestLifecycle(t *testing.T) {
	constant := map[string]string{"s": `{"executor": "constant-vus", "vus": 2, "duration": "10s", "gracefulStop": "5s"}`}
	tests := []struct {
		name      string
		tweak     func(*execution.Config, *testkit.FuncRunner)
		abortAt   time.Duration // test.Abort
		stopAt    time.Duration // runCtx cancel with exit 105
		code      exit.Code
		calls     []string
		took      time.Duration
		full, int int64
	}{
		{name: "setup data reaches teardown", tweak: func(c *execution.Config, r *testkit.FuncRunner) {
			r.SetupFunc = func(context.Context) ([]byte, error) { return []byte(`{"token":"x"}`), nil }
			r.TeardownFunc = func(_ context.Context, data []byte) error {
				if string(data) != `{"token":"x"}` {
					return errors.New("teardown got " + string(data))
				}
				return nil
			}
		}, calls: []string{"setup", "teardown"}, took: 10 * time.Second, full: 2 * 10},
		{name: "abort interrupts at once and teardown still runs", abortAt: 2500 * time.Millisecond,
			code: exit.ScriptAborted, calls: []string{"setup", "teardown"}, took: 2500 * time.Millisecond, full: 2 * 2, int: 2},
		{name: "graceful stop lets iterations finish", stopAt: 2500 * time.Millisecond,
			code: exit.ExternalAbort, calls: []string{"setup", "teardown"}, took: 3 * time.Second, full: 2 * 3},
		{name: "setup error skips scenarios and teardown", tweak: func(c *execution.Config, r *testkit.FuncRunner) {
			r.SetupFunc = func(context.Context) ([]byte, error) {
				return nil, exit.Errorf(exit.ScriptException, "setup threw")
			}
		}, code: exit.ScriptException, calls: []string{"setup"}},
		{name: "setup timeout is exit 100", tweak: func(c *execution.Config, r *testkit.FuncRunner) {
			c.SetupTimeout = 2 * time.Second
			r.SetupFunc = func(ctx context.Context) ([]byte, error) { <-ctx.Done(); return nil, ctx.Err() }
		}, code: exit.SetupTimeout, calls: []string{"setup"}, took: 2 * time.Second},
		{name: "teardown timeout is exit 101", tweak: func(c *execution.Config, r *testkit.FuncRunner) {
			r.TeardownFunc = func(ctx context.Context, _ []byte) error { <-ctx.Done(); return ctx.Err() }
		}, code: exit.TeardownTimeout, calls: []string{"setup", "teardown"}, took: 70 * time.Second, full: 20},
		{name: "no setup, no teardown", tweak: func(c *execution.Config, r *testkit.FuncRunner) {
			c.NoSetup, c.NoTeardown = true, true
		}, took: 10 * time.Second, full: 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t, scenarios(t, constant), time.Second, tt.tweak)
				runCtx, cancel := context.WithCancelCause(t.Context())
				defer cancel(nil)
				if tt.abortAt > 0 {
					time.AfterFunc(tt.abortAt, func() { h.test.Abort(exit.Errorf(exit.ScriptAborted, "test aborted")) })
				}
				if tt.stopAt > 0 {
					time.AfterFunc(tt.stopAt, func() { cancel(exit.Errorf(exit.ExternalAbort, "interrupted")) })
				}
				h.run(t.Context(), runCtx)
				if got := exit.CodeOf(h.err); got != tt.code {
					t.Errorf("exit code %d (%v), want %d", got, h.err, tt.code)
				}
				if diff := cmp.Diff(tt.calls, h.runner.Calls()); diff != "" {
					t.Errorf("lifecycle calls (-want +got):\n%s", diff)
				}
				if h.took != tt.took {
					t.Errorf("took %v, want %v", h.took, tt.took)
				}
				if got := h.test.IterationsCompleted.Load(); got != tt.full {
					t.Errorf("%d full iterations, want %d", got, tt.full)
				}
				if got := h.test.IterationsInterrupted.Load(); got != tt.int {
					t.Errorf("%d interrupted iterations, want %d", got, tt.int)
				}
				if got := h.test.VUsActive.Load(); got != 0 {
					t.Errorf("%d VUs active after Run", got)
				}
			})
		})
	}
}

func TestInitError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := &testkit.FuncRunner{InitFunc: func(_ context.Context, id uint64) error {
			time.Sleep(10 * time.Millisecond)
			if id == 3 {
				return exit.Errorf(exit.ScriptException, "init threw")
			}
			return nil
		}}
		s := execution.New(execution.Config{Runner: r, Scenarios: scenarios(t, map[string]string{
			"s": `{"executor": "constant-vus", "vus": 10, "duration": "1s"}`})})
		err := s.Init(t.Context())
		if exit.CodeOf(err) != exit.ScriptException {
			t.Errorf("Init error %v, want the init exception (107)", err)
		}
	})
}
