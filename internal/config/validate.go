package config

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/llmbench/llmbench/internal/metrics"
)

// DefaultSummaryTrendStats is k6's default summaryTrendStats.
var DefaultSummaryTrendStats = []string{"avg", "min", "med", "max", "p(90)", "p(95)"}

// SystemTags lists every system tag k6 knows, in k6's order.
var SystemTags = []string{
	"proto", "subproto", "status", "method", "url", "name", "group", "check",
	"error", "error_code", "tls_version", "scenario", "service",
	"expected_response", "iter", "vu", "ocsp_status", "ip",
}

// DefaultSystemTags is k6's default set: all but iter, vu, ocsp_status and
// ip.
var DefaultSystemTags = SystemTags[:14]

// SummaryModes are the accepted values of summaryMode.
var SummaryModes = []string{"compact", "full", "legacy", "disabled"}

var scenarioNameRE = regexp.MustCompile(`^[0-9a-zA-Z_-]+$`)

// ValidTrendStat checks one summaryTrendStats entry: avg, min, med, max,
// count or p(X) with 0 ≤ X ≤ 100, with k6's error texts.
func ValidTrendStat(st string) error {
	switch st {
	case "avg", "min", "med", "max", "count":
		return nil
	}
	if _, ok, err := metrics.ParsePercentile(st); ok {
		return err
	}
	return fmt.Errorf("invalid trend stat '%s', unknown format", st)
}

// validate checks merged options, naming the key in every error.
func validate(o Options) []error {
	var errs []error
	bad := func(key string, err error) { errs = append(errs, fmt.Errorf("option %q: %w", key, err)) }
	for _, st := range o.SummaryTrendStats {
		if err := ValidTrendStat(st); err != nil {
			bad("summaryTrendStats", err)
		}
	}
	switch u := o.SummaryTimeUnit.V; u {
	case "", "s", "ms", "us":
	default:
		bad("summaryTimeUnit", fmt.Errorf("invalid value '%s', it must be one of: s, ms, us", u))
	}
	if m := o.SummaryMode; m.Set && !slices.Contains(SummaryModes, m.V) {
		bad("summaryMode", fmt.Errorf("invalid value '%s', it must be one of: compact, full, legacy, disabled", m.V))
	}
	if o.SetupTimeout.Set && o.SetupTimeout.V < 0 {
		bad("setupTimeout", fmt.Errorf("must not be negative, got %s", o.SetupTimeout.V))
	}
	if o.TeardownTimeout.Set && o.TeardownTimeout.V < 0 {
		bad("teardownTimeout", fmt.Errorf("must not be negative, got %s", o.TeardownTimeout.V))
	}
	if o.VUs.Set && o.VUs.V < 0 {
		bad("vus", fmt.Errorf("must not be negative, got %d", o.VUs.V))
	}
	for k := range o.Tags {
		if k == "" {
			bad("tags", fmt.Errorf("a tag name must not be empty"))
		}
	}
	return errs
}

// validScenarioName reports k6's scenario name rule: ^[0-9a-zA-Z_-]+$.
func validScenarioName(name string) bool { return scenarioNameRE.MatchString(name) }

// systemTagSet keeps the known names of tags, in k6's order; unknown names
// are dropped silently, as in k6.
func systemTagSet(tags []string) []string {
	out := []string{}
	for _, t := range SystemTags {
		if slices.Contains(tags, t) {
			out = append(out, t)
		}
	}
	return out
}
