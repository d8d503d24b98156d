package executor

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/vu"
)

// arrival is the machinery both arrival-rate executors share: a pool of
// active VUs that each run one iteration per dispatch, dropping scheduled
// iterations that find no idle VU, and lazily initialising VUs up to maxVUs.
type arrival struct {
	core
	preAlloc, maxVUs int64
	allocated        atomic.Int64
	// hasWork is false when this instance's share of maxVUs is 0: the other
	// instances then run every arrival.
	hasWork bool
	// spin is how long before each start run spins instead of sleeping
	// (Env.SpinWait for arrival-times; 0 for the arrival-rate executors).
	spin time.Duration
}

// newArrival splits preAllocatedVUs and maxVUs by env.Segment and the
// arrivals by the tuple re-segmented by maxVUs (reference §5): the share
// of the rate follows the split of maxVUs, not the segment's length.
// spin is how long before each start the run spins instead of sleeping.
func newArrival(env Env, preAlloc, maxVUs int64, spin time.Duration) arrival {
	ids, ok := env.Segment.Resegment(maxVUs)
	return arrival{core: newCoreIDs(env, ids), hasWork: ok, spin: spin,
		preAlloc: env.Segment.Scale(preAlloc), maxVUs: env.Segment.Scale(maxVUs)}
}

// share is the fraction of the arrivals this instance runs.
func (a *arrival) share() float64 {
	if !a.hasWork {
		return 0
	}
	return a.ids.Fraction()
}

// job is one scheduled iteration.
type job struct {
	// inTest is the arrival's global index (exec.scenario.iterationInTest:
	// a dropped arrival keeps its index, so a trace stays aligned).
	inTest    int64
	scheduled time.Time
}

// arrivalRun is the state of one Run.
type arrivalRun struct {
	a    *arrival
	d    *deadlines
	idle chan *arrivalVU // VUs waiting for a job; capacity maxVUs

	mu      sync.Mutex
	all     []*arrivalVU
	closed  bool
	initing bool
	warned  bool
	vus     sync.WaitGroup
	inits   sync.WaitGroup
	lag     *metrics.Metric
	dropped *metrics.Metric
}

// arrivalVU is one VU serving an arrival-rate executor.
type arrivalVU struct {
	v    vu.VU
	jobs chan job // capacity 1: a VU takes a job only when idle
}

// run schedules the iterations of times (global index, offset) that the
// re-segmented tuple owns, from the executor start; it returns at the
// regular end (or when stopped), once running iterations are done. An
// instance without work returns at once.
func (a *arrival) run(ctx context.Context, times iter.Seq2[int64, time.Duration], regular, grace time.Duration) error {
	d := a.begin(ctx, regular, grace)
	defer a.end(d)
	if !a.hasWork {
		return nil
	}
	r := &arrivalRun{a: a, d: d, idle: make(chan *arrivalVU, max(a.maxVUs, a.preAlloc)),
		lag: a.builtin(lagMetric), dropped: a.builtin(droppedMetric)}
	for i := range a.preAlloc {
		v, err := a.env.Pool.Get(d.hard)
		if err != nil {
			r.close()
			return fmt.Errorf("scenario %s: getting VU %d: %w", a.env.Scenario.Name, i+1, err)
		}
		r.add(v)
	}
	timer := time.NewTimer(0)
	<-timer.C
	defer timer.Stop()
	seg := a.ids
	var prev time.Duration
loop:
	for k, at := range times {
		if !seg.Owns(k) {
			continue
		}
		when := d.start.Add(at)
		spin := min(a.spin, (at-prev)/2)
		prev = at
		if wait := time.Until(when) - spin; wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				break loop
			case <-d.hard.Done():
				break loop
			}
		} else if ctx.Err() != nil || d.hard.Err() != nil {
			break
		}
		if spin > 0 && !spinUntil(ctx, d.hard, when) {
			break
		}
		r.dispatch(job{inTest: k, scheduled: when})
	}
	// As k6, the executor lasts its whole duration even when no iteration
	// is scheduled before its end, so rates divide by the real run time.
	select {
	case <-d.regular.Done():
	case <-d.hard.Done():
	}
	r.close()
	return nil
}

// spinUntil yields the processor until when; it reports false when ctx or
// hard ended first.
func spinUntil(ctx, hard context.Context, when time.Time) bool {
	for i := 0; time.Now().Before(when); i++ {
		if i%64 == 0 && (ctx.Err() != nil || hard.Err() != nil) {
			return false
		}
		runtime.Gosched()
	}
	return true
}

// add starts serving jobs on v; after close it returns v to the pool.
func (r *arrivalRun) add(v vu.VU) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		r.a.env.Pool.Put(v)
		return
	}
	r.a.allocated.Add(1)
	av := &arrivalVU{v: v, jobs: make(chan job, 1)}
	r.all = append(r.all, av)
	r.idle <- av
	r.vus.Go(func() { r.serve(av) })
}

func (r *arrivalRun) serve(av *arrivalVU) {
	v := av.v
	defer r.a.env.Pool.Put(v)
	it := &vu.Iteration{}
	for j := range av.jobs {
		now := time.Now()
		r.a.nextIteration(it)
		it.InTest = j.inTest
		it.Scheduled = j.scheduled
		if r.lag != nil {
			r.a.env.Out.Emit(metrics.Batch{Time: now, Tags: r.a.tags,
				Samples: []metrics.Sample{{Metric: r.lag, Value: metrics.D(now.Sub(j.scheduled))}}})
		}
		r.a.hold(1)
		r.a.iterate(r.d.hard, v, it)
		r.a.hold(-1)
		r.idle <- av // never blocks: capacity is maxVUs
	}
}

// dispatch hands j to an idle VU or drops it (reference §1.6).
func (r *arrivalRun) dispatch(j job) {
	select {
	case av := <-r.idle:
		av.jobs <- j
		return
	default:
	}
	r.a.emit(r.dropped, 1, time.Now())
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.initing:
	case r.a.allocated.Load() < r.a.maxVUs:
		r.initing = true
		r.inits.Go(r.newVU)
	case !r.warned:
		r.warned = true
		r.a.env.Logger.Warn(fmt.Sprintf("Insufficient VUs, reached %d active VUs and cannot initialize more", r.a.allocated.Load()),
			"executor", r.a.env.Scenario.Executor, "scenario", r.a.env.Scenario.Name)
	}
}

// newVU initialises one unplanned VU.
func (r *arrivalRun) newVU() {
	v, err := r.a.env.Pool.New(r.d.hard)
	if err != nil {
		r.a.env.Logger.Error("initialising an unplanned VU", "scenario", r.a.env.Scenario.Name, "error", err)
	} else {
		r.add(v)
	}
	r.mu.Lock()
	r.initing = false
	r.mu.Unlock()
}

// close stops dispatching and waits for the VUs' last iterations.
func (r *arrivalRun) close() {
	r.mu.Lock()
	r.closed = true
	for _, av := range r.all {
		close(av.jobs)
	}
	r.mu.Unlock()
	r.inits.Wait()
	r.vus.Wait()
}

func (a *arrival) progress(total time.Duration, rate float64) Progress {
	el := min(a.elapsed(), total)
	w := len(fmt.Sprint(a.maxVUs))
	return Progress{
		Fraction: fraction(float64(el), float64(total)),
		Status:   a.status.get(),
		Right: []string{
			fmt.Sprintf("%0*d/%0*d VUs", w, a.active.Load(), w, max(a.allocated.Load(), a.preAlloc)),
			fmtElapsed(el) + "/" + total.String(),
			fmt.Sprintf("%.2f iters/s", rate),
		},
	}
}
