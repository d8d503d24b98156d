package summary

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Export converts handleSummary's data (Data's output, or the same shape)
// into k6's old --summary-export JSON: options and state dropped, each
// metric replaced by its values, a Rate's "rate" renamed "value", thresholds
// as {source: failed}, root_group's groups and checks as objects keyed by
// name, 4-space indent.
func Export(data []byte) ([]byte, error) {
	var d map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("reading summary data: %w", err)
	}
	delete(d, "options")
	delete(d, "state")
	if ms, ok := d["metrics"].(map[string]any); ok {
		for name, raw := range ms {
			m, ok := raw.(map[string]any)
			if !ok {
				continue
			}
			values, _ := m["values"].(map[string]any)
			if values == nil {
				values = map[string]any{}
			}
			if m["type"] == "rate" {
				if r, ok := values["rate"]; ok {
					values["value"] = r
					delete(values, "rate")
				}
			}
			if ths, ok := m["thresholds"].(map[string]any); ok {
				failed := map[string]bool{}
				for src, res := range ths {
					okv, _ := res.(map[string]any)["ok"].(bool)
					failed[src] = !okv
				}
				values["thresholds"] = failed
			}
			ms[name] = values
		}
	}
	if g, ok := d["root_group"].(map[string]any); ok {
		groupsToObjects(g)
	}
	return marshal(d, "    ")
}

// groupsToObjects turns a group's groups and checks arrays into objects
// keyed by name, recursively.
func groupsToObjects(g map[string]any) {
	for _, key := range []string{"groups", "checks"} {
		list, ok := g[key].([]any)
		if !ok {
			continue
		}
		obj := make(map[string]any, len(list))
		for _, item := range list {
			m, ok := item.(map[string]any)
			if !ok {
				continue
			}
			if key == "groups" {
				groupsToObjects(m)
			}
			name, _ := m["name"].(string)
			obj[name] = m
		}
		g[key] = obj
	}
}
