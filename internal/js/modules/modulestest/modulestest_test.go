package modulestest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
)

// echo is a module that counts in init, emits while running and answers
// asynchronously through RegisterCallback.
type echo struct{}

func (echo) NewInstance(vu modules.VU) (modules.Instance, error) {
	m := vu.InitEnv().Registry.MustNewMetric("echo", metrics.Counter)
	return inst{vu, m}, nil
}

type inst struct {
	vu modules.VU
	m  *metrics.Metric
}

func (i inst) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{
		"inInit": func() bool { return i.vu.InitEnv() != nil && i.vu.State() == nil },
		"emit": func(v float64) {
			i.vu.State().Emit(time.Unix(1, 0), map[string]string{"k": "v"}, metrics.Sample{Metric: i.m, Value: v})
		},
		"later": func(v float64) {
			done := i.vu.RegisterCallback()
			go done(func() error { return i.vu.Runtime().Set("answer", v) })
		},
	}}
}

func TestVU(t *testing.T) {
	t.Parallel()
	v := New(t)
	v.Load(t, echo{}, "echo")
	if !v.RunJS(t, `echo.inInit()`).ToBoolean() {
		t.Fatal("a new VU is not in its init stage")
	}
	v.MoveToRun()
	if v.RunJS(t, `echo.inInit()`).ToBoolean() || v.State().Builtins == nil {
		t.Fatal("MoveToRun left the init stage on, or no built-in metrics")
	}
	v.RunJS(t, `echo.emit(3); echo.later(42)`)
	v.RunCallback(t, 5*time.Second)
	if got := v.RT.Get("answer").ToInteger(); got != 42 {
		t.Errorf("answer = %d, want 42", got)
	}
	b := v.Out.Batches()
	if len(b) != 1 || b[0].Samples[0].Value != 3 || b[0].Metadata["vu"] != "1" {
		t.Fatalf("batches %+v", b)
	}
	if diff := cmp.Diff(map[string]string{"scenario": "default", "k": "v"}, b[0].Tags.Map()); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if v.Context().Err() != nil {
		t.Error("context ended before the test")
	}
}
