package js

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/vu"
)

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		script string
		code   exit.Code
		want   []string
	}{
		{"unknown_module.js", exit.ScriptException, []string{`unknown extension "k6/x/nope"`, "this binary has none", "docs/compatibility.md"}},
		{"syntax_error.js", exit.ScriptException, []string{"SyntaxError", "syntax_error.js: Line 2:11"}},
		{"init_throw.js", exit.ScriptException, []string{"Error: init failed", "init_throw.js:2:7"}},
		{"setup_func.js", exit.OK, nil},
	}
	for _, tc := range tests {
		t.Run(tc.script, func(t *testing.T) {
			logs := &syncBuffer{}
			_, err := Load(context.Background(), filepath.Join("testdata", tc.script), newOptions(t, logs))
			if got := exit.CodeOf(err); got != tc.code {
				t.Fatalf("exit code %d, want %d (err %v)", got, tc.code, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestRelativeImportsAndOptions(t *testing.T) {
	e := load(t, "imports/main.js", nil)
	if got, want := string(e.r.Options()), `{"vus":2,"tags":{"team":"x"}}`; got != want {
		t.Errorf("Options() = %s, want %s", got, want)
	}
	if !e.r.HasExport("default") || e.r.HasExport("options") || e.r.HasExport("setup") {
		t.Errorf("HasExport: %v", e.r.exports)
	}
	v := e.newVU(t, 1)
	s := scenario("default", "default")
	for range 2 {
		if err := v.RunOnce(context.Background(), iteration(s)); err != nil {
			t.Fatalf("RunOnce: %v", err)
		}
	}
	if n := len(e.out.samples("iterations")); n != 2 {
		t.Errorf("%d iterations samples, want 2", n)
	}
}

func TestChecksGroupsMetrics(t *testing.T) {
	e := load(t, "checks.js", func(o *Options) { o.RunTags = map[string]string{"run": "r"} })
	v := e.newVU(t, 1)
	if err := v.RunOnce(context.Background(), iteration(scenario("sc", "default"))); err != nil {
		t.Fatalf("RunOnce: %v\n%s", err, e.logs)
	}
	base := map[string]string{"run": "r", "scenario": "sc", "group": ""}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	var got []sampleLine
	for _, s := range e.out.samples("") {
		if s.Metric == "iteration_duration" || s.Metric == "group_duration" || s.Metric == "my_trend" {
			if s.Value <= 0 && s.Metric != "my_trend" {
				t.Errorf("%s = %v", s.Metric, s.Value)
			}
			s.Value = 0
		}
		got = append(got, s)
	}
	want := []sampleLine{
		{"checks", 1, with("check", "is one", "extra", "e")},
		{"checks", 0, with("check", "is two", "extra", "e")},
		{"my_counter", 2, with("group", "::outer::inner", "k", "v")},
		{"group_duration", 0, with("group", "::outer::inner")},
		{"group_duration", 0, with("group", "::outer")},
		{"my_trend", 0, base},
		{"my_rate", 1, base},
		{"my_gauge", 3, base},
		{"data_sent", 0, base},
		{"data_received", 0, base},
		{"iterations", 1, base},
		{"iteration_duration", 0, base},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("samples (-want +got):\n%s", diff)
	}
	if m := e.r.opts.Metrics.Get("my_trend"); m == nil || m.Contains.String() != "time" {
		t.Errorf("my_trend metric: %+v", m)
	}
	if !strings.Contains(e.logs.String(), "'null' is an invalid value for metric 'my_counter'") {
		t.Errorf("no invalid-value warning in logs:\n%s", e.logs)
	}
}

func TestCheckRethrows(t *testing.T) {
	e := load(t, "check_throws.js", nil)
	v := e.newVU(t, 1)
	err := v.RunOnce(context.Background(), iteration(scenario("default", "default")))
	var se *vu.ScriptError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "Cannot read property 'foo' of") || !strings.Contains(err.Error(), "check_throws.js:3:") {
		t.Fatalf("RunOnce = %v, want a ScriptError with position", err)
	}
	checks := e.out.samples("checks")
	if len(checks) != 2 || checks[0].Value != 1 || checks[1].Value != 0 || checks[1].Tags["check"] != "throws" {
		t.Errorf("checks = %+v", checks)
	}
	if len(e.out.samples("iterations")) != 1 {
		t.Errorf("an iteration that threw is still a full iteration")
	}
	if !strings.Contains(e.logs.String(), "source=stacktrace") {
		t.Errorf("exception not logged:\n%s", e.logs)
	}
}

func TestAsyncTimersAndRejection(t *testing.T) {
	t.Run("async", func(t *testing.T) {
		e := load(t, "async.js", nil)
		v := e.newVU(t, 1)
		for range 3 {
			if err := v.RunOnce(context.Background(), iteration(scenario("default", "default"))); err != nil {
				t.Fatalf("RunOnce: %v", err)
			}
		}
	})
	t.Run("rejection", func(t *testing.T) {
		e := load(t, "rejection.js", nil)
		v := e.newVU(t, 1)
		err := v.RunOnce(context.Background(), iteration(scenario("default", "default")))
		if err == nil || !strings.HasPrefix(err.Error(), "Uncaught (in promise) Error: floating") {
			t.Fatalf("RunOnce = %v", err)
		}
		err = v.RunOnce(context.Background(), iteration(scenario("s", "asyncThrow")))
		var se *vu.ScriptError
		if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), "Uncaught (in promise) Error: async boom") || !strings.Contains(err.Error(), "rejection.js:6:") {
			t.Fatalf("async throw: RunOnce = %v", err)
		}
	})
}

func TestInterrupt(t *testing.T) {
	for _, exec := range []string{"busy", "awaiting", "asyncBusy"} {
		t.Run(exec, func(t *testing.T) {
			e := load(t, "interrupt.js", nil)
			v := e.newVU(t, 1)
			// The iteration never ends by itself; the deadline interrupts
			// it wherever it is (busy or awaiting).
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			err := v.RunOnce(ctx, iteration(scenario("s", exec)))
			if !errors.Is(err, vu.ErrInterrupted) {
				t.Fatalf("RunOnce = %v, want ErrInterrupted", err)
			}
			if n := len(e.out.samples("iterations")); n != 0 {
				t.Errorf("interrupted iteration emitted %d iterations samples", n)
			}
			t.Logf("runtime broken after interrupt: %v", v.broken)
			if exec == "awaiting" && !strings.Contains(e.logs.String(), "setTimeout 1 was stopped because the VU iteration was interrupted") {
				t.Errorf("no timer warning:\n%s", e.logs)
			}
			for range 2 {
				if err := v.RunOnce(context.Background(), iteration(scenario("default", "default"))); err != nil {
					t.Fatalf("next iteration: %v", err)
				}
			}
		})
	}
}

// TestInterruptWatchAcrossIterations: the watch that interrupts the
// runtime outlives an iteration (one per context, not per iteration). A
// context that ends between iterations must not interrupt a run under the
// next context, and a context kept across iterations still interrupts the
// one running when it ends.
func TestInterruptWatchAcrossIterations(t *testing.T) {
	e := load(t, "interrupt.js", nil)
	v := e.newVU(t, 1)
	def := scenario("default", "default")
	ctx1, cancel1 := context.WithCancel(context.Background())
	for range 3 {
		if err := v.RunOnce(ctx1, iteration(def)); err != nil {
			t.Fatalf("RunOnce under ctx1: %v", err)
		}
	}
	cancel1() // ends while no iteration runs: the kept watch fires now
	time.Sleep(10 * time.Millisecond)
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	for range 3 {
		if err := v.RunOnce(ctx2, iteration(def)); err != nil {
			t.Fatalf("RunOnce under ctx2 after ctx1 ended between iterations: %v", err)
		}
	}
	time.AfterFunc(20*time.Millisecond, cancel2)
	err := v.RunOnce(ctx2, iteration(scenario("s", "busy")))
	if !errors.Is(err, vu.ErrInterrupted) {
		t.Fatalf("busy iteration under the kept ctx2 watch: RunOnce = %v, want ErrInterrupted", err)
	}
	if err := v.RunOnce(context.Background(), iteration(def)); err != nil {
		t.Fatalf("RunOnce after the interrupt: %v", err)
	}
}

// TestVUsIterateUnderTheirOwnContext: VUs iterating under one executor
// context each get a child of it, made once (so that their requests'
// contexts do not all register with the shared one), and cancelling the
// executor's context still ends them.
func TestVUsIterateUnderTheirOwnContext(t *testing.T) {
	e := load(t, "interrupt.js", nil)
	v1, v2 := e.newVU(t, 1), e.newVU(t, 2)
	parent, cancel := context.WithCancel(context.Background())
	def := scenario("default", "default")
	var seen []context.Context
	for range 2 {
		for _, v := range []*VU{v1, v2} {
			if err := v.RunOnce(parent, iteration(def)); err != nil {
				t.Fatal(err)
			}
			seen = append(seen, v.Context())
		}
	}
	if seen[0] == parent || seen[0] == seen[1] || seen[0] != seen[2] || seen[1] != seen[3] {
		t.Fatalf("contexts: want one child per VU, kept across iterations; got %v", seen)
	}
	cancel()
	for i, c := range seen[:2] {
		select {
		case <-c.Done():
		case <-time.After(time.Second):
			t.Errorf("VU %d's context not cancelled with the executor's", i+1)
		}
	}
}

func TestSetupTeardown(t *testing.T) {
	e := load(t, "setup.js", nil)
	if err := e.r.Setup(context.Background(), e.out); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	if got, want := string(e.r.SetupData()), `{"list":[1,"a",{"deep":true}],"n":1,"nothing":null}`; got != want {
		t.Errorf("SetupData = %s, want %s", got, want)
	}
	v := e.newVU(t, 1)
	for range 2 {
		if err := v.RunOnce(context.Background(), iteration(scenario("default", "default"))); err != nil {
			t.Fatalf("RunOnce: %v", err)
		}
	}
	if err := e.r.Teardown(context.Background(), e.out); err != nil {
		t.Fatalf("Teardown: %v", err)
	}
	want := []sampleLine{
		{"checks", 1, map[string]string{"group": "::setup", "check": "setup vu is 0"}},
		{"checks", 1, map[string]string{"group": "::teardown", "check": "in teardown"}},
	}
	if diff := cmp.Diff(want, e.out.samples("checks")); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	t.Run("function", func(t *testing.T) {
		e := load(t, "setup_func.js", nil)
		err := e.r.Setup(context.Background(), e.out)
		if exit.CodeOf(err) != exit.ScriptException || !strings.Contains(err.Error(), "error marshaling setup() data to JSON") {
			t.Fatalf("Setup = %v", err)
		}
	})
}

func TestSharedArray(t *testing.T) {
	e := load(t, "shared.js", nil)
	for id := uint64(1); id <= 2; id++ {
		v := e.newVU(t, id)
		if err := v.RunOnce(context.Background(), iteration(scenario("default", "default"))); err != nil {
			t.Fatalf("VU %d: %v", id, err)
		}
	}
	if n := countLines(e.logs.String(), "building users"); n != 1 {
		t.Errorf("builder ran %d times, want 1:\n%s", n, e.logs)
	}
}

func TestAbort(t *testing.T) {
	e := load(t, "abort.js", nil)
	v := e.newVU(t, 1)
	err := v.RunOnce(context.Background(), iteration(scenario("default", "default")))
	if !errors.Is(err, vu.ErrInterrupted) {
		t.Fatalf("RunOnce = %v, want ErrInterrupted", err)
	}
	if got := exit.CodeOf(e.test.AbortErr()); got != exit.ScriptAborted {
		t.Fatalf("AbortErr code %d (%v), want 108", got, e.test.AbortErr())
	}
	if got := e.test.AbortErr().Error(); got != "test aborted: enough" {
		t.Errorf("AbortErr = %q", got)
	}
}

func TestOpenAndImportMeta(t *testing.T) {
	e := load(t, "open.js", nil)
	v := e.newVU(t, 1)
	for _, exec := range []string{"default", "meta"} {
		if err := v.RunOnce(context.Background(), iteration(scenario(exec, exec))); err != nil {
			t.Fatalf("RunOnce(%s): %v", exec, err)
		}
	}
}

func TestAbortInInitAndSetup(t *testing.T) {
	t.Run("setup", func(t *testing.T) {
		e := load(t, "abort_init.js", nil)
		err := e.r.Setup(context.Background(), e.out)
		if exit.CodeOf(err) != exit.ScriptAborted || exit.CodeOf(e.test.AbortErr()) != exit.ScriptAborted {
			t.Fatalf("Setup = %v (code %d), AbortErr %v", err, exit.CodeOf(err), e.test.AbortErr())
		}
	})
	t.Run("init", func(t *testing.T) {
		opts := newOptions(t, &syncBuffer{})
		opts.Env["ABORT_IN_INIT"] = "1"
		_, err := Load(context.Background(), filepath.Join("testdata", "abort_init.js"), opts)
		if exit.CodeOf(err) != exit.ScriptAborted || !strings.Contains(err.Error(), "test aborted: from init") {
			t.Fatalf("Load = %v (code %d)", err, exit.CodeOf(err))
		}
	})
}

func TestHandleSummary(t *testing.T) {
	e := load(t, "summary.js", nil)
	got, ok, err := e.r.HandleSummary(context.Background(), []byte(`{"metrics":{"iterations":{"values":{"count":3}},"checks":{}}}`))
	if err != nil || !ok {
		t.Fatalf("HandleSummary = %v, %v", ok, err)
	}
	want := map[string][]byte{"stdout": []byte("iterations=3 keys=iterations,checks"), "out.bin": {1, 2, 3}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	e2 := load(t, "empty.js", nil)
	if _, ok, err := e2.r.HandleSummary(context.Background(), []byte(`{}`)); ok || err != nil {
		t.Errorf("no handleSummary: ok=%v err=%v", ok, err)
	}
}
