package metrics

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// Sink aggregates the values of one metric (or submetric). Sinks are not
// synchronised: one goroutine owns each.
type Sink interface {
	Add(v float64)
	// Empty reports whether no value was added.
	Empty() bool
	// Stat returns one aggregate by k6's name: "count", "rate", "value",
	// "min", "max", "avg", "med", "p(N)", "passes", "fails". elapsed is the
	// test run duration, used by Counter's rate.
	Stat(name string, elapsed time.Duration) (float64, error)
	// Merge adds another sink of the same type into this one.
	Merge(other Sink) error
}

// NewSink returns an empty sink for a metric type.
func NewSink(t Type) Sink {
	switch t {
	case Counter:
		return &CounterSink{}
	case Gauge:
		return &GaugeSink{}
	case Rate:
		return &RateSink{}
	default:
		return NewTrendSink()
	}
}

// CounterSink sums values.
type CounterSink struct {
	Sum float64
	N   int64
}

// Add implements Sink.
func (c *CounterSink) Add(v float64) { c.Sum += v; c.N++ }

// Empty implements Sink.
func (c *CounterSink) Empty() bool { return c.N == 0 }

// Stat implements Sink: count and rate (per second of elapsed).
func (c *CounterSink) Stat(name string, elapsed time.Duration) (float64, error) {
	switch name {
	case "count":
		return c.Sum, nil
	case "rate":
		if elapsed <= 0 {
			return 0, nil
		}
		return c.Sum / elapsed.Seconds(), nil
	}
	return 0, unsupported(name, Counter)
}

// Merge implements Sink.
func (c *CounterSink) Merge(o Sink) error {
	x, ok := o.(*CounterSink)
	if !ok {
		return fmt.Errorf("merge: %T into counter", o)
	}
	c.Sum += x.Sum
	c.N += x.N
	return nil
}

// GaugeSink keeps the last value, and the min and max (k6 v1: max starts at 0).
type GaugeSink struct {
	Value, Min, Max float64
	set             bool
}

// Add implements Sink.
func (g *GaugeSink) Add(v float64) {
	g.Value = v
	if !g.set || v < g.Min {
		g.Min = v
	}
	if v > g.Max {
		g.Max = v
	}
	g.set = true
}

// Empty implements Sink.
func (g *GaugeSink) Empty() bool { return !g.set }

// Stat implements Sink: value, min, max.
func (g *GaugeSink) Stat(name string, _ time.Duration) (float64, error) {
	switch name {
	case "value":
		return g.Value, nil
	case "min":
		return g.Min, nil
	case "max":
		return g.Max, nil
	}
	return 0, unsupported(name, Gauge)
}

// Merge implements Sink: the other sink's value is taken as the later one.
func (g *GaugeSink) Merge(o Sink) error {
	x, ok := o.(*GaugeSink)
	if !ok {
		return fmt.Errorf("merge: %T into gauge", o)
	}
	if !x.set {
		return nil
	}
	if !g.set || x.Min < g.Min {
		g.Min = x.Min
	}
	g.Max = math.Max(g.Max, x.Max)
	g.Value, g.set = x.Value, true
	return nil
}

// RateSink counts non-zero values among all values.
type RateSink struct{ Trues, Total int64 }

// Add implements Sink.
func (r *RateSink) Add(v float64) {
	r.Total++
	if v != 0 {
		r.Trues++
	}
}

// Empty implements Sink.
func (r *RateSink) Empty() bool { return r.Total == 0 }

// Stat implements Sink: rate, passes, fails.
func (r *RateSink) Stat(name string, _ time.Duration) (float64, error) {
	switch name {
	case "rate":
		if r.Total == 0 {
			return 0, nil
		}
		return float64(r.Trues) / float64(r.Total), nil
	case "passes":
		return float64(r.Trues), nil
	case "fails":
		return float64(r.Total - r.Trues), nil
	}
	return 0, unsupported(name, Rate)
}

// Merge implements Sink.
func (r *RateSink) Merge(o Sink) error {
	x, ok := o.(*RateSink)
	if !ok {
		return fmt.Errorf("merge: %T into rate", o)
	}
	r.Trues += x.Trues
	r.Total += x.Total
	return nil
}

// TrendRelativeAccuracy is the relative accuracy of the Trend sketch. A
// percentile is interpolated between two sketch quantiles, each within this
// relative error of the exact order statistic, so the reported percentile is
// within it of k6's exact linear interpolation. count, sum, min, max and avg
// are exact.
const TrendRelativeAccuracy = 0.005

// TrendExactLimit is how many values a Trend keeps exactly: up to this count
// its percentiles are k6's exact ones; past it they come from the sketch.
const TrendExactLimit = 1000

// TrendSink is a bounded-memory distribution: a DDSketch (memory grows with
// the logarithm of the value range, never with the number of samples) plus
// exact count, sum, min and max, and the raw values while there are at most
// TrendExactLimit of them (so short runs report k6's exact percentiles). It
// is mergeable, for split runs.
type TrendSink struct {
	sketch   *ddsketch.DDSketch
	exact    []float64 // nil once Count > TrendExactLimit
	sorted   bool
	Count    int64
	Sum      float64
	Min, Max float64
}

// trendMapping maps values to sketch buckets within TrendRelativeAccuracy.
// It is the cubically interpolated mapping, not the library's default
// logarithmic one: the same accuracy guarantee (at about 1% more buckets)
// without a math.Log per value, which was half of the aggregation's CPU (it
// adds every http_req_* and llm_* sample; BenchmarkAddBatches, 59 → 38 ns
// per sample). Every Trend uses it, so sketches merge.
var trendMapping = func() mapping.IndexMapping {
	m, err := mapping.NewCubicallyInterpolatedMapping(TrendRelativeAccuracy)
	if err != nil {
		panic(err) // only for an invalid accuracy constant
	}
	return m
}()

// NewTrendSink returns an empty Trend sink.
func NewTrendSink() *TrendSink {
	return &TrendSink{sketch: ddsketch.NewDDSketchFromStoreProvider(trendMapping, store.DefaultProvider)}
}

// Add implements Sink.
func (t *TrendSink) Add(v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	if t.Count == 0 || v < t.Min {
		t.Min = v
	}
	if t.Count == 0 || v > t.Max {
		t.Max = v
	}
	t.Count++
	t.Sum += v
	if t.Count <= TrendExactLimit {
		t.exact = append(t.exact, v)
		t.sorted = false
	} else if t.exact != nil {
		t.exact = nil
	}
	_ = t.sketch.Add(v) // errors only for values outside the sketch's range (±1e±308)
}

// Empty implements Sink.
func (t *TrendSink) Empty() bool { return t.Count == 0 }

// Avg returns the mean (0 when empty).
func (t *TrendSink) Avg() float64 {
	if t.Count == 0 {
		return 0
	}
	return t.Sum / float64(t.Count)
}

// P returns the p-quantile (p in 0..1) with k6's definition: the linear
// interpolation between the order statistics around p·(n−1), each taken from
// the sketch. Empty → 0.
func (t *TrendSink) P(p float64) float64 {
	switch {
	case t.Count == 0:
		return 0
	case t.Count == 1 || p <= 0:
		return t.Min
	case p >= 1:
		return t.Max
	}
	if t.exact != nil && int64(len(t.exact)) == t.Count {
		if !t.sorted {
			slices.Sort(t.exact)
			t.sorted = true
		}
		i := p * float64(len(t.exact)-1)
		lo, hi := math.Floor(i), math.Ceil(i)
		return t.exact[int(lo)] + (t.exact[int(hi)]-t.exact[int(lo)])*(i-lo)
	}
	n := float64(t.Count)
	i := p * (n - 1)
	lo, hi := math.Floor(i), math.Ceil(i)
	vlo := t.atRank(lo)
	v := vlo
	if hi != lo {
		vhi := t.atRank(hi)
		v = vlo + (vhi-vlo)*(i-lo)
	}
	return math.Min(math.Max(v, t.Min), t.Max)
}

func (t *TrendSink) atRank(r float64) float64 {
	switch r {
	case 0:
		return t.Min
	case float64(t.Count - 1):
		return t.Max
	}
	v, err := t.sketch.GetValueAtQuantile(r / float64(t.Count-1))
	if err != nil {
		return 0
	}
	return v
}

// Stat implements Sink: avg, min, max, med, count, sum, p(N).
func (t *TrendSink) Stat(name string, _ time.Duration) (float64, error) {
	switch name {
	case "avg":
		return t.Avg(), nil
	case "min":
		return t.Min, nil
	case "max":
		return t.Max, nil
	case "med":
		return t.P(0.5), nil
	case "count":
		return float64(t.Count), nil
	case "sum":
		return t.Sum, nil
	}
	if p, ok, err := ParsePercentile(name); ok {
		if err != nil {
			return 0, err
		}
		return t.P(p / 100), nil
	}
	return 0, unsupported(name, Trend)
}

// Merge implements Sink.
func (t *TrendSink) Merge(o Sink) error {
	x, ok := o.(*TrendSink)
	if !ok {
		return fmt.Errorf("merge: %T into trend", o)
	}
	if x.Count == 0 {
		return nil
	}
	if t.Count == 0 || x.Min < t.Min {
		t.Min = x.Min
	}
	if t.Count == 0 || x.Max > t.Max {
		t.Max = x.Max
	}
	if t.Count+x.Count <= TrendExactLimit && int64(len(t.exact)) == t.Count && int64(len(x.exact)) == x.Count {
		t.exact = append(t.exact, x.exact...)
		t.sorted = false
	} else {
		t.exact = nil
	}
	t.Count += x.Count
	t.Sum += x.Sum
	return t.sketch.MergeWith(x.sketch)
}

// ParsePercentile reads "p(N)": ok says whether name has that shape, and err
// whether N is a number in 0..100.
func ParsePercentile(name string) (p float64, ok bool, err error) {
	if !strings.HasPrefix(name, "p(") || !strings.HasSuffix(name, ")") {
		return 0, false, nil
	}
	s := name[2 : len(name)-1]
	p, err = strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || p < 0 || p > 100 {
		return 0, true, fmt.Errorf("invalid percentile trend stat value '%s', provide a number between 0 and 100", s)
	}
	return p, true, nil
}

func unsupported(name string, t Type) error {
	return fmt.Errorf("unsupported aggregation method %s on metric of type %s", name, t)
}
