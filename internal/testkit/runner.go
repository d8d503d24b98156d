package testkit

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

// IterFunc is one iteration of a FuncRunner VU. Returning an error makes it
// a full iteration that threw (a *vu.ScriptError), unless ctx has ended, in
// which case the iteration counts as interrupted.
type IterFunc func(ctx context.Context, vuID uint64, it *vu.Iteration) error

// FuncRunner is a vu.Runner whose iterations run Iter. Its VUs emit, for
// every full iteration, one batch with iterations (1) and
// iteration_duration (ms) stamped at the iteration end and tagged with
// RunTags + the scenario's tags + scenario=<name>, as internal/js does.
// Set the fields before the first call.
type FuncRunner struct {
	Iter     IterFunc
	Builtins *metrics.Builtins // nil: VUs emit nothing
	RunTags  map[string]string
	// SetupFunc and TeardownFunc, when set, are the lifecycle functions;
	// SetupFunc's data is kept and handed to TeardownFunc (see Data).
	SetupFunc    func(ctx context.Context) ([]byte, error)
	TeardownFunc func(ctx context.Context, data []byte) error
	// InitFunc, when set, runs in NewVU (to make init slow or fail).
	InitFunc func(ctx context.Context, id uint64) error

	mu      sync.Mutex
	calls   []string
	data    []byte
	created atomic.Int64
}

var _ vu.Runner = (*FuncRunner)(nil)

// NewVU returns a VU that runs r.Iter.
func (r *FuncRunner) NewVU(ctx context.Context, id uint64, out metrics.Emitter) (vu.VU, error) {
	if r.InitFunc != nil {
		if err := r.InitFunc(ctx, id); err != nil {
			return nil, fmt.Errorf("initialising VU %d: %w", id, err)
		}
	}
	r.created.Add(1)
	return &funcVU{r: r, id: id, out: out, tags: map[*vu.Scenario]*metrics.TagSet{}}, nil
}

// Setup records the call and runs SetupFunc.
func (r *FuncRunner) Setup(ctx context.Context, _ metrics.Emitter) error {
	r.record("setup")
	if r.SetupFunc == nil {
		return nil
	}
	data, err := r.SetupFunc(ctx)
	r.mu.Lock()
	r.data = data
	r.mu.Unlock()
	return err
}

// Teardown records the call and runs TeardownFunc with the setup data.
func (r *FuncRunner) Teardown(ctx context.Context, _ metrics.Emitter) error {
	r.record("teardown")
	if r.TeardownFunc == nil {
		return nil
	}
	return r.TeardownFunc(ctx, r.Data())
}

func (r *FuncRunner) record(call string) {
	r.mu.Lock()
	r.calls = append(r.calls, call)
	r.mu.Unlock()
}

// Calls returns the lifecycle calls made so far ("setup", "teardown").
func (r *FuncRunner) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

// Data returns what SetupFunc returned.
func (r *FuncRunner) Data() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.data
}

// VUsCreated returns how many VUs NewVU made.
func (r *FuncRunner) VUsCreated() int64 { return r.created.Load() }

type funcVU struct {
	r    *FuncRunner
	id   uint64
	out  metrics.Emitter
	tags map[*vu.Scenario]*metrics.TagSet // used by one goroutine at a time
}

func (v *funcVU) ID() uint64 { return v.id }

func (v *funcVU) RunOnce(ctx context.Context, it *vu.Iteration) error {
	start := time.Now()
	var err error
	if v.r.Iter != nil {
		err = v.r.Iter(ctx, v.id, it)
	}
	end := time.Now()
	if ctx.Err() != nil || errors.Is(err, vu.ErrInterrupted) {
		return fmt.Errorf("vu %d: %w", v.id, vu.ErrInterrupted)
	}
	if b := v.r.Builtins; b != nil {
		v.out.Emit(metrics.Batch{Time: end, Tags: v.tagsFor(it.Scenario), Samples: []metrics.Sample{
			{Metric: b.Iterations, Value: 1},
			{Metric: b.IterationDuration, Value: metrics.D(end.Sub(start))},
		}})
	}
	if err != nil {
		return &vu.ScriptError{Err: err}
	}
	return nil
}

func (v *funcVU) tagsFor(s *vu.Scenario) *metrics.TagSet {
	if t, ok := v.tags[s]; ok {
		return t
	}
	t := metrics.NewTagSet(v.r.RunTags)
	if s != nil {
		t = t.WithMap(s.Tags).With("scenario", s.Name)
	}
	v.tags[s] = t
	return t
}
