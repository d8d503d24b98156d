package cli

import (
	"context"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/mock"
)

// TestArrivalTimesRun replays a 3-record trace through the whole engine
// against the mock (TTFT 200ms) on one VU: records 0 and 2 are sent, the
// start at 100ms is dropped; llm_ttft is at least the mock's TTFT and
// llm_ttft_from_schedule exceeds it only by the start's lateness; each
// request carries its record index (exec.scenario.iterationInTest): the
// script's thresholds on llm_requests{record:N} fail the run otherwise.
func TestArrivalTimesRun(t *testing.T) {
	t.Parallel()
	srv, err := mock.New(mock.Config{OutputTokens: 4, TTFT: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close(context.Background()) })
	r := runLLM(t, []string{"LLM_BASE_URL=" + run.URL()}, "arrival_times.js", "-q", "--summary-trend-stats", "min,max,count")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	for name, want := range map[string]float64{"llm_requests": 2, "iterations": 2, "dropped_iterations": 1} {
		if got := r.metric(t, name, "count"); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if n := r.metric(t, "schedule_lag", "count"); n != 2 {
		t.Errorf("schedule_lag count %v, want 2", n)
	}
	ttftMin, ttftMax := r.metric(t, "llm_ttft", "min"), r.metric(t, "llm_ttft", "max")
	fsMin, fsMax := r.metric(t, "llm_ttft_from_schedule", "min"), r.metric(t, "llm_ttft_from_schedule", "max")
	if ttftMin < 200 || fsMin < ttftMin || fsMax > ttftMax+500 {
		t.Errorf("llm_ttft %v–%v, from schedule %v–%v: want ≥ 200ms and from-schedule ≥ ttft by no more than the start's lateness", ttftMin, ttftMax, fsMin, fsMax)
	}
}
