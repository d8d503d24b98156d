package llm

import (
	"fmt"
	"math"

	"github.com/grafana/sobek"
)

// parsePromptSpec reads {tokens, stddev, seed, prefixTokens, prefixGroups}.
func parsePromptSpec(rt *sobek.Runtime, v sobek.Value) (PromptSpec, error) {
	var s PromptSpec
	if isNullish(v) {
		return s, fmt.Errorf("a {tokens, stddev, seed} object is required")
	}
	obj := v.ToObject(rt)
	for _, k := range obj.Keys() {
		f := obj.Get(k).ToFloat()
		if math.IsNaN(f) || f < 0 {
			return s, fmt.Errorf("%s: want a non-negative number, got %s", k, obj.Get(k).String())
		}
		switch k {
		case "tokens":
			s.Tokens = int(f)
		case "stddev":
			s.Stddev = f
		case "seed":
			s.Seed = uint64(f)
		case "prefixTokens":
			s.PrefixTokens = int(f)
		case "prefixGroups":
			s.PrefixGroups = int(f)
		default:
			return s, fmt.Errorf("unknown key %q (want tokens, stddev, seed, prefixTokens, prefixGroups)", k)
		}
	}
	if s.Tokens < 1 {
		return s, fmt.Errorf("tokens: want at least 1")
	}
	if s.PrefixGroups > 0 && s.PrefixTokens == 0 {
		return s, fmt.Errorf("prefixGroups needs prefixTokens")
	}
	if s.PrefixGroups > 100_000 {
		return s, fmt.Errorf("prefixGroups: %d is more than 100000", s.PrefixGroups)
	}
	return s, nil
}

// constructPrompts is `new llm.PromptGenerator({tokens, stddev, seed})`
// with a next() method.
func (i *instance) constructPrompts(call sobek.ConstructorCall) *sobek.Object {
	rt := i.vu.Runtime()
	spec, err := parsePromptSpec(rt, call.Argument(0))
	if err != nil {
		panic(rt.NewTypeError("llm.PromptGenerator: " + err.Error()))
	}
	g := NewPromptGenerator(spec)
	obj := rt.NewObject()
	must(obj.Set("next", func(sobek.FunctionCall) sobek.Value { return rt.ToValue(g.Next()) }))
	return obj
}

// syntheticPrompts is llm.syntheticPrompts(count, {tokens, stddev, seed}):
// an array of prompt strings, repeatable for a seed (for SharedArray).
func (i *instance) syntheticPrompts(fc sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	n := fc.Argument(0).ToInteger()
	if n < 0 || n > 10_000_000 {
		panic(rt.NewTypeError(fmt.Sprintf("llm.syntheticPrompts: count %d out of range", n)))
	}
	spec, err := parsePromptSpec(rt, fc.Argument(1))
	if err != nil {
		panic(rt.NewTypeError("llm.syntheticPrompts: " + err.Error()))
	}
	g := NewPromptGenerator(spec)
	out := make([]any, n)
	for j := range out {
		out[j] = g.Next()
	}
	return rt.NewArray(out...)
}

// parseDataset is llm.parseDataset(text, format?): an array of
// {prompt, messages?, reference?} objects.
func (i *instance) parseDataset(fc sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	format := ""
	if f := fc.Argument(1); !isNullish(f) {
		format = f.String()
	}
	entries, err := ParseDataset(fc.Argument(0).String(), format)
	if err != nil {
		panic(rt.NewGoError(fmt.Errorf("llm.parseDataset: %w", err)))
	}
	parse, _ := sobek.AssertFunction(rt.Get("JSON").ToObject(rt).Get("parse"))
	out := make([]any, len(entries))
	for j, e := range entries {
		o := rt.NewObject()
		must(o.Set("prompt", e.Prompt))
		if e.Reference != "" {
			must(o.Set("reference", e.Reference))
		}
		if e.Messages != "" && parse != nil {
			if m, err := parse(sobek.Undefined(), rt.ToValue(e.Messages)); err == nil {
				must(o.Set("messages", m))
			}
		}
		out[j] = o
	}
	return rt.NewArray(out...)
}
