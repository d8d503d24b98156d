package execution

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/metrics"
)

var (
	errSetupTimeout    = errors.New("setup timeout")
	errTeardownTimeout = errors.New("teardown timeout")
)

// Run runs setup, the scenarios and teardown (see the package doc). Its
// error carries the exit code: the abort error, a setup/teardown failure
// (100/101 on timeout), or runCtx's or globalCtx's cause when that is an
// *exit.Error.
func (s *Scheduler) Run(globalCtx, runCtx context.Context) error {
	test := s.cfg.Test
	test.MarkStarted(time.Now())
	test.SetAbortFunc(func(err error) { s.killFn(err) })
	defer test.SetAbortFunc(nil)
	stopKill := context.AfterFunc(globalCtx, func() { s.killFn(context.Cause(globalCtx)) })
	defer stopKill()
	defer s.phase.Store(PhaseDone)

	stopVUs := s.emitVUs()
	defer stopVUs()

	if !s.cfg.NoSetup {
		s.phase.Store(PhaseSetup)
		if err := s.setup(runCtx); err != nil {
			return s.result(err, globalCtx, runCtx)
		}
	}

	// Collect what initialising the VUs and setup() left behind before the
	// load starts: the heap goal is then set from the live heap, so no GC
	// cycle triggered by init's growth lands in the first iterations (each
	// cycle takes CPU from the VUs and delays their reads).
	runtime.GC()

	s.phase.Store(PhaseRunning)
	runErr := s.runScenarios(runCtx)
	s.pool.close() // the VUs' idle connections to the system under test

	if !s.cfg.NoTeardown {
		s.phase.Store(PhaseTeardown)
		if err := s.teardown(globalCtx); err != nil {
			if runErr != nil || test.AbortErr() != nil {
				s.cfg.Logger.Error("teardown failed", "error", err)
			} else {
				runErr = err
			}
		}
	}
	return s.result(runErr, globalCtx, runCtx)
}

// result picks the run's error: an abort wins, then err, then a cause
// carrying an exit code.
func (s *Scheduler) result(err error, globalCtx, runCtx context.Context) error {
	if a := s.cfg.Test.AbortErr(); a != nil {
		return a
	}
	if err != nil {
		return err
	}
	for _, ctx := range []context.Context{globalCtx, runCtx} {
		var e *exit.Error
		if cause := context.Cause(ctx); cause != nil && errors.As(cause, &e) {
			return cause
		}
	}
	return nil
}

func lifecycleTimeout(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultLifecycleTimeout
	}
	return d
}

// setup runs setup() until it returns, its timeout, a kill, or runCtx's
// end (the first signal: a setup stuck on a server must not need a second).
func (s *Scheduler) setup(runCtx context.Context) error {
	timeout := lifecycleTimeout(s.cfg.SetupTimeout)
	ctx, cancel := context.WithTimeoutCause(s.kill, timeout, errSetupTimeout)
	defer cancel()
	defer context.AfterFunc(runCtx, cancel)()
	err := s.cfg.Runner.Setup(ctx, s.cfg.Out)
	if err != nil && errors.Is(context.Cause(ctx), errSetupTimeout) {
		return exit.Errorf(exit.SetupTimeout, "setup() execution timed out after %d seconds", int(timeout.Seconds()))
	}
	return err
}

func (s *Scheduler) teardown(globalCtx context.Context) error {
	timeout := lifecycleTimeout(s.cfg.TeardownTimeout)
	ctx, cancel := context.WithTimeoutCause(globalCtx, timeout, errTeardownTimeout)
	defer cancel()
	err := s.cfg.Runner.Teardown(ctx, s.cfg.Out)
	if err != nil && errors.Is(context.Cause(ctx), errTeardownTimeout) {
		return exit.Errorf(exit.TeardownTimeout, "teardown() execution timed out after %d seconds", int(timeout.Seconds()))
	}
	return err
}

// runScenarios starts every executor at its startTime and waits for all.
// The graceful context ends with runCtx or on a kill.
func (s *Scheduler) runScenarios(runCtx context.Context) error {
	ctx, cancel := context.WithCancel(runCtx)
	defer cancel()
	stop := context.AfterFunc(s.kill, cancel)
	defer stop()
	launched := time.Now()
	s.launchedNano.Store(launched.UnixNano())
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, r := range s.scenarios {
		wg.Go(func() {
			if wait := time.Until(launched.Add(r.cfg.Base().StartTime.D())); wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-t.C:
				case <-ctx.Done():
					t.Stop()
					r.skipped.Store(true)
					return
				}
			}
			r.started.Store(true)
			if err := r.exec.Run(ctx); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("scenario %s: %w", r.cfg.Name(), err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// emitVUs emits vus and vus_max every second from now, and once more when
// the returned function is called.
func (s *Scheduler) emitVUs() func() {
	b := s.cfg.Builtins
	if b == nil {
		return func() {}
	}
	emit := func(t time.Time) {
		s.cfg.Out.Emit(metrics.Batch{Time: t, Tags: s.runTags, Samples: []metrics.Sample{
			{Metric: b.VUs, Value: float64(s.cfg.Test.VUsActive.Load())},
			{Metric: b.VUsMax, Value: float64(s.cfg.Test.VUsInitialized.Load())},
		}})
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case t := <-tick.C:
				emit(t)
			case <-done:
				return
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		emit(time.Now())
	}
}
