package summary

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/threshold"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, d)
	}
}

// feeder builds snapshots by feeding known samples into a real Aggregate.
type feeder struct {
	reg *metrics.Registry
	b   *metrics.Builtins
	bs  []metrics.Batch
}

func newFeeder() *feeder {
	reg := metrics.NewRegistry()
	return &feeder{reg: reg, b: metrics.RegisterBuiltins(reg)}
}

func (f *feeder) metric(name string, t metrics.Type, vt ...metrics.ValueType) *metrics.Metric {
	return f.reg.MustNewMetric(name, t, vt...)
}

func (f *feeder) add(m *metrics.Metric, tags map[string]string, values ...float64) {
	ts := metrics.NewTagSet(tags)
	for _, v := range values {
		f.bs = append(f.bs, metrics.Batch{Time: time.Unix(1, 0), Tags: ts, Samples: []metrics.Sample{{Metric: m, Value: v}}})
	}
}

func (f *feeder) check(group, name string, passes, fails int) {
	tags := map[string]string{"group": group, "check": name}
	for range passes {
		f.add(f.b.Checks, tags, 1)
	}
	for range fails {
		f.add(f.b.Checks, tags, 0)
	}
}

func (f *feeder) snapshot(t *testing.T, thresholds string) *aggregate.Snapshot {
	t.Helper()
	set, err := threshold.Parse(json.RawMessage(thresholds))
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Validate(f.reg); err != nil {
		t.Fatal(err)
	}
	a, err := aggregate.New(f.reg, set, aggregate.Options{Elapsed: func() time.Duration { return 10 * time.Second }})
	if err != nil {
		t.Fatal(err)
	}
	a.AddBatches(f.bs)
	if err := a.Stop(nil); err != nil {
		t.Fatal(err)
	}
	return a.Snapshot()
}

func seq(from, to float64) []float64 {
	var out []float64
	for v := from; v <= to; v++ {
		out = append(out, v)
	}
	return out
}

// fullRun is a run with every kind of line the summary has.
func fullRun(t *testing.T) *aggregate.Snapshot {
	f := newFeeder()
	ttft := f.metric("llm_ttft", metrics.Trend, metrics.Time)
	reqs := f.metric("llm_requests", metrics.Counter)
	failed := f.metric("llm_request_failed", metrics.Rate)
	tps := f.metric("llm_tokens_per_second", metrics.Trend)
	httpDur := f.metric("http_req_duration", metrics.Trend, metrics.Time)
	httpReqs := f.metric("http_reqs", metrics.Counter)
	f.metric("http_req_waiting", metrics.Trend, metrics.Time) // hidden in compact
	tiny := f.metric("t_ns", metrics.Trend, metrics.Time)
	micro := f.metric("t_us", metrics.Trend, metrics.Time)
	secs := f.metric("t_s", metrics.Trend, metrics.Time)
	mins := f.metric("t_m", metrics.Trend, metrics.Time)
	hours := f.metric("t_h", metrics.Trend, metrics.Time)
	small := f.metric("payload_small", metrics.Counter, metrics.Data)

	f.add(ttft, map[string]string{"model": "m"}, seq(1, 100)...)
	f.add(reqs, nil, seq(1, 100)...) // sum 5050
	for i := range 200 {
		v := 0.0
		if i%40 == 0 {
			v = 1 // 5 of 200 failed: 2.50%
		}
		f.add(failed, nil, v)
	}
	f.add(tps, nil, 12.5, 40.25, 33.125)
	for i, v := range []float64{10.19, 100.1, 120.5, 300.39, 450.6, 900.3} {
		tags := map[string]string{"expected_response": "true"}
		if i == 5 {
			tags["expected_response"] = "false"
		}
		f.add(httpDur, tags, v)
		f.add(httpReqs, nil, 1)
	}
	f.add(tiny, nil, 0.0005)
	f.add(micro, nil, 0.5)
	f.add(secs, nil, 5000)
	f.add(mins, nil, 125000)
	f.add(hours, nil, 3725000)
	f.add(small, nil, 5)
	f.add(f.b.DataReceived, nil, 1234567)
	f.add(f.b.DataSent, nil, 24000)
	f.add(f.b.VUs, nil, 20, 10)
	f.add(f.b.VUsMax, nil, 20)
	f.add(f.b.Iterations, nil, seq(1, 1)...)
	f.add(f.b.IterationDuration, nil, 1010, 1100, 1900)
	f.add(f.b.GroupDuration, map[string]string{"group": "::login"}, 12)
	f.check("", "status is 200", 197, 3)
	f.check("::login", "body ok", 10, 0)
	return f.snapshot(t, `{
		"http_req_duration": ["p(95)<500", "p(99.9)<1000"],
		"http_req_duration{expected_response:true}": ["max<1000"],
		"llm_request_failed": ["rate<0.01"],
		"llm_requests": ["count>100"],
		"vus": ["value>0"],
		"llm_ttft{model:other}": ["avg<100"]
	}`)
}
