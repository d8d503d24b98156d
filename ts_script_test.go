package llm

import (
	"context"
	"testing"

	"github.com/llmbench/llmbench/internal/testkit"

	"github.com/llmbench/llmbench/internal/js"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/mock"
	"github.com/llmbench/llmbench/internal/vu"
)

// TestTypeScriptScript runs testdata/scripts/chat.ts (types stripped by the
// loader) against the mock: its options are read and its checks pass.
func TestTypeScriptScript(t *testing.T) {
	t.Parallel()
	ts := mockServer(t, mock.Config{OutputTokens: 8})
	mreg := metrics.NewRegistry()
	r, err := js.Load(context.Background(), "testdata/scripts/chat.ts", js.Options{
		Modules: moduleRegistry(t), Metrics: mreg, Builtins: metrics.RegisterBuiltins(mreg),
		Env: map[string]string{"LLM_BASE_URL": ts.URL + "/v1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(r.Options()), `{"vus":1,"iterations":2}`; got != want {
		t.Errorf("options = %s, want %s", got, want)
	}
	out := &testkit.CaptureEmitter{}
	v, err := r.NewVU(context.Background(), 1, out)
	if err != nil {
		t.Fatal(err)
	}
	s := &vu.Scenario{Name: "default", Executor: "shared-iterations", Exec: "default"}
	if err := v.RunOnce(context.Background(), &vu.Iteration{Scenario: s}); err != nil {
		t.Fatal(err)
	}
	checks := map[string]float64{}
	ttft := 0
	for _, b := range out.Batches() {
		for _, s := range b.Samples {
			switch s.Metric.Name {
			case "checks":
				c, _ := b.Tags.Get("check")
				checks[c] += s.Value
			case "ts_ttft":
				if s.Value <= 0 {
					t.Errorf("ts_ttft = %v", s.Value)
				}
				ttft++
			}
		}
	}
	if ttft != 1 || checks["ok"] != 1 || checks["tokens"] != 1 || checks["role"] != 1 {
		t.Errorf("ts_ttft samples %d, checks %v", ttft, checks)
	}
}
