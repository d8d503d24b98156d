package promrw

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/output/outputtest"
)

// queryScalar evaluates a PromQL expression that yields one number.
func queryScalar(t *testing.T, base, expr string) float64 {
	t.Helper()
	return outputtest.PromScalar(t, base, expr)
}

// TestRealPrometheus feeds a run through the Manager, the aggregate and the
// output into a real Prometheus (remote-write receiver on) and checks with
// PromQL that the counters, trend counts and sums, rates and gauges equal
// what was fed and what the aggregate counted.
func TestRealPrometheus(t *testing.T) {
	base := outputtest.PromURL(t)
	id := strconv.FormatInt(time.Now().UnixNano(), 36)
	f := outputtest.New(120, time.Now().Add(-30*time.Second)).Tagged("testid", id)
	o, err := New(output.Params{Environment: map[string]string{
		"K6_PROMETHEUS_RW_SERVER_URL":    base + "/api/v1/write",
		"K6_PROMETHEUS_RW_PUSH_INTERVAL": "20ms",
		"K6_PROMETHEUS_RW_TREND_STATS":   "count,sum,p(99),max",
	}})
	if err != nil {
		t.Fatal(err)
	}
	snap := outputtest.Feed(t, f, o)
	if o.fails > 0 {
		t.Fatalf("%d pushes failed, last: %v", o.fails, o.err)
	}
	sel := fmt.Sprintf(`{testid=%q}`, id)
	agg := outputtest.AggregateTotals(snap)
	fed := f.Totals()
	check := func(expr string, want float64) {
		t.Helper()
		if got := queryScalar(t, base, expr); math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
			t.Errorf("%s = %v, want %v", expr, got, want)
		}
	}
	for _, name := range []string{"llm_requests", "llm_output_tokens", "iterations"} {
		check("sum(k6_"+name+"_total"+sel+")", fed[name][1])
		check("sum(k6_"+name+"_total"+sel+")", agg[name][1])
	}
	for _, name := range []string{"llm_ttft", "llm_itl", "llm_tpot", "llm_request_duration"} {
		check("sum(k6_"+name+"_count"+sel+")", agg[name][0])
		check("sum(k6_"+name+"_sum"+sel+")", agg[name][1]/1000) // ms → s
		check("sum(k6_"+name+"_count"+sel+")", fed[name][0])
	}
	// Rates and gauges are per series: compute the expected values per tag set.
	type acc struct{ trues, total, last float64 }
	per := map[string]*acc{}
	for _, b := range f.Batches {
		for _, s := range b.Samples {
			k := s.Metric.Name + "\x00" + b.Tags.Key()
			a := per[k]
			if a == nil {
				a = &acc{}
				per[k] = a
			}
			a.total++
			if s.Value != 0 {
				a.trues++
			}
			a.last = s.Value
		}
	}
	var rateSum, vusSum, powerSum float64
	for k, a := range per {
		switch name, _, _ := strings.Cut(k, "\x00"); name {
		case "llm_request_failed":
			rateSum += a.trues / a.total
		case "vus":
			vusSum += a.last
		case "gpu_power":
			powerSum += a.last
		}
	}
	check("sum(k6_llm_request_failed_rate"+sel+")", rateSum)
	check("sum(k6_vus"+sel+")", vusSum)
	check("sum(k6_gpu_power"+sel+")", powerSum)
	check("max(k6_llm_ttft_max"+sel+")", maxOf(f, f.TTFT)/1000)
}

func maxOf(f *outputtest.Fixture, m *metrics.Metric) float64 {
	out := math.Inf(-1)
	for _, b := range f.Batches {
		for _, s := range b.Samples {
			if s.Metric == m {
				out = max(out, s.Value)
			}
		}
	}
	return out
}

// TestRealPrometheusNativeHistograms pushes the fixture's Trends as native
// histograms from two instances into a real Prometheus (started with
// --enable-feature=native-histograms) and checks with PromQL that the
// summed histograms hold every sample (histogram_count, histogram_sum) and
// give the p95 of both instances' samples within one bucket.
func TestRealPrometheusNativeHistograms(t *testing.T) {
	base := outputtest.PromNativeURL(t)
	id := strconv.FormatInt(time.Now().UnixNano(), 36)
	var ttft []float64
	for inst := range 2 {
		f := outputtest.New(120, time.Now().Add(-30*time.Second)).Tagged("testid", id).Tagged("instance_id", strconv.Itoa(inst+1))
		o, err := New(output.Params{Environment: map[string]string{
			"K6_PROMETHEUS_RW_SERVER_URL":                base + "/api/v1/write",
			"K6_PROMETHEUS_RW_PUSH_INTERVAL":             "20ms",
			"K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM": "true",
		}})
		if err != nil {
			t.Fatal(err)
		}
		outputtest.Feed(t, f, o)
		if o.fails > 0 {
			t.Fatalf("%d pushes failed, last: %v", o.fails, o.err)
		}
		for _, b := range f.Batches {
			for _, s := range b.Samples {
				if s.Metric == f.TTFT {
					ttft = append(ttft, s.Value/1000)
				}
			}
		}
	}
	sel := fmt.Sprintf(`k6_llm_ttft_seconds{testid=%q}`, id)
	var sum float64
	for _, v := range ttft {
		sum += v
	}
	if got := queryScalar(t, base, "histogram_count(sum("+sel+"))"); got != float64(len(ttft)) {
		t.Errorf("histogram_count = %v, want %d", got, len(ttft))
	}
	if got := queryScalar(t, base, "histogram_sum(sum("+sel+"))"); math.Abs(got-sum) > 1e-9*sum {
		t.Errorf("histogram_sum = %v, want %v", got, sum)
	}
	sort.Float64s(ttft)
	exact := ttft[int(math.Ceil(0.95*float64(len(ttft))))-1]
	got := queryScalar(t, base, "histogram_quantile(0.95, sum("+sel+"))")
	if bucket := math.Pow(2, 1.0/8); got < exact/bucket || got > exact*bucket {
		t.Errorf("histogram_quantile(0.95) = %v, exact p95 %v (want within one bucket)", got, exact)
	}
}
