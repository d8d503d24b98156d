package merge_test

import (
	"bytes"
	stdjson "encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/merge"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output/json"
	"github.com/llmbench/llmbench/internal/threshold"
)

// writeInstance writes one instance's JSON output with the real encoder:
// n samples of a lognormal Trend, a counter and a rate.
func writeInstance(t *testing.T, path string, gz bool, start time.Time, n int, rng *rand.Rand, all *[]float64) {
	t.Helper()
	reg := metrics.NewRegistry()
	trend := reg.MustNewMetric("ttft", metrics.Trend, metrics.Time)
	count := reg.MustNewMetric("reqs", metrics.Counter)
	rate := reg.MustNewMetric("ok", metrics.Rate)
	vus := reg.MustNewMetric("vus", metrics.Gauge)
	var enc json.Encoder
	var buf []byte
	for i := range n {
		v := math.Exp(rng.NormFloat64()*0.6 + 4)
		*all = append(*all, v)
		tags := metrics.NewTagSet(map[string]string{"scenario": "s", "instance_id": filepath.Base(path)})
		b := metrics.Batch{Time: start.Add(time.Duration(i) * time.Millisecond), Tags: tags,
			Samples: []metrics.Sample{{Metric: trend, Value: v}, {Metric: count, Value: 1}, {Metric: rate, Value: float64(i % 4 / 3)}}}
		buf = enc.AppendBatch(buf, &b)
		if i%1000 == 0 { // this instance's VUs: its share of 10 (4, 3, 3), then 0 at its end
			g := metrics.Batch{Time: b.Time, Tags: metrics.NewTagSet(nil), Samples: []metrics.Sample{{Metric: vus, Value: float64(n / 1000)}}}
			if i == n-1000 {
				g.Samples[0].Value = 0
			}
			buf = enc.AppendBatch(buf, &g)
		}
	}
	if gz {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		_, _ = w.Write(buf)
		_ = w.Close()
		buf = z.Bytes()
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReplayMergesAsOneRun(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var all []float64
	sizes := []int{4000, 3000, 3000}
	var paths []string
	for i, n := range sizes {
		p := filepath.Join(dir, fmt.Sprintf("runner-%d.json", i+1))
		if i == 2 { // a results directory with metadata.json and gzip samples
			sub := filepath.Join(dir, "results", "run-3")
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(sub, "metadata.json"), []byte(`{"duration_seconds": 5}`), 0o644); err != nil {
				t.Fatal(err)
			}
			writeInstance(t, filepath.Join(sub, "samples.jsonl.gz"), true, start, n, rng, &all)
			paths = append(paths, filepath.Join(dir, "results"))
			continue
		}
		writeInstance(t, p, false, start, n, rng, &all)
		paths = append(paths, p)
	}
	inputs, err := merge.Inputs(paths)
	if err != nil {
		t.Fatal(err)
	}
	reg := metrics.NewRegistry()
	metrics.RegisterBuiltins(reg)
	ths, err := threshold.Parse([]byte(`{"reqs": ["count==10000"], "ok": ["rate<0.3"], "ttft": ["p(95)<1"]}`))
	if err != nil {
		t.Fatal(err)
	}
	// ttft is unknown until the Metric lines: register it as a run would.
	reg.MustNewMetric("ttft", metrics.Trend, metrics.Time)
	reg.MustNewMetric("reqs", metrics.Counter)
	reg.MustNewMetric("ok", metrics.Rate)
	var d time.Duration
	agg, err := aggregate.New(reg, ths, aggregate.Options{Elapsed: func() time.Duration { return d }})
	if err != nil {
		t.Fatal(err)
	}
	res, err := merge.Replay(inputs, reg, agg.AddBatches)
	if err != nil {
		t.Fatal(err)
	}
	d = res.Duration
	if err := agg.Stop(nil); err != nil {
		t.Fatal(err)
	}
	if res.Duration != 5*time.Second || !slices.Equal(res.Points, []int64{12004, 9003, 9003}) {
		t.Errorf("duration %v, points %v", res.Duration, res.Points)
	}
	snap := agg.Snapshot()
	stat := func(name, s string) float64 {
		v, err := snap.Stat(snap.Get(name), s)
		if err != nil {
			t.Fatalf("%s %s: %v", name, s, err)
		}
		return v
	}
	if got := stat("reqs", "count"); got != 10000 {
		t.Errorf("reqs count = %v", got)
	}
	if got := stat("reqs", "rate"); got != 2000 {
		t.Errorf("reqs rate = %v/s over the longest instance's 5 s", got)
	}
	// vus sums the instances' latest values: 4+3+3 while all run, 0 at the end.
	if mx, last := stat("vus", "max"), stat("vus", "value"); mx != 10 || last != 0 {
		t.Errorf("vus max %v, last %v; want 10 and 0", mx, last)
	}
	if got := stat("ok", "rate"); math.Abs(got-0.25) > 1e-9 {
		t.Errorf("ok rate = %v", got)
	}
	slices.Sort(all)
	for _, p := range []float64{50, 95, 99} {
		r := p / 100 * float64(len(all)-1)
		lo := int(r)
		exact := all[lo] + (r-float64(lo))*(all[lo+1]-all[lo])
		if got := stat("ttft", fmt.Sprintf("p(%g)", p)); math.Abs(got-exact) > 0.01*exact {
			t.Errorf("p(%g) = %v, exact %v", p, got, exact)
		}
	}
	if got := agg.Failed(); !slices.Equal(got, []string{"ttft"}) {
		t.Errorf("failed thresholds = %v, want [ttft]", got)
	}
}

func TestInputsErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := merge.Inputs([]string{dir}); err == nil {
		t.Error("an empty directory was accepted")
	}
	if _, err := merge.Inputs([]string{filepath.Join(dir, "missing.json")}); err == nil {
		t.Error("a missing file was accepted")
	}
	bad := filepath.Join(dir, "bad.json")
	_ = os.WriteFile(bad, []byte(`{"type":"Point","metric":"x","data":{"time":"2026-01-01T00:00:00Z","value":1,"tags":{}}}`+"\n"), 0o644)
	in, _ := merge.Inputs([]string{bad})
	if _, err := merge.Replay(in, metrics.NewRegistry(), func([]metrics.Batch) {}); err == nil {
		t.Error("a Point before its Metric line was accepted")
	}
}

func TestThresholdsFromMetricLines(t *testing.T) {
	reg := metrics.NewRegistry()
	ttft := reg.MustNewMetric("ttft", metrics.Trend, metrics.Time)
	reqs := reg.MustNewMetric("reqs", metrics.Counter)
	ths, err := threshold.Parse([]byte(`{"ttft": ["p(95)<500", {"threshold": "max<900", "abortOnFail": true}], "ttft{model:a}": ["avg<1"]}`))
	if err != nil {
		t.Fatal(err)
	}
	enc := json.Encoder{Thresholds: ths}
	b := metrics.Batch{Time: time.Now(), Tags: metrics.NewTagSet(nil), Samples: []metrics.Sample{{Metric: ttft, Value: 1}, {Metric: reqs, Value: 1}}}
	p := filepath.Join(t.TempDir(), "out.json")
	if err := os.WriteFile(p, enc.AppendBatch(nil, &b), 0o644); err != nil {
		t.Fatal(err)
	}
	into := metrics.NewRegistry()
	got, err := merge.Thresholds([]merge.Input{{Samples: p}}, into)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"ttft":["p(95)<500",{"threshold":"max<900","abortOnFail":true,"delayAbortEval":"0s"}]}`
	var g, w any
	_ = stdjson.Unmarshal(got, &g)
	_ = stdjson.Unmarshal([]byte(want), &w)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("thresholds = %s\nwant %s", got, want)
	}
	if into.Get("ttft") == nil || into.Get("reqs") == nil {
		t.Error("the Metric lines' metrics were not registered")
	}
	if _, err := threshold.Parse(got); err != nil {
		t.Errorf("the thresholds do not parse: %v", err)
	}
}
