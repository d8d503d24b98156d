package js

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/metrics"
)

// lifecycleTags are the tags of setup and teardown samples.
func (r *Runner) lifecycleTags(group string) *metrics.TagSet {
	t := r.runTags
	if r.sysTags["group"] {
		t = t.With("group", group)
	}
	return t
}

// Setup runs the exported setup() in a transient VU 0 and keeps the JSON
// of its result.
func (r *Runner) Setup(ctx context.Context, out metrics.Emitter) error {
	if !r.exports["setup"] {
		return nil
	}
	v, err := r.newVU(ctx, 0, out)
	if err != nil {
		return err
	}
	defer v.Close()
	res, err := v.callLifecycle(ctx, "setup", "::setup", nil)
	if err != nil {
		return err
	}
	if res == nil || sobek.IsUndefined(res) {
		return nil
	}
	b, err := json.Marshal(res.Export())
	if err != nil {
		return exit.New(exit.ScriptException, fmt.Errorf("error marshaling setup() data to JSON: %w", err))
	}
	r.setupData = b
	return nil
}

// Teardown runs the exported teardown(data) in a transient VU 0.
func (r *Runner) Teardown(ctx context.Context, out metrics.Emitter) error {
	if !r.exports["teardown"] {
		return nil
	}
	v, err := r.newVU(ctx, 0, out)
	if err != nil {
		return err
	}
	defer v.Close()
	_, err = v.callLifecycle(ctx, "teardown", "::teardown", v.setupValue())
	return err
}

// callLifecycle calls export name under group with arg (nil: none) and
// returns its (promise-unwrapped) result.
func (v *VU) callLifecycle(ctx context.Context, name, group string, arg sobek.Value) (sobek.Value, error) {
	v.state.Group = group
	v.state.SetTags(v.r.lifecycleTags(group))
	fn, _ := sobek.AssertFunction(v.ns.Get(name))
	var res sobek.Value
	v.ctx = ctx
	defer func() { v.emitNetwork(time.Now(), v.state) }()
	err := v.runJS(ctx, func() error {
		var err error
		if arg == nil {
			res, err = fn(sobek.Undefined())
		} else {
			res, err = fn(sobek.Undefined(), arg)
		}
		if p, ok := promiseOf(res); ok {
			v.loop.ignore = p
		}
		return err
	})
	if err == nil {
		res, err = v.settled(res)
	}
	if err != nil {
		se := v.scriptError(err)
		var xe *exit.Error
		if errors.As(se, &xe) {
			return nil, se
		}
		return nil, exit.New(exit.ScriptException, se)
	}
	return res, nil
}

// HandleSummary runs the exported handleSummary(data) in a transient VU 0.
// data is the JSON of the summary object. It returns the result's keys →
// content, and false when there is no handleSummary or it returned a falsy
// value.
func (r *Runner) HandleSummary(ctx context.Context, data []byte) (map[string][]byte, bool, error) {
	if !r.exports["handleSummary"] {
		return nil, false, nil
	}
	v, err := r.newVU(ctx, 0, nil)
	if err != nil {
		return nil, false, err
	}
	defer v.Close()
	parsed, err := v.parseJSON(data)
	if err != nil {
		return nil, false, fmt.Errorf("handleSummary: parsing the summary data: %w", err)
	}
	res, err := v.callLifecycle(ctx, "handleSummary", "", parsed)
	if err != nil {
		return nil, false, err
	}
	if res == nil || !res.ToBoolean() {
		return nil, false, nil
	}
	obj, ok := res.(*sobek.Object)
	if !ok {
		return nil, false, errors.New("handleSummary() should return a map with string keys")
	}
	out := map[string][]byte{}
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		switch x := val.Export().(type) {
		case string:
			out[k] = []byte(x)
		case sobek.ArrayBuffer:
			out[k] = append([]byte(nil), x.Bytes()...)
		default:
			return nil, false, fmt.Errorf("handleSummary() key %q: invalid type %T, it needs to be a string or ArrayBuffer", k, x)
		}
	}
	return out, true, nil
}

// parseJSON parses b with the runtime's JSON.parse (keeping key order).
func (v *VU) parseJSON(b []byte) (sobek.Value, error) {
	parse, _ := sobek.AssertFunction(v.rt.Get("JSON").ToObject(v.rt).Get("parse"))
	return parse(sobek.Undefined(), v.rt.ToValue(string(b)))
}

// setupValue returns the setup data parsed in this runtime (undefined if
// none); parsed once per VU.
func (v *VU) setupValue() sobek.Value {
	if !v.dataReady {
		v.dataReady = true
		v.data = sobek.Undefined()
		if b := v.r.setupData; b != nil {
			if d, err := v.parseJSON(b); err == nil {
				v.data = d
			}
		}
	}
	return v.data
}

func promiseOf(val sobek.Value) (*sobek.Promise, bool) {
	if val == nil {
		return nil, false
	}
	if o, ok := val.(*sobek.Object); ok {
		p, ok := o.Export().(*sobek.Promise)
		return p, ok
	}
	return nil, false
}

// settled replaces a promise by its result; a rejected promise is an error.
func (v *VU) settled(val sobek.Value) (sobek.Value, error) {
	p, ok := promiseOf(val)
	if !ok {
		return val, nil
	}
	switch p.State() {
	case sobek.PromiseStateRejected:
		return nil, &RejectionError{Value: describeValue(v.rt, p.Result())}
	case sobek.PromiseStateFulfilled:
		return p.Result(), nil
	}
	return sobek.Undefined(), nil
}
