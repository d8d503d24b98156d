package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/llmbench/llmbench/internal/exit"
)

// DefaultSetupTimeout is the default of setupTimeout and teardownTimeout.
const DefaultSetupTimeout = 60 * time.Second

// Run is the consolidated, validated configuration of one test run. It is
// immutable: accessors return copies.
type Run struct {
	o          Options // merged, defaults applied
	scenarios  []Scenario
	systemTags []string
	trendStats []string
}

// Defaults returns the defaults layer. It sets nothing: defaults are applied
// after the merge, so a default never erases a layer's shortcut options.
func Defaults() Options { return Options{Source: "defaults"} }

// Consolidate merges layers, low to high (defaults, file, script, env,
// flags), applies the defaults, derives the scenarios and validates the
// result. Errors name the key and carry exit.InvalidConfig.
func Consolidate(layers ...Options) (Run, []string, error) {
	var merged Options
	var warnings []string
	for i, l := range layers {
		if merged.Scenarios != nil && l.shortcutsSet() {
			src := l.Source
			if src == "" {
				src = fmt.Sprintf("layer %d", i)
			}
			warnings = append(warnings, fmt.Sprintf("%q level configuration overrode scenarios configuration entirely", src))
		}
		merged = merged.apply(l)
	}
	merged.Source = ""
	errs := validate(merged)
	scen, w, err := DeriveScenarios(merged)
	warnings = append(warnings, w...)
	if err != nil {
		errs = append(errs, fmt.Errorf("option \"scenarios\": %w", err))
	}
	r := Run{o: merged}
	names := slices.Sorted(maps.Keys(scen))
	for _, name := range names {
		raw := scen[name]
		if !validScenarioName(name) {
			errs = append(errs, fmt.Errorf("option \"scenarios\": invalid scenario name %q: it must match ^[0-9a-zA-Z_-]+$", name))
			continue
		}
		if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
			errs = append(errs, fmt.Errorf("option \"scenarios\": scenario %q must be an object", name))
			continue
		}
		sc, err := parseScenario(name, raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("option \"scenarios\": %w", err))
			continue
		}
		r.scenarios = append(r.scenarios, sc)
	}
	if err := errors.Join(errs...); err != nil {
		return Run{}, warnings, exit.New(exit.InvalidConfig, err)
	}
	r.trendStats = slices.Clone(DefaultSummaryTrendStats)
	if merged.SummaryTrendStats != nil {
		r.trendStats = slices.Clone(merged.SummaryTrendStats)
	}
	r.systemTags = slices.Clone(DefaultSystemTags)
	if merged.SystemTags != nil {
		r.systemTags = systemTagSet(merged.SystemTags)
	}
	return r, warnings, nil
}

// Scenarios returns the scenarios sorted by name.
func (r Run) Scenarios() []Scenario { return slices.Clone(r.scenarios) }

// ScenarioJSON returns each scenario's expanded JSON by name.
func (r Run) ScenarioJSON() map[string]json.RawMessage {
	m := make(map[string]json.RawMessage, len(r.scenarios))
	for _, s := range r.scenarios {
		m[s.Name] = slices.Clone(s.JSON)
	}
	return m
}

// Thresholds returns the thresholds option as raw JSON (nil when none).
func (r Run) Thresholds() json.RawMessage { return slices.Clone(r.o.Thresholds) }

// Tags returns the run tags (options.tags / --tag).
func (r Run) Tags() map[string]string { return maps.Clone(r.o.Tags) }

// SystemTags returns the enabled system tags, in k6's order.
func (r Run) SystemTags() []string { return slices.Clone(r.systemTags) }

// SystemTagEnabled reports whether the system tag name is enabled.
func (r Run) SystemTagEnabled(name string) bool { return slices.Contains(r.systemTags, name) }

// SummaryTrendStats returns the Trend columns of the summary.
func (r Run) SummaryTrendStats() []string { return slices.Clone(r.trendStats) }

// SummaryTimeUnit returns "" (auto), "s", "ms" or "us".
func (r Run) SummaryTimeUnit() string { return r.o.SummaryTimeUnit.V }

// SetupTimeout returns setupTimeout (default 60s).
func (r Run) SetupTimeout() time.Duration {
	return r.o.SetupTimeout.Or(Duration(DefaultSetupTimeout)).D()
}

// TeardownTimeout returns teardownTimeout (default 60s).
func (r Run) TeardownTimeout() time.Duration {
	return r.o.TeardownTimeout.Or(Duration(DefaultSetupTimeout)).D()
}

// NoSetup reports --no-setup / noSetup.
func (r Run) NoSetup() bool { return r.o.NoSetup.V }

// NoTeardown reports --no-teardown / noTeardown.
func (r Run) NoTeardown() bool { return r.o.NoTeardown.V }

// NoThresholds reports --no-thresholds / K6_NO_THRESHOLDS.
func (r Run) NoThresholds() bool { return r.o.NoThresholds.V }

// NoSummary reports --no-summary, or summaryMode "disabled".
func (r Run) NoSummary() bool { return r.o.NoSummary.V || r.o.SummaryMode.V == "disabled" }

// SummaryMode returns the summary mode (default "compact").
func (r Run) SummaryMode() string { return r.o.SummaryMode.Or("compact") }

// SummaryExport returns the --summary-export file ("" when none).
func (r Run) SummaryExport() string { return r.o.SummaryExport.V }

// Out returns the outputs, as TYPE[=ARG].
func (r Run) Out() []string { return slices.Clone(r.o.Out) }

// Collectors returns the --config file's output configs by type.
func (r Run) Collectors() map[string]json.RawMessage { return maps.Clone(r.o.Collectors) }

// Options returns a copy of the merged options (before defaults).
func (r Run) Options() Options {
	o := r.o
	o.Stages = slices.Clone(o.Stages)
	o.Scenarios = maps.Clone(o.Scenarios)
	o.Tags = maps.Clone(o.Tags)
	o.SystemTags = slices.Clone(o.SystemTags)
	o.SummaryTrendStats = slices.Clone(o.SummaryTrendStats)
	o.Out = slices.Clone(o.Out)
	o.Collectors = maps.Clone(o.Collectors)
	o.Other = maps.Clone(o.Other)
	return o
}
