package executor

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"runtime"
	"time"
)

// Bursty arrivals (an llmbench extension of the arrival-rate executors,
// vLLM's --burstiness): the gaps between starts are independent draws from
// a gamma distribution with shape b = burstiness and mean 1/rate (scale
// 1/(rate·b)). b = 1 is a Poisson process (exponential gaps); b < 1 is
// burstier, b > 1 more regular. The gaps' coefficient of variation
// (stddev/mean) is 1/√b. The draws come from a PCG generator seeded by the
// scenario's seed, so a schedule is the same on every run and on every
// instance of a segmented test.

// DefaultBurstSeed is the seed of a bursty schedule that sets none.
const DefaultBurstSeed = 1

// gammaVariate draws from Gamma(shape, 1) with Marsaglia and Tsang's
// squeeze method (ACM TOMS 26(3), 2000); a shape below 1 is boosted:
// Gamma(a) = Gamma(a+1)·U^(1/a).
func gammaVariate(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		u := rng.Float64()
		for u == 0 {
			u = rng.Float64()
		}
		return gammaVariate(rng, shape+1) * math.Pow(u, 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x {
			return d * v
		}
		if u > 0 && math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// unitGaps returns a generator of gamma gaps with mean 1 and shape b.
func unitGaps(burstiness float64, seed uint64) func() float64 {
	rng := rand.New(rand.NewPCG(seed, seed^0x6a09e667f3bcc909))
	return func() float64 { return gammaVariate(rng, burstiness) / burstiness }
}

// BurstyConstantTimes is constant-arrival-rate's schedule with gamma
// gaps: the first start at 0, then each one a gap of mean timeUnit/rate
// after the one before, while before duration.
func BurstyConstantTimes(rate int64, timeUnit, duration time.Duration, burstiness float64, seed uint64) iter.Seq2[int64, time.Duration] {
	return func(yield func(int64, time.Duration) bool) {
		if rate <= 0 || burstiness <= 0 {
			return
		}
		period := float64(timeUnit) / float64(rate)
		gap := unitGaps(burstiness, seed)
		t := 0.0
		for k := int64(0); t < float64(duration); k++ {
			if !yield(k, time.Duration(math.Round(t))) {
				return
			}
			t += gap() * period
		}
	}
}

// BurstyRampingTimes is ramping-arrival-rate's schedule with gamma gaps,
// by time rescaling: the k-th start is where the rate's integral (the
// expected count of starts, as in RampingArrivalTimes) reaches
// c_k = g_1 + … + g_k, the g drawn with mean 1. With burstiness 1 it is
// an inhomogeneous Poisson process of the ramping rate; with every g = 1
// it would be k6's schedule.
func BurstyRampingTimes(startRate int64, timeUnit time.Duration, stages []Stage, burstiness float64, seed uint64) iter.Seq2[int64, time.Duration] {
	return func(yield func(int64, time.Duration) bool) {
		if burstiness <= 0 {
			return
		}
		gap := unitGaps(burstiness, seed)
		tu := float64(timeUnit)
		from := float64(startRate) / tu
		var before, endCount, stageStart float64
		c := gap()
		k := int64(0)
		for _, s := range stages {
			to := float64(s.Target) / tu
			d := float64(s.Duration)
			endCount += d * ((to-from)/2 + from)
			for ; c <= endCount; c += gap() {
				n := c - before
				var t float64
				if from == to {
					t = stageStart + n/to
				} else {
					r := d * (from*from*d + 2*n*(to-from))
					t = stageStart + (from*d-math.Sqrt(max(r, 0)))/(from-to)
				}
				if !yield(k, time.Duration(math.Round(t))) {
					return
				}
				k++
			}
			before = endCount
			from = to
			stageStart += d
		}
	}
}

// Bursty holds the arrival-rate executors' burstiness options. Zero
// Burstiness (the option absent) keeps k6's evenly spaced schedule.
type Bursty struct {
	Burstiness float64 `json:"burstiness,omitempty"`
	Seed       uint64  `json:"seed,omitempty"`

	burstSet, seedSet bool
}

func (b *Bursty) setDefaults(keys map[string]json.RawMessage) {
	_, b.burstSet = keys["burstiness"]
	_, b.seedSet = keys["seed"]
	if b.burstSet && !b.seedSet {
		b.Seed = DefaultBurstSeed
	}
}

func (b *Bursty) validate() []error {
	var errs []error
	if b.burstSet && (!(b.Burstiness > 0) || math.IsInf(b.Burstiness, 0)) {
		errs = append(errs, fmt.Errorf("burstiness = %v: want a number more than 0 (1 is Poisson, below 1 burstier)", b.Burstiness))
	}
	if b.seedSet && !b.burstSet {
		errs = append(errs, errors.New("seed applies only with burstiness"))
	}
	return errs
}

// facts adds "burstiness: b" to the description's facts.
func (b *Bursty) facts(facts ...string) []string {
	if b.Burstiness > 0 {
		facts = append(facts, fmt.Sprintf("burstiness: %g", b.Burstiness))
	}
	return facts
}

// spin is the executor's spin window: Env.SpinWait for a bursty schedule,
// whose gap distribution is the point of the test (jitter from sleeping
// would add its own variance); none for k6's even schedule.
func (b *Bursty) spin(env Env) time.Duration {
	if b.Burstiness > 0 {
		return spinWindow(env)
	}
	return 0
}

// spinWindow is Env.SpinWait, or 0 when the process may use one CPU only:
// there the spinning thread would hold the CPU the VU it dispatches to
// needs, and starts would be later, not earlier.
func spinWindow(env Env) time.Duration {
	if runtime.NumCPU() < 2 {
		return 0
	}
	return env.SpinWait
}
