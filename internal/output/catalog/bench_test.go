package catalog

import (
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPipeline measures the whole CPU cost (all goroutines, from
// getrusage) per sample of the path after a VU, for LLM-shaped batches
// (one request: 6 request samples and 30 llm_itl gaps), with only the
// aggregate and with json (to a discarded stdout) and influxdb (to a local
// server that discards the body) added. The difference is the outputs'
// overhead.
func BenchmarkPipeline(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name  string
		specs []string
	}{
		{"aggregate", nil},
		{"aggregate+json+influxdb", []string{"json", "influxdb=" + srv.URL + "/db?pushInterval=100ms"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			reg := metrics.NewRegistry()
			metrics.RegisterBuiltins(reg)
			ttft := reg.MustNewMetric("llm_ttft", metrics.Trend, metrics.Time)
			itl := reg.MustNewMetric("llm_itl", metrics.Trend, metrics.Time)
			reqs := reg.MustNewMetric("llm_requests", metrics.Counter)
			failed := reg.MustNewMetric("llm_request_failed", metrics.Rate)
			dur := reg.MustNewMetric("llm_request_duration", metrics.Trend, metrics.Time)
			toks := reg.MustNewMetric("llm_output_tokens", metrics.Counter)
			tags := metrics.NewTagSet(map[string]string{"model": "m", "scenario": "default", "endpoint": "chat", "status": "200", "group": ""})
			samples := []metrics.Sample{{Metric: reqs, Value: 1}, {Metric: failed, Value: 0}, {Metric: ttft, Value: 120}, {Metric: dur, Value: 800}, {Metric: toks, Value: 31}}
			for i := range 30 {
				samples = append(samples, metrics.Sample{Metric: itl, Value: 20 + float64(i%7)})
			}
			outs, err := New(tc.specs, output.Params{Stdout: io.Discard, Registry: reg})
			if err != nil {
				b.Fatal(err)
			}
			agg, _ := aggregate.New(reg, nil, aggregate.Options{})
			buf := &metrics.Buffer{}
			m := output.NewManager(buf, append([]output.Output{agg}, outs...), time.Hour, nil)
			if err := m.Start(b.Context()); err != nil {
				b.Fatal(err)
			}
			const perFlush = 100
			start := cpuTime()
			for b.Loop() {
				now := time.Now()
				for range perFlush {
					buf.Emit(metrics.Batch{Time: now, Tags: tags, Metadata: map[string]string{"vu": "1", "iter": "2"}, Samples: samples})
				}
				m.Flush()
			}
			if err := m.Stop(nil); err != nil {
				b.Fatal(err)
			}
			n := b.N * perFlush * len(samples)
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(n), "cpu-ns/sample")
		})
	}
}
