package modules

import "github.com/grafana/sobek"

// DeepFreeze freezes v and every object reachable from it (Object.freeze,
// with isFrozen as the cycle guard).
func DeepFreeze(rt *sobek.Runtime, v sobek.Value) {
	obj := rt.Get("Object").ToObject(rt)
	freeze, _ := sobek.AssertFunction(obj.Get("freeze"))
	isFrozen, _ := sobek.AssertFunction(obj.Get("isFrozen"))
	var walk func(v sobek.Value)
	walk = func(v sobek.Value) {
		o, ok := v.(*sobek.Object)
		if !ok {
			return
		}
		if f, err := isFrozen(sobek.Undefined(), o); err == nil && f.ToBoolean() {
			return
		}
		if _, err := freeze(sobek.Undefined(), o); err != nil {
			panic(err)
		}
		for _, k := range o.Keys() {
			walk(o.Get(k))
		}
	}
	walk(v)
}
