package js

import (
	"fmt"
	"sort"
	"sync"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
)

// vuIndex maps a runtime being initialised to its VU, so that native
// module records (process-wide) can find the VU in Instantiate.
type vuIndex struct{ m sync.Map }

func (x *vuIndex) put(rt *sobek.Runtime, v *VU) { x.m.Store(rt, v) }
func (x *vuIndex) del(rt *sobek.Runtime)        { x.m.Delete(rt) }
func (x *vuIndex) get(rt *sobek.Runtime) *VU {
	v, _ := x.m.Load(rt)
	vu, _ := v.(*VU)
	return vu
}

// nativeRecord is the process-wide CyclicModuleRecord of one Go module.
// Its per-runtime values are built once in Instantiate.
type nativeRecord struct {
	name string
	mod  modules.Module
	vus  *vuIndex

	mu    sync.Mutex
	names []string // learned at the first Instantiate
}

var _ sobek.CyclicModuleRecord = (*nativeRecord)(nil)

func (m *nativeRecord) Link() error                  { return nil }
func (m *nativeRecord) RequestedModules() []string   { return nil }
func (m *nativeRecord) InitializeEnvironment() error { return nil }
func (m *nativeRecord) Evaluate(*sobek.Runtime) *sobek.Promise {
	panic("js: native module records are never evaluated directly")
}

func (m *nativeRecord) GetExportedNames(cb func([]string), _ ...sobek.ModuleRecord) bool {
	m.mu.Lock()
	names := m.names
	m.mu.Unlock()
	if names == nil {
		return false
	}
	cb(names)
	return true
}

func (m *nativeRecord) ResolveExport(name string, _ ...sobek.ResolveSetElement) (*sobek.ResolvedBinding, bool) {
	return &sobek.ResolvedBinding{Module: m, BindingName: name}, false
}

func (m *nativeRecord) Instantiate(rt *sobek.Runtime) (sobek.CyclicModuleInstance, error) {
	v := m.vus.get(rt)
	if v == nil {
		return nil, fmt.Errorf("module %q: no VU for this runtime", m.name)
	}
	inst, err := m.mod.NewInstance(v)
	if err != nil {
		return nil, fmt.Errorf("module %q: %w", m.name, err)
	}
	vals, names := exportValues(rt, inst.Exports())
	m.mu.Lock()
	if m.names == nil {
		m.names = names
	}
	m.mu.Unlock()
	return &nativeInstance{vals: vals}, nil
}

// exportValues converts a module's exports to JS once: with only Named,
// default is an object holding them; with only Default, the names are its
// own keys.
func exportValues(rt *sobek.Runtime, ex modules.Exports) (map[string]sobek.Value, []string) {
	vals := make(map[string]sobek.Value, len(ex.Named)+1)
	names := make([]string, 0, len(ex.Named)+1)
	for k, v := range ex.Named {
		vals[k] = rt.ToValue(v)
		names = append(names, k)
	}
	sort.Strings(names)
	switch {
	case ex.Default != nil:
		d := rt.ToValue(ex.Default)
		vals["default"] = d
		if len(ex.Named) == 0 {
			if o, ok := d.(*sobek.Object); ok {
				for _, k := range o.Keys() {
					vals[k] = o.Get(k)
					names = append(names, k)
				}
			}
		}
	default:
		o := rt.NewObject()
		for _, k := range names {
			_ = o.Set(k, vals[k])
		}
		vals["default"] = o
	}
	names = append(names, "default")
	return vals, names
}

type nativeInstance struct{ vals map[string]sobek.Value }

func (i *nativeInstance) HasTLA() bool { return false }
func (i *nativeInstance) ExecuteModule(*sobek.Runtime, func(any) error, func(any) error) (sobek.CyclicModuleInstance, error) {
	return i, nil
}
func (i *nativeInstance) GetBindingValue(name string) sobek.Value {
	if v, ok := i.vals[name]; ok {
		return v
	}
	return sobek.Undefined()
}
