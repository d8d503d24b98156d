package testkit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/testkit"
	"github.com/llmbench/llmbench/internal/vu"
)

func TestFuncRunnerVU(t *testing.T) {
	b := metrics.RegisterBuiltins(metrics.NewRegistry())
	boom := errors.New("boom")
	tests := []struct {
		name      string
		iter      testkit.IterFunc
		cancelled bool
		wantErr   func(error) bool
		wantIters float64
	}{
		{"full iteration", func(context.Context, uint64, *vu.Iteration) error { return nil },
			false, func(err error) bool { return err == nil }, 1},
		{"script error is still full", func(context.Context, uint64, *vu.Iteration) error { return boom },
			false, func(err error) bool { var se *vu.ScriptError; return errors.As(err, &se) && errors.Is(err, boom) }, 1},
		{"cancelled context is interrupted", func(context.Context, uint64, *vu.Iteration) error { return nil },
			true, func(err error) bool { return errors.Is(err, vu.ErrInterrupted) }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &testkit.CaptureEmitter{}
			r := &testkit.FuncRunner{Iter: tt.iter, Builtins: b, RunTags: map[string]string{"run": "x"}}
			v, err := r.NewVU(t.Context(), 7, out)
			if err != nil || v.ID() != 7 {
				t.Fatalf("NewVU = %v, %v", v, err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			if tt.cancelled {
				cancel()
			}
			defer cancel()
			sc := &vu.Scenario{Name: "s", Tags: map[string]string{"tier": "gold"}}
			err = v.RunOnce(ctx, &vu.Iteration{Scenario: sc})
			if !tt.wantErr(err) {
				t.Errorf("RunOnce error %v", err)
			}
			if got := out.Sum("iterations"); got != tt.wantIters {
				t.Errorf("iterations = %v, want %v", got, tt.wantIters)
			}
			if out.Count("iteration_duration") != int(tt.wantIters) {
				t.Errorf("%d iteration_duration samples", out.Count("iteration_duration"))
			}
			for _, s := range out.Samples("iterations") {
				want := metrics.NewTagSet(map[string]string{"run": "x", "tier": "gold", "scenario": "s"})
				if s.Tags.Key() != want.Key() {
					t.Errorf("tags %v, want %v", s.Tags.Map(), want.Map())
				}
			}
		})
	}
}

func TestFuncRunnerLifecycle(t *testing.T) {
	r := &testkit.FuncRunner{
		SetupFunc: func(context.Context) ([]byte, error) { return []byte(`[1]`), nil },
		TeardownFunc: func(_ context.Context, data []byte) error {
			if string(data) != `[1]` {
				return errors.New("wrong data")
			}
			return nil
		},
	}
	if err := r.Setup(t.Context(), metrics.Discard); err != nil {
		t.Fatal(err)
	}
	if err := r.Teardown(t.Context(), metrics.Discard); err != nil {
		t.Fatal(err)
	}
	if got := r.Calls(); len(got) != 2 || got[0] != "setup" || got[1] != "teardown" {
		t.Errorf("Calls = %v", got)
	}
}
