package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/llmbench/llmbench/internal/duration"
	"github.com/llmbench/llmbench/internal/exit"
)

// UnknownFieldsWarning starts the warning for unknown top-level keys in the
// script's options (k6's text).
const UnknownFieldsWarning = "There were unknown fields in the options exported in the script"

// FromScriptJSON reads the script's exported options (JSON). Unknown
// top-level keys give one warning naming them; a bad value is an error
// naming its key (exit 104).
func FromScriptJSON(raw json.RawMessage) (Options, []string, error) {
	o, unknown, err := decodeObject(raw, "script")
	o.Source = "script"
	if err != nil {
		return Options{}, nil, exit.New(exit.InvalidConfig, err)
	}
	var warnings []string
	if len(unknown) > 0 {
		warnings = append(warnings, fmt.Sprintf("%s: %s", UnknownFieldsWarning, quoteList(unknown)))
	}
	return o, warnings, nil
}

// FromFile reads the --config JSON file at path: the same keys as the
// script's options, plus "out" and "collectors". Unknown keys are ignored,
// as in k6.
func FromFile(path string) (Options, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Options{}, exit.New(exit.InvalidConfig, fmt.Errorf("reading config file: %w", err))
	}
	o, err := FromFileJSON(b)
	if err != nil {
		return Options{}, fmt.Errorf("reading config file %s: %w", path, err)
	}
	return o, nil
}

// FromFileJSON is FromFile on the file's bytes, for callers that own the
// file system.
func FromFileJSON(b []byte) (Options, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return Options{Source: "file"}, nil
	}
	o, _, err := decodeObject(b, "file")
	o.Source = "file"
	if err != nil {
		return Options{}, exit.New(exit.InvalidConfig, err)
	}
	return o, nil
}

// decodeObject decodes a JSON object of options, returning the sorted keys
// the scope does not know and every key's error joined.
func decodeObject(raw []byte, scope string) (Options, []string, error) {
	var o Options
	if len(bytes.TrimSpace(raw)) == 0 || isNull(raw) {
		return o, nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return o, nil, fmt.Errorf("%s options must be a JSON object: %w", scope, err)
	}
	keys := slices.Sorted(maps.Keys(m))
	var unknown []string
	var errs []error
	for _, k := range keys {
		known, err := o.set(k, m[k], scope)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %w", scope, err))
		} else if !known {
			unknown = append(unknown, k)
		}
	}
	return o, unknown, errors.Join(errs...)
}

// FromEnv reads the K6_* variables of environ, each overridden by its
// LLMBENCH_* twin: VUS, DURATION, ITERATIONS, STAGES ("30s:10,1m:0"), TAGS
// ("k=v,k2=v2"), SYSTEM_TAGS, SUMMARY_TREND_STATS, SUMMARY_TIME_UNIT,
// SETUP_TIMEOUT, TEARDOWN_TIMEOUT, NO_SETUP, NO_TEARDOWN, NO_THRESHOLDS,
// NO_SUMMARY, SUMMARY_EXPORT, SUMMARY_MODE and OUT (comma list).
func FromEnv(environ map[string]string) (Options, error) {
	o := Options{Source: "env"}
	get := func(name string) (string, string, bool) {
		if v, ok := environ["LLMBENCH_"+name]; ok {
			return "LLMBENCH_" + name, v, true
		}
		v, ok := environ["K6_"+name]
		return "K6_" + name, v, ok
	}
	var errs []error
	try := func(name string, parse func(string) error) {
		key, v, ok := get(name)
		if !ok {
			return
		}
		if err := parse(v); err != nil {
			errs = append(errs, fmt.Errorf("environment variable %s: %w", key, err))
		}
	}
	try("VUS", intInto(&o.VUs))
	try("DURATION", durationInto(&o.Duration))
	try("ITERATIONS", intInto(&o.Iterations))
	try("STAGES", func(s string) (err error) { o.Stages, err = parseStages(splitList(s)); return err })
	try("TAGS", func(s string) (err error) { o.Tags, err = parseTags(splitList(s)); return err })
	try("SYSTEM_TAGS", func(s string) error { o.SystemTags = splitList(s); return nil })
	try("SUMMARY_TREND_STATS", func(s string) error { o.SummaryTrendStats = splitList(s); return nil })
	try("SUMMARY_TIME_UNIT", stringInto(&o.SummaryTimeUnit))
	try("SETUP_TIMEOUT", durationInto(&o.SetupTimeout))
	try("TEARDOWN_TIMEOUT", durationInto(&o.TeardownTimeout))
	try("NO_SETUP", boolInto(&o.NoSetup))
	try("NO_TEARDOWN", boolInto(&o.NoTeardown))
	try("NO_THRESHOLDS", boolInto(&o.NoThresholds))
	try("NO_SUMMARY", boolInto(&o.NoSummary))
	try("SUMMARY_EXPORT", stringInto(&o.SummaryExport))
	try("SUMMARY_MODE", stringInto(&o.SummaryMode))
	try("OUT", func(s string) error { o.Out = splitList(s); return nil })
	if other, err := netEnv(get); err != nil {
		errs = append(errs, err)
	} else {
		o.Other = other
	}
	if err := errors.Join(errs...); err != nil {
		return Options{}, exit.New(exit.InvalidConfig, err)
	}
	return o, nil
}

func intInto(dst *Opt[int64]) func(string) error {
	return func(s string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an integer", s)
		}
		*dst = Some(n)
		return nil
	}
}

func durationInto(dst *Opt[Duration]) func(string) error {
	return func(s string) error {
		d, err := duration.Parse(s)
		if err != nil {
			return err
		}
		*dst = Some(Duration(d))
		return nil
	}
}

func boolInto(dst *Opt[bool]) func(string) error {
	return func(s string) error {
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q is not a boolean", s)
		}
		*dst = Some(b)
		return nil
	}
}

func stringInto(dst *Opt[string]) func(string) error {
	return func(s string) error { *dst = Some(s); return nil }
}

// splitList splits a comma list, trimming spaces and dropping empty items;
// it returns a non-nil slice.
func splitList(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseStages(items []string) ([]Stage, error) {
	st := make([]Stage, 0, len(items))
	for _, s := range items {
		x, err := ParseStage(s)
		if err != nil {
			return nil, err
		}
		st = append(st, x)
	}
	return st, nil
}

// parseTags reads NAME=VALUE items (NAME:VALUE is accepted too); an empty
// name or value is an error.
func parseTags(items []string) (map[string]string, error) {
	m := make(map[string]string, len(items))
	for _, s := range items {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			k, v, ok = strings.Cut(s, ":")
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("invalid tag %q: want NAME=VALUE with a non-empty name and value", s)
		}
		m[k] = v
	}
	return m, nil
}

func quoteList(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = strconv.Quote(k)
	}
	return strings.Join(q, ", ")
}
