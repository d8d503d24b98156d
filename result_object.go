package llm

import (
	"slices"
	"time"

	"github.com/grafana/sobek"

	"github.com/llmbench/llmbench/internal/metrics"
)

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
			itl[i] = metrics.D(g)
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
