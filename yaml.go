package llm

import (
	"fmt"
	"math"

	"github.com/grafana/sobek"
	"go.yaml.in/yaml/v3"
)

// ParseYAML decodes one YAML document into plain Go values: maps with
// string keys, slices, strings, float64 numbers, bools and nil, the shapes
// JSON.parse gives. Scripts use it, through llm.parseYAML, to read
// configs/targets.yaml and configs/models.yaml; name labels errors.
func ParseYAML(text, name string) (any, error) {
	var v any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return plain(v, name)
}

// plain turns yaml.v3's values into JSON-like ones: keys become strings and
// integers become float64, so JavaScript sees ordinary objects and numbers.
func plain(v any, name string) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			p, err := plain(e, name)
			if err != nil {
				return nil, err
			}
			t[k] = p
		}
		return t, nil
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			p, err := plain(e, name)
			if err != nil {
				return nil, err
			}
			m[fmt.Sprint(k)] = p
		}
		return m, nil
	case []any:
		for i, e := range t {
			p, err := plain(e, name)
			if err != nil {
				return nil, err
			}
			t[i] = p
		}
		return t, nil
	case int:
		return float64(t), nil
	case int64:
		return float64(t), nil
	case uint64:
		return float64(t), nil
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return nil, fmt.Errorf("%s: %v is not a finite number", name, t)
		}
		return t, nil
	case string, bool, nil:
		return t, nil
	default:
		// Timestamps and binary values: their text is what a script wants.
		return fmt.Sprint(t), nil
	}
}

// parseYAML is llm.parseYAML(text, name?): the document as plain JS
// objects, arrays and scalars. A syntax error throws, naming name (default
// "YAML") and the line.
func (i *instance) parseYAML(fc sobek.FunctionCall) sobek.Value {
	rt := i.vu.Runtime()
	name := "YAML"
	if n := fc.Argument(1); !isNullish(n) {
		name = n.String()
	}
	v, err := ParseYAML(fc.Argument(0).String(), name)
	if err != nil {
		panic(rt.NewGoError(fmt.Errorf("llm.parseYAML: %w", err)))
	}
	return toJS(rt, v)
}

// toJS builds fresh JS objects and arrays (rt.ToValue would wrap Go maps,
// which scripts cannot freeze or spread like ordinary objects).
func toJS(rt *sobek.Runtime, v any) sobek.Value {
	switch t := v.(type) {
	case map[string]any:
		o := rt.NewObject()
		for k, e := range t {
			must(o.Set(k, toJS(rt, e)))
		}
		return o
	case []any:
		items := make([]any, len(t))
		for i, e := range t {
			items[i] = toJS(rt, e)
		}
		return rt.NewArray(items...)
	case nil:
		return sobek.Null()
	default:
		return rt.ToValue(t)
	}
}
