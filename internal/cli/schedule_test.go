package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/mock"
)

// runLLM runs testdata/scripts/<script> through Main with k6/x/llm
// registered, as the binary does, and returns the --summary-export.
func runLLM(t *testing.T, env []string, script string, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	wd, _ := os.Getwd()
	export := filepath.Join(dir, "export.json")
	mods := modules.NewRegistry()
	builtin.Register(mods)
	if err := mods.Register("k6/x/llm", llm.New()); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	full := append([]string{"run", "--summary-export", export}, args...)
	full = append(full, filepath.Join(wd, "testdata", "scripts", script))
	code := Main(context.Background(), Env{
		Args: full, Environ: append([]string{"PATH=/usr/bin"}, env...), Stdout: &stdout, Stderr: &stderr, Dir: dir,
	}, mods, nil)
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	b, err := os.ReadFile(export)
	if err != nil {
		t.Fatalf("exit %d, no summary export: %v\nstderr:\n%s", code, err, r.stderr)
	}
	if err := json.Unmarshal(b, &r.export); err != nil {
		t.Fatalf("summary export is not JSON: %v\n%s", err, b)
	}
	return r
}

// TestFromSchedule: the server stalls every stream for 2s. The arrival-rate
// iteration's second request is sent only after the first one's stall, so
// measured from the iteration's scheduled start it is ~2s later than its own
// TTFT says; the first request's two TTFTs agree; the closed-loop
// scenario's request has no schedule and adds no *_from_schedule sample.
func TestFromSchedule(t *testing.T) {
	t.Parallel()
	const stall = 2 * time.Second
	srv, err := mock.New(mock.Config{OutputTokens: 4, Stall: stall})
	if err != nil {
		t.Fatal(err)
	}
	run, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close(context.Background()) })

	r := runLLM(t, []string{"LLM_BASE_URL=" + run.URL()}, "schedule_stall.js", "-q", "--summary-trend-stats", "min,max,count")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	stallMS := float64(stall.Milliseconds())
	if n := r.metric(t, "llm_requests", "count"); n != 3 {
		t.Fatalf("llm_requests = %v, want 3", n)
	}
	if n := r.metric(t, "llm_ttft_from_schedule", "count"); n != 2 {
		t.Errorf("llm_ttft_from_schedule count = %v, want 2 (arrival-rate requests only)", n)
	}
	if n := r.metric(t, "llm_request_duration_from_schedule", "count"); n != 2 {
		t.Errorf("llm_request_duration_from_schedule count = %v, want 2", n)
	}
	ttftMax := r.metric(t, "llm_ttft", "max")
	if ttftMax >= stallMS/2 {
		t.Errorf("llm_ttft max = %vms: the stall is mid-stream and must not reach TTFT", ttftMax)
	}
	// First request: from-schedule = TTFT + schedule lag (small).
	if v := r.metric(t, "llm_ttft_from_schedule", "min"); v >= stallMS/2 {
		t.Errorf("llm_ttft_from_schedule min = %vms, want the first request's TTFT plus a small lag", v)
	}
	// Second request: it waited behind the first one's whole stream.
	if v := r.metric(t, "llm_ttft_from_schedule", "max"); v < stallMS || v > ttftMax+3*stallMS {
		t.Errorf("llm_ttft_from_schedule max = %vms, want ≥ %vms (one stall earlier in the iteration)", v, stallMS)
	}
	durMax := r.metric(t, "llm_request_duration", "max")
	if durMax < stallMS {
		t.Errorf("llm_request_duration max = %vms, want ≥ the %vms stall", durMax, stallMS)
	}
	if v := r.metric(t, "llm_request_duration_from_schedule", "max"); v-durMax < stallMS*0.95 {
		t.Errorf("llm_request_duration_from_schedule max = %vms, want ≥ llm_request_duration max (%vms) + one stall", v, durMax)
	}
}
