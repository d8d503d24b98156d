package config

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/spf13/pflag"

	"github.com/llmbench/llmbench/internal/duration"
	"github.com/llmbench/llmbench/internal/exit"
)

// Flags holds the option flags registered on a flag set. After parsing, its
// Options method returns the "cli" layer: only the flags given on the
// command line are set.
type Flags struct {
	fs *pflag.FlagSet

	// Scenarios, when set by a command that builds its own scenarios (the
	// sweep), is the cli layer's scenarios option.
	Scenarios map[string]json.RawMessage

	vus, iterations         int64
	durationStr             string
	stages, tags, out       []string
	systemTags, trendStats  []string
	timeUnit, export, mode  string
	noSetup, noTeardown     bool
	noThresholds, noSummary bool
	net                     *netFlags
}

// RegisterFlags adds k6's option flags to fs and returns the handle that
// reads them: -u/--vus, -d/--duration, -i/--iterations, -s/--stage
// (repeatable), --tag (repeatable), --system-tags, --summary-trend-stats,
// --summary-time-unit, --no-setup, --no-teardown, --no-thresholds,
// --no-summary, --summary-export, --summary-mode and -o/--out (repeatable).
func RegisterFlags(fs *pflag.FlagSet) *Flags {
	f := &Flags{fs: fs}
	fs.Int64VarP(&f.vus, "vus", "u", 1, "number of virtual users")
	fs.StringVarP(&f.durationStr, "duration", "d", "", "test duration limit, e.g. 30s, 2m, 1h30m, 2d")
	fs.Int64VarP(&f.iterations, "iterations", "i", 0, "script total iteration limit (among all VUs)")
	fs.StringArrayVarP(&f.stages, "stage", "s", nil, "add a stage, as `DURATION:TARGET` (repeatable)")
	fs.StringArrayVar(&f.tags, "tag", nil, "add a `NAME=VALUE` tag to all samples (repeatable)")
	fs.StringSliceVar(&f.systemTags, "system-tags", nil, "only include these system tags in the samples (comma list)")
	fs.StringSliceVar(&f.trendStats, "summary-trend-stats", nil, "the stats shown for Trend metrics in the summary, e.g. avg,p(95),p(99.9)")
	fs.StringVar(&f.timeUnit, "summary-time-unit", "", "the time unit of time values in the summary: s, ms or us")
	fs.BoolVar(&f.noSetup, "no-setup", false, "don't run setup()")
	fs.BoolVar(&f.noTeardown, "no-teardown", false, "don't run teardown()")
	fs.BoolVar(&f.noThresholds, "no-thresholds", false, "don't run thresholds")
	fs.BoolVar(&f.noSummary, "no-summary", false, "don't show the summary at the end of the test")
	fs.StringVar(&f.export, "summary-export", "", "write the end-of-test summary as JSON to `FILE`")
	fs.StringVar(&f.mode, "summary-mode", "", "summary mode: compact (default), full or disabled")
	fs.StringArrayVarP(&f.out, "out", "o", nil, "send metrics to an output, as `TYPE[=ARG]` (repeatable)")
	f.net = registerNetFlags(fs)
	return f
}

// Options returns the layer of the flags set on the command line. Call it
// after the flag set is parsed.
func (f *Flags) Options() (Options, error) {
	o := Options{Source: "cli", Scenarios: maps.Clone(f.Scenarios)}
	ch := f.fs.Changed
	var err error
	if ch("vus") {
		o.VUs = Some(f.vus)
	}
	if ch("duration") {
		d, derr := duration.Parse(f.durationStr)
		if derr != nil {
			return Options{}, exit.New(exit.InvalidConfig, fmt.Errorf("flag --duration: %w", derr))
		}
		o.Duration = Some(Duration(d))
	}
	if ch("iterations") {
		o.Iterations = Some(f.iterations)
	}
	if ch("stage") {
		if o.Stages, err = parseStages(f.stages); err != nil {
			return Options{}, exit.New(exit.InvalidConfig, fmt.Errorf("flag --stage: %w", err))
		}
	}
	if ch("tag") {
		if o.Tags, err = parseTags(f.tags); err != nil {
			return Options{}, exit.New(exit.InvalidConfig, fmt.Errorf("flag --tag: %w", err))
		}
	}
	if ch("system-tags") {
		o.SystemTags = append([]string{}, f.systemTags...)
	}
	if ch("summary-trend-stats") {
		o.SummaryTrendStats = append([]string{}, f.trendStats...)
	}
	if ch("summary-time-unit") {
		o.SummaryTimeUnit = Some(f.timeUnit)
	}
	if ch("no-setup") {
		o.NoSetup = Some(f.noSetup)
	}
	if ch("no-teardown") {
		o.NoTeardown = Some(f.noTeardown)
	}
	if ch("no-thresholds") {
		o.NoThresholds = Some(f.noThresholds)
	}
	if ch("no-summary") {
		o.NoSummary = Some(f.noSummary)
	}
	if ch("summary-export") {
		o.SummaryExport = Some(f.export)
	}
	if ch("summary-mode") {
		o.SummaryMode = Some(f.mode)
	}
	if ch("out") {
		o.Out = append([]string{}, f.out...)
	}
	o.Other = f.net.other()
	return o, nil
}
