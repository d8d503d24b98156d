package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"
)

// TypeArrivalTimes is the trace-replay executor's type name (an llmbench
// extension; k6 has no such executor).
const TypeArrivalTimes = "arrival-times"

// DefaultArrivalTimesUnit is arrival-times' default timeUnit.
const DefaultArrivalTimesUnit = time.Millisecond

// ArrivalTimes is the arrival-times executor's config: iteration i starts
// at Times[i] (an offset from the scenario start, in TimeUnit, divided by
// Speed), on PreAllocatedVUs VUs and up to MaxVUsLimit, as a recorded trace
// is replayed (AIPerf's fixed schedule). An iteration that finds no idle VU
// is dropped (dropped_iterations), as with the arrival-rate executors, and
// schedule_lag and the *_from_schedule metrics measure against Times.
type ArrivalTimes struct {
	BaseConfig
	Times           []float64 `json:"times"`
	TimeUnit        Duration  `json:"timeUnit"`
	Speed           float64   `json:"speed"`
	PreAllocatedVUs int64     `json:"preAllocatedVUs"`
	MaxVUsLimit     int64     `json:"maxVUs"`

	preSet bool
}

var _ Config = (*ArrivalTimes)(nil)

func (c *ArrivalTimes) base() *BaseConfig { return &c.BaseConfig }
func (c *ArrivalTimes) setDefaults(keys map[string]json.RawMessage) error {
	_, c.preSet = keys["preAllocatedVUs"]
	if _, ok := keys["maxVUs"]; !ok {
		c.MaxVUsLimit = c.PreAllocatedVUs
	}
	return nil
}

// Name returns the scenario name.
func (c *ArrivalTimes) Name() string { return c.BaseConfig.Name }

// Type returns "arrival-times".
func (c *ArrivalTimes) Type() string { return TypeArrivalTimes }

// Base returns the common options.
func (c *ArrivalTimes) Base() BaseConfig { return c.BaseConfig }

// Validate checks the options: at least one time, every time finite, not
// negative and not before the one before it; a positive timeUnit and speed.
func (c *ArrivalTimes) Validate() error {
	errs := c.BaseConfig.validate()
	if len(c.Times) == 0 {
		errs = append(errs, errors.New("times must list at least one start offset"))
	}
	for i, t := range c.Times {
		switch {
		case math.IsNaN(t) || math.IsInf(t, 0) || t < 0:
			errs = append(errs, fmt.Errorf("times[%d] = %v: want a non-negative offset", i, t))
		case i > 0 && t < c.Times[i-1]:
			errs = append(errs, fmt.Errorf("times[%d] = %v is before times[%d] = %v: times must be in order", i, t, i-1, c.Times[i-1]))
		default:
			continue
		}
		break // one bad time is enough to report
	}
	if c.TimeUnit <= 0 {
		errs = append(errs, errors.New("the timeUnit must be more than 0"))
	}
	if !(c.Speed > 0) || math.IsInf(c.Speed, 0) {
		errs = append(errs, fmt.Errorf("speed = %v: want a number more than 0 (1 replays as recorded)", c.Speed))
	}
	errs = append(errs, validateArrivalVUs(c.PreAllocatedVUs, c.MaxVUsLimit, c.preSet)...)
	return joinErrs(c.BaseConfig.Name, errs)
}

// PlannedVUs returns preAllocatedVUs.
func (c *ArrivalTimes) PlannedVUs() int64 { return c.PreAllocatedVUs }

// MaxVUs returns maxVUs.
func (c *ArrivalTimes) MaxVUs() int64 { return max(c.MaxVUsLimit, c.PreAllocatedVUs) }

// Span is the regular duration: the last start offset, at speed.
func (c *ArrivalTimes) Span() time.Duration {
	if len(c.Times) == 0 {
		return 0
	}
	return traceOffset(c.Times[len(c.Times)-1], c.TimeUnit.D(), c.Speed)
}

// MaxDuration returns the last start offset + gracefulStop.
func (c *ArrivalTimes) MaxDuration() time.Duration { return c.Span() + c.GracefulStop.D() }

// Description returns the header line, in k6's style.
func (c *ArrivalTimes) Description() string {
	desc := fmt.Sprintf("%d iterations at recorded times over %s", len(c.Times), c.Span())
	if c.Speed != 1 {
		desc += fmt.Sprintf(" (speed %gx)", c.Speed)
	}
	return c.describe(desc, maxVUsFact(c.PreAllocatedVUs, c.MaxVUsLimit))
}

// MarshalJSON writes the config with defaults applied.
func (c *ArrivalTimes) MarshalJSON() ([]byte, error) {
	type plain ArrivalTimes
	return json.Marshal((*plain)(c))
}

// traceOffset converts a recorded offset in unit to a start offset at speed.
func traceOffset(t float64, unit time.Duration, speed float64) time.Duration {
	return time.Duration(math.Round(t * float64(unit) / speed))
}

// TraceTimes yields the global index i (0-based) and start offset
// times[i]·timeUnit/speed (rounded to the nanosecond) of every iteration
// of arrival-times.
func TraceTimes(times []float64, timeUnit time.Duration, speed float64) iter.Seq2[int64, time.Duration] {
	return func(yield func(int64, time.Duration) bool) {
		for i, t := range times {
			if !yield(int64(i), traceOffset(t, timeUnit, speed)) {
				return
			}
		}
	}
}

// New returns an executor for one run. It wakes Env.SpinWait before each
// start and spins to it, so that starts are not a timer's wake-up late. Like the arrival-rate executors it
// runs the iterations whose global index its segment owns, on the
// segment's share of the VUs (arrival.run), so the trace is split between
// instances when execution segments are used.
func (c *ArrivalTimes) New(env Env) Executor {
	return &arrivalTimes{cfg: c, arrival: newArrival(env, c.PreAllocatedVUs, c.MaxVUs(), spinWindow(env))}
}

type arrivalTimes struct {
	cfg *ArrivalTimes
	arrival
}

func (e *arrivalTimes) Run(ctx context.Context) error {
	return e.run(ctx, TraceTimes(e.cfg.Times, e.cfg.TimeUnit.D(), e.cfg.Speed), e.cfg.Span(), e.cfg.GracefulStop.D())
}

// Progress reports the share of the span elapsed and the trace's mean
// start rate.
func (e *arrivalTimes) Progress() Progress {
	span := e.cfg.Span()
	rate := 0.0
	if span > 0 {
		rate = float64(len(e.cfg.Times)) / span.Seconds() * e.env.Segment.Fraction()
	}
	return e.progress(span, rate)
}
