package js

import (
	"fmt"
	"slices"
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
	names []string // from modules.ExportNamer, or learned at the first Instantiate
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
	if m.names == nil {
		if n, ok := m.mod.(modules.ExportNamer); ok {
			m.names = append(slices.Sorted(slices.Values(n.ExportNames())), "default")
		}
	}
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
	m.mu.Lock()
	want := m.names == nil
	m.mu.Unlock()
	ni, names := exportValues(rt, inst.Exports(), want)
	m.mu.Lock()
	if m.names == nil {
		m.names = names
	}
	m.mu.Unlock()
	return ni, nil
}

// exportValues returns the module instance's binding values and the sorted
// export names ("default" last): with only Named, default is an object
// holding them; with only Default, the names are its own keys.
//
// Named exports are converted to JS when first read, and the default
// object of a Named-only module is a dynamic object over them: a VU that
// imports k6/http and calls two of its functions makes two function
// objects, not 34 (each VU's runtime holds its own, so eagerly they
// were about an eighth of a VU's heap).
//
// The names are made only when want is set (the module record learns them
// once), except for a Named module, whose default object lists them.
func exportValues(rt *sobek.Runtime, ex modules.Exports, want bool) (*nativeInstance, []string) {
	i := &nativeInstance{rt: rt, named: ex.Named, lookup: ex.Lookup, vals: make(map[string]sobek.Value, 4)}
	var names []string
	if ex.Lookup != nil {
		i.names = ex.Names
		if !want && ex.Default == nil {
			i.def = &defaultExports{i: i}
			i.vals["default"] = rt.NewDynamicObject(i.def)
			return i, nil
		}
		names = ex.Names[:len(ex.Names):len(ex.Names)] // appending copies
	} else {
		names = make([]string, 0, len(ex.Named)+1)
		for k := range ex.Named {
			names = append(names, k)
		}
		sort.Strings(names)
	}
	switch {
	case ex.Default != nil:
		d := rt.ToValue(ex.Default)
		i.vals["default"] = d
		if len(names) == 0 {
			if o, ok := d.(*sobek.Object); ok {
				for _, k := range o.Keys() {
					i.vals[k] = o.Get(k)
					names = append(names, k)
				}
			}
		}
	default:
		if i.names == nil {
			i.names = names
		}
		i.def = &defaultExports{i: i}
		i.vals["default"] = rt.NewDynamicObject(i.def)
	}
	names = append(names, "default")
	return i, names
}

// nativeInstance is a native module's instance in one runtime.
type nativeInstance struct {
	rt     *sobek.Runtime
	named  map[string]any
	lookup func(string) any // instead of named (modules.Exports.Lookup)
	names  []string         // sorted named keys (the default object's keys)
	vals   map[string]sobek.Value
	// def is the default export of a module with only named exports; the
	// named bindings read through it, as in k6.
	def *defaultExports
}

func (i *nativeInstance) HasTLA() bool { return false }
func (i *nativeInstance) ExecuteModule(*sobek.Runtime, func(any) error, func(any) error) (sobek.CyclicModuleInstance, error) {
	return i, nil
}

// GetBindingValue returns an export's value, converted on first use. A
// module with only named exports has live bindings, as in k6: they read
// the default export object's property, so a script that assigns
// http.get (a wrapper, a mock) or deletes it changes what
// `import { get } from 'k6/http'` sees.
func (i *nativeInstance) GetBindingValue(name string) sobek.Value {
	if d := i.def; d != nil && name != "default" {
		if v, ok := d.own[name]; ok {
			return v
		}
		if d.deleted[name] {
			return sobek.Undefined()
		}
	}
	return i.export(name)
}

// export returns a named export's own value, converted on first use.
func (i *nativeInstance) export(name string) sobek.Value {
	if v, ok := i.vals[name]; ok {
		return v
	}
	if !i.has(name) {
		return sobek.Undefined()
	}
	var g any
	if i.lookup != nil {
		g = i.lookup(name)
	} else {
		g = i.named[name]
	}
	v := i.rt.ToValue(g)
	i.vals[name] = v
	return v
}

// has reports whether the module has a named export name.
func (i *nativeInstance) has(name string) bool {
	if i.lookup != nil {
		_, ok := slices.BinarySearch(i.names, name)
		return ok
	}
	_, ok := i.named[name]
	return ok
}

// defaultExports is the default export of a module with only named
// exports: an object whose properties are the named exports (the same
// values as the named bindings), which scripts may also assign and delete
// as on a plain object without changing the named bindings.
type defaultExports struct {
	i       *nativeInstance
	own     map[string]sobek.Value // assigned by the script
	added   []string               // own keys that are not in place of a named export, in order
	deleted map[string]bool        // named exports deleted by the script
}

var _ sobek.DynamicObject = (*defaultExports)(nil)

func (d *defaultExports) Get(key string) sobek.Value {
	if v, ok := d.own[key]; ok {
		return v
	}
	if d.deleted[key] {
		return nil
	}
	if !d.i.has(key) {
		return nil
	}
	return d.i.export(key)
}

func (d *defaultExports) Set(key string, val sobek.Value) bool {
	if d.own == nil {
		d.own = make(map[string]sobek.Value)
	}
	if named := d.i.has(key); (!named || d.deleted[key]) && !d.hasOwn(key) {
		d.added = append(d.added, key) // a new property goes last
	}
	d.own[key] = val
	return true
}

func (d *defaultExports) hasOwn(key string) bool {
	_, ok := d.own[key]
	return ok
}

func (d *defaultExports) Has(key string) bool {
	if d.hasOwn(key) {
		return true
	}
	return d.i.has(key) && !d.deleted[key]
}

func (d *defaultExports) Delete(key string) bool {
	if d.hasOwn(key) {
		delete(d.own, key)
		for j, k := range d.added {
			if k == key {
				d.added = append(d.added[:j], d.added[j+1:]...)
				break
			}
		}
	}
	if d.i.has(key) {
		if d.deleted == nil {
			d.deleted = make(map[string]bool)
		}
		d.deleted[key] = true
	}
	return true
}

// Keys lists the properties in a plain object's order: the named exports
// (sorted) that remain, then the properties the script added.
func (d *defaultExports) Keys() []string {
	keys := make([]string, 0, len(d.i.names)+len(d.added))
	for _, k := range d.i.names {
		if !d.deleted[k] {
			keys = append(keys, k)
		}
	}
	return append(keys, d.added...)
}
