package promrw

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/snappy"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
	"github.com/llmbench/llmbench/internal/output/outputtest"
)

// point is one decoded remote-write series with its single sample.
type point struct {
	Labels map[string]string
	Value  float64
	TS     int64
}

// decode parses a WriteRequest with protowire (independently of the encoder).
func decode(t *testing.T, b []byte) []point {
	t.Helper()
	var out []point
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		b = b[n:]
		if num != 1 || typ != protowire.BytesType {
			t.Fatalf("WriteRequest field %d type %d", num, typ)
		}
		ts, n := protowire.ConsumeBytes(b)
		b = b[n:]
		p := point{Labels: map[string]string{}}
		var names []string
		for len(ts) > 0 {
			num, _, n := protowire.ConsumeTag(ts)
			ts = ts[n:]
			msg, n := protowire.ConsumeBytes(ts)
			ts = ts[n:]
			fields := map[protowire.Number][]byte{}
			var fixed uint64
			var varint uint64
			for len(msg) > 0 {
				fn, ft, n := protowire.ConsumeTag(msg)
				msg = msg[n:]
				switch ft {
				case protowire.BytesType:
					v, n := protowire.ConsumeBytes(msg)
					fields[fn], msg = v, msg[n:]
				case protowire.Fixed64Type:
					fixed, n = protowire.ConsumeFixed64(msg)
					msg = msg[n:]
				case protowire.VarintType:
					varint, n = protowire.ConsumeVarint(msg)
					msg = msg[n:]
				default:
					t.Fatalf("unexpected wire type %d", ft)
				}
			}
			if num == 1 {
				name := string(fields[1])
				names = append(names, name)
				p.Labels[name] = string(fields[2])
			} else {
				p.Value, p.TS = math.Float64frombits(fixed), int64(varint)
			}
		}
		if !sort.StringsAreSorted(names) {
			t.Errorf("labels not sorted: %v", names)
		}
		out = append(out, p)
	}
	return out
}

// receiver is a fake remote-write endpoint that records each request.
type receiver struct {
	mu     sync.Mutex
	pushes [][]point
	t      *testing.T
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Header.Get("Content-Encoding") != "snappy" || req.Header.Get("X-Prometheus-Remote-Write-Version") != "0.1.0" || req.Header.Get("X-Test") != "yes" {
		r.t.Errorf("headers %v", req.Header)
	}
	packed, _ := io.ReadAll(req.Body)
	raw, err := snappy.Decode(nil, packed)
	if err != nil {
		r.t.Errorf("snappy: %v", err)
	}
	r.mu.Lock()
	r.pushes = append(r.pushes, decode(r.t, raw))
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func TestNamingValuesAndStaleMarkers(t *testing.T) {
	t.Parallel()
	rec := &receiver{t: t}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	reg := metrics.NewRegistry()
	reqs := reg.MustNewMetric("llm_requests", metrics.Counter)
	failed := reg.MustNewMetric("llm_request_failed", metrics.Rate)
	ttft := reg.MustNewMetric("llm_ttft", metrics.Trend, metrics.Time)
	tokens := reg.MustNewMetric("llm_output_tokens", metrics.Trend)
	power := reg.MustNewMetric("gpu_power", metrics.Gauge)
	tags := metrics.NewTagSet(map[string]string{"model": "m", "group": "", "bad-name": "x"})
	o, err := New(output.Params{Environment: map[string]string{
		"K6_PROMETHEUS_RW_SERVER_URL": srv.URL, "K6_PROMETHEUS_RW_PUSH_INTERVAL": "1h",
		"K6_PROMETHEUS_RW_TREND_STATS": "p(99.9),count,sum,max", "K6_PROMETHEUS_RW_STALE_MARKERS": "true",
		"K6_PROMETHEUS_RW_HEADERS_X-Test": "yes",
	}})
	if err != nil {
		t.Fatal(err)
	}
	o.now = func() time.Time { return base.Add(time.Minute) }
	if err := o.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	batch := func(d time.Duration, samples ...metrics.Sample) metrics.Batch {
		return metrics.Batch{Time: base.Add(d), Tags: tags, Samples: samples}
	}
	o.AddBatches([]metrics.Batch{
		batch(0, metrics.Sample{Metric: reqs, Value: 1}, metrics.Sample{Metric: failed, Value: 0}, metrics.Sample{Metric: ttft, Value: 100}, metrics.Sample{Metric: tokens, Value: 10}),
		batch(time.Second+1500*time.Microsecond, metrics.Sample{Metric: reqs, Value: 1}, metrics.Sample{Metric: failed, Value: 1}, metrics.Sample{Metric: ttft, Value: 300}, metrics.Sample{Metric: tokens, Value: 30}),
		batch(500*time.Millisecond, metrics.Sample{Metric: power, Value: 250}),
	})
	o.flusher.Stop() // the final push, as at Stop, without the stale markers yet
	o.flusher = nil
	ms := base.Add(time.Second + time.Millisecond).UnixMilli()
	want := map[string]point{}
	for name, v := range map[string]float64{
		"k6_llm_requests_total": 2, "k6_llm_request_failed_rate": 0.5,
		"k6_llm_ttft_count": 2, "k6_llm_ttft_sum": 0.4, "k6_llm_ttft_max": 0.3,
		"k6_llm_output_tokens_count": 2, "k6_llm_output_tokens_sum": 40, "k6_llm_output_tokens_max": 30,
	} {
		want[name] = point{map[string]string{"__name__": name, "model": "m", "bad_name": "x"}, v, ms}
	}
	want["k6_gpu_power"] = point{map[string]string{"__name__": "k6_gpu_power", "model": "m", "bad_name": "x"}, 250, base.Add(500 * time.Millisecond).UnixMilli()}
	got := map[string]point{}
	var p999 point
	for _, p := range rec.pushes[0] {
		if strings.HasSuffix(p.Labels["__name__"], "_p999") {
			if p.Labels["__name__"] == "k6_llm_ttft_p999" {
				p999 = p
			}
			continue
		}
		got[p.Labels["__name__"]] = p
	}
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })); d != "" {
		t.Errorf("first push (-want +got):\n%s", d)
	}
	if p999.Labels["__name__"] != "k6_llm_ttft_p999" || math.Abs(p999.Value-0.3) > 0.3*0.01 {
		t.Errorf("p(99.9) series %+v", p999)
	}
	// Stale markers for every series at now+1ms.
	o.flusher = output.NewFlusher(time.Hour, o.push)
	if err := o.Stop(nil); err != nil {
		t.Fatal(err)
	}
	if len(rec.pushes) != 2 {
		t.Fatalf("%d pushes, want 2 (data, stale markers)", len(rec.pushes))
	}
	for _, p := range rec.pushes[1] {
		if math.Float64bits(p.Value) != 0x7ff0000000000002 || p.TS != base.Add(time.Minute+time.Millisecond).UnixMilli() {
			t.Errorf("stale marker %+v", p)
		}
	}
	if n := len(rec.pushes[1]); n != len(rec.pushes[0]) {
		t.Errorf("%d stale markers for %d series", n, len(rec.pushes[0]))
	}
}

// TestFailedPushIsResent: the cumulative values of a push that failed with
// a 5xx go out with the next one.
func TestFailedPushIsResent(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies [][]point
	fail := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		packed, _ := io.ReadAll(r.Body)
		raw, _ := snappy.Decode(nil, packed)
		bodies = append(bodies, decode(t, raw))
	}))
	defer srv.Close()
	f := outputtest.New(10, time.Now())
	o, err := New(output.Params{Environment: map[string]string{"K6_PROMETHEUS_RW_SERVER_URL": srv.URL, "K6_PROMETHEUS_RW_PUSH_INTERVAL": "1h"}})
	if err != nil {
		t.Fatal(err)
	}
	o.AddBatches(f.Batches)
	o.push()
	mu.Lock()
	fail = false
	mu.Unlock()
	o.push()
	if len(bodies) != 1 {
		t.Fatalf("%d successful pushes", len(bodies))
	}
	total := 0.0
	for _, p := range bodies[0] {
		if p.Labels["__name__"] == "k6_llm_requests_total" {
			total += p.Value
		}
	}
	if total != 10 {
		t.Errorf("resent k6_llm_requests_total sum = %v, want 10", total)
	}
	o.push() // nothing new: no request
	if len(bodies) != 1 {
		t.Errorf("an empty push was sent")
	}
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		p       output.Params
		check   func(Config) bool
		wantErr bool
	}{
		{"defaults", output.Params{}, func(c Config) bool {
			return c.ServerURL == "http://localhost:9090/api/v1/write" && c.PushInterval == 5*time.Second && cmp.Equal(c.TrendStats, []string{"p(99)"}) && !c.StaleMarkers
		}, false},
		{"env", output.Params{Environment: map[string]string{
			"K6_PROMETHEUS_RW_SERVER_URL": "http://p/w", "K6_PROMETHEUS_RW_PUSH_INTERVAL": "1s",
			"K6_PROMETHEUS_RW_TREND_STATS": "p(95),avg", "K6_PROMETHEUS_RW_HTTP_HEADERS": "a:1,b:2",
		}}, func(c Config) bool {
			return c.ServerURL == "http://p/w" && c.PushInterval == time.Second && cmp.Equal(c.TrendStats, []string{"p(95)", "avg"}) &&
				cmp.Equal(c.Headers, map[string]string{"a": "1", "b": "2"})
		}, false},
		{"json under env", output.Params{
			JSONConfig:  json.RawMessage(`{"url":"http://j/w","trendStats":["max"],"staleMarkers":true}`),
			Environment: map[string]string{"K6_PROMETHEUS_RW_SERVER_URL": "http://e/w"},
		}, func(c Config) bool {
			return c.ServerURL == "http://e/w" && cmp.Equal(c.TrendStats, []string{"max"}) && c.StaleMarkers
		}, false},
		{"bad stat", output.Params{Environment: map[string]string{"K6_PROMETHEUS_RW_TREND_STATS": "p95"}}, nil, true},
		{"native histogram", output.Params{Environment: map[string]string{"K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM": "true"}},
			func(c Config) bool { return c.TrendAsNativeHistogram }, false},
		{"native histogram not a bool", output.Params{Environment: map[string]string{"K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM": "yes please"}}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseConfig(tc.p)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err == nil && !tc.check(c) {
				t.Errorf("unexpected config %+v", c)
			}
		})
	}
}

func TestStatSuffix(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"p(99)": "p99", "p(99.9)": "p999", "p(95)": "p95", "avg": "avg", "med": "med"} {
		if got := statSuffix(in); got != want {
			t.Errorf("statSuffix(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRefusedPushIsNotRepeated: after a 4xx the same values are not sent
// again (they would be refused forever); new samples are.
func TestRefusedPushIsNotRepeated(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		w.WriteHeader(http.StatusBadRequest)
	}))
	defer srv.Close()
	f := outputtest.New(4, time.Now())
	o, err := New(output.Params{Environment: map[string]string{"K6_PROMETHEUS_RW_SERVER_URL": srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	o.AddBatches(f.Batches[:2])
	o.push()
	o.push()
	if requests != 1 {
		t.Errorf("%d requests after a refusal and an empty push, want 1", requests)
	}
	later := f.Batches[2]
	later.Time = later.Time.Add(time.Second)
	o.AddBatches([]metrics.Batch{later})
	o.push()
	if requests != 2 || o.fails != 2 {
		t.Errorf("%d requests, %d failures; want 2, 2", requests, o.fails)
	}
}

func TestSeriesNames(t *testing.T) {
	t.Parallel()
	stats := []string{"p(99)", "max"}
	for _, tc := range []struct {
		name   string
		typ    metrics.Type
		vt     []metrics.ValueType
		native bool
		want   []string
	}{
		{"reqs", metrics.Counter, nil, false, []string{"k6_reqs_total"}},
		{"failed", metrics.Rate, nil, true, []string{"k6_failed_rate"}},
		{"vus", metrics.Gauge, nil, true, []string{"k6_vus"}},
		{"ttft", metrics.Trend, []metrics.ValueType{metrics.Time}, false, []string{"k6_ttft_p99", "k6_ttft_max"}},
		{"ttft", metrics.Trend, []metrics.ValueType{metrics.Time}, true, []string{"k6_ttft_seconds"}},
		{"size", metrics.Trend, []metrics.ValueType{metrics.Data}, true, []string{"k6_size_bytes"}},
		{"tokens", metrics.Trend, nil, true, []string{"k6_tokens"}},
	} {
		m := metrics.NewRegistry().MustNewMetric(tc.name, tc.typ, tc.vt...)
		if got := SeriesNames(m, stats, tc.native); !cmp.Equal(got, tc.want) {
			t.Errorf("SeriesNames(%s %v, native %v) = %v, want %v", tc.name, tc.typ, tc.native, got, tc.want)
		}
	}
}
