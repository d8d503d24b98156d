package scenarios_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/llmbench/llmbench/internal/mock"
)

// BenchmarkTraceReplayStartError replays the bundled 200-record trace
// (examples/trace-replay.js, arrival-times at speed 1, about 10 s) against
// the mock and reports how late each request was sent against its
// recorded time: llm_ttft_from_schedule − llm_ttft of the same request is
// Send − Scheduled (ns resolution), joined from the JSON output; and
// schedule_lag p99 (iteration start − scheduled) from the summary. Goal:
// p99 start error under 2 ms. Run with -benchtime=1x.
func BenchmarkTraceReplayStartError(b *testing.B) {
	url := startMock(b, mock.Config{OutputTokens: 8})
	wd, _ := os.Getwd()
	for b.Loop() {
		dir := b.TempDir()
		export, out := filepath.Join(dir, "export.json"), filepath.Join(dir, "out.json")
		res := llmbench(b, dir, nil, "run", "-q", "--summary-export", export, "--out", "json="+out,
			"-e", "LLM_BASE_URL="+url, "-e", "MAX_INPUT_TOKENS=256", filepath.Join(wd, "../examples/trace-replay.js"))
		if res.code != 0 {
			b.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		errs := startErrors(b, out)
		if len(errs) != 200 {
			b.Fatalf("%d requests joined, want 200", len(errs))
		}
		slices.Sort(errs)
		m := readExport(b, export)
		lag, _ := m["schedule_lag"]["p(99)"].(float64)
		dropped, _ := m["dropped_iterations"]["count"].(float64)
		b.ReportMetric(errs[len(errs)/2], "p50-send-error-ms")
		b.ReportMetric(errs[len(errs)*99/100], "p99-send-error-ms")
		b.ReportMetric(errs[len(errs)-1], "max-send-error-ms")
		b.ReportMetric(lag, "p99-schedule-lag-ms")
		b.ReportMetric(dropped, "dropped")
	}
}

// startErrors joins each request's llm_ttft and llm_ttft_from_schedule
// samples (same time, VU and iteration) and returns their differences in ms.
func startErrors(b *testing.B, path string) []float64 {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	type key struct{ time, vu, iter string }
	ttft, fromSched := map[key]float64{}, map[key]float64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l struct {
			Metric string `json:"metric"`
			Type   string `json:"type"`
			Data   struct {
				Time     string            `json:"time"`
				Value    float64           `json:"value"`
				Metadata map[string]string `json:"metadata"`
			} `json:"data"`
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil || l.Type != "Point" {
			continue
		}
		k := key{l.Data.Time, l.Data.Metadata["vu"], l.Data.Metadata["iter"]}
		switch l.Metric {
		case "llm_ttft":
			ttft[k] = l.Data.Value
		case "llm_ttft_from_schedule":
			fromSched[k] = l.Data.Value
		}
	}
	var out []float64
	for k, v := range fromSched {
		if t, ok := ttft[k]; ok {
			out = append(out, v-t)
		}
	}
	return out
}
