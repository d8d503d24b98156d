package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/llmbench/llmbench/internal/vu"
)

// SharedIterations is the shared-iterations executor's config: VUs VUs
// share Iterations iterations, within MaxDur.
type SharedIterations struct {
	BaseConfig
	VUs        int64    `json:"vus"`
	Iterations int64    `json:"iterations"`
	MaxDur     Duration `json:"maxDuration"`
}

var _ Config = (*SharedIterations)(nil)

func (c *SharedIterations) base() *BaseConfig                            { return &c.BaseConfig }
func (c *SharedIterations) setDefaults(map[string]json.RawMessage) error { return nil }

// Name returns the scenario name.
func (c *SharedIterations) Name() string { return c.BaseConfig.Name }

// Type returns "shared-iterations".
func (c *SharedIterations) Type() string { return TypeSharedIterations }

// Base returns the common options.
func (c *SharedIterations) Base() BaseConfig { return c.BaseConfig }

// Validate checks the options as k6 does.
func (c *SharedIterations) Validate() error {
	errs := c.BaseConfig.validate()
	if c.VUs <= 0 {
		errs = append(errs, errors.New("the number of VUs must be more than 0"))
	}
	if c.Iterations < c.VUs {
		errs = append(errs, fmt.Errorf("the number of iterations (%d) can't be less than the number of VUs (%d)", c.Iterations, c.VUs))
	}
	if err := validateDuration("maxDuration", c.MaxDur, true); err != nil {
		errs = append(errs, err)
	}
	return joinErrs(c.BaseConfig.Name, errs)
}

// PlannedVUs returns vus.
func (c *SharedIterations) PlannedVUs() int64 { return c.VUs }

// MaxVUs returns vus.
func (c *SharedIterations) MaxVUs() int64 { return c.VUs }

// MaxDuration returns maxDuration + gracefulStop.
func (c *SharedIterations) MaxDuration() time.Duration { return c.MaxDur.D() + c.GracefulStop.D() }

// Description returns k6's header line.
func (c *SharedIterations) Description() string {
	return c.describe(fmt.Sprintf("%d iterations shared among %d VUs", c.Iterations, c.VUs), "maxDuration: "+c.MaxDur.String())
}

// MarshalJSON writes the config with defaults applied.
func (c *SharedIterations) MarshalJSON() ([]byte, error) {
	type plain SharedIterations
	return json.Marshal((*plain)(c))
}

// New returns an executor for one run.
func (c *SharedIterations) New(env Env) Executor {
	e := &sharedIterations{cfg: c, core: newCore(env), vus: env.Segment.Scale(c.VUs)}
	// The iterations follow the split of the VUs (reference §5).
	if ids, ok := env.Segment.Resegment(c.VUs); ok {
		e.ids, e.iters = ids, ids.Scale(c.Iterations)
	}
	return e
}

type sharedIterations struct {
	cfg *SharedIterations
	core
	vus, iters int64
}

func (e *sharedIterations) Run(ctx context.Context) error {
	d := e.begin(ctx, e.cfg.MaxDur.D(), e.cfg.GracefulStop.D())
	defer e.end(d)
	var attempted atomic.Int64
	err := e.withVUs(d, e.vus, func(_ int64, v vu.VU) {
		it := &vu.Iteration{}
		for !d.over() {
			n := attempted.Add(1)
			if n > e.iters {
				return
			}
			e.nextIteration(it)
			e.iterate(d.hard, v, it)
		}
	})
	if a := min(attempted.Load(), e.iters); a < e.iters {
		e.emit(e.builtin(droppedMetric), float64(e.iters-a), time.Now())
	}
	return err
}

func (e *sharedIterations) Progress() Progress {
	done := e.done.Load()
	return Progress{
		Fraction: fraction(float64(done), float64(e.iters)),
		Status:   e.status.get(),
		Right: []string{vuWord(e.vus), fmtElapsed(min(e.elapsed(), e.cfg.MaxDur.D())) + "/" + e.cfg.MaxDur.String(),
			fmt.Sprintf("%d/%d shared iters", done, e.iters)},
	}
}
