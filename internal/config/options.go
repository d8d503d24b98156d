package config

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Options is one layer of run options. Each field records whether the layer
// set it: an unset Opt, or a nil slice or map, leaves the value of the layers
// below. A non-nil empty slice or map is set (e.g. `stages: []`).
//
// JSON names are k6's. The runtime options (noThresholds, noSummary,
// summaryExport, summaryMode, out) come only from env and flags, as in k6;
// out may also come from the --config file.
type Options struct {
	VUs        Opt[int64]                 // vus
	Duration   Opt[Duration]              // duration
	Iterations Opt[int64]                 // iterations
	Stages     []Stage                    // stages
	Scenarios  map[string]json.RawMessage // scenarios: name → scenario JSON
	Thresholds json.RawMessage            // thresholds, kept raw for internal/threshold
	Tags       map[string]string          // tags: run tags on every sample

	SystemTags        []string    // systemTags
	SummaryTrendStats []string    // summaryTrendStats
	SummaryTimeUnit   Opt[string] // summaryTimeUnit
	SetupTimeout      Opt[Duration]
	TeardownTimeout   Opt[Duration]
	NoSetup           Opt[bool]
	NoTeardown        Opt[bool]

	// Runtime options: not accepted in the script's options.
	NoThresholds  Opt[bool]
	NoSummary     Opt[bool]
	SummaryExport Opt[string]
	SummaryMode   Opt[string]
	Out           []string // --out / K6_OUT / the file's "out"

	// Collectors is the --config file's "collectors": output type → its JSON
	// config.
	Collectors map[string]json.RawMessage
	// Other holds k6 option keys llmbench accepts but does not act on
	// (userAgent, batch, dns…), by key; they show in inspect and
	// exec.test.options.
	Other map[string]json.RawMessage

	// Source names the layer in warnings: "file", "script", "env", "cli".
	Source string
}

// ignoredKeys are k6 options (lib.Options) that llmbench accepts without a
// warning and keeps in Other.
var ignoredKeys = []string{
	"paused", "executionSegment", "executionSegmentSequence", "rps", "dns",
	"maxRedirects", "userAgent", "batch", "batchPerHost", "httpDebug",
	"insecureSkipTLSVerify", "tlsCipherSuites", "tlsVersion", "tlsAuth",
	"throw", "blacklistIPs", "blockHostnames", "hosts", "noConnectionReuse",
	"noVUConnectionReuse", "minIterationDuration", "ext", "cloud",
	"metricSamplesBufferSize", "noCookiesReset", "discardResponseBodies",
	"consoleOutput", "localIPs", "compatibilityMode",
}

// set decodes the option key from raw into o. scope is "script", "file" or
// "any" (env and flags build Options directly). known is false for a key
// the scope does not accept.
func (o *Options) set(key string, raw json.RawMessage, scope string) (known bool, err error) {
	var target any
	switch key {
	case "vus":
		target = &o.VUs
	case "duration":
		target = &o.Duration
	case "iterations":
		target = &o.Iterations
	case "stages":
		var st []Stage
		if err := json.Unmarshal(raw, &st); err != nil {
			return true, fmt.Errorf("option %q: %w", key, err)
		}
		o.Stages = st
		return true, nil
	case "scenarios":
		target = &o.Scenarios
	case "thresholds":
		if isNull(raw) {
			o.Thresholds = nil
			return true, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return true, fmt.Errorf("option %q: must be an object of metric name → array of thresholds: %w", key, err)
		}
		o.Thresholds = slices.Clone(raw)
		return true, nil
	case "tags":
		target = &o.Tags
	case "systemTags":
		target = &o.SystemTags
	case "summaryTrendStats":
		target = &o.SummaryTrendStats
	case "summaryTimeUnit":
		target = &o.SummaryTimeUnit
	case "setupTimeout":
		target = &o.SetupTimeout
	case "teardownTimeout":
		target = &o.TeardownTimeout
	case "noSetup":
		target = &o.NoSetup
	case "noTeardown":
		target = &o.NoTeardown
	case "out":
		if scope != "file" {
			return false, nil
		}
		var out []string
		if err := json.Unmarshal(raw, &out); err != nil {
			var one string
			if json.Unmarshal(raw, &one) != nil {
				return true, fmt.Errorf("option %q: want a string or an array of strings: %w", key, err)
			}
			out = []string{one}
		}
		o.Out = out
		return true, nil
	case "collectors":
		if scope != "file" {
			return false, nil
		}
		target = &o.Collectors
	default:
		if !slices.Contains(ignoredKeys, key) {
			return false, nil
		}
		if o.Other == nil {
			o.Other = map[string]json.RawMessage{}
		}
		o.Other[key] = slices.Clone(raw)
		return true, nil
	}
	if err := json.Unmarshal(raw, target); err != nil {
		return true, fmt.Errorf("option %q: %w", key, err)
	}
	return true, nil
}

// shortcutsSet reports whether o sets any of the four execution options.
func (o *Options) shortcutsSet() bool {
	return o.Duration.Set || o.Iterations.Set || o.Stages != nil || o.Scenarios != nil
}

// apply returns o overridden by what h sets. Setting any of duration,
// iterations, stages or scenarios in h erases all four from o.
func (o Options) apply(h Options) Options {
	if h.VUs.Set {
		o.VUs = h.VUs
	}
	if h.shortcutsSet() {
		o.Duration, o.Iterations, o.Stages, o.Scenarios = h.Duration, h.Iterations, h.Stages, h.Scenarios
	}
	if h.Thresholds != nil {
		o.Thresholds = h.Thresholds
	}
	if h.Tags != nil {
		o.Tags = h.Tags
	}
	if h.SystemTags != nil {
		o.SystemTags = h.SystemTags
	}
	if h.SummaryTrendStats != nil {
		o.SummaryTrendStats = h.SummaryTrendStats
	}
	setOpt(&o.SummaryTimeUnit, h.SummaryTimeUnit)
	setOpt(&o.SetupTimeout, h.SetupTimeout)
	setOpt(&o.TeardownTimeout, h.TeardownTimeout)
	setOpt(&o.NoSetup, h.NoSetup)
	setOpt(&o.NoTeardown, h.NoTeardown)
	setOpt(&o.NoThresholds, h.NoThresholds)
	setOpt(&o.NoSummary, h.NoSummary)
	setOpt(&o.SummaryExport, h.SummaryExport)
	setOpt(&o.SummaryMode, h.SummaryMode)
	if h.Out != nil {
		o.Out = h.Out
	}
	o.Collectors = mergeMap(o.Collectors, h.Collectors)
	o.Other = mergeMap(o.Other, h.Other)
	return o
}

func setOpt[T any](dst *Opt[T], src Opt[T]) {
	if src.Set {
		*dst = src
	}
}

func mergeMap[V any](lo, hi map[string]V) map[string]V {
	if hi == nil {
		return lo
	}
	out := maps.Clone(lo)
	if out == nil {
		out = make(map[string]V, len(hi))
	}
	maps.Copy(out, hi)
	return out
}
