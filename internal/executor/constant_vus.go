package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/llmbench/llmbench/internal/vu"
)

// ConstantVUs is the constant-vus executor's config: VUs VUs loop for
// Duration.
type ConstantVUs struct {
	BaseConfig
	VUs      int64    `json:"vus"`
	Duration Duration `json:"duration"`

	durationSet bool
}

var _ Config = (*ConstantVUs)(nil)

func (c *ConstantVUs) base() *BaseConfig { return &c.BaseConfig }
func (c *ConstantVUs) setDefaults(keys map[string]json.RawMessage) error {
	_, c.durationSet = keys["duration"]
	return nil
}

// Name returns the scenario name.
func (c *ConstantVUs) Name() string { return c.BaseConfig.Name }

// Type returns "constant-vus".
func (c *ConstantVUs) Type() string { return TypeConstantVUs }

// Base returns the common options.
func (c *ConstantVUs) Base() BaseConfig { return c.BaseConfig }

// Validate checks the options as k6 does.
func (c *ConstantVUs) Validate() error {
	errs := c.BaseConfig.validate()
	if c.VUs <= 0 {
		errs = append(errs, errors.New("the number of VUs must be more than 0"))
	}
	if err := validateDuration("duration", c.Duration, c.durationSet || c.Duration != 0); err != nil {
		errs = append(errs, err)
	}
	return joinErrs(c.BaseConfig.Name, errs)
}

// PlannedVUs returns vus.
func (c *ConstantVUs) PlannedVUs() int64 { return c.VUs }

// MaxVUs returns vus.
func (c *ConstantVUs) MaxVUs() int64 { return c.VUs }

// MaxDuration returns duration + gracefulStop.
func (c *ConstantVUs) MaxDuration() time.Duration { return c.Duration.D() + c.GracefulStop.D() }

// Description returns k6's header line.
func (c *ConstantVUs) Description() string {
	return c.describe(fmt.Sprintf("%d looping VUs for %s", c.VUs, c.Duration))
}

// MarshalJSON writes the config with defaults applied.
func (c *ConstantVUs) MarshalJSON() ([]byte, error) {
	type plain ConstantVUs
	return json.Marshal((*plain)(c))
}

// New returns an executor for one run.
func (c *ConstantVUs) New(env Env) Executor {
	return &constantVUs{cfg: c, core: newCore(env), vus: env.Segment.Scale(c.VUs)}
}

type constantVUs struct {
	cfg *ConstantVUs
	core
	vus int64
}

func (e *constantVUs) Run(ctx context.Context) error {
	d := e.begin(ctx, e.cfg.Duration.D(), e.cfg.GracefulStop.D())
	defer e.end(d)
	return e.withVUs(d, e.vus, func(_ int64, v vu.VU) {
		it := &vu.Iteration{}
		for !d.over() {
			e.nextIteration(it)
			e.iterate(d.hard, v, it)
		}
	})
}

func (e *constantVUs) Progress() Progress {
	dur := e.cfg.Duration.D()
	el := min(e.elapsed(), dur)
	return Progress{
		Fraction: fraction(float64(el), float64(dur)),
		Status:   e.status.get(),
		Right:    []string{vuWord(e.vus), fmtElapsed(el) + "/" + e.cfg.Duration.String()},
	}
}
