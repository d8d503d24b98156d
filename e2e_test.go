package llm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/js"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/mock"
	"github.com/llmbench/llmbench/internal/testkit"
	"github.com/llmbench/llmbench/internal/vu"
)

// TestScript runs testdata/scripts/chat.js in the real engine against the
// mock: the module loads as "k6/x/llm", sync and async calls work, and the
// llm_* samples carry the VU's tags.
func TestScript(t *testing.T) {
	t.Parallel()
	ts := mockServer(t, mock.Config{OutputTokens: 8})
	reg := moduleRegistry(t)
	mreg := metrics.NewRegistry()
	r, err := js.Load(context.Background(), "testdata/scripts/chat.js", js.Options{
		Modules: reg, Metrics: mreg, Builtins: metrics.RegisterBuiltins(mreg),
		Env: map[string]string{"LLM_BASE_URL": ts.URL + "/v1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := &testkit.CaptureEmitter{}
	v, err := r.NewVU(context.Background(), 1, out)
	if err != nil {
		t.Fatal(err)
	}
	for _, exec := range []string{"default", "asyncChat"} {
		s := &vu.Scenario{Name: "s_" + exec, Executor: "shared-iterations", Exec: exec}
		if err := v.RunOnce(context.Background(), &vu.Iteration{Scenario: s}); err != nil {
			t.Fatalf("%s: %v", exec, err)
		}
	}
	counts := map[string]float64{}
	checks := map[string]float64{}
	for _, b := range out.Batches() {
		for _, s := range b.Samples {
			counts[s.Metric.Name] += s.Value
			if s.Metric.Name == "checks" {
				c, _ := b.Tags.Get("check")
				checks[c] += s.Value
			}
			if s.Metric.Name == "llm_requests" {
				sc, _ := b.Tags.Get("scenario")
				tg, _ := b.Tags.Get("target")
				if tg != "mock" || sc == "" {
					t.Errorf("llm sample tags %v", b.Tags.Map())
				}
			}
		}
	}
	if counts["llm_requests"] != 3 || counts["llm_request_failed"] != 0 || counts["llm_goodput"] != 3 || counts["llm_output_tokens"] != 6+8+8 {
		t.Errorf("counts %v", counts)
	}
	for _, c := range []string{"ok", "tokens", "timing"} {
		if checks[c] != 1 {
			t.Errorf("check %q passed %v times", c, checks[c])
		}
	}
}

// TestScriptInterrupted: when the iteration's context ends mid-stream, the
// request is cancelled at once, the iteration is interrupted and the request
// is recorded once as failed with error_code "interrupted", with how long it
// had been open, and no latency or token sample.
func TestScriptInterrupted(t *testing.T) {
	t.Parallel()
	ts := mockServer(t, mock.Config{OutputTokens: 8, Stall: time.Minute})
	reg := moduleRegistry(t)
	r, err := js.Load(context.Background(), "testdata/scripts/chat.js", js.Options{
		Modules: reg, Env: map[string]string{"LLM_BASE_URL": ts.URL + "/v1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := &testkit.CaptureEmitter{}
	v, err := r.NewVU(context.Background(), 1, out)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = v.RunOnce(ctx, &vu.Iteration{Scenario: &vu.Scenario{Name: "s", Exec: "default"}})
	if !errors.Is(err, vu.ErrInterrupted) {
		t.Errorf("RunOnce = %v, want ErrInterrupted", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("interruption took %v", d)
	}
	got := map[string]float64{}
	for _, b := range out.Batches() {
		for _, s := range b.Samples {
			if !strings.HasPrefix(s.Metric.Name, "llm_") {
				continue
			}
			got[s.Metric.Name] += s.Value
			if code, _ := b.Tags.Get("error_code"); code != "interrupted" {
				t.Errorf("sample %s has error_code %q, want interrupted", s.Metric.Name, code)
			}
		}
	}
	if got["llm_requests"] != 1 || got["llm_request_failed"] != 1 || got["llm_interrupted_duration"] < 150 {
		t.Errorf("llm samples %v: want one failed request, open ≥ 150ms", got)
	}
	for _, name := range []string{"llm_ttft", "llm_request_duration", "llm_output_tokens"} {
		if _, ok := got[name]; ok {
			t.Errorf("an interrupted request recorded %s", name)
		}
	}
}

// moduleRegistry lists the built-in modules and k6/x/llm, as the CLI does.
func moduleRegistry(t *testing.T) *modules.Registry {
	t.Helper()
	reg := modules.NewRegistry()
	builtin.Register(reg)
	if err := reg.Register("k6/x/llm", New()); err != nil {
		t.Fatal(err)
	}
	return reg
}
