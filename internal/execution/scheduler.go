package execution

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/llmbench/llmbench/internal/executor"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/vu"
)

// DefaultLifecycleTimeout is k6's setupTimeout and teardownTimeout.
const DefaultLifecycleTimeout = 60 * time.Second

// Config is what a Scheduler runs.
type Config struct {
	Scenarios []executor.Config
	Runner    vu.Runner
	Test      *vu.State
	Out       metrics.Emitter
	Builtins  *metrics.Builtins
	RunTags   map[string]string
	Logger    *slog.Logger
	NoSetup   bool
	// NoTeardown skips teardown().
	NoTeardown bool
	// SetupTimeout and TeardownTimeout default to 60s.
	SetupTimeout, TeardownTimeout time.Duration
	// Segment is this instance's execution segment; zero is 0:1.
	Segment executor.Segment
}

// Phase is where a run stands, for the UI's first line.
type Phase string

// Run phases.
const (
	PhaseCreated  Phase = ""
	PhaseInit     Phase = "init"
	PhaseSetup    Phase = "setup"
	PhaseRunning  Phase = "running"
	PhaseTeardown Phase = "teardown"
	PhaseDone     Phase = "done"
)

// Scheduler runs a test's lifecycle and its scenarios.
type Scheduler struct {
	cfg       Config
	pool      *pool
	runTags   *metrics.TagSet
	scenarios []*scenarioRun
	kill      context.Context // ends on abort or globalCtx's end
	killFn    context.CancelCauseFunc

	phase        atomic.Value // Phase
	initDone     atomic.Int64
	initTotal    atomic.Int64
	launchedNano atomic.Int64
}

type scenarioRun struct {
	cfg     executor.Config
	exec    executor.Executor
	started atomic.Bool
	skipped atomic.Bool // the run stopped before its startTime
}

// ScenarioProgress is one scenario's progress for the UI.
type ScenarioProgress struct {
	Name string
	executor.Progress
}

// New prepares a Scheduler; scenarios are ordered by startTime, then name.
func New(cfg Config) *Scheduler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Out == nil {
		cfg.Out = metrics.Discard
	}
	if cfg.Test == nil {
		cfg.Test = &vu.State{}
	}
	s := &Scheduler{cfg: cfg, runTags: metrics.NewTagSet(cfg.RunTags),
		pool: &pool{runner: cfg.Runner, out: cfg.Out, test: cfg.Test}}
	s.kill, s.killFn = context.WithCancelCause(context.Background())
	s.phase.Store(PhaseCreated)
	sorted := slices.Clone(cfg.Scenarios)
	slices.SortStableFunc(sorted, func(a, b executor.Config) int {
		return cmp.Or(cmp.Compare(a.Base().StartTime, b.Base().StartTime), cmp.Compare(a.Name(), b.Name()))
	})
	for _, c := range sorted {
		b := c.Base()
		sc := &vu.Scenario{Name: c.Name(), Executor: c.Type(), Exec: b.Exec, Env: b.Env, Tags: b.Tags}
		r := &scenarioRun{cfg: c}
		r.exec = c.New(executor.Env{
			Pool: s.pool, Scenario: sc, Out: cfg.Out, Builtins: cfg.Builtins, RunTags: s.runTags,
			Logger: cfg.Logger.With("scenario", c.Name()), State: cfg.Test, Kill: s.kill, Segment: cfg.Segment,
			SpinWait: executor.DefaultSpinWait,
		})
		sc.Progress = func() float64 { return r.exec.Progress().Fraction }
		s.scenarios = append(s.scenarios, r)
	}
	return s
}

// Init initialises the planned VUs concurrently (see PlannedVUs).
func (s *Scheduler) Init(ctx context.Context) error {
	s.phase.Store(PhaseInit)
	n := SegmentPlannedVUs(s.cfg.Segment, s.cfg.Scenarios)
	s.initTotal.Store(n)
	if err := s.pool.fill(ctx, n, func(done int64) { s.initDone.Store(done) }); err != nil {
		return fmt.Errorf("initialising VUs: %w", err)
	}
	return nil
}

// InitProgress returns how many of the planned VUs are initialised, for
// "n/m VUs initialized".
func (s *Scheduler) InitProgress() (done, total int64) { return s.initDone.Load(), s.initTotal.Load() }

// Phase returns where the run stands.
func (s *Scheduler) Phase() Phase { return s.phase.Load().(Phase) }

// Progress returns every scenario's progress, in start order.
func (s *Scheduler) Progress() []ScenarioProgress {
	out := make([]ScenarioProgress, 0, len(s.scenarios))
	launched := s.launchedNano.Load()
	for _, r := range s.scenarios {
		p := ScenarioProgress{Name: r.cfg.Name()}
		switch {
		case r.started.Load():
			p.Progress = r.exec.Progress()
		case r.skipped.Load():
			p.Progress = executor.Progress{Status: executor.StatusInterrupted}
		default:
			left := r.cfg.Base().StartTime.D()
			if launched != 0 {
				left -= time.Since(time.Unix(0, launched))
			}
			p.Progress = executor.Progress{Status: executor.StatusWaiting,
				Right: []string{"waiting", max(left, 0).Round(time.Second).String()}}
		}
		out = append(out, p)
	}
	return out
}

// MaxVUs returns the header's "max VUs" for this run's scenarios and
// segment (planned + lazily created arrival-rate VUs).
func (s *Scheduler) MaxVUs() int64 { return SegmentMaxVUs(s.cfg.Segment, s.cfg.Scenarios) }

// MaxDuration returns the header's "max duration (incl. graceful stop)".
func (s *Scheduler) MaxDuration() time.Duration { return MaxDuration(s.cfg.Scenarios) }
