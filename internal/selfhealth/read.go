package selfhealth

import (
	"math"
	"runtime"
	"runtime/metrics"
	"time"
)

// The runtime/metrics names read.
const (
	schedLatencies = "/sched/latencies:seconds"
	gcPauses       = "/sched/pauses/total/gc:seconds"
	gcCycles       = "/gc/cycles/total:gc-cycles"
	cpuTotal       = "/cpu/classes/total:cpu-seconds"
	cpuIdle        = "/cpu/classes/idle:cpu-seconds"
	gogc           = "/gc/gogc:percent"
	gomemlimit     = "/gc/gomemlimit:bytes"
)

// gcSettings reads GOGC (-1: off) and the memory limit (0: none) in force.
func gcSettings() (percent, limit int64) {
	s := []metrics.Sample{{Name: gogc}, {Name: gomemlimit}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		percent = int64(s[0].Value.Uint64()) // off is -1 read as a uint64
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		if l := s[1].Value.Uint64(); l < math.MaxInt64 {
			limit = int64(l)
		}
	}
	return percent, limit
}

// reading is the process state at one instant; histograms are cumulative
// since the process started, so two readings give an interval.
type reading struct {
	at       time.Time
	cpu      time.Duration
	maxRSS   int64
	sched    hist
	pauses   hist
	gcCycles uint64
	// totalTicks and stealTicks are the machine's CPU time and the part
	// the hypervisor took (/proc/stat); ticksOK is false where unknown.
	totalTicks, stealTicks uint64
	ticksOK                bool
}

// hist is a copy of a runtime/metrics Float64Histogram.
type hist struct {
	counts  []uint64
	buckets []float64 // len(counts)+1 boundaries, in seconds
}

func read() reading {
	s := []metrics.Sample{{Name: schedLatencies}, {Name: gcPauses}, {Name: gcCycles}}
	metrics.Read(s)
	r := reading{at: time.Now(), sched: histOf(s[0].Value), pauses: histOf(s[1].Value)}
	if s[2].Value.Kind() == metrics.KindUint64 {
		r.gcCycles = s[2].Value.Uint64()
	}
	r.cpu, r.maxRSS = processCPU()
	r.totalTicks, r.stealTicks, r.ticksOK = cpuTicks()
	return r
}

func histOf(v metrics.Value) hist {
	if v.Kind() != metrics.KindFloat64Histogram {
		return hist{}
	}
	h := v.Float64Histogram()
	return hist{counts: append([]uint64(nil), h.Counts...), buckets: h.Buckets}
}

// cpuFromRuntime is the runtime's estimate of CPU used: total − idle.
func cpuFromRuntime() time.Duration {
	s := []metrics.Sample{{Name: cpuTotal}, {Name: cpuIdle}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64 || s[1].Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return time.Duration((s[0].Value.Float64() - s[1].Value.Float64()) * float64(time.Second))
}

// sub returns the events of h that are not in earlier (same layout).
func (h hist) sub(earlier hist) hist {
	d := hist{counts: make([]uint64, len(h.counts)), buckets: h.buckets}
	for i, c := range h.counts {
		if i < len(earlier.counts) && earlier.counts[i] <= c {
			c -= earlier.counts[i]
		}
		d.counts[i] = c
	}
	return d
}

func (h hist) total() uint64 {
	var n uint64
	for _, c := range h.counts {
		n += c
	}
	return n
}

// quantile returns the upper boundary of the bucket holding the q-quantile
// (an upper bound of the true value, within one bucket), in seconds; a
// bucket open to +Inf gives its lower boundary. 0 when h is empty.
func (h hist) quantile(q float64) float64 {
	n := h.total()
	if n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(n)))
	rank = max(rank, 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return h.bound(i)
		}
	}
	return h.bound(len(h.counts) - 1)
}

// max returns the upper boundary of the highest non-empty bucket.
func (h hist) max() float64 {
	for i := len(h.counts) - 1; i >= 0; i-- {
		if h.counts[i] > 0 {
			return h.bound(i)
		}
	}
	return 0
}

// sum estimates the total of the events from bucket midpoints, in seconds.
func (h hist) sum() float64 {
	var s float64
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		lo, hi := h.buckets[i], h.buckets[i+1]
		switch {
		case math.IsInf(lo, -1):
			lo = hi
		case math.IsInf(hi, 1):
			hi = lo
		}
		s += float64(c) * (lo + hi) / 2
	}
	return s
}

func (h hist) bound(i int) float64 {
	if hi := h.buckets[i+1]; !math.IsInf(hi, 1) {
		return hi
	}
	return math.Max(h.buckets[i], 0)
}

// cores is the CPUs the process may use: GOMAXPROCS as Go set it from the
// affinity mask and CPU quota, before TuneRuntime raised it.
func cores() int {
	if n := availableCores.Load(); n > 0 {
		return int(n)
	}
	return runtime.GOMAXPROCS(0)
}
