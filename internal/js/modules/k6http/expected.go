package k6http

import (
	"errors"
	"fmt"
	"math"

	"github.com/grafana/sobek"
)

// expectedStatuses is what http.expectedStatuses returns: exact statuses
// and inclusive ranges.
type expectedStatuses struct {
	exact  []int
	ranges [][2]int
}

var defaultCallback = &expectedStatuses{ranges: [][2]int{{200, 399}}}

func (e *expectedStatuses) match(status int) bool {
	for _, s := range e.exact {
		if s == status {
			return true
		}
	}
	for _, r := range e.ranges {
		if status >= r[0] && status <= r[1] {
			return true
		}
	}
	return false
}

func isInteger(v sobek.Value) (int, bool) {
	if v == nil {
		return 0, false
	}
	switch x := v.Export().(type) {
	case int64:
		return int(x), true
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return int(x), true
		}
	}
	return 0, false
}

// expectedStatuses(...args).
func (i *instance) expectedStatuses(call sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	if len(call.Arguments) == 0 {
		throwGo(rt, errors.New("no arguments"))
	}
	e := &expectedStatuses{}
	for n, a := range call.Arguments {
		if s, ok := isInteger(a); ok {
			e.exact = append(e.exact, s)
			continue
		}
		o, ok := a.(*sobek.Object)
		if !ok || isNullish(a) {
			throwGo(rt, fmt.Errorf("argument number %d to expectedStatuses was neither an integer nor an object like {min:100, max:329}", n+1))
		}
		lo, ok1 := isInteger(o.Get("min"))
		hi, ok2 := isInteger(o.Get("max"))
		if o.Get("min") == nil || o.Get("max") == nil || !ok1 || !ok2 {
			throwGo(rt, fmt.Errorf("both min and max need to be integers for argument number %d", n+1))
		}
		e.ranges = append(e.ranges, [2]int{lo, hi})
	}
	return rt.ToValue(e)
}

// setResponseCallback(cb): an expectedStatuses result, or null to turn it off.
func (i *instance) setResponseCallback(call sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	v := call.Argument(0)
	if v != nil && sobek.IsNull(v) {
		i.callback = nil
		return sobek.Undefined()
	}
	cb, ok := v.Export().(*expectedStatuses)
	if !ok {
		throwGo(rt, errors.New("unsupported argument, expected http.expectedStatuses"))
	}
	i.callback = cb
	return sobek.Undefined()
}
