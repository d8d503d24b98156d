package llm

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/grafana/sobek"
)

// This file holds the JS client methods added beside chat and complete
// (embed, respond and their Async forms) and the request path they share.

// addMethods sets the client methods of this file on the JS client object.
func (jc *jsClient) addMethods(obj *sobek.Object) {
	embed := func(ctx context.Context, body []byte, opt RequestOptions) *Result {
		return jc.client.Embed(ctx, body, opt)
	}
	respond := func(ctx context.Context, body []byte, opt RequestOptions) *Result {
		return jc.client.Respond(ctx, body, opt)
	}
	must(obj.Set("embed", func(fc sobek.FunctionCall) sobek.Value { return jc.call(fc, "embed", false, embed, embedResult) }))
	must(obj.Set("embedAsync", func(fc sobek.FunctionCall) sobek.Value { return jc.call(fc, "embedAsync", true, embed, embedResult) }))
	must(obj.Set("respond", func(fc sobek.FunctionCall) sobek.Value { return jc.call(fc, "respond", false, respond, resultObject) }))
	must(obj.Set("respondAsync", func(fc sobek.FunctionCall) sobek.Value {
		return jc.call(fc, "respondAsync", true, respond, resultObject)
	}))
}

// call runs one request through send, as request does for chat and
// complete: the body is the first argument (a string or an object), the
// optional second is {tags, headers, timeout}; the synchronous form blocks
// the VU, the async one resolves a Promise on the VU's event loop. Either
// way the request is bound to the VU's context; its llm_* samples are
// emitted however it ended — a request cut because the VU had to stop is
// a failure (ErrInterrupted). data_sent/data_received are the engine's.
func (jc *jsClient) call(fc sobek.FunctionCall, method string, async bool,
	send func(ctx context.Context, body []byte, opt RequestOptions) *Result,
	toJS func(*sobek.Runtime, *Result) sobek.Value) sobek.Value {
	rt := jc.inst.vu.Runtime()
	state := jc.inst.vu.State()
	if state == nil {
		panic(rt.NewGoError(fmt.Errorf("llm: client.%s cannot be called in the init context", method)))
	}
	body, err := requestBody(rt, fc.Argument(0))
	if err != nil {
		panic(rt.NewTypeError(err.Error()))
	}
	p, err := parseParams(rt, fc.Argument(1))
	if err != nil {
		panic(rt.NewTypeError(err.Error()))
	}
	m := jc.inst.metrics
	if m == nil {
		if m, err = RegisterMetrics(state.Registry); err != nil {
			panic(rt.NewGoError(err))
		}
		jc.inst.metrics = m
	}
	tags := state.Tags().WithMap(jc.tags).WithMap(p.tags)
	out, md, logger := state.Out, state.Metadata, state.Logger
	var scheduled time.Time
	if state.Current != nil {
		scheduled = state.Current.Scheduled
	}
	if async {
		md = maps.Clone(md)
	}
	ctx := jc.inst.vu.Context()
	run := func() *Result {
		res := send(ctx, body, p.opts)
		res.Timing.Scheduled = scheduled
		warnBadUsage(logger, res)
		b := m.Batch(res, jc.slo, tags)
		b.Metadata = md
		out.Emit(b)
		return res
	}
	if !async {
		return toJS(rt, run())
	}
	promise, resolve, _ := rt.NewPromise()
	done := jc.inst.vu.RegisterCallback()
	go func() {
		res := run()
		done(func() error { return resolve(toJS(rt, res)) })
	}()
	return rt.ToValue(promise)
}
