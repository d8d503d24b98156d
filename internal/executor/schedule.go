package executor

import (
	"iter"
	"math"
	"math/big"
	"math/bits"
	"time"
)

// This file holds the executors' schedules as pure functions of their
// options (reference §1.4, §1.5): no clock, no goroutines.

// ConstantArrivalPeriod returns k6's period between iteration starts of
// constant-arrival-rate: timeUnit/rate as an exact fraction, converted to
// float64 and truncated to whole nanoseconds (rate 3/s → 333,333,333ns).
func ConstantArrivalPeriod(rate int64, timeUnit time.Duration) time.Duration {
	if rate <= 0 {
		return 0
	}
	f, _ := new(big.Rat).SetFrac64(int64(timeUnit), rate).Float64()
	return time.Duration(f)
}

// ConstantArrivalTimes yields the global index k (0-based) and start
// offset k·period of every iteration of constant-arrival-rate that starts
// before the regular end: the first at 0.
func ConstantArrivalTimes(rate int64, timeUnit, duration time.Duration) iter.Seq2[int64, time.Duration] {
	period := ConstantArrivalPeriod(rate, timeUnit)
	return func(yield func(int64, time.Duration) bool) {
		if period <= 0 {
			return
		}
		for k := int64(0); time.Duration(k)*period < duration; k++ {
			if !yield(k, time.Duration(k)*period) {
				return
			}
		}
	}
}

// countEpsilon absorbs float64 representation error in a stage's event
// count (0→20/s over 4s is 40 events, not 39.999999999).
const countEpsilon = 1e-9

// RampingArrivalTimes yields the global index (0-based) and start offset of
// every iteration of ramping-arrival-rate, with k6's formulas: rates in
// events per nanosecond, event i (1-based) of a stage from rate a to b over
// D starting at S with C events before it is at
//
//	a == b: S + (i−C)/b
//	else:   S + (a·D − √(D·(a²·D + 2·(i−C)·(b−a)))) / (a − b)
//
// and events are scheduled while i ≤ C + D·(a+b)/2, so fractional remainders
// carry into the next stage. The first iteration starts at 1/rate, not 0:
// 0→10/s over 10s gives 50 events, the first at 1.414s, the last at 10s.
func RampingArrivalTimes(startRate int64, timeUnit time.Duration, stages []Stage) iter.Seq2[int64, time.Duration] {
	return func(yield func(int64, time.Duration) bool) {
		tu := float64(timeUnit)
		from := float64(startRate) / tu
		var before, endCount, stageStart float64
		i := int64(1)
		for _, s := range stages {
			to := float64(s.Target) / tu
			d := float64(s.Duration)
			endCount += d * ((to-from)/2 + from)
			for ; float64(i) <= endCount+countEpsilon; i++ {
				var t float64
				n := float64(i) - before
				if from == to {
					t = stageStart + n/to
				} else {
					r := d * (from*from*d + 2*n*(to-from))
					t = stageStart + (from*d-math.Sqrt(max(r, 0)))/(from-to)
				}
				if !yield(i-1, time.Duration(math.Round(t))) {
					return
				}
			}
			before = endCount
			from = to
			stageStart += d
		}
	}
}

// VUStep is one change of ramping-vus' VU count.
type VUStep struct {
	At  time.Duration // offset from the executor start
	VUs int64         // VUs from At on
}

// RampingVUsSteps returns ramping-vus' raw timeline for seg: startVUs at
// 0, one step per VU added or removed, and 0 VUs at the sum of the stages.
// Ramping from F to T over D starting at S, the count becomes k at
// S + D·(k−F)/(T−F) going up and k−1 at S + D·(F−k+1)/(F−T) going down
// (integer nanoseconds), so the last change falls on the stage end. With a
// segment, the count is the segment's share (Segment.Scale) of the global
// count at the same times.
func RampingVUsSteps(seg Segment, startVUs int64, stages []Stage) []VUStep {
	steps := []VUStep{{At: 0, VUs: seg.Scale(startVUs)}}
	add := func(at time.Duration, global int64) {
		n := seg.Scale(global)
		last := &steps[len(steps)-1]
		switch {
		case last.VUs == n:
		case last.At == at:
			last.VUs = n
		default:
			steps = append(steps, VUStep{At: at, VUs: n})
		}
	}
	cur := startVUs
	var start time.Duration
	for _, s := range stages {
		d := s.Duration.D()
		switch {
		case d == 0:
			add(start, s.Target)
		case s.Target > cur:
			for k := cur + 1; k <= s.Target; k++ {
				add(start+mulDiv(d, k-cur, s.Target-cur), k)
			}
		case s.Target < cur:
			for k := cur; k > s.Target; k-- {
				add(start+mulDiv(d, cur-k+1, cur-s.Target), k-1)
			}
		}
		cur = s.Target
		start += d
	}
	add(start, 0)
	return steps
}

// mulDiv returns d·a/b in integer nanoseconds without overflow; a ≤ b, so
// the 128-bit product's high word is below b.
func mulDiv(d time.Duration, a, b int64) time.Duration {
	hi, lo := bits.Mul64(uint64(d), uint64(a))
	q, _ := bits.Div64(hi, lo, uint64(b))
	return time.Duration(q)
}

// VUsAt returns the VU count of steps at elapsed.
func VUsAt(steps []VUStep, elapsed time.Duration) int64 {
	var n int64
	for _, s := range steps {
		if s.At > elapsed {
			break
		}
		n = s.VUs
	}
	return n
}

// maxStepVUs returns the largest count in steps.
func maxStepVUs(steps []VUStep) int64 {
	var m int64
	for _, s := range steps {
		m = max(m, s.VUs)
	}
	return m
}
