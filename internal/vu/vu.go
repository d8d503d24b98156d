// Package vu holds the contract between the script runtime (internal/js) and
// the engine that schedules it (internal/executor, internal/execution): the
// Runner that makes VUs, the VU that runs iterations, the Scenario and
// Iteration descriptions handed to it, and the shared test State read by
// k6/execution. Interfaces and plain types only.
package vu

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
)

// Runner creates VUs and runs the script's lifecycle functions.
type Runner interface {
	// NewVU initialises VU id (1-based): a fresh runtime running the init
	// code. Samples the VU produces go to out.
	NewVU(ctx context.Context, id uint64, out metrics.Emitter) (VU, error)
	// Setup runs the exported setup() (if any) in a transient VU and keeps
	// its JSON-encoded result for every VU's first iteration and teardown.
	Setup(ctx context.Context, out metrics.Emitter) error
	// Teardown runs the exported teardown(data) (if any).
	Teardown(ctx context.Context, out metrics.Emitter) error
}

// VU is one virtual user: one JS runtime, used by one goroutine at a time.
type VU interface {
	// ID returns the VU's 1-based id in this instance (__VU).
	ID() uint64
	// RunOnce runs one iteration of it.Scenario.Exec. ctx is the
	// iteration's hard-stop context: when it ends, running JS is
	// interrupted. The VU emits iterations and iteration_duration for full
	// iterations. It returns nil for a full iteration, a *ScriptError for a
	// full iteration that threw (already logged), and an error matching
	// ErrInterrupted when the iteration was cut short.
	RunOnce(ctx context.Context, it *Iteration) error
}

// ErrInterrupted marks an iteration interrupted by the end of its context
// (gracefulStop, abort, signal): not a full iteration.
var ErrInterrupted = errors.New("iteration interrupted")

// ScriptError is an exception thrown by script code during an iteration.
type ScriptError struct {
	Err error // the sobek error, with file:line:col in its message
}

func (e *ScriptError) Error() string { return e.Err.Error() }
func (e *ScriptError) Unwrap() error { return e.Err }

// Scenario describes one running scenario to the VUs that serve it.
type Scenario struct {
	Name     string
	Executor string            // executor type, e.g. "constant-vus"
	Exec     string            // exported function to call ("default")
	Env      map[string]string // merged over __ENV during its iterations
	Tags     map[string]string // added to every sample of the scenario

	// Progress returns the executor's progress (0..1); may be nil.
	Progress func() float64

	startUnixMilli atomic.Int64
	iterations     atomic.Int64
}

// MarkStarted records the scenario's start time (exec.scenario.startTime).
func (s *Scenario) MarkStarted(t time.Time) { s.startUnixMilli.Store(t.UnixMilli()) }

// StartTime returns the scenario's start in Unix milliseconds (0 before it starts).
func (s *Scenario) StartTime() int64 { return s.startUnixMilli.Load() }

// NextIteration claims the scenario's next 0-based iteration number in this
// instance (exec.scenario.iterationInInstance).
func (s *Scenario) NextIteration() int64 { return s.iterations.Add(1) - 1 }

// Iteration is what an executor hands a VU to run once.
type Iteration struct {
	Scenario *Scenario
	// InInstance is exec.scenario.iterationInInstance; InTest is
	// exec.scenario.iterationInTest (equal on a single instance).
	InInstance, InTest int64
	// Scheduled is the iteration's planned start for arrival-rate
	// executors (zero otherwise): latency measured from it is free of
	// coordinated omission.
	Scheduled time.Time
}

// State is the test-wide execution state that k6/execution reads and the
// scheduler updates. Counters are atomic; the rest is set before the run.
type State struct {
	IterationsCompleted   atomic.Int64
	IterationsInterrupted atomic.Int64
	VUsActive             atomic.Int64
	VUsInitialized        atomic.Int64

	// Options is the consolidated options JSON shown as exec.test.options.
	Options []byte
	// VUIDInTest maps a VU's id in this instance (__VU) to its id in the
	// whole test (exec.vu.idInTest) when the instance runs an execution
	// segment; nil is the identity.
	VUIDInTest func(id uint64) uint64

	mu       sync.Mutex
	start    time.Time
	abort    func(error)
	failed   []string
	abortErr error
}

// MarkStarted records the test start (before setup).
func (s *State) MarkStarted(t time.Time) { s.mu.Lock(); s.start = t; s.mu.Unlock() }

// Started returns the test start.
func (s *State) Started() time.Time { s.mu.Lock(); defer s.mu.Unlock(); return s.start }

// CurrentTestRunDuration returns the time since the test started.
func (s *State) CurrentTestRunDuration() time.Duration {
	st := s.Started()
	if st.IsZero() {
		return 0
	}
	return time.Since(st)
}

// SetAbortFunc installs what Abort calls (the scheduler cancels the run).
func (s *State) SetAbortFunc(f func(error)) { s.mu.Lock(); s.abort = f; s.mu.Unlock() }

// Abort stops the test with err (exec.test.abort, abortOnFail thresholds).
// The first error wins.
func (s *State) Abort(err error) {
	s.mu.Lock()
	if s.abortErr == nil {
		s.abortErr = err
	}
	f := s.abort
	s.mu.Unlock()
	if f != nil {
		f(err)
	}
}

// AbortErr returns the error the test was aborted with, if any.
func (s *State) AbortErr() error { s.mu.Lock(); defer s.mu.Unlock(); return s.abortErr }

// Fail marks the test as failed (exec.test.fail): it runs on, and ends with exit 110.
func (s *State) Fail(reason string) { s.mu.Lock(); s.failed = append(s.failed, reason); s.mu.Unlock() }

// Failed returns the reasons given to Fail.
func (s *State) Failed() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.failed...)
}
