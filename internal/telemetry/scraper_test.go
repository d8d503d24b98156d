package telemetry

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/metrics"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// collector is an Emitter that keeps every batch.
type collector struct {
	mu      sync.Mutex
	batches []metrics.Batch
}

func (c *collector) Emit(b metrics.Batch) {
	c.mu.Lock()
	c.batches = append(c.batches, b)
	c.mu.Unlock()
}

// lines prints every sample as "metric{k:v,…} value", sorted, with the
// source tag's varying port replaced by "S".
func (c *collector) lines(source string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, b := range c.batches {
		var tags []string
		for _, t := range b.Tags.List() {
			v := t.Value
			if t.Key == "source" && v == source {
				v = "S"
			}
			tags = append(tags, t.Key+":"+v)
		}
		for _, s := range b.Samples {
			out = append(out, fmt.Sprintf("%s{%s} %v", s.Metric.Name, strings.Join(tags, ","), s.Value))
		}
	}
	sort.Strings(out)
	return out
}

// fileServer serves one testdata file at /metrics as Prometheus text.
func fileServer(t *testing.T, file string) *httptest.Server {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestScrapeRecordedPages scrapes recorded vLLM, SGLang and DCGM exporter
// pages from a real local server, once each, with the default series.
func TestScrapeRecordedPages(t *testing.T) {
	for _, file := range []string{"vllm.txt", "vllm_legacy.txt", "dcgm.txt", "sglang.txt"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			srv := fileServer(t, file)
			host := strings.TrimPrefix(srv.URL, "http://")
			reg := metrics.NewRegistry()
			s, err := New(Options{Targets: []string{host}, Registry: reg})
			if err != nil {
				t.Fatal(err)
			}
			c := &collector{}
			s.scrape(t.Context(), s.targets[0], c)
			if r := s.Report(); r != nil {
				t.Fatalf("Report = %q, want no failures", r)
			}
			for _, b := range c.batches {
				if !b.Time.After(time.Time{}) {
					t.Errorf("batch without time: %+v", b)
				}
				for _, smp := range b.Samples {
					if reg.Get(smp.Metric.Name) != smp.Metric {
						t.Errorf("%s is not the registry's metric", smp.Metric.Name)
					}
				}
			}
			got := strings.Join(c.lines(host), "\n") + "\n"
			golden(t, strings.TrimSuffix(file, ".txt")+".golden", got)
		})
	}
}

// handlerTransport serves requests in process: no sockets, so a synctest
// bubble's clock advances only when the scraper waits.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// counterPage serves a counter that takes the values in order, then stays
// at the last, and a gauge equal to the scrape number.
func counterPage(values ...float64) (http.Handler, *atomic.Int32) {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		v := values[min(i, len(values)-1)]
		fmt.Fprintf(w, "# TYPE vllm:generation_tokens_total counter\nvllm:generation_tokens_total{model_name=\"m\"} %v\n", v)
		fmt.Fprintf(w, "# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name=\"m\"} %d\n", i)
	}), &n
}

func TestScraperIntervalAndRates(t *testing.T) {
	tests := []struct {
		name     string
		noRates  bool
		want     []string
		increase float64
	}{
		{name: "rates", want: []string{
			// scrapes at 0, 1, 2, 3 s and the last one at 3.5 s; 1100→50 is a reset
			"server_vllm_generation_tokens_total_rate 100", "server_vllm_generation_tokens_total_rate 100",
			"server_vllm_generation_tokens_total_rate 200",
		}, increase: 300},
		{name: "no rates", noRates: true, increase: 300},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h, scrapes := counterPage(1000, 1100, 50, 150, 250)
				s, err := New(Options{Targets: []string{"vllm:8000"}, NoRates: tc.noRates,
					Client: &http.Client{Transport: handlerTransport{h}}})
				if err != nil {
					t.Fatal(err)
				}
				c := &collector{}
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan error)
				go func() { done <- s.Run(ctx, c) }()
				time.Sleep(3500 * time.Millisecond)
				cancel()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				if n := scrapes.Load(); n != 5 {
					t.Errorf("%d scrapes, want 5", n)
				}
				var rates []string
				for _, l := range c.lines("vllm:8000") {
					if name, val, ok := strings.Cut(l, "{"); ok && strings.HasSuffix(name, RateSuffix) {
						rates = append(rates, name+" "+val[strings.LastIndex(val, " ")+1:])
					}
				}
				if diff := cmp.Diff(tc.want, rates); diff != "" {
					t.Errorf("rates (-want +got):\n%s", diff)
				}
				sum := s.Summary()
				var counter *SeriesStats
				for i := range sum.Series {
					if sum.Series[i].Counter {
						counter = &sum.Series[i]
					}
				}
				if counter == nil || counter.Increase != tc.increase || counter.Last != 250 || counter.Samples != 5 {
					t.Errorf("counter stats = %+v, want increase %v", counter, tc.increase)
				}
			})
		})
	}
}

func TestScrapeFailuresCounted(t *testing.T) {
	var status atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch status.Load() {
		case 0:
			fmt.Fprintln(w, "vllm:num_requests_running 3")
		case 1:
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		default:
			fmt.Fprintln(w, "vllm:num_requests_running{ 3 not prometheus")
		}
	}))
	defer srv.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()

	var logs bytes.Buffer
	s, err := New(Options{Targets: []string{srv.URL, deadURL + "/metrics"}, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	c := &collector{}
	for _, st := range []int32{0, 1, 1, 2, 0} {
		status.Store(st)
		for _, tg := range s.targets {
			s.scrape(t.Context(), tg, c)
		}
	}
	sum := s.Summary()
	if got := sum.Targets[0]; got.Scrapes != 5 || got.Failures != 3 || got.FirstError != "HTTP 503 Service Unavailable" {
		t.Errorf("live target = %+v", got)
	}
	if got := sum.Targets[1]; got.Scrapes != 5 || got.Failures != 5 || !strings.Contains(got.FirstError, "connection refused") {
		t.Errorf("dead target = %+v", got)
	}
	if n := strings.Count(logs.String(), "failed"); n != 2 {
		t.Errorf("%d failure log lines, want one per target:\n%s", n, logs.String())
	}
	report := s.Report()
	want := fmt.Sprintf("server metrics: 3 of 5 scrapes of %s/metrics failed (first error: HTTP 503 Service Unavailable)", srv.URL)
	if len(report) != 2 || report[0] != want {
		t.Errorf("Report = %q, want first line %q", report, want)
	}
	if n := len(c.lines("")); n != 2 {
		t.Errorf("%d samples recorded, want 2 (the good scrapes)", n)
	}
}

func TestScrapeNoneMatchedLoggedOnce(t *testing.T) {
	srv := fileServer(t, "sglang.txt")
	var logs bytes.Buffer
	s, err := New(Options{Targets: []string{srv.URL}, Series: []string{"DCGM_FI_DEV_GPU_UTIL"},
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		s.scrape(t.Context(), s.targets[0], &collector{})
	}
	if n := strings.Count(logs.String(), "has none of the selected series"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, logs.String())
	}
}

func TestSummaryText(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "dcgm.txt"))
	if err != nil {
		t.Fatal(err)
	}
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
	s, err := New(Options{Targets: []string{"gpu1:9400"}, Client: &http.Client{Transport: handlerTransport{page}}})
	if err != nil {
		t.Fatal(err)
	}
	s.scrape(t.Context(), s.targets[0], &collector{})
	sum := s.Summary()
	sum.Targets = append(sum.Targets, TargetStats{URL: "http://gpu2:9400/metrics", Scrapes: 60, Failures: 2, FirstError: "HTTP 503 Service Unavailable"})
	golden(t, "summary.golden", sum.Text())
	if got := (Summary{}).Text(); got != "" {
		t.Errorf("empty summary Text = %q", got)
	}
}

func TestServerEnergyPerToken(t *testing.T) {
	var n atomic.Int32
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1) - 1
		fmt.Fprintf(w, "# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter\n")
		for gpu := range 2 {
			fmt.Fprintf(w, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"%d\"} %d\n", gpu, 4_000_000_000+int64(i)*250_000)
		}
		fmt.Fprintf(w, "# TYPE vllm:generation_tokens_total counter\nvllm:generation_tokens_total{model_name=\"m\"} %d\n", 1000+i*250)
	})
	s, err := New(Options{Targets: []string{"gpu1:8000"}, Client: &http.Client{Transport: handlerTransport{page}}})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		s.scrape(t.Context(), s.targets[0], &collector{})
	}
	sum := s.Summary()
	// 4 intervals × 2 GPUs × 250 J = 2000 J for 4 × 250 = 1000 tokens.
	if sum.EnergyJ != 2000 || sum.GenerationTokens != 1000 || sum.JoulesPerGenerationToken != 2 {
		t.Errorf("energy %v J, tokens %v, J/token %v; want 2000, 1000, 2", sum.EnergyJ, sum.GenerationTokens, sum.JoulesPerGenerationToken)
	}
	if !strings.Contains(sum.Text(), "server energy per generated token (DCGM energy / vLLM generation tokens): 2 J/token (2000 J, 1000 tokens)") {
		t.Errorf("Text lacks the energy line:\n%s", sum.Text())
	}
}

// BenchmarkScrapeVLLM measures one scrape of a recorded vLLM page: fetch
// (in process), parse with expfmt, select and emit.
func BenchmarkScrapeVLLM(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "vllm.txt"))
	if err != nil {
		b.Fatal(err)
	}
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
	s, err := New(Options{Targets: []string{"vllm:8000"}, Client: &http.Client{Transport: handlerTransport{page}}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.scrape(b.Context(), s.targets[0], metrics.Discard)
	}
}
