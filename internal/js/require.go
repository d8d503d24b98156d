package js

import (
	"fmt"

	"github.com/grafana/sobek"
)

// require is k6's init-only require(specifier): the specifier resolves
// against the file require is written in (the caller's frame), the module
// is linked and evaluated in this runtime at once, and the result is a
// CommonJS file's module.exports, an ES module's namespace, or a Go
// module's default export object. While it evaluates, open() resolves
// against the required file's directory, as in k6.
func (v *VU) require(call sobek.FunctionCall) sobek.Value {
	rt := v.rt
	spec := call.Argument(0).String()
	if v.initEnv == nil {
		panic(rt.NewGoError(fmt.Errorf("require(%q): require() is only available in the init context", spec)))
	}
	ld := v.r.ld
	var referrer sobek.ModuleRecord
	if frames := rt.CaptureCallStack(2, nil); len(frames) > 1 {
		ld.mu.RLock()
		referrer = ld.byURL[frames[1].SrcName()]
		ld.mu.RUnlock()
	}
	rec, err := ld.resolve(referrer, spec)
	if err == nil {
		err = ld.linkOnce(rec)
	}
	if err != nil {
		panic(rt.NewGoError(fmt.Errorf("require(%q): %w", spec, err)))
	}
	cyclic, ok := rec.(sobek.CyclicModuleRecord)
	if !ok {
		panic(rt.NewGoError(fmt.Errorf("require(%q): not a module that can be required", spec)))
	}
	ld.mu.RLock()
	u := ld.urlOf[rec]
	ld.mu.RUnlock()
	if u != nil {
		v.requiring = append(v.requiring, dirOf(u.String()))
		defer func() { v.requiring = v.requiring[:len(v.requiring)-1] }()
	}
	p := rt.CyclicModuleRecordEvaluate(cyclic, ld.resolve)
	if p.State() == sobek.PromiseStateRejected {
		res := p.Result()
		if o, ok := res.(*sobek.Object); ok {
			panic(o)
		}
		panic(rt.NewGoError(fmt.Errorf("require(%q): %s", spec, res)))
	}
	if _, native := rec.(*nativeRecord); native {
		return rt.GetModuleInstance(rec).GetBindingValue("default")
	}
	ns := rt.NamespaceObjectFor(rec)
	if ld.isCommonJS(rec) {
		return ns.Get("default")
	}
	return ns
}

// linkOnce links a module record reached through require(), once per
// process (VUs after VU 0 find it linked).
func (l *loader) linkOnce(m sobek.ModuleRecord) error {
	l.linkMu.Lock()
	defer l.linkMu.Unlock()
	if l.linked[m] {
		return nil
	}
	if err := link(m); err != nil {
		return err
	}
	l.linked[m] = true
	return nil
}
