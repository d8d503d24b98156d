// Package modulestest is a modules.VU for module tests: a real sobek
// runtime on the test's goroutine, an InitEnv while the module is
// "initialised", a State once the test moves the VU to running, every
// emitted batch captured, and the callbacks of async calls queued for the
// test to run. Tests that need the whole engine (imports, executors, the
// event loop) run real scripts through internal/js instead.
package modulestest

import (
	"context"
	"testing"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/testkit"
)

// VU implements modules.VU. Use it from the test's goroutine only, as a
// VU's runtime is used.
type VU struct {
	Ctx      context.Context
	RT       *sobek.Runtime
	Init     *modules.InitEnv // non-nil until MoveToRun
	St       *modules.State   // nil until MoveToRun
	Registry *metrics.Registry
	// Out captures every batch the module emits through State.
	Out *testkit.CaptureEmitter

	calls chan func() error
}

var _ modules.VU = (*VU)(nil)

// New returns a VU in its init stage, with a fresh metric registry and the
// built-in metrics registered. Its context ends with the test.
func New(t testing.TB) *VU {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	reg := metrics.NewRegistry()
	return &VU{
		Ctx:      ctx,
		RT:       sobek.New(),
		Init:     &modules.InitEnv{Registry: reg, Builtins: metrics.RegisterBuiltins(reg)},
		Registry: reg,
		Out:      &testkit.CaptureEmitter{},
		calls:    make(chan func() error, 64),
	}
}

// Context implements modules.VU.
func (v *VU) Context() context.Context { return v.Ctx }

// Runtime implements modules.VU.
func (v *VU) Runtime() *sobek.Runtime { return v.RT }

// InitEnv implements modules.VU.
func (v *VU) InitEnv() *modules.InitEnv { return v.Init }

// State implements modules.VU.
func (v *VU) State() *modules.State { return v.St }

// RegisterCallback implements modules.VU: the work handed to the returned
// function waits in a queue until the test calls RunCallback.
func (v *VU) RegisterCallback() func(func() error) {
	return func(f func() error) { v.calls <- f }
}

// Load makes a module instance for v and sets its named exports as the
// global name, as `import * as name from '…'` would.
func (v *VU) Load(t testing.TB, m modules.Module, name string) {
	t.Helper()
	inst, err := m.NewInstance(v)
	if err != nil {
		t.Fatalf("NewInstance: %v", err)
	}
	if err := v.RT.Set(name, inst.Exports().Named); err != nil {
		t.Fatal(err)
	}
}

// MoveToRun ends the init stage (call it once): InitEnv becomes nil and
// State is set, on the same registry and built-in metrics, with tag scenario=default, metadata vu=1 and the
// emitted batches going to Out.
func (v *VU) MoveToRun() {
	b := v.Init.Builtins
	v.Init = nil
	v.St = &modules.State{
		Registry: v.Registry,
		Builtins: b,
		Out:      v.Out,
		Metadata: map[string]string{"vu": "1"},
	}
	v.St.SetTags(metrics.NewTagSet(map[string]string{"scenario": "default"}))
}

// RunCallback waits up to timeout for the next queued callback and runs it
// on the test's goroutine, as the event loop would.
func (v *VU) RunCallback(t testing.TB, timeout time.Duration) {
	t.Helper()
	select {
	case f := <-v.calls:
		if err := f(); err != nil {
			t.Fatalf("callback: %v", err)
		}
	case <-time.After(timeout):
		t.Fatalf("no callback within %v", timeout)
	}
}

// RunJS runs src on the VU's runtime and returns its value.
func (v *VU) RunJS(t testing.TB, src string) sobek.Value {
	t.Helper()
	val, err := v.RT.RunString(src)
	if err != nil {
		t.Fatalf("script: %v", err)
	}
	return val
}
