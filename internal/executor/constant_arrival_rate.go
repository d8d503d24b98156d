package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ConstantArrivalRate is the constant-arrival-rate executor's config: Rate
// iterations per TimeUnit start for Duration, on PreAllocatedVUs VUs and up
// to MaxVUsLimit.
type ConstantArrivalRate struct {
	BaseConfig
	Rate            int64    `json:"rate"`
	TimeUnit        Duration `json:"timeUnit"`
	Duration        Duration `json:"duration"`
	PreAllocatedVUs int64    `json:"preAllocatedVUs"`
	MaxVUsLimit     int64    `json:"maxVUs"`
	Bursty

	rateSet, durationSet, preSet bool
}

var _ Config = (*ConstantArrivalRate)(nil)

func (c *ConstantArrivalRate) base() *BaseConfig { return &c.BaseConfig }
func (c *ConstantArrivalRate) setDefaults(keys map[string]json.RawMessage) error {
	_, c.rateSet = keys["rate"]
	_, c.durationSet = keys["duration"]
	_, c.preSet = keys["preAllocatedVUs"]
	if _, ok := keys["maxVUs"]; !ok {
		c.MaxVUsLimit = c.PreAllocatedVUs
	}
	c.Bursty.setDefaults(keys)
	return nil
}

// Name returns the scenario name.
func (c *ConstantArrivalRate) Name() string { return c.BaseConfig.Name }

// Type returns "constant-arrival-rate".
func (c *ConstantArrivalRate) Type() string { return TypeConstantArrival }

// Base returns the common options.
func (c *ConstantArrivalRate) Base() BaseConfig { return c.BaseConfig }

// Validate checks the options as k6 does.
func (c *ConstantArrivalRate) Validate() error {
	errs := c.BaseConfig.validate()
	if !c.rateSet && c.Rate == 0 {
		errs = append(errs, errors.New("the iteration rate isn't specified"))
	} else if c.Rate <= 0 {
		errs = append(errs, errors.New("the iteration rate must be more than 0"))
	}
	if c.TimeUnit <= 0 {
		errs = append(errs, errors.New("the timeUnit must be more than 0"))
	}
	if err := validateDuration("duration", c.Duration, c.durationSet || c.Duration != 0); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, validateArrivalVUs(c.PreAllocatedVUs, c.MaxVUsLimit, c.preSet)...)
	errs = append(errs, c.Bursty.validate()...)
	return joinErrs(c.BaseConfig.Name, errs)
}

func validateArrivalVUs(pre, maxVUs int64, preSet bool) []error {
	var errs []error
	switch {
	case !preSet:
		errs = append(errs, errors.New("the number of preAllocatedVUs isn't specified"))
	case pre < 0:
		errs = append(errs, errors.New("the number of preAllocatedVUs can't be negative"))
	}
	if maxVUs < pre {
		errs = append(errs, errors.New("maxVUs can't be less than preAllocatedVUs"))
	}
	return errs
}

// PlannedVUs returns preAllocatedVUs.
func (c *ConstantArrivalRate) PlannedVUs() int64 { return c.PreAllocatedVUs }

// MaxVUs returns maxVUs.
func (c *ConstantArrivalRate) MaxVUs() int64 { return max(c.MaxVUsLimit, c.PreAllocatedVUs) }

// MaxDuration returns duration + gracefulStop.
func (c *ConstantArrivalRate) MaxDuration() time.Duration { return c.Duration.D() + c.GracefulStop.D() }

// Description returns k6's header line.
func (c *ConstantArrivalRate) Description() string {
	return c.describe(fmt.Sprintf("%.2f iterations/s for %s", perSecond(c.Rate, c.TimeUnit), c.Duration),
		c.Bursty.facts(maxVUsFact(c.PreAllocatedVUs, c.MaxVUsLimit))...)
}

func perSecond(rate int64, unit Duration) float64 {
	if unit <= 0 {
		return 0
	}
	return float64(rate) * float64(time.Second) / float64(unit)
}

func maxVUsFact(pre, maxVUs int64) string {
	if maxVUs > pre {
		return fmt.Sprintf("maxVUs: %d-%d", pre, maxVUs)
	}
	return fmt.Sprintf("maxVUs: %d", pre)
}

// MarshalJSON writes the config with defaults applied.
func (c *ConstantArrivalRate) MarshalJSON() ([]byte, error) {
	type plain ConstantArrivalRate
	return json.Marshal((*plain)(c))
}

// New returns an executor for one run.
func (c *ConstantArrivalRate) New(env Env) Executor {
	return &constantArrival{cfg: c, arrival: newArrival(env, c.PreAllocatedVUs, c.MaxVUs(), c.Bursty.spin(env))}
}

type constantArrival struct {
	cfg *ConstantArrivalRate
	arrival
}

func (e *constantArrival) Run(ctx context.Context) error {
	dur := e.cfg.Duration.D()
	times := ConstantArrivalTimes(e.cfg.Rate, e.cfg.TimeUnit.D(), dur)
	if b := e.cfg.Burstiness; b > 0 {
		times = BurstyConstantTimes(e.cfg.Rate, e.cfg.TimeUnit.D(), dur, b, e.cfg.Seed)
	}
	return e.run(ctx, times, dur, e.cfg.GracefulStop.D())
}

func (e *constantArrival) Progress() Progress {
	return e.progress(e.cfg.Duration.D(), perSecond(e.cfg.Rate, e.cfg.TimeUnit)*e.share())
}
