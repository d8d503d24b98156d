package llm

import (
	"context"
	"fmt"
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

// ExportNames implements modules.ExportNamer.
func (module) ExportNames() []string {
	return []string{"Client", "PromptGenerator", "syntheticPrompts", "parseDataset", "parseYAML", "parseTrace", "tracePrompt", "syntheticImage"}
}

// NewInstance implements modules.Module: it registers the llm_* metrics in
// the init environment's registry (idempotent across VUs).
func (module) NewInstance(v modules.VU) (modules.Instance, error) {
	inst := &instance{vu: v}
	if env := v.InitEnv(); env != nil && env.Net != nil {
		env.Net.WantReceiveStamps() // before any request: TTFT and ITL are timed to the packet
	}
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
		n.WantReceiveStamps()
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
	do := func(ctx context.Context, body []byte, opt RequestOptions) *Result {
		return jc.client.Do(ctx, ep, body, opt)
	}
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
