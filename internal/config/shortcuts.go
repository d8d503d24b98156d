package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"
)

// DefaultScenarioName is the name of the scenario the shortcut options
// become.
const DefaultScenarioName = "default"

// DeriveScenarios turns merged options into scenario JSON by name, as k6's
// shortcut mapping does (reference §1.7, v1 behaviour). The first match
// wins:
//
//   - iterations set: shared-iterations with vus (default 1), iterations and
//     maxDuration = duration when set;
//   - else duration set: constant-vus with vus and duration (> 0);
//   - else stages non-empty: ramping-vus with startVUs = vus, the stages
//     that have a duration, and gracefulRampDown 30s;
//   - else scenarios non-empty: as given;
//   - else one VU running one iteration (per-vu-iterations), with a warning
//     for each option that this ignores.
func DeriveScenarios(o Options) (map[string]json.RawMessage, []string, error) {
	vus := o.VUs.Or(1)
	switch {
	case o.Iterations.Set:
		if len(o.Stages) > 0 {
			return nil, nil, errors.New("using multiple execution config shortcuts (`iterations` and `stages`) simultaneously is not allowed")
		}
		if o.Scenarios != nil {
			return nil, nil, errors.New("using an execution configuration shortcut (`iterations`) and `scenarios` simultaneously is not allowed")
		}
		sc := map[string]any{"executor": "shared-iterations", "vus": vus, "iterations": o.Iterations.V}
		if o.Duration.Set {
			sc["maxDuration"] = o.Duration.V
		}
		return single(sc)
	case o.Duration.Set:
		if len(o.Stages) > 0 {
			return nil, nil, errors.New("using multiple execution config shortcuts (`duration` and `stages`) simultaneously is not allowed")
		}
		if o.Scenarios != nil {
			return nil, nil, errors.New("using an execution configuration shortcut (`duration`) and `scenarios` simultaneously is not allowed")
		}
		if o.Duration.V <= 0 {
			return nil, nil, errors.New("`duration` should be more than 0, for infinite duration use the externally-controlled executor")
		}
		return single(map[string]any{"executor": "constant-vus", "vus": vus, "duration": o.Duration.V})
	case len(o.Stages) > 0:
		if o.Scenarios != nil {
			return nil, nil, errors.New("using an execution configuration shortcut (`stages`) and `scenarios` simultaneously is not allowed")
		}
		stages := make([]map[string]any, 0, len(o.Stages))
		for _, s := range o.Stages {
			if s.Duration.Set {
				stages = append(stages, map[string]any{"duration": s.Duration.V, "target": s.Target.Or(0)})
			}
		}
		return single(map[string]any{
			"executor": "ramping-vus", "startVUs": vus, "stages": stages,
			"gracefulRampDown": Duration(30 * time.Second),
		})
	case len(o.Scenarios) > 0:
		return maps.Clone(o.Scenarios), nil, nil
	}
	var warnings []string
	if o.VUs.Set && o.VUs.V != 1 {
		warnings = append(warnings, fmt.Sprintf("the `vus=%d` option will be ignored, it only works in conjunction with `iterations`, `duration`, or `stages`", o.VUs.V))
	}
	if o.Stages != nil {
		warnings = append(warnings, "`stages` was explicitly set to an empty value, running the script with 1 iteration in 1 VU")
	}
	if o.Scenarios != nil {
		warnings = append(warnings, "`scenarios` was explicitly set to an empty value, running the script with 1 iteration in 1 VU")
	}
	m, _, err := single(map[string]any{"executor": "per-vu-iterations", "vus": 1, "iterations": 1})
	return m, warnings, err
}

func single(sc map[string]any) (map[string]json.RawMessage, []string, error) {
	b, err := json.Marshal(sc)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding the %s scenario: %w", DefaultScenarioName, err)
	}
	return map[string]json.RawMessage{DefaultScenarioName: b}, nil, nil
}
