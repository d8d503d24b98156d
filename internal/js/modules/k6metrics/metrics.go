package k6metrics

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
)

// Module is the "k6/metrics" module.
type Module struct{}

// New returns the "k6/metrics" module.
func New() *Module { return &Module{} }

// NewInstance builds one VU's constructors.
func (*Module) NewInstance(v modules.VU) (modules.Instance, error) {
	i := &instance{vu: v}
	rt := v.Runtime()
	i.named = map[string]any{
		"Counter": i.ctor(metrics.Counter),
		"Gauge":   i.ctor(metrics.Gauge),
		"Rate":    i.ctor(metrics.Rate),
		"Trend":   i.ctor(metrics.Trend),
	}
	i.proto = rt.NewObject()
	must(i.proto.Set("add", i.add))
	return i, nil
}

type instance struct {
	vu    modules.VU
	named map[string]any
	proto *sobek.Object
}

// ExportNames implements modules.ExportNamer.
func (*Module) ExportNames() []string { return []string{"Counter", "Gauge", "Rate", "Trend"} }

func (i *instance) Exports() modules.Exports { return modules.Exports{Named: i.named} }

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// metricKey hides the Go metric on the JS object.
const metricKey = "__llmbench_metric"

type metricRef struct{ m *metrics.Metric }

func (i *instance) ctor(typ metrics.Type) func(sobek.ConstructorCall) *sobek.Object {
	return func(call sobek.ConstructorCall) *sobek.Object {
		rt := i.vu.Runtime()
		env := i.vu.InitEnv()
		if env == nil {
			panic(rt.NewGoError(errors.New("metrics must be declared in the init context")))
		}
		name := call.Argument(0).String()
		vt := metrics.Default
		if call.Argument(1).ToBoolean() {
			vt = metrics.Time
		}
		m, err := env.Registry.NewMetric(name, typ, vt)
		if err != nil {
			panic(rt.NewGoError(err))
		}
		o := rt.NewObject()
		must(o.SetPrototype(i.proto))
		must(o.DefineDataProperty("name", rt.ToValue(name), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_TRUE))
		must(o.DefineDataProperty(metricKey, rt.ToValue(&metricRef{m}), sobek.FLAG_FALSE, sobek.FLAG_FALSE, sobek.FLAG_FALSE))
		return o
	}
}

// add(value, tags?) emits one sample; returns false (with a warning) for
// an invalid value.
func (i *instance) add(call sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	st := i.vu.State()
	if st == nil {
		panic(rt.NewGoError(errors.New("Adding to metrics in the init context is not supported")))
	}
	ref, ok := call.This.ToObject(rt).Get(metricKey).Export().(*metricRef)
	if !ok {
		panic(rt.NewTypeError("add() called on something that is not a metric"))
	}
	raw := call.Argument(0)
	val, ok := number(raw)
	if !ok {
		st.Logger.Warn(fmt.Sprintf("'%s' is an invalid value for metric '%s', a number or a boolean value is expected", raw.String(), ref.m.Name))
		return rt.ToValue(false)
	}
	var extra map[string]string
	if t := call.Argument(1); !sobek.IsUndefined(t) && !sobek.IsNull(t) {
		m, err := modules.UserTags(rt, t)
		if err != nil {
			panic(rt.NewTypeError(err.Error()))
		}
		extra = m
	}
	st.Emit(time.Now(), extra, metrics.Sample{Metric: ref.m, Value: val})
	return rt.ToValue(true)
}

// finite rejects NaN and ±Infinity: no sink can aggregate them and no
// output can write them as a number.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// number converts a metric value: finite numbers, booleans and numeric strings.
func number(v sobek.Value) (float64, bool) {
	if v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) {
		return 0, false
	}
	switch x := v.Export().(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int64:
		return float64(x), true
	case float64:
		return x, finite(x)
	case string:
		f := v.ToFloat()
		return f, finite(f)
	}
	return 0, false
}
