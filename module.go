package llm

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/netx"
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
	named := map[string]any{
		"Client":           i.construct,
		"PromptGenerator":  i.constructPrompts,
		"syntheticPrompts": i.syntheticPrompts,
		"parseDataset":     i.parseDataset,
		"parseYAML":        i.parseYAML,
	}
	i.addExports(named) // exports.go
	return modules.Exports{Named: named}
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
	// The client borrows the VU's network handle: made in init code or in
	// every iteration, it sends on the VU's connections.
	if n := i.vuNet(); n != nil {
		opts.cfg.Transport = n.Transport()
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
	jc.addMethods(obj) // embed, respond (jscall.go)
	return obj
}

// vuNet is the VU's network handle, in init code or while code runs.
func (i *instance) vuNet() *netx.VU {
	if env := i.vu.InitEnv(); env != nil && env.Net != nil {
		return env.Net
	}
	if st := i.vu.State(); st != nil {
		return st.Net
	}
	return nil
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// request runs one request. The synchronous form blocks the VU goroutine;
// the async form runs the request on its own goroutine and resolves the
// Promise on the VU's event loop. Either way the request is bound to the
// VU's context, so it is cancelled when the VU must stop; a request cut
// that way is a failure with errorCode "interrupted" and emits its samples
// like any other failure (see ErrInterrupted).
func (jc *jsClient) request(fc sobek.FunctionCall, ep Endpoint, async bool) sobek.Value {
	do := func(ctx context.Context, body []byte, opt Options) *Result { return jc.client.Do(ctx, ep, body, opt) }
	return jc.call(fc, methodName(ep, async), async, do, resultObject)
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

// resultObject builds the SPEC §4 Result object (times in ms): a dynamic
// object over the Go Result, so that a request costs one small allocation
// however many fields the Result has; each field is converted when a
// script reads it. Scripts see plain data properties: enumerable in a fixed
// order, JSON-encoded, assignable and deletable (an assignment or a new
// property is kept beside the Result). itl and headers, the costly ones,
// are built on first read and cached, so r.itl === r.itl.
func resultObject(rt *sobek.Runtime, r *Result) sobek.Value {
	return rt.NewDynamicObject(&jsResult{rt: rt, r: r})
}

// resultKeys are the Result object's properties, in order.
var resultKeys = []string{"ok", "status", "error", "errorCode", "id", "model", "content", "reasoningContent",
	"finishReason", "ttft", "ttfo", "tpot", "e2e", "sentAt", "firstTokenAt", "itl", "chunks", "inputTokens",
	"outputTokens", "reasoningTokens", "toolCalls", "tokenSource", "tokensPerSecond", "headers"}

// jsResult is the sobek.DynamicObject behind a Result object.
type jsResult struct {
	rt *sobek.Runtime
	r  *Result
	// set holds what the script assigned or built lazily (itl, headers);
	// deleted holds what it deleted.
	set     map[string]sobek.Value
	deleted map[string]bool
	extra   []string // keys the script added, in order
}

// field converts one Result field; ok is false for a name that is not one.
func (j *jsResult) field(k string) (v any, ok bool) {
	r := j.r
	switch k {
	case "ok":
		return r.OK, true
	case "status":
		return r.Status, true
	case "error":
		return r.Error, true
	case "errorCode":
		return r.ErrorCode, true
	case "id":
		return r.ID, true
	case "model":
		return r.Model, true
	case "content":
		return r.Content, true
	case "reasoningContent":
		return r.ReasoningContent, true
	case "finishReason":
		return r.FinishReason, true
	case "ttft":
		return r.TTFTms(), true
	case "ttfo":
		return r.TTFOms(), true
	case "tpot":
		return r.TPOTms(), true
	case "e2e":
		return r.E2Ems(), true
	case "sentAt":
		return epochMs(r.Timing.Send), true
	case "firstTokenAt":
		return epochMs(r.Timing.FirstToken), true
	case "chunks":
		return r.Chunks, true
	case "inputTokens":
		return r.InputTokens, true
	case "outputTokens":
		return r.OutputTokens, true
	case "reasoningTokens":
		return r.ReasoningTokens, true
	case "toolCalls":
		return r.ToolCalls, true
	case "tokenSource":
		return r.TokenSource, true
	case "tokensPerSecond":
		return r.TokensPerSecond(), true
	}
	return nil, false
}

// Get implements sobek.DynamicObject.
func (j *jsResult) Get(k string) sobek.Value {
	if v, ok := j.set[k]; ok {
		return v
	}
	if j.deleted[k] {
		return nil
	}
	var v sobek.Value
	switch k {
	case "itl":
		itl := make([]any, len(j.r.Timing.Gaps))
		for i, g := range j.r.Timing.Gaps {
			itl[i] = ms(g)
		}
		v = j.rt.NewArray(itl...)
	case "headers":
		h := j.rt.NewObject()
		for k, hv := range j.r.Headers {
			must(h.Set(k, hv))
		}
		v = h
	default:
		f, ok := j.field(k)
		if !ok {
			return nil
		}
		return j.rt.ToValue(f)
	}
	j.Set(k, v)
	return v
}

// Set implements sobek.DynamicObject.
func (j *jsResult) Set(k string, v sobek.Value) bool {
	if j.set == nil {
		j.set = map[string]sobek.Value{}
	}
	if _, known := j.field(k); !known && k != "itl" && k != "headers" {
		if _, had := j.set[k]; !had {
			j.extra = append(j.extra, k)
		}
	}
	j.set[k] = v
	delete(j.deleted, k)
	return true
}

// Has implements sobek.DynamicObject.
func (j *jsResult) Has(k string) bool {
	if _, ok := j.set[k]; ok {
		return true
	}
	if j.deleted[k] {
		return false
	}
	_, ok := j.field(k)
	return ok || k == "itl" || k == "headers"
}

// Delete implements sobek.DynamicObject.
func (j *jsResult) Delete(k string) bool {
	if !j.Has(k) {
		return true
	}
	if j.deleted == nil {
		j.deleted = map[string]bool{}
	}
	delete(j.set, k)
	if i := slices.Index(j.extra, k); i >= 0 {
		j.extra = slices.Delete(j.extra, i, i+1)
	} else {
		j.deleted[k] = true
	}
	return true
}

// Keys implements sobek.DynamicObject.
func (j *jsResult) Keys() []string {
	keys := make([]string, 0, len(resultKeys)+len(j.extra))
	for _, k := range resultKeys {
		if !j.deleted[k] {
			keys = append(keys, k)
		}
	}
	return append(keys, j.extra...)
}

// epochMs is t in milliseconds since the Unix epoch (0 for the zero Time),
// for joining results with server logs.
func epochMs(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.UnixNano()) / 1e6
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
