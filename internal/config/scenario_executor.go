package config

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/llmbench/llmbench/internal/executor"
)

// Scenario is one consolidated scenario.
type Scenario struct {
	Name string
	// JSON is the scenario's configuration expanded with the executor's
	// defaults (the parsed Config encoded back to JSON).
	JSON json.RawMessage
	// Raw is the scenario as written in the options or derived from the
	// shortcuts, before the executor's defaults.
	Raw json.RawMessage
	// Config is the parsed executor configuration.
	Config executor.Config
}

func parseScenario(name string, raw json.RawMessage) (Scenario, error) {
	cfg, err := executor.ParseConfig(name, raw)
	if err != nil {
		return Scenario{}, err
	}
	expanded, err := encode(cfg)
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario %q: %w", name, err)
	}
	if len(expanded) == 0 || expanded[0] != '{' {
		expanded = slices.Clone(raw)
	}
	return Scenario{Name: name, JSON: expanded, Raw: slices.Clone(raw), Config: cfg}, nil
}
