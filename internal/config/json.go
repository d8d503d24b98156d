package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
)

// MarshalJSON encodes the consolidated options as `llmbench inspect` prints
// them: k6's option names, defaults applied, scenarios fully expanded, and
// null for shortcut options no layer set. Keys are sorted.
func (r Run) MarshalJSON() ([]byte, error) { return encode(r.jsonMap(true)) }

// TestOptionsJSON encodes exec.test.options: MarshalJSON without vus,
// iterations, duration and stages (they live in scenarios).
func (r Run) TestOptionsJSON() ([]byte, error) { return encode(r.jsonMap(false)) }

func (r Run) jsonMap(shortcuts bool) map[string]any {
	m := make(map[string]any, 16+len(r.o.Other))
	for k, v := range r.o.Other {
		m[k] = v
	}
	if shortcuts {
		m["vus"] = r.o.VUs
		m["duration"] = r.o.Duration
		m["iterations"] = r.o.Iterations
		m["stages"] = r.o.Stages
	}
	m["scenarios"] = r.ScenarioJSON()
	var th any
	if r.o.Thresholds != nil {
		th = r.o.Thresholds
	}
	m["thresholds"] = th
	var tags any
	if r.o.Tags != nil {
		tags = maps.Clone(r.o.Tags)
	}
	m["tags"] = tags
	m["systemTags"] = r.systemTags
	m["summaryTrendStats"] = r.trendStats
	var unit any
	if r.o.SummaryTimeUnit.Set {
		unit = r.o.SummaryTimeUnit.V
	}
	m["summaryTimeUnit"] = unit
	m["setupTimeout"] = Duration(r.SetupTimeout())
	m["teardownTimeout"] = Duration(r.TeardownTimeout())
	m["noSetup"] = r.o.NoSetup
	m["noTeardown"] = r.o.NoTeardown
	return m
}

// encode marshals v without HTML escaping ("p(95)<500" stays readable).
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding options: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
