package executor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/vu"
)

// deadlines are an executor run's two ends (reference §1.3).
type deadlines struct {
	start time.Time
	// regular is done at the regular end, on a graceful stop, or at the
	// hard end: no iteration starts after it.
	regular context.Context
	// hard is done at the hard end (regular end + gracefulStop, or
	// gracefulStop after a graceful stop) or when Env.Kill ends: running
	// iterations are interrupted.
	hard       context.Context
	regularEnd time.Time
	stopped    atomic.Bool // graceful stop before the regular end
	cancel     func()
}

func newDeadlines(ctx, kill context.Context, regular, grace time.Duration) *deadlines {
	start := time.Now()
	hard, hardCancel := context.WithDeadline(kill, start.Add(regular+grace))
	reg, regCancel := context.WithDeadline(hard, start.Add(regular))
	d := &deadlines{start: start, regular: reg, hard: hard, regularEnd: start.Add(regular)}
	var mu sync.Mutex
	var timer *time.Timer
	stop := context.AfterFunc(ctx, func() {
		if reg.Err() == nil {
			d.stopped.Store(true)
		}
		regCancel()
		mu.Lock()
		timer = time.AfterFunc(grace, hardCancel)
		mu.Unlock()
	})
	d.cancel = func() {
		stop()
		regCancel()
		hardCancel()
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
	}
	return d
}

// over reports whether no iteration may start any more. At the regular
// end's exact instant it is already over, whichever timer fired first.
func (d *deadlines) over() bool {
	return d.regular.Err() != nil || !time.Now().Before(d.regularEnd)
}

// interrupted reports whether the run was cut short by a stop or a kill.
func (d *deadlines) interrupted(kill context.Context) bool {
	return d.stopped.Load() || kill.Err() != nil
}

// core is the state every executor shares.
type core struct {
	env     Env
	tags    *metrics.TagSet // run tags + scenario
	status  progress
	startNs atomic.Int64 // executor start, Unix ns; 0 before Run
	done    atomic.Int64 // full iterations
	active  atomic.Int64 // VUs held (looping) or running (arrival-rate)
	// ids is the tuple whose striping numbers iterations in the whole test
	// (exec.scenario.iterationInTest): env.Segment, or the re-segmented
	// tuple of executors that split work by a VU count.
	ids Segment
}

func newCore(env Env) core { return newCoreIDs(env, env.Segment) }

// newCoreIDs is newCore numbering iterations with the tuple ids.
func newCoreIDs(env Env, ids Segment) core {
	env.fill()
	return core{env: env, tags: env.RunTags.With("scenario", env.Scenario.Name), ids: ids}
}

// begin marks the executor started and returns its deadlines.
func (c *core) begin(ctx context.Context, regular, grace time.Duration) *deadlines {
	d := newDeadlines(ctx, c.env.Kill, regular, grace)
	c.startNs.Store(d.start.UnixNano())
	c.env.Scenario.MarkStarted(d.start)
	c.status.set(StatusRunning)
	context.AfterFunc(d.regular, func() {
		c.status.mu.Lock()
		if c.status.status == StatusRunning {
			c.status.status = StatusStopping
		}
		c.status.mu.Unlock()
	})
	return d
}

// end records the final status and releases the deadlines.
func (c *core) end(d *deadlines) {
	if d.interrupted(c.env.Kill) {
		c.status.set(StatusInterrupted)
	} else {
		c.status.set(StatusDone)
	}
	d.cancel()
}

func (c *core) elapsed() time.Duration {
	ns := c.startNs.Load()
	if ns == 0 {
		return 0
	}
	return time.Since(time.Unix(0, ns))
}

// emit sends one sample with run tags + scenario.
func (c *core) emit(m *metrics.Metric, v float64, t time.Time) {
	if m == nil {
		return
	}
	c.env.Out.Emit(metrics.Batch{Time: t, Tags: c.tags, Samples: []metrics.Sample{{Metric: m, Value: v}}})
}

func (c *core) builtin(f func(*metrics.Builtins) *metrics.Metric) *metrics.Metric {
	if c.env.Builtins == nil {
		return nil
	}
	return f(c.env.Builtins)
}

// iterate runs one iteration on v and counts it; it reports whether the
// iteration was full.
func (c *core) iterate(ctx context.Context, v vu.VU, it *vu.Iteration) bool {
	err := v.RunOnce(ctx, it)
	switch {
	case err == nil:
	case errors.Is(err, vu.ErrInterrupted):
		c.env.State.IterationsInterrupted.Add(1)
		return false
	default:
		var se *vu.ScriptError
		if !errors.As(err, &se) {
			c.env.Logger.Error("iteration failed", "scenario", c.env.Scenario.Name, "vu", v.ID(), "error", err)
		}
	}
	c.env.State.IterationsCompleted.Add(1)
	c.done.Add(1)
	return true
}

// nextIteration fills it with the scenario's next iteration numbers.
func (c *core) nextIteration(it *vu.Iteration) {
	it.Scenario = c.env.Scenario
	it.InInstance = c.env.Scenario.NextIteration()
	it.InTest = c.ids.Global(it.InInstance)
}

// withVUs borrows n VUs and runs body on each in its own goroutine, then
// returns them. The VUs count as active while held.
func (c *core) withVUs(d *deadlines, n int64, body func(i int64, v vu.VU)) error {
	var wg sync.WaitGroup
	var err error
	for i := range n {
		v, gerr := c.env.Pool.Get(d.hard)
		if gerr != nil {
			err = fmt.Errorf("scenario %s: getting VU %d: %w", c.env.Scenario.Name, i+1, gerr)
			break
		}
		c.hold(1)
		wg.Go(func() {
			defer func() { c.hold(-1); c.env.Pool.Put(v) }()
			body(i, v)
		})
	}
	wg.Wait()
	return err
}

func (c *core) hold(n int64) {
	c.active.Add(n)
	c.env.State.VUsActive.Add(n)
}

// vuWord formats "N VUs" as k6's bars do.
func vuWord(n int64) string {
	if n == 1 {
		return "1 VU"
	}
	return fmt.Sprintf("%d VUs", n)
}

func fraction(done, total float64) float64 {
	if total <= 0 {
		return 0
	}
	return min(max(done/total, 0), 1)
}

func droppedMetric(b *metrics.Builtins) *metrics.Metric { return b.DroppedIterations }
func lagMetric(b *metrics.Builtins) *metrics.Metric     { return b.ScheduleLag }
