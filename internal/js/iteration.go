package js

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/vu"
)

// scenarioCache is what a VU keeps per scenario so that iterations do not
// allocate: the exported function, the base tags and the merged __ENV.
type scenarioCache struct {
	fn    sobek.Callable
	tags  *metrics.TagSet
	env   *sobek.Object
	iters int64 // exec.vu.iterationInScenario of the next iteration
}

func (v *VU) scenario(s *vu.Scenario) (*scenarioCache, error) {
	sc := v.scen[s]
	if sc != nil && sc.fn != nil {
		return sc, nil
	}
	if sc == nil {
		sc = &scenarioCache{}
		v.scen[s] = sc
	}
	exec := s.Exec
	if exec == "" {
		exec = "default"
	}
	fn, ok := sobek.AssertFunction(v.ns.Get(exec))
	if !ok {
		return nil, fmt.Errorf("scenario %q: the script has no exported function %q", s.Name, exec)
	}
	sc.fn = fn
	t := v.r.runTags.WithMap(s.Tags)
	if v.r.sysTags["scenario"] {
		t = t.With("scenario", s.Name)
	}
	if v.r.sysTags["group"] {
		t = t.With("group", "")
	}
	sc.tags = t
	sc.env = v.env
	if len(s.Env) > 0 {
		merged := make(map[string]string, len(v.r.opts.Env)+len(s.Env))
		for k, val := range v.r.opts.Env {
			merged[k] = val
		}
		for k, val := range s.Env {
			merged[k] = val
		}
		sc.env = newEnvObject(v.rt, merged)
	}
	return sc, nil
}

// RunOnce runs one iteration of it.Scenario.Exec; see vu.VU.
func (v *VU) RunOnce(ctx context.Context, it *vu.Iteration) error {
	if v.broken {
		if err := v.rebuild(ctx); err != nil {
			return fmt.Errorf("rebuilding VU %d after an interrupted iteration: %w", v.id, err)
		}
	}
	sc, err := v.scenario(it.Scenario)
	if err != nil {
		return err
	}
	st := v.state
	st.Iteration = v.iter
	st.Scenario = it.Scenario
	st.Current = it
	st.IterationInScenario = sc.iters
	st.Group = ""
	if v.last != sc {
		st.SetTags(sc.tags)
		if v.last == nil || v.last.env != sc.env {
			must(v.rt.Set("__ENV", sc.env))
		}
		v.last = sc
	} else if g, ok := st.Tags().Get("group"); ok && g != "" {
		st.SetTags(st.Tags().With("group", ""))
	}
	if v.r.sysTags["vu"] || v.r.sysTags["iter"] {
		md := make(map[string]string, 2)
		if v.r.sysTags["vu"] {
			md["vu"] = strconv.FormatUint(v.id, 10)
		}
		if v.r.sysTags["iter"] {
			md["iter"] = strconv.FormatInt(v.iter, 10)
		}
		st.Metadata = md
	}
	v.curIter = v.iter
	v.iter++
	sc.iters++
	ctx = v.ownContext(ctx)
	v.ctx = ctx
	v.callFn = sc.fn
	v.net.ResetJar()
	start := time.Now()
	err = v.runJS(ctx, v.call)
	end := time.Now()

	if interrupted(err) || ctx.Err() != nil {
		if !v.healthy() {
			v.broken = true
		}
		v.emitNetwork(end, st)
		var xe *exit.Error
		if errors.As(err, &xe) {
			return fmt.Errorf("%w: %w", vu.ErrInterrupted, xe)
		}
		if err == nil {
			err = ctx.Err()
		}
		return fmt.Errorf("%w: %w", vu.ErrInterrupted, err)
	}
	sent, recv := v.net.Swap()
	v.net.IterationEnd()
	b := v.r.opts.Builtins
	v.out.Emit(metrics.Batch{Time: end, Tags: st.Tags(), Metadata: st.Metadata, Samples: []metrics.Sample{
		{Metric: b.DataSent, Value: float64(sent)},
		{Metric: b.DataReceived, Value: float64(recv)},
		{Metric: b.Iterations, Value: 1},
		{Metric: b.IterationDuration, Value: metrics.D(end.Sub(start))},
	}})
	if err != nil {
		serr := v.scriptError(err)
		v.r.logger.Error(serr.Error(), "executor", it.Scenario.Executor, "scenario", it.Scenario.Name, "source", "stacktrace")
		return &vu.ScriptError{Err: serr}
	}
	return nil
}

// interrupted reports whether err is sobek's interruption (a function of
// its own, so that the error variable is allocated only for an error).
func interrupted(err error) bool {
	if err == nil {
		return false
	}
	var intr *sobek.InterruptedError
	return errors.As(err, &intr)
}

// ownContext returns the VU's own child of the executor's context, made
// once per context: all VUs of a scenario iterate under one context, and
// every request's timeout context registers with its parent, so without a
// child per VU they would all take one lock and share one map of children.
func (v *VU) ownContext(parent context.Context) context.Context {
	if parent == v.ownParent && v.own != nil {
		return v.own
	}
	if v.ownCancel != nil {
		v.ownCancel()
	}
	v.ownParent = parent
	v.own, v.ownCancel = context.WithCancel(parent)
	return v.own
}

// emitNetwork emits the wire bytes the VU's handle counted since the last
// emission as data_sent and data_received, with the VU's current tags, as
// k6 does at the end of every run of an exported function (interrupted
// ones too), and closes idle connections under noVUConnectionReuse.
func (v *VU) emitNetwork(t time.Time, st *modules.State) {
	sent, recv := v.net.Swap()
	v.net.IterationEnd()
	b := v.r.opts.Builtins
	v.out.Emit(metrics.Batch{Time: t, Tags: st.Tags(), Metadata: st.Metadata, Samples: []metrics.Sample{
		{Metric: b.DataSent, Value: float64(sent)},
		{Metric: b.DataReceived, Value: float64(recv)},
	}})
}

// scriptError gives JS exceptions their full stack trace as message.
func (v *VU) scriptError(err error) error {
	var xe *exit.Error
	if errors.As(err, &xe) {
		return xe
	}
	var exc *sobek.Exception
	if errors.As(err, &exc) {
		return &ScriptException{exc: exc}
	}
	return err
}

// rebuild replaces the VU's runtime with a fresh one (init runs again),
// keeping its id, counters and output.
func (v *VU) rebuild(ctx context.Context) error {
	for s, sc := range v.scen {
		v.scen[s] = &scenarioCache{iters: sc.iters}
	}
	v.last, v.data, v.dataReady, v.broken = nil, nil, false, false
	if err := v.r.initVU(ctx, v); err != nil {
		v.broken = true
		return err
	}
	return nil
}
