package k6data

import (
	"errors"
	"strconv"
	"sync"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
)

// Module is the "k6/data" module. Its arrays live as long as the module.
type Module struct {
	mu     sync.Mutex
	arrays map[string]*shared
}

// shared is one named array: its elements as JSON strings.
type shared struct {
	once  sync.Once
	elems []string
	err   error
}

// New returns the "k6/data" module.
func New() *Module { return &Module{arrays: map[string]*shared{}} }

// NewInstance builds one VU's SharedArray constructor.
func (m *Module) NewInstance(v modules.VU) (modules.Instance, error) {
	return &instance{m: m, vu: v}, nil
}

type instance struct {
	m  *Module
	vu modules.VU
}

// ExportNames implements modules.ExportNamer.
func (*Module) ExportNames() []string { return []string{"SharedArray"} }

func (i *instance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{"SharedArray": i.newSharedArray}}
}

func (m *Module) get(name string) *shared {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.arrays[name]
	if s == nil {
		s = &shared{}
		m.arrays[name] = s
	}
	return s
}

// newSharedArray is `new SharedArray(name, fn)`.
func (i *instance) newSharedArray(call sobek.ConstructorCall) *sobek.Object {
	rt := i.vu.Runtime()
	if i.vu.InitEnv() == nil {
		panic(rt.NewGoError(errors.New("new SharedArray must be called in the init context")))
	}
	name := call.Argument(0).String()
	if sobek.IsUndefined(call.Argument(0)) || name == "" {
		panic(rt.NewGoError(errors.New("empty name provided to SharedArray's constructor")))
	}
	fn, ok := sobek.AssertFunction(call.Argument(1))
	if !ok {
		panic(rt.NewGoError(errors.New("a function is expected as the second argument of SharedArray's constructor")))
	}
	s := i.m.get(name)
	s.once.Do(func() { s.elems, s.err = build(rt, fn) })
	if s.err != nil {
		panic(rt.NewGoError(s.err))
	}
	return rt.NewDynamicArray(&array{rt: rt, elems: s.elems})
}

// build calls fn and stores each element's JSON.stringify.
func build(rt *sobek.Runtime, fn sobek.Callable) (elems []string, err error) {
	v, err := fn(sobek.Undefined())
	if err != nil {
		return nil, errors.New(err.Error())
	}
	o, ok := v.(*sobek.Object)
	if !ok || o.ClassName() != "Array" {
		return nil, errors.New("only arrays can be made into SharedArray")
	}
	stringify, _ := sobek.AssertFunction(rt.Get("JSON").ToObject(rt).Get("stringify"))
	n := int(o.Get("length").ToInteger())
	elems = make([]string, n)
	for k := 0; k < n; k++ {
		s, err := stringify(sobek.Undefined(), o.Get(strconv.Itoa(k)))
		if err != nil {
			return nil, errors.New(err.Error())
		}
		if sobek.IsUndefined(s) {
			elems[k] = "null"
			continue
		}
		elems[k] = s.String()
	}
	return elems, nil
}

// array is one runtime's read-only view of a shared array.
type array struct {
	rt    *sobek.Runtime
	elems []string
	parse sobek.Callable
}

func (a *array) Len() int { return len(a.elems) }

func (a *array) Get(idx int) sobek.Value {
	if idx < 0 || idx >= len(a.elems) {
		return sobek.Undefined()
	}
	if a.parse == nil {
		a.parse, _ = sobek.AssertFunction(a.rt.Get("JSON").ToObject(a.rt).Get("parse"))
	}
	v, err := a.parse(sobek.Undefined(), a.rt.ToValue(a.elems[idx]))
	if err != nil {
		panic(err)
	}
	modules.DeepFreeze(a.rt, v)
	return v
}

func (a *array) Set(int, sobek.Value) bool {
	panic(a.rt.NewTypeError("SharedArray is immutable"))
}

func (a *array) SetLen(int) bool {
	panic(a.rt.NewTypeError("SharedArray is immutable"))
}
