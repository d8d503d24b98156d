package cli

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/execution"
	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/js"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/restapi"
	"github.com/llmbench/llmbench/internal/vu"
)

// errStoppedByAPI ends a run stopped with PATCH /v1/status stopped:true.
var errStoppedByAPI = exit.Errorf(exit.StoppedByAPI, "test run stopped from the REST API")

// runControl is the run as the REST API sees and steers it
// (restapi.Controller). The run function reports its progress with the
// set* methods; the scheduler's phase gives the status once it runs.
type runControl struct {
	mu          sync.Mutex
	status      int // before the scheduler runs
	paused      bool
	resume      chan struct{} // closed by SetPaused(false) or Stop
	started     bool          // the scheduler runs (or ran)
	ended       bool
	interrupted bool
	failed      bool // exec.test.fail(): MarkedAsFailed
	stopped     bool
	sched       *execution.Scheduler
	test        *vu.State
	agg         *aggregate.Aggregate
	life        *lifecycle // nil until attached
}

// lifecycle is what POST/PUT /v1/setup and POST /v1/teardown run on.
type lifecycle struct {
	runner                        *js.Runner
	out                           metrics.Emitter
	setupTimeout, teardownTimeout time.Duration
	mu                            sync.Mutex // one setup or teardown at a time
}

var (
	_ restapi.Controller = (*runControl)(nil)
	_ restapi.Lifecycle  = (*runControl)(nil)
)

// attachLifecycle lets the API run setup() and teardown() (with
// --no-setup/--no-teardown, setup runs once elsewhere and its data is PUT).
func (c *runControl) attachLifecycle(r *js.Runner, out metrics.Emitter, setupTimeout, teardownTimeout time.Duration) {
	c.mu.Lock()
	c.life = &lifecycle{runner: r, out: out, setupTimeout: setupTimeout, teardownTimeout: teardownTimeout}
	c.mu.Unlock()
}

func (c *runControl) lifecycle() (*lifecycle, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.life == nil {
		return nil, errors.New("the script is still initialising")
	}
	return c.life, nil
}

// Setup implements restapi.Lifecycle: it runs setup() in a transient VU.
func (c *runControl) Setup() (json.RawMessage, error) {
	l, err := c.lifecycle()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), l.setupTimeout)
	defer cancel()
	if err := l.runner.Setup(ctx, l.out); err != nil {
		return nil, err
	}
	return l.runner.SetupData(), nil
}

// SetSetupData implements restapi.Lifecycle.
func (c *runControl) SetSetupData(data json.RawMessage) error {
	l, err := c.lifecycle()
	if err != nil {
		return err
	}
	c.mu.Lock()
	started := c.started
	c.mu.Unlock()
	if started {
		return errors.New("the test has started: setup data can only be set before")
	}
	l.runner.SetSetupData(data)
	return nil
}

// SetupData implements restapi.Lifecycle.
func (c *runControl) SetupData() json.RawMessage {
	l, err := c.lifecycle()
	if err != nil {
		return nil
	}
	return l.runner.SetupData()
}

// Teardown implements restapi.Lifecycle: it runs teardown(data).
func (c *runControl) Teardown() error {
	l, err := c.lifecycle()
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), l.teardownTimeout)
	defer cancel()
	return l.runner.Teardown(ctx, l.out)
}

func newRunControl(paused bool) *runControl {
	return &runControl{status: restapi.StatusInitVUs, paused: paused, resume: make(chan struct{})}
}

// attach gives the control the loaded run.
func (c *runControl) attach(s *execution.Scheduler, test *vu.State, agg *aggregate.Aggregate) {
	c.mu.Lock()
	c.sched, c.test, c.agg = s, test, agg
	c.mu.Unlock()
}

// waitStart blocks after VU init while the run is paused: until
// PATCH paused=false, a stop (errStoppedByAPI) or ctx's end.
func (c *runControl) waitStart(ctx context.Context) error {
	c.mu.Lock()
	c.status = restapi.StatusInitDone
	if c.paused {
		c.status = restapi.StatusPausedBeforeRun
	}
	paused, stopped, resume := c.paused, c.stopped, c.resume
	c.mu.Unlock()
	if stopped {
		return errStoppedByAPI
	}
	if paused {
		select {
		case <-resume:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return errStoppedByAPI
	}
	c.started = true
	return nil
}

// setEnded records the end of the run.
func (c *runControl) setEnded(err error) {
	c.mu.Lock()
	c.ended = true
	c.interrupted = err != nil && !errors.Is(err, errStoppedByAPI) && exit.CodeOf(err) != exit.ThresholdsFailed
	c.interrupted = c.interrupted || c.stopped
	c.failed = exit.CodeOf(err) == exit.MarkedAsFailed
	c.mu.Unlock()
}

// Status implements restapi.Controller.
func (c *runControl) Status() restapi.Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := restapi.Status{Status: c.status, Paused: c.paused, Stopped: c.stopped, Running: c.started && !c.ended}
	if c.test != nil {
		s.VUs, s.VUsMax = c.test.VUsActive.Load(), c.test.VUsInitialized.Load()
	}
	if c.agg != nil {
		s.Tainted = len(c.agg.Failed()) > 0
	}
	switch {
	case c.ended && c.failed:
		s.Status = restapi.StatusMarkedAsFailed
	case c.ended && c.interrupted:
		s.Status = restapi.StatusInterrupted
	case c.ended:
		s.Status = restapi.StatusEnded
	case c.started && c.sched != nil:
		switch c.sched.Phase() {
		case execution.PhaseSetup:
			s.Status = restapi.StatusSetup
		case execution.PhaseRunning:
			s.Status = restapi.StatusRunning
		case execution.PhaseTeardown:
			s.Status = restapi.StatusTeardown
		case execution.PhaseDone:
			s.Status = restapi.StatusEnded
		default:
			s.Status = restapi.StatusStarted
		}
	}
	return s
}

// SetPaused implements restapi.Controller: before the start it pauses or
// releases the run; a started run cannot be paused.
func (c *runControl) SetPaused(paused bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started || c.ended {
		if paused {
			return errors.New("pausing a running test is not supported: llmbench's executors cannot be paused")
		}
		return nil
	}
	if c.paused && !paused {
		close(c.resume)
		c.resume = make(chan struct{})
	}
	c.paused = paused
	if c.status == restapi.StatusPausedBeforeRun || c.status == restapi.StatusInitDone {
		c.status = restapi.StatusInitDone
		if paused {
			c.status = restapi.StatusPausedBeforeRun
		}
	}
	return nil
}

// Stop implements restapi.Controller: it aborts the run (exit 103).
func (c *runControl) Stop() {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.stopped = true
	close(c.resume)
	c.resume = make(chan struct{})
	test, started := c.test, c.started
	c.mu.Unlock()
	if started && test != nil {
		test.Abort(errStoppedByAPI)
	}
}
