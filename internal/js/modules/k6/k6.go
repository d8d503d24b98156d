package k6

import (
	"errors"
	"math/rand"
	"strings"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
)

// Module is the "k6" module.
type Module struct{}

// New returns the "k6" module.
func New() *Module { return &Module{} }

// NewInstance builds one VU's functions.
func (*Module) NewInstance(v modules.VU) (modules.Instance, error) {
	i := &instance{vu: v, tags: map[tagKey]*metrics.TagSet{}}
	return i, nil
}

type instance struct {
	vu   modules.VU
	tags map[tagKey]*metrics.TagSet // base.With(k, v), so checks and groups do not rebuild tag sets
}

type tagKey struct {
	base *metrics.TagSet
	k, v string
}

// with returns base.With(k, v), cached (the cache is bounded).
func (i *instance) with(base *metrics.TagSet, k, v string) *metrics.TagSet {
	key := tagKey{base, k, v}
	if t, ok := i.tags[key]; ok {
		return t
	}
	if len(i.tags) >= 1024 {
		clear(i.tags)
	}
	t := base.With(k, v)
	i.tags[key] = t
	return t
}

// ExportNames implements modules.ExportNamer.
func (*Module) ExportNames() []string {
	return []string{"check", "group", "sleep", "fail", "randomSeed"}
}

func (i *instance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{
		"check":      i.check,
		"group":      i.group,
		"sleep":      i.sleep,
		"fail":       i.fail,
		"randomSeed": i.randomSeed,
	}}
}

func throw(rt *sobek.Runtime, msg string) {
	panic(rt.NewGoError(errors.New(msg)))
}

// isAsync reports whether fn is an async function.
func isAsync(rt *sobek.Runtime, fn sobek.Value) bool {
	o, ok := fn.(*sobek.Object)
	if !ok {
		return false
	}
	c, ok := o.Get("constructor").(*sobek.Object)
	if !ok {
		return false
	}
	n := c.Get("name")
	return n != nil && n.String() == "AsyncFunction"
}

// check(value, checks, tags?) emits one checks sample per key.
func (i *instance) check(call sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	st := i.vu.State()
	if st == nil {
		throw(rt, "Using check() in the init context is not supported")
	}
	now := time.Now()
	val := call.Argument(0)
	arg := call.Argument(1)
	if sobek.IsUndefined(arg) || sobek.IsNull(arg) {
		throw(rt, "no checks provided to `check`")
	}
	checks := arg.ToObject(rt)
	tags := st.Tags()
	if t := call.Argument(2); !sobek.IsUndefined(t) && !sobek.IsNull(t) {
		extra, err := modules.UserTags(rt, t)
		if err != nil {
			panic(rt.NewTypeError(err.Error()))
		}
		tags = tags.WithMap(extra)
	}
	withCheck := st.SystemTagEnabled("check")
	ok := true
	for _, key := range checks.Keys() {
		if strings.Contains(key, "::") {
			throw(rt, "group and check names may not contain '::'")
		}
		entry := checks.Get(key)
		var pass bool
		var thrown error
		if fn, isFn := sobek.AssertFunction(entry); isFn {
			if isAsync(rt, entry) {
				throw(rt, "check() does not support async functions as checks")
			}
			res, err := fn(sobek.Undefined(), val)
			if err != nil {
				thrown = err
			} else {
				pass = res.ToBoolean()
			}
		} else {
			pass = entry.ToBoolean()
		}
		ct := tags
		if withCheck {
			ct = i.with(ct, "check", key)
		}
		v := 0.0
		if pass {
			v = 1
		} else {
			ok = false
		}
		st.Out.Emit(metrics.Batch{Time: now, Tags: ct, Metadata: st.Metadata, Samples: []metrics.Sample{{Metric: st.Builtins.Checks, Value: v}}})
		if thrown != nil {
			panic(thrown)
		}
	}
	return rt.ToValue(ok)
}

// group(name, fn) runs fn with the group tag set and emits group_duration.
func (i *instance) group(call sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	st := i.vu.State()
	if st == nil {
		throw(rt, "group() is not supported in the init context")
	}
	name := call.Argument(0).String()
	if strings.Contains(name, "::") {
		throw(rt, "group and check names may not contain '::'")
	}
	fnv := call.Argument(1)
	fn, ok := sobek.AssertFunction(fnv)
	if !ok {
		throw(rt, "group() requires a callback as a second argument")
	}
	if isAsync(rt, fnv) {
		throw(rt, "group() does not support async functions as arguments, please see https://grafana.com/docs/k6/latest/javascript-api/k6/group/#working-with-async-functions")
	}
	prevGroup, prevTags := st.Group, st.Tags()
	st.Group = prevGroup + "::" + name
	tags := prevTags
	if st.SystemTagEnabled("group") {
		tags = i.with(tags, "group", st.Group)
	}
	st.SetTags(tags)
	start := time.Now()
	res, err := fn(sobek.Undefined())
	end := time.Now()
	inner := st.Tags()
	st.Group = prevGroup
	st.SetTags(prevTags)
	st.Out.Emit(metrics.Batch{Time: end, Tags: inner, Metadata: st.Metadata, Samples: []metrics.Sample{{Metric: st.Builtins.GroupDuration, Value: metrics.D(end.Sub(start))}}})
	if err != nil {
		panic(err)
	}
	return res
}

// sleep(seconds) blocks, returning early when the VU context ends.
func (i *instance) sleep(call sobek.FunctionCall) sobek.Value {
	secs := call.Argument(0).ToFloat()
	if !(secs > 0) {
		return sobek.Undefined()
	}
	t := time.NewTimer(time.Duration(secs * float64(time.Second)))
	defer t.Stop()
	select {
	case <-t.C:
	case <-i.vu.Context().Done():
	}
	return sobek.Undefined()
}

// fail(msg) throws Error(msg).
func (i *instance) fail(call sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	msg := ""
	if a := call.Argument(0); !sobek.IsUndefined(a) {
		msg = a.String()
	}
	panic(rt.NewGoError(errors.New(msg)))
}

// randomSeed(n) seeds this VU's Math.random.
func (i *instance) randomSeed(call sobek.FunctionCall) sobek.Value {
	r := rand.New(rand.NewSource(call.Argument(0).ToInteger()))
	i.vu.Runtime().SetRandSource(r.Float64)
	return sobek.Undefined()
}
