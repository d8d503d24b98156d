package llm

import (
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
)

// DefaultBaseURL and DefaultTimeout apply when new llm.Client omits them.
const (
	DefaultBaseURL = "http://127.0.0.1:8000/v1"
	DefaultTimeout = 120 * time.Second
)

// New returns the "k6/x/llm" module. It registers nothing globally: the CLI
// adds it to the engine's module registry under "k6/x/llm".
func New() modules.Module { return module{} }

type module struct{}

// NewInstance implements modules.Module: it registers the llm_* metrics in
// the init environment's registry (idempotent across VUs).
func (module) NewInstance(v modules.VU) (modules.Instance, error) {
	inst := &instance{vu: v}
	if env := v.InitEnv(); env != nil && env.Registry != nil {
		m, err := RegisterMetrics(env.Registry)
		if err != nil {
			return nil, fmt.Errorf("k6/x/llm: registering metrics: %w", err)
		}
		inst.metrics = m
	}
	return inst, nil
}

type instance struct {
	vu      modules.VU
	metrics *Metrics
}

// Exports implements modules.Instance: the Client constructor.
func (i *instance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{
		"Client":           i.construct,
		"PromptGenerator":  i.constructPrompts,
		"syntheticPrompts": i.syntheticPrompts,
		"parseDataset":     i.parseDataset,
		"parseYAML":        i.parseYAML,
	}}
}

// jsClient is one `new llm.Client(…)`.
type jsClient struct {
	inst   *instance
	client *Client
	tags   map[string]string
	slo    SLO
}

func (i *instance) construct(call sobek.ConstructorCall) *sobek.Object {
	rt := i.vu.Runtime()
	opts, err := parseClientOptions(rt, call.Argument(0))
	if err != nil {
		panic(rt.NewTypeError("llm.Client: " + err.Error()))
	}
	c, err := NewClient(opts.cfg)
	if err != nil {
		panic(rt.NewTypeError(err.Error()))
	}
	jc := &jsClient{inst: i, client: c, tags: opts.tags, slo: opts.slo}
	obj := rt.NewObject()
	must(obj.Set("chat", func(fc sobek.FunctionCall) sobek.Value { return jc.request(fc, Chat, false) }))
	must(obj.Set("complete", func(fc sobek.FunctionCall) sobek.Value { return jc.request(fc, Completions, false) }))
	must(obj.Set("chatAsync", func(fc sobek.FunctionCall) sobek.Value { return jc.request(fc, Chat, true) }))
	must(obj.Set("completeAsync", func(fc sobek.FunctionCall) sobek.Value { return jc.request(fc, Completions, true) }))
	return obj
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// request runs one request. The synchronous form blocks the VU goroutine;
// the async form runs the request on its own goroutine and resolves the
// Promise on the VU's event loop. Either way the request is bound to the
// VU's context, so it is cancelled when the VU must stop; a cancelled
// request emits no samples (the iteration is interrupted, as k6 drops
// samples once the VU context is done).
func (jc *jsClient) request(fc sobek.FunctionCall, ep Endpoint, async bool) sobek.Value {
	rt := jc.inst.vu.Runtime()
	state := jc.inst.vu.State()
	if state == nil {
		panic(rt.NewGoError(fmt.Errorf("llm: client.%s cannot be called in the init context", methodName(ep, async))))
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
	// Capture everything the emission needs on the VU goroutine.
	tags := state.Tags().WithMap(jc.tags).WithMap(p.tags)
	out, md, builtins := state.Out, state.Metadata, state.Builtins
	var scheduled time.Time
	if state.Current != nil {
		scheduled = state.Current.Scheduled
	}
	if async {
		md = maps.Clone(md) // the VU may change its metadata before we emit
	}
	ctx := jc.inst.vu.Context()
	run := func() *Result {
		res := jc.client.Do(ctx, ep, body, p.opts)
		res.Timing.Scheduled = scheduled
		if res.ErrorCode != ErrCancelled {
			b := m.Batch(res, jc.slo, tags)
			b.Metadata = md
			if builtins != nil && builtins.DataSent != nil && builtins.DataReceived != nil {
				b.Samples = append(b.Samples,
					metrics.Sample{Metric: builtins.DataSent, Value: float64(res.BytesSent)},
					metrics.Sample{Metric: builtins.DataReceived, Value: float64(res.BytesReceived)})
			}
			out.Emit(b)
		}
		return res
	}
	if !async {
		return resultObject(rt, run())
	}
	promise, resolve, _ := rt.NewPromise()
	done := jc.inst.vu.RegisterCallback()
	go func() {
		res := run()
		done(func() error { return resolve(resultObject(rt, res)) })
	}()
	return rt.ToValue(promise)
}

func methodName(ep Endpoint, async bool) string {
	n := "chat"
	if ep == Completions {
		n = "complete"
	}
	if async {
		n += "Async"
	}
	return n
}

// resultObject builds the SPEC §4 Result object (times in ms).
func resultObject(rt *sobek.Runtime, r *Result) sobek.Value {
	o := rt.NewObject()
	set := func(k string, v any) { must(o.Set(k, v)) }
	set("ok", r.OK)
	set("status", r.Status)
	set("error", r.Error)
	set("errorCode", r.ErrorCode)
	set("id", r.ID)
	set("model", r.Model)
	set("content", r.Content)
	set("reasoningContent", r.ReasoningContent)
	set("finishReason", r.FinishReason)
	set("ttft", r.TTFTms())
	set("ttfo", r.TTFOms())
	set("tpot", r.TPOTms())
	set("e2e", r.E2Ems())
	lazy(rt, o, "itl", func() sobek.Value {
		itl := make([]any, len(r.Timing.Gaps))
		for i, g := range r.Timing.Gaps {
			itl[i] = ms(g)
		}
		return rt.NewArray(itl...)
	})
	set("chunks", r.Chunks)
	set("inputTokens", r.InputTokens)
	set("outputTokens", r.OutputTokens)
	set("reasoningTokens", r.ReasoningTokens)
	set("toolCalls", r.ToolCalls)
	set("tokenSource", r.TokenSource)
	set("tokensPerSecond", r.TokensPerSecond())
	lazy(rt, o, "headers", func() sobek.Value {
		h := rt.NewObject()
		for k, v := range r.Headers {
			must(h.Set(k, v))
		}
		return h
	})
	return o
}

// lazy defines o[name] as an enumerable, writable-through-setter accessor
// that builds its value on first read: itl (one number per token gap) and
// headers are most of a Result object's cost and most scripts never read
// them. The first read caches the value; an assignment replaces it.
func lazy(rt *sobek.Runtime, o *sobek.Object, name string, build func() sobek.Value) {
	var v sobek.Value
	get := rt.ToValue(func(sobek.FunctionCall) sobek.Value {
		if v == nil {
			v = build()
		}
		return v
	})
	put := rt.ToValue(func(c sobek.FunctionCall) sobek.Value {
		v = c.Argument(0)
		return sobek.Undefined()
	})
	must(o.DefineAccessorProperty(name, get, put, sobek.FLAG_TRUE, sobek.FLAG_TRUE))
}

// requestBody turns the first argument into JSON bytes: a string is taken
// as is, anything else goes through the runtime's JSON.stringify (so key
// order and JS semantics are kept).
func requestBody(rt *sobek.Runtime, v sobek.Value) ([]byte, error) {
	if isNullish(v) {
		return nil, fmt.Errorf("llm: a request body is required")
	}
	if s, ok := v.Export().(string); ok {
		return []byte(s), nil
	}
	stringify, ok := sobek.AssertFunction(rt.Get("JSON").ToObject(rt).Get("stringify"))
	if !ok {
		return nil, fmt.Errorf("llm: JSON.stringify is not available")
	}
	s, err := stringify(sobek.Undefined(), v)
	if err != nil {
		return nil, fmt.Errorf("llm: encoding the request body: %w", err)
	}
	return []byte(s.String()), nil
}

func isNullish(v sobek.Value) bool { return v == nil || sobek.IsUndefined(v) || sobek.IsNull(v) }

// tagMap converts a JS object of string, number or boolean values.
func tagMap(rt *sobek.Runtime, v sobek.Value, what string) (map[string]string, error) {
	if isNullish(v) {
		return nil, nil
	}
	obj := v.ToObject(rt)
	m := map[string]string{}
	for _, k := range obj.Keys() {
		switch x := obj.Get(k).Export().(type) {
		case string:
			m[k] = x
		case int64:
			m[k] = strconv.FormatInt(x, 10)
		case float64:
			m[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			m[k] = strconv.FormatBool(x)
		default:
			return nil, fmt.Errorf("%s.%s: want a string, number or boolean, got %T", what, k, x)
		}
	}
	return m, nil
}
