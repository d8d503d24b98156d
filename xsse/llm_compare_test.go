package xsse_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/mock"
)

// startMock serves the simulated model on a free 127.0.0.1 port.
func startMock(t *testing.T, cfg mock.Config) string {
	t.Helper()
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	running, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = running.Close(ctx)
	})
	return running.URL()
}

// llmScript sends examples/sse-llm-bench.js's request through k6/x/llm.
const llmScript = `
import llm from 'k6/x/llm';
export const options = { vus: parseInt(__ENV.VUS), iterations: parseInt(__ENV.ITERATIONS) };
const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL, model: 'mock-model', timeout: '120s' });
export default function () {
  const res = client.chat({
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Tell me a story (VU ' + __VU + ', iteration ' + __ITER + ').' },
    ],
    max_tokens: 64, stream: true, stream_options: { include_usage: true },
  });
  if (!res.ok) throw new Error('llm request failed: ' + res.error);
}
`

// The llama.cpp-style bench (Date.now() in k6/x/sse handlers) and k6/x/llm
// (kernel receive stamps) report the same TTFT and decode speed within 1 ms
// at the median against the mock.
func TestSSEBenchMatchesLLM(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two 40-request benchmarks")
	}
	if os.Getenv("LLMBENCH_TIMING") == "" {
		t.Skip("a 1 ms timing comparison, run alone by `make test-timing` (.ci/run): with every package's tests running in parallel it measures the machine's load")
	}
	const tokens = 32
	base := startMock(t, mock.Config{TTFT: 30 * time.Millisecond, ITL: 3 * time.Millisecond, OutputTokens: tokens})
	args := []string{"-e", "LLM_BASE_URL=" + base, "-e", "VUS=2", "-e", "ITERATIONS=40"}

	example, err := filepath.Abs("../examples/sse-llm-bench.js")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "llm.js")
	if err := os.WriteFile(path, []byte(llmScript), 0o644); err != nil {
		t.Fatal(err)
	}
	// Both are timing measurements on a machine that may be busy with other
	// tests (CI runs packages in parallel): up to three attempts, the bound
	// must hold in one; every attempt's figures are logged.
	var failures []string
	var sse result
	for attempt := 1; attempt <= 3; attempt++ {
		sse = runFile(t, example, args...)
		if sse.Code != 0 {
			t.Fatalf("sse bench: exit %d\n%s", sse.Code, lastLines(sse.Stderr, 15))
		}
		viaLLM := runFile(t, path, args...)
		if viaLLM.Code != 0 {
			t.Fatalf("llm bench: exit %d\n%s", viaLLM.Code, lastLines(viaLLM.Stderr, 15))
		}
		med := func(r result, metric string) float64 {
			t.Helper()
			m, _ := r.Summary["metrics"].(map[string]any)[metric].(map[string]any)
			v, ok := m["med"].(float64)
			if !ok || m["count"] != nil && m["count"].(float64) == 0 {
				t.Fatalf("%s: no median in the summary export (%v)", metric, m)
			}
			return v
		}
		ttftSSE, ttftLLM := med(sse, "sse_ttft"), med(viaLLM, "llm_ttft")
		tpsSSE, tpsLLM := med(sse, "sse_tokens_per_second"), med(viaLLM, "llm_tokens_per_second")
		// Tokens per second compared as the decode time it stands for: the
		// (tokens − 1) gaps from the first content chunk to the last.
		decSSE, decLLM := (tokens-1)/tpsSSE*1000, (tokens-1)/tpsLLM*1000
		t.Logf("attempt %d: median TTFT: sse %.3f ms, llm %.3f ms (Δ %.3f); median tokens/s: sse %.2f, llm %.2f (decode %.3f vs %.3f ms, Δ %.3f)",
			attempt, ttftSSE, ttftLLM, ttftSSE-ttftLLM, tpsSSE, tpsLLM, decSSE, decLLM, decSSE-decLLM)
		var f []string
		if d := math.Abs(ttftSSE - ttftLLM); d > 1 {
			f = append(f, fmt.Sprintf("median TTFT differs by %.3f ms (sse %.3f, llm %.3f)", d, ttftSSE, ttftLLM))
		}
		if d := math.Abs(decSSE - decLLM); d > 1 {
			f = append(f, fmt.Sprintf("median decode time differs by %.3f ms (sse %.2f tok/s, llm %.2f tok/s)", d, tpsSSE, tpsLLM))
		}
		if len(f) == 0 {
			failures = nil
			break
		}
		failures = append(failures, fmt.Sprintf("attempt %d: %s", attempt, strings.Join(f, "; ")))
	}
	for _, f := range failures {
		t.Error(f)
	}
	if n := len(sse.Of("sse_event")); n != 40*(tokens+4) {
		// role chunk + tokens + finish chunk + usage chunk + [DONE]
		t.Errorf("sse_event: %d, want %d", n, 40*(tokens+4))
	}
}
