package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/llmbench/llmbench/internal/vu"
)

// PerVUIterations is the per-vu-iterations executor's config: each of VUs
// VUs runs Iterations iterations, within MaxDur.
type PerVUIterations struct {
	BaseConfig
	VUs        int64    `json:"vus"`
	Iterations int64    `json:"iterations"`
	MaxDur     Duration `json:"maxDuration"`
}

var _ Config = (*PerVUIterations)(nil)

func (c *PerVUIterations) base() *BaseConfig                            { return &c.BaseConfig }
func (c *PerVUIterations) setDefaults(map[string]json.RawMessage) error { return nil }

// Name returns the scenario name.
func (c *PerVUIterations) Name() string { return c.BaseConfig.Name }

// Type returns "per-vu-iterations".
func (c *PerVUIterations) Type() string { return TypePerVUIterations }

// Base returns the common options.
func (c *PerVUIterations) Base() BaseConfig { return c.BaseConfig }

// Validate checks the options as k6 does.
func (c *PerVUIterations) Validate() error {
	errs := c.BaseConfig.validate()
	if c.VUs <= 0 {
		errs = append(errs, errors.New("the number of VUs must be more than 0"))
	}
	if c.Iterations <= 0 {
		errs = append(errs, errors.New("the number of iterations must be more than 0"))
	}
	if err := validateDuration("maxDuration", c.MaxDur, true); err != nil {
		errs = append(errs, err)
	}
	return joinErrs(c.BaseConfig.Name, errs)
}

// PlannedVUs returns vus.
func (c *PerVUIterations) PlannedVUs() int64 { return c.VUs }

// MaxVUs returns vus.
func (c *PerVUIterations) MaxVUs() int64 { return c.VUs }

// MaxDuration returns maxDuration + gracefulStop.
func (c *PerVUIterations) MaxDuration() time.Duration { return c.MaxDur.D() + c.GracefulStop.D() }

// Description returns k6's header line.
func (c *PerVUIterations) Description() string {
	return c.describe(fmt.Sprintf("%d iterations for each of %d VUs", c.Iterations, c.VUs), "maxDuration: "+c.MaxDur.String())
}

// MarshalJSON writes the config with defaults applied.
func (c *PerVUIterations) MarshalJSON() ([]byte, error) {
	type plain PerVUIterations
	return json.Marshal((*plain)(c))
}

// New returns an executor for one run.
func (c *PerVUIterations) New(env Env) Executor {
	return &perVUIterations{cfg: c, core: newCore(env), vus: env.Segment.Scale(c.VUs)}
}

type perVUIterations struct {
	cfg *PerVUIterations
	core
	vus int64
}

func (e *perVUIterations) Run(ctx context.Context) error {
	d := e.begin(ctx, e.cfg.MaxDur.D(), e.cfg.GracefulStop.D())
	defer e.end(d)
	return e.withVUs(d, e.vus, func(_ int64, v vu.VU) {
		it := &vu.Iteration{}
		n := int64(0)
		for ; n < e.cfg.Iterations && !d.over(); n++ {
			e.nextIteration(it)
			e.iterate(d.hard, v, it)
		}
		if left := e.cfg.Iterations - n; left > 0 {
			e.emit(e.builtin(droppedMetric), float64(left), time.Now())
		}
	})
}

func (e *perVUIterations) Progress() Progress {
	done, total := e.done.Load(), e.vus*e.cfg.Iterations
	return Progress{
		Fraction: fraction(float64(done), float64(total)),
		Status:   e.status.get(),
		Right: []string{vuWord(e.vus), fmtElapsed(min(e.elapsed(), e.cfg.MaxDur.D())) + "/" + e.cfg.MaxDur.String(),
			fmt.Sprintf("%d/%d iters, %d per VU", done, total, e.cfg.Iterations)},
	}
}
