package outputtest

import (
	"fmt"
	"strconv"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
)

// Fixture is a registry and the batches of a small fake run.
type Fixture struct {
	Registry *metrics.Registry
	Builtins *metrics.Builtins
	// LLM metrics, created like the llm module does.
	Requests, Failed, TTFT, ITL, TPOT, Duration, OutputTokens, GPUPower *metrics.Metric
	Batches                                                             []metrics.Batch
	// Base is the first batch's time.
	Base time.Time
}

// Zone is the fixed zone of the fixture's times (so golden files do not
// depend on the machine's zone).
var Zone = time.FixedZone("", 3600)

// New builds a fixture of n requests starting at base (times step by
// 100ms). Request i has model m<i%2>, fails when i%5 == 4 (error_code
// 1500), has 3 inter-token gaps and 10+i output tokens; every request also
// has a vus gauge and an iterations counter, and even ones a gpu_power
// gauge.
func New(n int, base time.Time) *Fixture {
	reg := metrics.NewRegistry()
	f := &Fixture{Registry: reg, Builtins: metrics.RegisterBuiltins(reg), Base: base}
	f.Requests = reg.MustNewMetric("llm_requests", metrics.Counter)
	f.Failed = reg.MustNewMetric("llm_request_failed", metrics.Rate)
	f.TTFT = reg.MustNewMetric("llm_ttft", metrics.Trend, metrics.Time)
	f.ITL = reg.MustNewMetric("llm_itl", metrics.Trend, metrics.Time)
	f.TPOT = reg.MustNewMetric("llm_tpot", metrics.Trend, metrics.Time)
	f.Duration = reg.MustNewMetric("llm_request_duration", metrics.Trend, metrics.Time)
	f.OutputTokens = reg.MustNewMetric("llm_output_tokens", metrics.Counter)
	f.GPUPower = reg.MustNewMetric("gpu_power", metrics.Gauge)
	for i := range n {
		t := base.Add(time.Duration(i) * 100 * time.Millisecond)
		tags := map[string]string{
			"scenario": "default", "group": "", "model": fmt.Sprintf("m%d", i%2),
			"url": "http://127.0.0.1:8000/v1/chat/completions", "status": "200",
		}
		failed := 0.0
		if i%5 == 4 {
			failed = 1
			tags["status"] = "500"
			tags["error_code"] = "1500"
		}
		ts := metrics.NewTagSet(tags)
		meta := map[string]string{"vu": strconv.Itoa(i%3 + 1), "iter": strconv.Itoa(i / 3)}
		f.Batches = append(f.Batches, metrics.Batch{Time: t, Tags: ts, Metadata: meta, Samples: []metrics.Sample{
			{Metric: f.Requests, Value: 1},
			{Metric: f.Failed, Value: failed},
			{Metric: f.TTFT, Value: 100 + float64(i)*1.5},
			{Metric: f.ITL, Value: 20 + float64(i%4)},
			{Metric: f.ITL, Value: 21.25},
			{Metric: f.ITL, Value: 19.5 + float64(i%3)},
			{Metric: f.TPOT, Value: 20.125},
			{Metric: f.Duration, Value: 400 + float64(i)*2},
			{Metric: f.OutputTokens, Value: 10 + float64(i)},
		}})
		iterTags := metrics.NewTagSet(map[string]string{"scenario": "default", "group": ""})
		samples := []metrics.Sample{{Metric: f.Builtins.Iterations, Value: 1}, {Metric: f.Builtins.VUs, Value: float64(i%3 + 1)}}
		f.Batches = append(f.Batches, metrics.Batch{Time: t, Tags: iterTags, Metadata: meta, Samples: samples})
		if i%2 == 0 {
			gpu := metrics.NewTagSet(map[string]string{"gpu": "0", "gpu_name": "Fake GPU"})
			f.Batches = append(f.Batches, metrics.Batch{Time: t, Tags: gpu, Samples: []metrics.Sample{{Metric: f.GPUPower, Value: 250 + float64(i)}}})
		}
	}
	return f
}

// Totals returns per metric name the number of samples and their sum.
func (f *Fixture) Totals() map[string][2]float64 {
	out := map[string][2]float64{}
	for _, b := range f.Batches {
		for _, s := range b.Samples {
			t := out[s.Metric.Name]
			t[0]++
			t[1] += s.Value
			out[s.Metric.Name] = t
		}
	}
	return out
}

// Split returns the batches in chunks of at most n, as a Manager would
// hand them over in several calls.
func (f *Fixture) Split(n int) [][]metrics.Batch {
	var out [][]metrics.Batch
	for i := 0; i < len(f.Batches); i += n {
		out = append(out, f.Batches[i:min(i+n, len(f.Batches))])
	}
	return out
}

// Tagged returns a copy of the fixture's batches with tag key=value added
// to each (to tell one test's series from another's on a shared server).
func (f *Fixture) Tagged(key, value string) *Fixture {
	g := *f
	g.Batches = make([]metrics.Batch, len(f.Batches))
	for i, b := range f.Batches {
		b.Tags = b.Tags.With(key, value)
		g.Batches[i] = b
	}
	return &g
}
