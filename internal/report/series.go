package report

import (
	"math"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
)

// MaxBuckets bounds the time buckets kept per run: when a run outlasts them,
// neighbouring buckets merge and the bucket width doubles.
const MaxBuckets = 240

// bucket holds what one slice of a run's time contributes to the charts.
type bucket struct {
	ttft, itl *metrics.TrendSink
	outTokens float64
	busy      float64 // request-seconds spent in flight within the bucket
	vusSum    float64
	vusN      int
	gpuUtil   map[string]*mean // by the gpu tag
	gpuPower  map[string]*mean
}

type mean struct {
	sum float64
	n   int
}

func (m *mean) add(v float64) { m.sum += v; m.n++ }

func (m *mean) value() float64 {
	if m.n == 0 {
		return math.NaN()
	}
	return m.sum / float64(m.n)
}

func newBucket() *bucket {
	return &bucket{ttft: metrics.NewTrendSink(), itl: metrics.NewTrendSink()}
}

func (b *bucket) merge(o *bucket) {
	_ = b.ttft.Merge(o.ttft)
	_ = b.itl.Merge(o.itl)
	b.outTokens += o.outTokens
	b.busy += o.busy
	b.vusSum += o.vusSum
	b.vusN += o.vusN
	b.gpuUtil = mergeMeans(b.gpuUtil, o.gpuUtil)
	b.gpuPower = mergeMeans(b.gpuPower, o.gpuPower)
}

func mergeMeans(a, b map[string]*mean) map[string]*mean {
	if len(b) == 0 {
		return a
	}
	if a == nil {
		a = map[string]*mean{}
	}
	for k, v := range b {
		if m, ok := a[k]; ok {
			m.sum += v.sum
			m.n += v.n
		} else {
			a[k] = &mean{v.sum, v.n}
		}
	}
	return a
}

// timeline is a run's bounded series of buckets from its first sample.
type timeline struct {
	start   time.Time
	width   time.Duration
	buckets []*bucket
}

func newTimeline(start time.Time) *timeline {
	return &timeline{start: start, width: time.Second}
}

// at returns the bucket holding t, growing (and coarsening) the timeline.
// Times before the start fall into the first bucket.
func (tl *timeline) at(t time.Time) *bucket {
	return tl.atIndex(tl.index(t))
}

func (tl *timeline) index(t time.Time) int {
	d := t.Sub(tl.start)
	if d < 0 {
		return 0
	}
	for int(d/tl.width) >= MaxBuckets {
		tl.coarsen()
	}
	return int(d / tl.width)
}

func (tl *timeline) atIndex(i int) *bucket {
	for len(tl.buckets) <= i {
		tl.buckets = append(tl.buckets, nil)
	}
	if tl.buckets[i] == nil {
		tl.buckets[i] = newBucket()
	}
	return tl.buckets[i]
}

// coarsen merges neighbouring buckets and doubles the width.
func (tl *timeline) coarsen() {
	n := (len(tl.buckets) + 1) / 2
	out := make([]*bucket, n)
	for i, b := range tl.buckets {
		if b == nil {
			continue
		}
		if out[i/2] == nil {
			out[i/2] = b
		} else {
			out[i/2].merge(b)
		}
	}
	tl.buckets = out
	tl.width *= 2
}

// addBusy spreads one request's time in flight, from end−d to end, over
// the buckets it overlaps.
func (tl *timeline) addBusy(end time.Time, d time.Duration) {
	if d <= 0 {
		return
	}
	from := end.Add(-d)
	if from.Before(tl.start) {
		from = tl.start
	}
	tl.index(end) // coarsen first, so indexes below stay valid
	for i := tl.index(from); ; i++ {
		bs := tl.start.Add(time.Duration(i) * tl.width)
		be := bs.Add(tl.width)
		lo, hi := maxTime(bs, from), minTime(be, end)
		if hi.After(lo) {
			tl.atIndex(i).busy += hi.Sub(lo).Seconds()
		}
		if !be.Before(end) {
			return
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
