package scenarios_test

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
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
			if os.Getenv("BENCH_VERBOSE") != "" && v-t > 2 {
				b.Logf("send error %.2f ms at %s", v-t, k.time)
			}
		}
	}
	return out
}

// BenchmarkPoissonRealizedGaps runs scenarios/poisson.js at BENCH_RATE
// requests/s (default 100) for 10k arrivals with burstiness 1 and 0.5
// against the mock, and
// reports the coefficient of variation of the gaps between the arrivals
// the mock received (its log), against the theory 1/√burstiness: what the
// server saw, schedule plus client jitter. Run with -benchtime=1x.
func BenchmarkPoissonRealizedGaps(b *testing.B) {
	wd, _ := os.Getwd()
	rate := 100.0
	if v, err := strconv.ParseFloat(os.Getenv("BENCH_RATE"), 64); err == nil && v > 0 {
		rate = v
	}
	dur := strconv.FormatFloat(10_000/rate, 'f', 1, 64) + "s"
	for b.Loop() {
		for _, burst := range []string{"1", "0.5"} {
			var log lockedBuffer
			url := startMock(b, mock.Config{OutputTokens: 1, Log: &log})
			res := llmbench(b, b.TempDir(), nil, "run", "-q", "-e", "LLM_BASE_URL="+url, "-e", "RATE="+strconv.FormatFloat(rate, 'f', -1, 64), "-e", "DURATION="+dur,
				"-e", "MAX_TOKENS=1", "-e", "MAX_VUS=200", "-e", "BURSTINESS="+burst, filepath.Join(wd, "poisson.js"))
			if res.code != 0 {
				b.Fatalf("exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
			}
			var at []float64
			sc := bufio.NewScanner(strings.NewReader(log.String()))
			for sc.Scan() {
				var l struct {
					Received int64 `json:"received_unix_ns"`
				}
				if json.Unmarshal(sc.Bytes(), &l) == nil {
					at = append(at, float64(l.Received))
				}
			}
			slices.Sort(at)
			var mean, ss float64
			n := float64(len(at) - 1)
			for i := 1; i < len(at); i++ {
				mean += at[i] - at[i-1]
			}
			mean /= n
			for i := 1; i < len(at); i++ {
				d := at[i] - at[i-1] - mean
				ss += d * d
			}
			bf, _ := strconv.ParseFloat(burst, 64)
			cv := math.Sqrt(ss/(n-1)) / mean
			b.ReportMetric(float64(len(at)), "arrivals-b"+burst)
			b.ReportMetric(cv, "cv-b"+burst)
			b.ReportMetric(100*(cv*math.Sqrt(bf)-1), "cv-error-%-b"+burst)
		}
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }
