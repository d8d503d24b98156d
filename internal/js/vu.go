package js

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/netx"
	"github.com/llmbench/llmbench/internal/vu"
)

// VU is one virtual user: a sobek runtime that ran the script's init code,
// its event loop and timers. It implements vu.VU and modules.VU. Use it
// from one goroutine at a time.
type VU struct {
	r   *Runner
	id  uint64
	out metrics.Emitter

	rt      *sobek.Runtime
	loop    *eventLoop
	timers  *timers
	ns      *sobek.Object
	env     *sobek.Object
	ctx     context.Context
	initEnv *modules.InitEnv
	state   *modules.State
	// net is the VU's network handle; it outlives rebuilt runtimes.
	net *netx.VU
	// requiring holds the directory URLs of the files require() is
	// evaluating, innermost last: open() there is relative to them.
	requiring []string

	iter      int64
	curIter   int64 // __ITER
	scen      map[*vu.Scenario]*scenarioCache
	last      *scenarioCache
	data      sobek.Value
	dataReady bool
	broken    bool

	// Reused per iteration so RunOnce does not allocate closures.
	runCtx    context.Context
	watchStop func() bool
	// own is the VU's child of ownParent, the executor's context (see
	// ownContext).
	own, ownParent context.Context
	ownCancel      context.CancelFunc
	interrupt      func()
	interrupted    chan struct{}
	call           func() error
	callFn         sobek.Callable
	args           [1]sobek.Value // callFn's argument, the setup data
}

var (
	_ vu.VU      = (*VU)(nil)
	_ modules.VU = (*VU)(nil)
)

// ID returns __VU.
func (v *VU) ID() uint64 { return v.id }

// Context is the iteration context while one runs, else the VU's context.
func (v *VU) Context() context.Context { return v.ctx }

// Runtime returns the VU's sobek runtime.
func (v *VU) Runtime() *sobek.Runtime { return v.rt }

// InitEnv is non-nil only while init code runs.
func (v *VU) InitEnv() *modules.InitEnv { return v.initEnv }

// State is nil during init.
func (v *VU) State() *modules.State { return v.state }

// RegisterCallback reserves a slot on the VU's event loop.
func (v *VU) RegisterCallback() func(func() error) { return v.loop.reserve() }

// newVU builds a runtime for VU id and runs the init code in it.
func (r *Runner) newVU(ctx context.Context, id uint64, out metrics.Emitter) (*VU, error) {
	if out == nil {
		out = metrics.Discard
	}
	v := &VU{r: r, id: id, out: out, scen: map[*vu.Scenario]*scenarioCache{}}
	if err := r.initVU(ctx, v); err != nil {
		return nil, err
	}
	return v, nil
}

// initVU gives v a fresh runtime and runs the init code in it.
func (r *Runner) initVU(ctx context.Context, v *VU) error {
	id := v.id
	if v.rt != nil {
		v.unwatch() // the old runtime's watch must not fire into the new one
	}
	v.ctx = ctx
	v.rt = sobek.New()
	v.rt.SetFieldNameMapper(fieldMapper{})
	v.loop = newEventLoop(v.rt)
	v.timers = newTimers(v.loop)
	v.env = newEnvObject(v.rt, r.opts.Env)
	if v.net == nil {
		v.net = netx.New(r.opts.Net)
	}
	v.initEnv = &modules.InitEnv{Registry: r.opts.Metrics, Builtins: r.opts.Builtins, Logger: r.logger, CWD: r.rootDir, Net: v.net}
	v.state = &modules.State{
		VUID:       id,
		Builtins:   r.opts.Builtins,
		Registry:   r.opts.Metrics,
		Out:        v.out,
		Logger:     r.logger,
		Test:       r.opts.Test,
		SystemTags: r.sysTags,
		Net:        v.net,
	}
	v.interrupted = make(chan struct{}, 1)
	v.interrupt = func() {
		v.rt.Interrupt(context.Cause(v.runCtx))
		v.interrupted <- struct{}{}
	}
	v.call = func() error {
		v.args[0] = v.setupValue() // one slice for every call
		_, err := v.callFn(sobek.Undefined(), v.args[:]...)
		return err
	}
	v.setGlobals()
	v.rt.SetFinalImportMeta(v.importMeta)
	state := v.state
	v.state = nil

	r.vus.put(v.rt, v)
	defer r.vus.del(v.rt)
	var p *sobek.Promise
	err := v.runJS(ctx, func() error {
		p = r.entry.Evaluate(v.rt)
		v.loop.ignore = p
		return nil
	})
	v.initEnv = nil
	v.state = state
	if err != nil {
		return initError(err)
	}
	switch p.State() {
	case sobek.PromiseStateRejected:
		res := p.Result()
		if e, ok := res.Export().(error); ok {
			return initError(e)
		}
		return exit.New(exit.ScriptException, errors.New(describeValue(v.rt, res)))
	case sobek.PromiseStatePending:
		return exit.Errorf(exit.ScriptException, "the script's top-level await never settled")
	}
	v.ns = v.rt.NamespaceObjectFor(r.entry)
	if r.ld.isCommonJS(r.entry) {
		// A CommonJS script: its exports are module.exports' properties.
		if m, ok := v.ns.Get("default").(*sobek.Object); ok {
			v.ns = m
		}
	}
	return nil
}

// importMeta sets import.meta.url (the module's file URL) and
// import.meta.resolve(spec), which resolves spec against it.
func (v *VU) importMeta(o *sobek.Object, m sobek.ModuleRecord) {
	v.r.ld.mu.RLock()
	u := v.r.ld.urlOf[m]
	v.r.ld.mu.RUnlock()
	if u == nil {
		return
	}
	must(o.Set("url", u.String()))
	base := u
	if u.String() == stdinURL && v.r.ld.cwd != nil {
		base = v.r.ld.cwd // the stdin script resolves against the CWD
	}
	must(o.Set("resolve", func(call sobek.FunctionCall) sobek.Value {
		r, err := base.Parse(call.Argument(0).String())
		if err != nil {
			panic(v.rt.NewGoError(fmt.Errorf("import.meta.resolve: %w", err)))
		}
		return v.rt.ToValue(r.String())
	}))
}

// Close releases what the VU holds outside its runtime once the test is
// done with it: the interrupt watch, its own context and the idle
// keep-alive connections of its network handle (a --linger run or a Go
// caller would otherwise keep them open to the system under test).
func (v *VU) Close() {
	if v.rt != nil {
		v.unwatch()
	}
	if v.ownCancel != nil {
		v.ownCancel()
		v.own, v.ownParent, v.ownCancel = nil, nil, nil
	}
	if v.net != nil {
		v.net.Close()
	}
}

// runJS runs first and the event loop under ctx: the runtime is
// interrupted when ctx ends, timers are stopped and queued callbacks are
// dropped afterwards.
//
// The watch that interrupts the runtime when ctx ends outlives the run: a
// VU runs iteration after iteration under one context, and registering a
// context.AfterFunc per iteration costs a child entry in the context's
// map, a closure and a lock each time. It is replaced when the context
// changes and removed once it has fired.
func (v *VU) runJS(ctx context.Context, first func() error) error {
	v.watch(ctx)
	err := v.loop.run(ctx, first)
	if v.watchStop != nil && ctx.Err() != nil {
		v.unwatch() // it fired (or is firing): wait for it before clearing
	}
	if len(v.timers.active) > 0 {
		var warn func(string, int64)
		if ctx.Err() != nil {
			warn = v.warnTimer
		}
		v.timers.stopAll(warn)
	}
	v.loop.drain()
	v.rt.ClearInterrupt()
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return err
}

// watch makes ctx's end interrupt the runtime, keeping the watch of an
// earlier run under the same context.
func (v *VU) watch(ctx context.Context) {
	if ctx == v.runCtx && v.watchStop != nil {
		return
	}
	v.unwatch()
	if ctx.Done() == nil {
		return
	}
	v.runCtx = ctx
	v.watchStop = context.AfterFunc(ctx, v.interrupt)
}

// unwatch removes the watch; when it has already fired it waits for the
// interrupt to be delivered and clears it, so that it cannot reach a later
// run.
func (v *VU) unwatch() {
	if v.watchStop == nil {
		return
	}
	if !v.watchStop() {
		<-v.interrupted
		v.rt.ClearInterrupt()
	}
	v.watchStop, v.runCtx = nil, nil
}

func (v *VU) warnTimer(kind string, id int64) {
	v.r.logger.Warn(fmt.Sprintf("%s %d was stopped because the VU iteration was interrupted", kind, id))
}

// initError tags an init failure with exit 107, keeping the stack trace.
func initError(err error) error {
	var exc *sobek.Exception
	if errors.As(err, &exc) {
		return exit.New(exit.ScriptException, &ScriptException{exc: exc})
	}
	var x *exit.Error
	if errors.As(err, &x) {
		return err
	}
	return exit.New(exit.ScriptException, err)
}

// ScriptException is a JS exception; its message is the full stack trace
// with file:line:col positions.
type ScriptException struct{ exc *sobek.Exception }

func (e *ScriptException) Error() string { return strings.TrimRight(e.exc.String(), "\n") }
func (e *ScriptException) Unwrap() error { return e.exc }

// healthy reports whether promise jobs still run in the runtime (an
// interrupt inside async code can break it).
func (v *VU) healthy() bool {
	res, err := v.rt.RunProgram(healthPrg)
	if err != nil {
		return false
	}
	o, ok := res.(*sobek.Object)
	return ok && o.Get("ok").ToBoolean()
}

var healthPrg = sobek.MustCompile("health",
	`(function(){ var s = {ok:false}; Promise.resolve().then(function(){ s.ok = true }); return s })()`, true)

// fieldMapper maps Go names to JS: a js tag wins, fields otherwise become
// snake_case and methods get a lower-case first letter.
type fieldMapper struct{}

func (fieldMapper) FieldName(_ reflect.Type, f reflect.StructField) string {
	if tag, ok := f.Tag.Lookup("js"); ok {
		if tag == "-" {
			return ""
		}
		return tag
	}
	var b strings.Builder
	rs := []rune(f.Name)
	for i, c := range rs {
		if unicode.IsUpper(c) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
				b.WriteByte('_')
			}
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (fieldMapper) MethodName(_ reflect.Type, m reflect.Method) string {
	switch m.Name {
	case "JSON", "HTML", "URL":
		return strings.ToLower(m.Name)
	}
	return strings.ToLower(m.Name[:1]) + m.Name[1:]
}

func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }
