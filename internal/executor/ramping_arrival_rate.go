package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// RampingArrivalRate is the ramping-arrival-rate executor's config: the
// start rate (iterations per TimeUnit) follows Stages linearly from
// StartRate, on PreAllocatedVUs VUs and up to MaxVUsLimit.
type RampingArrivalRate struct {
	BaseConfig
	StartRate       int64    `json:"startRate"`
	TimeUnit        Duration `json:"timeUnit"`
	Stages          []Stage  `json:"stages"`
	PreAllocatedVUs int64    `json:"preAllocatedVUs"`
	MaxVUsLimit     int64    `json:"maxVUs"`
	Bursty

	stageSet []stageSet
	preSet   bool
}

var _ Config = (*RampingArrivalRate)(nil)

func (c *RampingArrivalRate) base() *BaseConfig { return &c.BaseConfig }
func (c *RampingArrivalRate) setDefaults(keys map[string]json.RawMessage) (err error) {
	_, c.preSet = keys["preAllocatedVUs"]
	if _, ok := keys["maxVUs"]; !ok {
		c.MaxVUsLimit = c.PreAllocatedVUs
	}
	c.Bursty.setDefaults(keys)
	c.stageSet, err = readStageSet(keys["stages"])
	return err
}

// Name returns the scenario name.
func (c *RampingArrivalRate) Name() string { return c.BaseConfig.Name }

// Type returns "ramping-arrival-rate".
func (c *RampingArrivalRate) Type() string { return TypeRampingArrival }

// Base returns the common options.
func (c *RampingArrivalRate) Base() BaseConfig { return c.BaseConfig }

// Validate checks the options as k6 does.
func (c *RampingArrivalRate) Validate() error {
	errs := c.BaseConfig.validate()
	if c.StartRate < 0 {
		errs = append(errs, errors.New("the startRate value can't be negative"))
	}
	if c.TimeUnit <= 0 {
		errs = append(errs, errors.New("the timeUnit must be more than 0"))
	}
	errs = append(errs, validateStages(c.Stages, c.stageSet, 0)...)
	errs = append(errs, validateArrivalVUs(c.PreAllocatedVUs, c.MaxVUsLimit, c.preSet)...)
	errs = append(errs, c.Bursty.validate()...)
	return joinErrs(c.BaseConfig.Name, errs)
}

// PlannedVUs returns preAllocatedVUs.
func (c *RampingArrivalRate) PlannedVUs() int64 { return c.PreAllocatedVUs }

// MaxVUs returns maxVUs.
func (c *RampingArrivalRate) MaxVUs() int64 { return max(c.MaxVUsLimit, c.PreAllocatedVUs) }

// MaxDuration returns the sum of the stages + gracefulStop.
func (c *RampingArrivalRate) MaxDuration() time.Duration {
	return sumStages(c.Stages) + c.GracefulStop.D()
}

// Description returns k6's header line.
func (c *RampingArrivalRate) Description() string {
	top := c.StartRate
	for _, s := range c.Stages {
		top = max(top, s.Target)
	}
	return c.describe(fmt.Sprintf("Up to %.2f iterations/s for %s over %d stages", perSecond(top, c.TimeUnit), sumStages(c.Stages), len(c.Stages)),
		c.Bursty.facts(maxVUsFact(c.PreAllocatedVUs, c.MaxVUsLimit))...)
}

// MarshalJSON writes the config with defaults applied.
func (c *RampingArrivalRate) MarshalJSON() ([]byte, error) {
	type plain RampingArrivalRate
	return json.Marshal((*plain)(c))
}

// New returns an executor for one run.
func (c *RampingArrivalRate) New(env Env) Executor {
	return &rampingArrival{cfg: c, arrival: newArrival(env, c.PreAllocatedVUs, c.MaxVUs(), c.Bursty.spin(env))}
}

type rampingArrival struct {
	cfg *RampingArrivalRate
	arrival
}

func (e *rampingArrival) Run(ctx context.Context) error {
	times := RampingArrivalTimes(e.cfg.StartRate, e.cfg.TimeUnit.D(), e.cfg.Stages)
	if b := e.cfg.Burstiness; b > 0 {
		times = BurstyRampingTimes(e.cfg.StartRate, e.cfg.TimeUnit.D(), e.cfg.Stages, b, e.cfg.Seed)
	}
	return e.run(ctx, times, sumStages(e.cfg.Stages), e.cfg.GracefulStop.D())
}

// RampingRateAt returns the start rate (iterations per timeUnit) at
// elapsed, interpolated linearly inside the stage.
func RampingRateAt(startRate int64, stages []Stage, elapsed time.Duration) float64 {
	from := float64(startRate)
	var start time.Duration
	for _, s := range stages {
		d := s.Duration.D()
		if elapsed < start+d {
			return from + (float64(s.Target)-from)*float64(elapsed-start)/float64(d)
		}
		from = float64(s.Target)
		start += d
	}
	return from
}

func (e *rampingArrival) Progress() Progress {
	r := RampingRateAt(e.cfg.StartRate, e.cfg.Stages, e.elapsed())
	return e.progress(sumStages(e.cfg.Stages), r*float64(time.Second)/float64(e.cfg.TimeUnit)*e.share())
}
