package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// exactP is k6's percentile: linear interpolation between order statistics.
func exactP(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	if len(sorted) == 1 {
		return sorted[0]
	}
	i := p * float64(len(sorted)-1)
	lo, hi := math.Floor(i), math.Ceil(i)
	return sorted[int(lo)] + (sorted[int(hi)]-sorted[int(lo)])*(i-lo)
}

func TestTrendSinkOneToHundred(t *testing.T) {
	t.Run("exact", func(t *testing.T) { testOneToHundred(t, 1, 0) })
	t.Run("sketch", func(t *testing.T) { testOneToHundred(t, TrendExactLimit/100+1, TrendRelativeAccuracy) })
}

// testOneToHundred feeds 1..100 reps times: percentiles stay those of 1..100
// (up to the repetition), exact below TrendExactLimit and within tol past it.
func testOneToHundred(t *testing.T, reps int, tol float64) {
	s := NewTrendSink()
	var all []float64
	for r := 0; r < reps; r++ {
		for i := 1; i <= 100; i++ {
			s.Add(float64(i))
			all = append(all, float64(i))
		}
	}
	slices.Sort(all)
	tests := []struct {
		stat string
		want float64
	}{
		{"avg", 50.5}, {"min", 1}, {"max", 100}, {"count", float64(100 * reps)},
		{"med", exactP(all, 0.5)}, {"p(90)", exactP(all, 0.9)}, {"p(95)", exactP(all, 0.95)},
		{"p(99)", exactP(all, 0.99)}, {"p(0)", 1}, {"p(100)", 100},
	}
	for _, tt := range tests {
		t.Run(tt.stat, func(t *testing.T) {
			got, err := s.Stat(tt.stat, 0)
			if err != nil {
				t.Fatal(err)
			}
			if rel := math.Abs(got-tt.want) / tt.want; rel > tol {
				t.Errorf("%s = %v, want %v within %.1f%% (off by %.3f%%)", tt.stat, got, tt.want, tol*100, rel*100)
			}
		})
	}
}

// TestTrendSinkBound checks the documented bound on skewed random data,
// merged from two halves as a split run would be.
func TestTrendSinkBound(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	a, b := NewTrendSink(), NewTrendSink()
	var all []float64
	for i := 0; i < 20000; i++ {
		v := math.Exp(r.NormFloat64()*1.5) * 50 // log-normal latencies around 50ms
		all = append(all, v)
		if i%2 == 0 {
			a.Add(v)
		} else {
			b.Add(v)
		}
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	slices.Sort(all)
	for _, p := range []float64{0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999} {
		want := exactP(all, p)
		got := a.P(p)
		if rel := math.Abs(got-want) / want; rel > TrendRelativeAccuracy {
			t.Errorf("P(%v) = %v, exact %v: off by %.3f%%", p, got, want, rel*100)
		}
	}
	if a.Count != 20000 || a.Min != all[0] || a.Max != all[len(all)-1] {
		t.Errorf("count/min/max = %d/%v/%v, want 20000/%v/%v", a.Count, a.Min, a.Max, all[0], all[len(all)-1])
	}
}

func TestTrendSinkEmptyAndSingle(t *testing.T) {
	s := NewTrendSink()
	for _, stat := range []string{"avg", "min", "max", "med", "p(95)"} {
		if v, _ := s.Stat(stat, 0); v != 0 {
			t.Errorf("empty %s = %v, want 0", stat, v)
		}
	}
	s.Add(-3)
	if v := s.P(0.95); v != -3 {
		t.Errorf("single P(0.95) = %v, want -3", v)
	}
}

func TestOtherSinks(t *testing.T) {
	c := &CounterSink{}
	c.Add(3)
	c.Add(7)
	if v, _ := c.Stat("count", 0); v != 10 {
		t.Errorf("count = %v", v)
	}
	if v, _ := c.Stat("rate", 2*time.Second); v != 5 {
		t.Errorf("rate = %v", v)
	}
	g := &GaugeSink{}
	for _, v := range []float64{5, 2, 9, 4} {
		g.Add(v)
	}
	if g.Value != 4 || g.Min != 2 || g.Max != 9 {
		t.Errorf("gauge = %+v", g)
	}
	r := &RateSink{}
	for _, v := range []float64{1, 0, 1, 1} {
		r.Add(v)
	}
	if v, _ := r.Stat("rate", 0); v != 0.75 {
		t.Errorf("rate = %v", v)
	}
	if _, err := r.Stat("p(95)", 0); err == nil {
		t.Error("p(95) on a rate: want an error")
	}
}

func TestParsePercentile(t *testing.T) {
	tests := []struct {
		in      string
		want    float64
		ok, err bool
	}{
		{"p(95)", 95, true, false}, {"p(99.9)", 99.9, true, false}, {"p(101)", 0, true, true},
		{"p(x)", 0, true, true}, {"avg", 0, false, false},
	}
	for _, tt := range tests {
		got, ok, err := ParsePercentile(tt.in)
		if ok != tt.ok || (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("ParsePercentile(%q) = %v, %v, %v", tt.in, got, ok, err)
		}
	}
}

func BenchmarkTrendSinkAdd(b *testing.B) {
	s := NewTrendSink()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Add(float64(i%5000) + 0.5)
	}
}
