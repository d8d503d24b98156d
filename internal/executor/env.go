package executor

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/vu"
)

// Pool lends initialised VUs to executors. It is shared by every scenario
// of a run and safe for concurrent use.
type Pool interface {
	// Get returns an idle initialised VU. When none is idle it initialises
	// a new one (the plan made before setup normally prevents that).
	Get(ctx context.Context) (vu.VU, error)
	// New initialises one more VU (arrival-rate executors' unplanned VUs).
	New(ctx context.Context) (vu.VU, error)
	// Put returns a VU for reuse by any scenario.
	Put(v vu.VU)
}

// Env is what an executor needs from the run.
type Env struct {
	Pool     Pool
	Scenario *vu.Scenario
	Out      metrics.Emitter
	Builtins *metrics.Builtins
	// RunTags are the run's tags (options.tags, --tag); the executor's own
	// samples (dropped_iterations, schedule_lag) carry them plus scenario.
	RunTags *metrics.TagSet
	Logger  *slog.Logger
	// State receives iteration counts and the number of active VUs.
	State *vu.State
	// Kill, when done, interrupts every running iteration at once (abort).
	// Nil means never.
	Kill context.Context
	// Segment is this instance's part of the test; zero is 0:1.
	Segment Segment
	// SpinWait is how long before a scheduled start the arrival-times
	// executor stops sleeping and spins (yielding) until the exact instant,
	// since a sleeping goroutine wakes up to a millisecond or more late. The
	// engine sets DefaultSpinWait; zero sleeps only, as tests in virtual
	// time need (a spinning goroutine never lets virtual time advance). It
	// is ignored when the process may run on one CPU only.
	SpinWait time.Duration
}

// DefaultSpinWait is the engine's Env.SpinWait. Each start costs up to this
// much CPU (capped at half the gap to the previous start).
const DefaultSpinWait = 2 * time.Millisecond

func (e *Env) fill() {
	if e.Kill == nil {
		e.Kill = context.Background()
	}
	if e.Logger == nil {
		e.Logger = slog.New(slog.DiscardHandler)
	}
	if e.Out == nil {
		e.Out = metrics.Discard
	}
	if e.State == nil {
		e.State = &vu.State{}
	}
	if e.Scenario == nil {
		e.Scenario = &vu.Scenario{}
	}
}

// Status is an executor's state as the progress bars show it.
type Status string

// Executor states.
const (
	StatusWaiting     Status = "waiting"     // before startTime
	StatusRunning     Status = "running"     // starting iterations
	StatusStopping    Status = "stopping"    // regular end passed, iterations finishing
	StatusDone        Status = "done"        // ended normally
	StatusInterrupted Status = "interrupted" // stopped early (signal, abort)
)

// Progress is a snapshot of an executor for the UI.
type Progress struct {
	Fraction float64 // 0..1
	Status   Status
	// Right are k6's right-hand columns, e.g. "5 VUs", "05.0s/30s".
	Right []string
}

// progress holds the mutable parts of an executor's Progress.
type progress struct {
	mu     sync.Mutex
	status Status
}

func (p *progress) set(s Status) { p.mu.Lock(); p.status = s; p.mu.Unlock() }

func (p *progress) get() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.status == "" {
		return StatusWaiting
	}
	return p.status
}
