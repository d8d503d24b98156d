package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/llmbench/llmbench/internal/vu"
)

// RampingVUs is the ramping-vus executor's config: from StartVUs, the VU
// count follows Stages linearly; VUs removed finish their iteration within
// GracefulRampDown.
type RampingVUs struct {
	BaseConfig
	StartVUs         int64    `json:"startVUs"`
	Stages           []Stage  `json:"stages"`
	GracefulRampDown Duration `json:"gracefulRampDown"`

	stageSet []stageSet
}

var _ Config = (*RampingVUs)(nil)

func (c *RampingVUs) base() *BaseConfig { return &c.BaseConfig }
func (c *RampingVUs) setDefaults(keys map[string]json.RawMessage) (err error) {
	c.stageSet, err = readStageSet(keys["stages"])
	return err
}

// Name returns the scenario name.
func (c *RampingVUs) Name() string { return c.BaseConfig.Name }

// Type returns "ramping-vus".
func (c *RampingVUs) Type() string { return TypeRampingVUs }

// Base returns the common options.
func (c *RampingVUs) Base() BaseConfig { return c.BaseConfig }

// Validate checks the options as k6 does.
func (c *RampingVUs) Validate() error {
	errs := c.BaseConfig.validate()
	if c.StartVUs < 0 {
		errs = append(errs, errors.New("the number of start VUs shouldn't be negative"))
	} else if c.StartVUs > maxRampingVUs {
		errs = append(errs, fmt.Errorf("the number of start VUs exceeds the max limit of %d", maxRampingVUs))
	}
	errs = append(errs, validateStages(c.Stages, c.stageSet, maxRampingVUs)...)
	if c.GracefulRampDown < 0 {
		errs = append(errs, errors.New("the gracefulRampDown timeout can't be negative"))
	}
	if len(c.Stages) > 0 && c.maxTarget() <= 0 {
		errs = append(errs, errors.New("either startVUs or one of the stages' target values must be greater than 0"))
	}
	return joinErrs(c.BaseConfig.Name, errs)
}

func (c *RampingVUs) maxTarget() int64 {
	m := c.StartVUs
	for _, s := range c.Stages {
		m = max(m, s.Target)
	}
	return m
}

// PlannedVUs returns the largest of startVUs and the stage targets.
func (c *RampingVUs) PlannedVUs() int64 { return c.maxTarget() }

// MaxVUs returns PlannedVUs.
func (c *RampingVUs) MaxVUs() int64 { return c.PlannedVUs() }

// MaxDuration returns the sum of the stages + gracefulStop.
func (c *RampingVUs) MaxDuration() time.Duration { return sumStages(c.Stages) + c.GracefulStop.D() }

// Description returns k6's header line.
func (c *RampingVUs) Description() string {
	return c.describe(fmt.Sprintf("Up to %d looping VUs for %s over %d stages", c.maxTarget(), sumStages(c.Stages), len(c.Stages)),
		"gracefulRampDown: "+c.GracefulRampDown.String())
}

// MarshalJSON writes the config with defaults applied.
func (c *RampingVUs) MarshalJSON() ([]byte, error) {
	type plain RampingVUs
	return json.Marshal((*plain)(c))
}

// New returns an executor for one run.
func (c *RampingVUs) New(env Env) Executor {
	steps := RampingVUsSteps(env.Segment, c.StartVUs, c.Stages)
	return &rampingVUs{cfg: c, core: newCore(env), steps: steps, maxVUs: max(maxStepVUs(steps), env.Segment.Scale(c.maxTarget()))}
}

type rampingVUs struct {
	cfg *RampingVUs
	core
	steps  []VUStep
	maxVUs int64
}

// handle is one slot of the ramping-vus executor: active while the VU
// count exceeds its index.
//
// The slot's iteration context is kept from one iteration to the next
// until it is cancelled (a gracefulRampDown stop) or the slot stops
// iterating: a VU keeps its per-context state (its own child context and
// interrupt watch, see internal/js) across iterations, and a context
// cancelled after every iteration would make it rebuild that state each
// time.
type handle struct {
	mu     sync.Mutex
	active bool
	ctx    context.Context    // the slot's iteration context; nil when none is kept
	cancel context.CancelFunc // ctx's
	timer  *time.Timer        // gracefulRampDown hard stop of a removed slot
	wake   chan struct{}
}

// set activates or deactivates h; a deactivated slot's running iteration
// is interrupted after grace unless it is reactivated first (grace < 0:
// never, the executor's hard end applies).
func (h *handle) set(active bool, grace time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.active == active {
		return
	}
	h.active = active
	if active {
		if h.timer != nil {
			h.timer.Stop()
			h.timer = nil
		}
		select {
		case h.wake <- struct{}{}:
		default:
		}
		return
	}
	if h.cancel != nil && grace >= 0 {
		h.timer = time.AfterFunc(grace, h.cancel)
	}
}

// begin starts an iteration if h is active, under the slot's kept context
// unless a gracefulRampDown stop cancelled it; an inactive slot releases
// its context.
func (h *handle) begin(parent context.Context) (context.Context, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.active {
		h.releaseLocked()
		return nil, false
	}
	if h.ctx == nil || h.ctx.Err() != nil {
		h.releaseLocked()
		h.ctx, h.cancel = context.WithCancel(parent)
	}
	return h.ctx, true
}

// finish ends an iteration: a pending gracefulRampDown stop is no longer
// needed (the iteration ended within it).
func (h *handle) finish() {
	h.mu.Lock()
	if h.timer != nil {
		h.timer.Stop()
		h.timer = nil
	}
	h.mu.Unlock()
}

// release cancels the kept context once the slot stops iterating.
func (h *handle) release() {
	h.mu.Lock()
	h.releaseLocked()
	h.mu.Unlock()
}

func (h *handle) releaseLocked() {
	if h.timer != nil {
		h.timer.Stop()
		h.timer = nil
	}
	if h.cancel != nil {
		h.cancel()
	}
	h.ctx, h.cancel = nil, nil
}

func (e *rampingVUs) Run(ctx context.Context) error {
	d := e.begin(ctx, sumStages(e.cfg.Stages), e.cfg.GracefulStop.D())
	defer e.end(d)
	handles := make([]*handle, e.maxVUs)
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var runErr error
	for i := range handles {
		h := &handle{wake: make(chan struct{}, 1)}
		handles[i] = h
		wg.Go(func() {
			if err := e.serve(d, h); err != nil {
				errMu.Lock()
				runErr = errors.Join(runErr, err)
				errMu.Unlock()
			}
		})
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	cur := int64(0)
	total := sumStages(e.cfg.Stages)
	for _, s := range e.steps {
		if s.At >= total { // the regular end stops every VU below
			break
		}
		if wait := time.Until(d.start.Add(s.At)); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-d.regular.Done():
			}
		}
		if d.regular.Err() != nil {
			break
		}
		for ; cur < s.VUs; cur++ {
			handles[cur].set(true, 0)
		}
		for ; cur > s.VUs; cur-- {
			handles[cur-1].set(false, e.cfg.GracefulRampDown.D())
		}
	}
	<-d.regular.Done()
	for _, h := range handles {
		h.set(false, -1)
	}
	wg.Wait()
	return runErr
}

// serve runs one slot: while active, it loops iterations on a borrowed VU.
func (e *rampingVUs) serve(d *deadlines, h *handle) error {
	for {
		select {
		case <-h.wake:
		case <-d.regular.Done():
			return nil
		}
		var v vu.VU
		it := &vu.Iteration{}
		for !d.over() {
			ictx, ok := h.begin(d.hard)
			if !ok {
				break
			}
			if v == nil {
				var err error
				if v, err = e.env.Pool.Get(ictx); err != nil {
					h.release()
					return fmt.Errorf("scenario %s: getting a VU: %w", e.env.Scenario.Name, err)
				}
				e.hold(1)
			}
			e.nextIteration(it)
			e.iterate(ictx, v, it)
			h.finish()
		}
		h.release()
		if v != nil {
			e.hold(-1)
			e.env.Pool.Put(v)
		}
	}
}

func (e *rampingVUs) Progress() Progress {
	total := sumStages(e.cfg.Stages)
	el := min(e.elapsed(), total)
	return Progress{
		Fraction: fraction(float64(el), float64(total)),
		Status:   e.status.get(),
		Right:    []string{fmt.Sprintf("%0*d/%d VUs", len(fmt.Sprint(e.maxVUs)), e.active.Load(), e.maxVUs), fmtElapsed(el) + "/" + total.String()},
	}
}
