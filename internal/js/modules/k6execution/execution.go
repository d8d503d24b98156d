package k6execution

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/vu"
)

// Module is the "k6/execution" module.
type Module struct{}

// New returns the "k6/execution" module.
func New() *Module { return &Module{} }

// NewInstance builds one VU's exec object.
func (*Module) NewInstance(v modules.VU) (modules.Instance, error) {
	i := &instance{vu: v, rt: v.Runtime()}
	o := i.rt.NewObject()
	must(o.Set("instance", i.instanceObject()))
	must(o.Set("scenario", i.scenarioObject()))
	must(o.Set("vu", i.vuObject()))
	must(o.Set("test", i.testObject()))
	i.exec = o
	return i, nil
}

type instance struct {
	vu      modules.VU
	rt      *sobek.Runtime
	exec    *sobek.Object
	options sobek.Value
}

// ExportNames implements modules.ExportNamer.
func (*Module) ExportNames() []string { return []string{"instance", "scenario", "vu", "test"} }

func (i *instance) Exports() modules.Exports {
	return modules.Exports{Default: i.exec, Named: map[string]any{
		"instance": i.exec.Get("instance"), "scenario": i.exec.Get("scenario"),
		"vu": i.exec.Get("vu"), "test": i.exec.Get("test"),
	}}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func (i *instance) throw(msg string) { panic(i.rt.NewGoError(errors.New(msg))) }

// getters defines read-only accessor properties.
func (i *instance) getters(o *sobek.Object, g map[string]func() any) {
	for name, f := range g {
		get := i.rt.ToValue(func(sobek.FunctionCall) sobek.Value { return i.rt.ToValue(f()) })
		must(o.DefineAccessorProperty(name, get, nil, sobek.FLAG_FALSE, sobek.FLAG_TRUE))
	}
}

func (i *instance) state(what string) *modules.State {
	st := i.vu.State()
	if st == nil {
		i.throw(what)
	}
	return st
}

func (i *instance) instanceObject() *sobek.Object {
	o := i.rt.NewObject()
	const msg = "getting instance information in the init context is not supported"
	test := func() *vu.State { return i.state(msg).Test }
	i.getters(o, map[string]func() any{
		"currentTestRunDuration": func() any { return metrics.D(test().CurrentTestRunDuration()) },
		"iterationsCompleted":    func() any { return test().IterationsCompleted.Load() },
		"iterationsInterrupted":  func() any { return test().IterationsInterrupted.Load() },
		"vusActive":              func() any { return test().VUsActive.Load() },
		"vusInitialized":         func() any { return test().VUsInitialized.Load() },
	})
	return o
}

func (i *instance) scenarioObject() *sobek.Object {
	o := i.rt.NewObject()
	const msg = "getting scenario information outside of the VU context is not supported"
	sc := func() *modules.State {
		st := i.state(msg)
		if st.Scenario == nil {
			i.throw(msg)
		}
		return st
	}
	i.getters(o, map[string]func() any{
		"name":      func() any { return sc().Scenario.Name },
		"executor":  func() any { return sc().Scenario.Executor },
		"startTime": func() any { return sc().Scenario.StartTime() },
		"progress": func() any {
			if p := sc().Scenario.Progress; p != nil {
				return p()
			}
			return 0.0
		},
		"iterationInInstance": func() any { return i.iteration(sc(), false) },
		"iterationInTest":     func() any { return i.iteration(sc(), true) },
	})
	return o
}

// iteration reads the current iteration numbers, which the runner keeps
// in the state's scenario-iteration fields.
func (i *instance) iteration(st *modules.State, inTest bool) int64 {
	if st.Current == nil {
		return 0
	}
	if inTest {
		return st.Current.InTest
	}
	return st.Current.InInstance
}

func (i *instance) vuObject() *sobek.Object {
	o := i.rt.NewObject()
	const msg = "getting VU information in the init context is not supported"
	i.getters(o, map[string]func() any{
		"idInInstance":        func() any { return i.vuID() },
		"idInTest":            func() any { return i.vuIDInTest() },
		"iterationInInstance": func() any { return i.state(msg).Iteration },
		"iterationInScenario": func() any { return i.state(msg).IterationInScenario },
	})
	tags := i.rt.NewDynamicObject(&tagsObject{i: i})
	must(o.DefineDataProperty("tags", tags, sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE))
	m := i.rt.NewObject()
	must(m.DefineDataProperty("tags", tags, sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE))
	must(m.DefineDataProperty("metadata", i.rt.NewDynamicObject(&metadataObject{i: i}), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE))
	must(o.DefineDataProperty("metrics", m, sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE))
	return o
}

// vuID is __VU; it is known in init too.
// vuIDInTest is the VU's id in the whole test: the global id of its
// striped number when the instance runs an execution segment.
func (i *instance) vuIDInTest() uint64 {
	id := i.vuID()
	if st := i.vu.State(); st != nil && st.Test != nil && st.Test.VUIDInTest != nil {
		return st.Test.VUIDInTest(id)
	}
	return id
}

func (i *instance) vuID() uint64 {
	if st := i.vu.State(); st != nil {
		return st.VUID
	}
	return uint64(i.rt.Get("__VU").ToInteger())
}

func (i *instance) testObject() *sobek.Object {
	o := i.rt.NewObject()
	must(o.Set("abort", func(call sobek.FunctionCall) sobek.Value {
		st := i.vu.State()
		reason := "test aborted"
		if a := call.Argument(0); !sobek.IsUndefined(a) {
			reason += ": " + a.String()
		}
		err := exit.New(exit.ScriptAborted, errors.New(reason))
		if st != nil && st.Test != nil {
			st.Test.Abort(err)
		}
		i.rt.Interrupt(err)
		return sobek.Undefined()
	}))
	must(o.Set("fail", func(call sobek.FunctionCall) sobek.Value {
		st := i.state("test.fail() is not supported in the init context")
		reason := "test marked as failed"
		if a := call.Argument(0); !sobek.IsUndefined(a) {
			reason += ": " + a.String()
		}
		if st.Logger != nil {
			st.Logger.Error(reason)
		}
		if st.Test != nil {
			st.Test.Fail(reason)
		}
		return sobek.Undefined()
	}))
	get := i.rt.ToValue(func(sobek.FunctionCall) sobek.Value { return i.testOptions() })
	must(o.DefineAccessorProperty("options", get, nil, sobek.FLAG_FALSE, sobek.FLAG_TRUE))
	return o
}

// testOptions is the frozen consolidated options object, built once.
func (i *instance) testOptions() sobek.Value {
	st := i.state("getting test options in the init context is not supported")
	if i.options != nil {
		return i.options
	}
	raw := []byte("{}")
	if st.Test != nil && len(st.Test.Options) > 0 {
		raw = st.Test.Options
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		i.throw(fmt.Sprintf("reading the test options: %v", err))
	}
	for _, k := range []string{"vus", "iterations", "duration", "stages"} {
		delete(m, k)
	}
	b, _ := json.Marshal(m)
	parse, _ := sobek.AssertFunction(i.rt.Get("JSON").ToObject(i.rt).Get("parse"))
	v, err := parse(sobek.Undefined(), i.rt.ToValue(string(b)))
	if err != nil {
		panic(err)
	}
	modules.DeepFreeze(i.rt, v)
	i.options = v
	return v
}
