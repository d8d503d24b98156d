package executor_test

import (
	"context"
	"encoding/json"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/executor"
	"github.com/llmbench/llmbench/internal/testkit"
	"github.com/llmbench/llmbench/internal/vu"
)

func TestProgressMidRun(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		fraction float64
		right    []string
	}{
		{"shared-iterations", `{"executor": "shared-iterations", "vus": 2, "iterations": 20}`,
			0.5, []string{"2 VUs", "00.5s/10m0s", "10/20 shared iters"}},
		{"per-vu-iterations", `{"executor": "per-vu-iterations", "vus": 2, "iterations": 10}`,
			0.5, []string{"2 VUs", "00.5s/10m0s", "10/20 iters, 10 per VU"}},
		{"constant-vus", `{"executor": "constant-vus", "vus": 1, "duration": "2s"}`,
			0.275, []string{"1 VU", "00.5s/2s"}},
		{"ramping-vus", `{"executor": "ramping-vus", "startVUs": 0, "stages": [{"duration": "1s", "target": 4}]}`,
			0.55, []string{"2/4 VUs", "00.5s/1s"}},
		{"constant-arrival-rate", `{"executor": "constant-arrival-rate", "rate": 10, "duration": "2s", "preAllocatedVUs": 3}`,
			0.275, []string{"1/3 VUs", "00.5s/2s", "10.00 iters/s"}},
		{"ramping-arrival-rate", `{"executor": "ramping-arrival-rate", "preAllocatedVUs": 2, "stages": [{"duration": "1s", "target": 10}]}`,
			0.55, []string{"0/2 VUs", "00.5s/1s", "5.50 iters/s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cfg, err := executor.ParseConfig("s", json.RawMessage(tt.raw))
				if err != nil {
					t.Fatal(err)
				}
				r := &testkit.FuncRunner{Iter: sleepIter(100 * time.Millisecond)}
				e := cfg.New(executor.Env{Pool: &pool{r: r, state: &vu.State{}}, Scenario: &vu.Scenario{Name: "s"}})
				if p := e.Progress(); p.Status != executor.StatusWaiting {
					t.Errorf("before Run: status %q", p.Status)
				}
				done := make(chan error)
				go func() { done <- e.Run(context.Background()) }()
				time.Sleep(550 * time.Millisecond)
				p := e.Progress()
				if p.Status != executor.StatusRunning || p.Fraction < tt.fraction-1e-9 || p.Fraction > tt.fraction+1e-9 {
					t.Errorf("status %q, fraction %v; want running, %v", p.Status, p.Fraction, tt.fraction)
				}
				if diff := cmp.Diff(tt.right, p.Right); diff != "" {
					t.Errorf("right columns (-want +got):\n%s", diff)
				}
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				if p := e.Progress(); p.Status != executor.StatusDone {
					t.Errorf("after Run: status %q", p.Status)
				}
			})
		})
	}
}
