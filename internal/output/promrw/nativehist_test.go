package promrw

import (
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/snappy"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
)

// histPoint is one decoded native histogram series.
type histPoint struct {
	name       string
	labels     map[string]string
	count      uint64
	sum        float64
	schema     int64
	zero       uint64
	pos        map[int64]uint64
	resetHint  uint64
	timestamp  int64
	floatValue bool // the series carried a float sample instead
}

// decodeHistograms parses a WriteRequest's series, decoding histograms
// (TimeSeries field 4) with protowire, independently of the encoder.
func decodeHistograms(t *testing.T, b []byte) []histPoint {
	t.Helper()
	var out []histPoint
	for len(b) > 0 {
		_, _, n := protowire.ConsumeTag(b)
		b = b[n:]
		ts, n := protowire.ConsumeBytes(b)
		b = b[n:]
		p := histPoint{labels: map[string]string{}, pos: map[int64]uint64{}}
		for len(ts) > 0 {
			num, _, n := protowire.ConsumeTag(ts)
			ts = ts[n:]
			msg, n := protowire.ConsumeBytes(ts)
			ts = ts[n:]
			switch num {
			case 1:
				k, rest := field(t, msg)
				v, _ := field(t, rest)
				p.labels[string(k)] = string(v)
			case 2:
				p.floatValue = true
			case 4:
				decodeHist(t, msg, &p)
			}
		}
		p.name = p.labels["__name__"]
		out = append(out, p)
	}
	return out
}

func field(t *testing.T, b []byte) ([]byte, []byte) {
	_, _, n := protowire.ConsumeTag(b)
	v, m := protowire.ConsumeBytes(b[n:])
	if m < 0 {
		t.Fatal("bad label")
	}
	return v, b[n+m:]
}

func decodeHist(t *testing.T, b []byte, p *histPoint) {
	var spans [][2]int64 // offset, length
	var deltas []int64
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		b = b[n:]
		switch typ {
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			b = b[n:]
			switch num {
			case 1:
				p.count = v
			case 4:
				p.schema = protowire.DecodeZigZag(v)
			case 6:
				p.zero = v
			case 14:
				p.resetHint = v
			case 15:
				p.timestamp = int64(v)
			}
		case protowire.Fixed64Type:
			v, n := protowire.ConsumeFixed64(b)
			b = b[n:]
			if num == 3 {
				p.sum = math.Float64frombits(v)
			}
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			b = b[n:]
			switch num {
			case 11:
				var sp [2]int64
				for len(v) > 0 {
					fn, _, k := protowire.ConsumeTag(v)
					x, m := protowire.ConsumeVarint(v[k:])
					v = v[k+m:]
					if fn == 1 {
						sp[0] = protowire.DecodeZigZag(x)
					} else {
						sp[1] = int64(x)
					}
				}
				spans = append(spans, sp)
			case 12:
				for len(v) > 0 {
					x, m := protowire.ConsumeVarint(v)
					v = v[m:]
					deltas = append(deltas, protowire.DecodeZigZag(x))
				}
			case 8, 9:
				t.Errorf("negative buckets for positive values")
			}
		default:
			t.Fatalf("histogram field %d wire type %d", num, typ)
		}
	}
	var idx, count int64
	k := 0
	for si, sp := range spans {
		if si == 0 {
			idx = sp[0]
		} else {
			idx += sp[0]
		}
		for range sp[1] {
			count += deltas[k]
			k++
			p.pos[idx] = uint64(count)
			idx++
		}
	}
	if k != len(deltas) {
		t.Errorf("%d deltas for %d bucket slots", len(deltas), k)
	}
}

// histReceiver records the last push.
type histReceiver struct {
	mu   sync.Mutex
	last []histPoint
	t    *testing.T
}

func (r *histReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	packed, _ := io.ReadAll(req.Body)
	raw, err := snappy.Decode(nil, packed)
	if err != nil {
		r.t.Errorf("snappy: %v", err)
	}
	r.mu.Lock()
	r.last = decodeHistograms(r.t, raw)
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// quantile estimates q from summed buckets as histogram_quantile does
// (linear within a bucket is close enough at schema 3: take the upper
// bound, within one bucket width).
func quantile(pos map[int64]uint64, q float64) float64 {
	idx := make([]int64, 0, len(pos))
	var total uint64
	for i, c := range pos {
		idx = append(idx, i)
		total += c
	}
	slices.Sort(idx)
	rank := q * float64(total)
	var seen uint64
	for _, i := range idx {
		seen += pos[i]
		if float64(seen) >= rank {
			return math.Pow(2, float64(i)/8)
		}
	}
	return math.Inf(1)
}

// TestNativeHistogramsMergeAcrossInstances pushes a Trend from two
// instances as native histograms, checks each histogram's buckets against
// its values, and checks that the summed histograms give the p95 of all
// values within one bucket (growth factor 2^(1/8)).
func TestNativeHistogramsMergeAcrossInstances(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var all []float64
	merged := map[int64]uint64{}
	var total uint64
	for inst := range 2 {
		rec := &histReceiver{t: t}
		srv := httptest.NewServer(rec)
		o, err := New(output.Params{Environment: map[string]string{
			"K6_PROMETHEUS_RW_SERVER_URL": srv.URL, "K6_PROMETHEUS_RW_PUSH_INTERVAL": "1h",
			"K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM": "true",
		}})
		if err != nil {
			t.Fatal(err)
		}
		reg := metrics.NewRegistry()
		ttft := reg.MustNewMetric("llm_ttft", metrics.Trend, metrics.Time)
		reqs := reg.MustNewMetric("llm_requests", metrics.Counter)
		if err := o.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		tags := metrics.NewTagSet(map[string]string{"instance_id": string(rune('1' + inst))})
		var mine []float64
		var batches []metrics.Batch
		for i := range 5000 {
			ms := math.Exp(rng.NormFloat64()*0.5 + 5) // ~150 ms
			mine = append(mine, ms/1000)
			batches = append(batches, metrics.Batch{Time: base.Add(time.Duration(i) * time.Millisecond), Tags: tags,
				Samples: []metrics.Sample{{Metric: ttft, Value: ms}, {Metric: reqs, Value: 1}}})
		}
		o.AddBatches(batches)
		if err := o.Stop(nil); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		var h *histPoint
		for i := range rec.last {
			if rec.last[i].name == "k6_llm_ttft_seconds" {
				h = &rec.last[i]
			} else if rec.last[i].name != "k6_llm_requests_total" || !rec.last[i].floatValue {
				t.Errorf("unexpected series %+v", rec.last[i])
			}
		}
		if h == nil {
			t.Fatalf("no k6_llm_ttft_seconds histogram in %+v", rec.last)
		}
		var sum float64
		want := map[int64]uint64{}
		for _, v := range mine {
			sum += v
			i := int64(math.Ceil(math.Log2(v) * 8))
			if math.Pow(2, float64(i)/8) < v || math.Pow(2, float64(i-1)/8) >= v {
				i = int64(bucketIndex(v)) // on a bound: the exact computation decides
			}
			want[i]++
		}
		if h.count != 5000 || math.Abs(h.sum-sum) > 1e-9*sum || h.schema != 3 || h.zero != 0 || h.resetHint != 2 ||
			h.labels["instance_id"] == "" || h.timestamp != base.Add(4999*time.Millisecond).UnixMilli() {
			t.Errorf("histogram %+v (want count 5000, sum %v)", h, sum)
		}
		for i, c := range want {
			if h.pos[i] != c {
				t.Errorf("bucket %d: %d, want %d", i, h.pos[i], c)
			}
		}
		for i, c := range h.pos {
			merged[i] += c
		}
		total += h.count
		all = append(all, mine...)
	}
	slices.Sort(all)
	exact := all[int(math.Ceil(0.95*float64(len(all))))-1]
	got := quantile(merged, 0.95)
	if got < exact || got > exact*math.Pow(2, 1.0/8) {
		t.Errorf("p95 from the summed histograms = %v, exact %v (want within one bucket above)", got, exact)
	}
}

func TestBucketIndex(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want int32
	}{{1, 0}, {2, 8}, {0.5, -8}, {math.Pow(2, 1.0/8) * 1.0000001, 2}, {1.05, 1}, {3, 13}} {
		if got := bucketIndex(tc.v); got != tc.want {
			t.Errorf("bucketIndex(%v) = %d, want %d", tc.v, got, tc.want)
		}
	}
}
