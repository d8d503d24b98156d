package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/redact"
	"github.com/llmbench/llmbench/internal/summary"
)

// Files written under DIR/<run-id>/ by --results.
const (
	SamplesFile  = "samples.jsonl.gz" // every sample, k6's JSON output lines, gzipped
	SummaryJSON  = "summary.json"     // k6's --summary-export JSON
	SummaryCSV   = "summary.csv"      // one row per metric and submetric
	MetadataFile = "metadata.json"    // what ran, where, when and how
)

// resultsFlags holds --results.
type resultsFlags struct{ dir string }

func addResultsFlags(fs *pflag.FlagSet) *resultsFlags {
	rf := &resultsFlags{}
	fs.StringVar(&rf.dir, "results", "", "keep the run's samples, summary and metadata under `DIR`/<run-id>/")
	return rf
}

// Metadata is metadata.json: enough to tell runs apart and compare them.
// It never holds secrets: the command line, the scenarios' env, the base
// URL and the error go through the redact package's policy (docs/outputs.md).
type Metadata struct {
	RunID       string            `json:"run_id"`
	Version     string            `json:"llmbench_version"`
	Script      string            `json:"script"`
	Workload    string            `json:"workload"`
	Target      string            `json:"target,omitempty"`
	BaseURL     string            `json:"base_url,omitempty"`
	Model       string            `json:"model,omitempty"`
	Start       time.Time         `json:"start"`
	End         time.Time         `json:"end"`
	DurationSec float64           `json:"duration_seconds"` // the test run's duration
	CommandLine []string          `json:"command_line"`
	Tags        map[string]string `json:"tags,omitempty"`
	Scenarios   json.RawMessage   `json:"scenarios,omitempty"`
	ExitCode    int               `json:"exit_code"`
	Error       string            `json:"error,omitempty"`
}

// results is one --results run directory; a nil *results does nothing.
type results struct {
	dir     string // DIR/<run-id>
	meta    Metadata
	secrets []string // values to redact
}

// newResults creates DIR/<run-id>/ and fills the metadata known before
// the run. The run id is the UTC start time and the workload, with a
// counter when that directory exists.
func newResults(rf *resultsFlags, env Env, l *loaded, script string, now time.Time) (*results, error) {
	scriptEnv := l.env
	if rf == nil || rf.dir == "" {
		return nil, nil
	}
	tags := l.run.Tags()
	m := Metadata{
		Version:  Version,
		Script:   script,
		Workload: firstOf(tags["workload"], strings.TrimSuffix(filepath.Base(script), filepath.Ext(script))),
		Target:   firstOf(tags["target"], scriptEnv["TARGET"]),
		BaseURL:  redact.URL(scriptEnv["LLM_BASE_URL"]),
		Model:    firstOf(tags["model"], scriptEnv["MODEL"], scriptEnv["LLM_MODEL"]),
		Start:    now.UTC(),
		Tags:     tags,
	}
	if b, err := plainJSON(redactScenarios(l.run.ScenarioJSON())); err == nil {
		m.Scenarios = b
	}
	root := resolve(env, rf.dir)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, exit.Errorf(exit.InvalidConfig, "--results: %v", err)
	}
	base := m.Start.Format("20060102-150405") + "-" + safeName(m.Workload)
	id := base
	for n := 2; ; n++ {
		err := os.Mkdir(filepath.Join(root, id), 0o755)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || n > 1000 {
			return nil, exit.Errorf(exit.InvalidConfig, "--results: %v", err)
		}
		id = fmt.Sprintf("%s-%d", base, n)
	}
	m.RunID = id
	r := &results{dir: filepath.Join(root, id), meta: m, secrets: secretValues(scriptEnv, env.environMap())}
	r.meta.CommandLine = r.redact(append([]string{"llmbench"}, env.Args...))
	return r, nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

var unsafeRE = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string {
	s = strings.Trim(unsafeRE.ReplaceAllString(s, "_"), "_.")
	if s == "" {
		return "run"
	}
	return s
}

// secretValues are the values the redact policy hides (secret-looking
// names in the process environment, and every -e value it does not keep),
// longest first, so that they are hidden wherever else they appear. The
// script env also holds the process environment (PWD, PATH…): only the
// values -e set or changed count.
func secretValues(scriptEnv, processEnv map[string]string) []string {
	var out []string
	for k, v := range processEnv {
		if redact.Name(k) && len(v) >= 6 {
			out = append(out, v)
		}
	}
	for k, v := range scriptEnv {
		if pv, ok := processEnv[k]; ok && pv == v {
			continue
		}
		if redact.EnvValue(k, v) == redact.Mark && len(v) >= 6 {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(out)
}

// redact applies the redact policy to args (a command line: -e values) and
// hides the known secret values wherever they appear.
func (r *results) redact(args []string) []string {
	out := redact.Args(args)
	for i, a := range out {
		for _, s := range r.secrets {
			a = strings.ReplaceAll(a, s, redact.Mark)
		}
		out[i] = a
	}
	return out
}

// plainJSON encodes v without HTML escaping ("<redacted>" stays readable).
func plainJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// redactScenarios applies the redact policy to each scenario's env.
func redactScenarios(sc map[string]json.RawMessage) map[string]json.RawMessage {
	for name, raw := range sc {
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil || m["env"] == nil {
			continue
		}
		var env map[string]string
		if json.Unmarshal(m["env"], &env) != nil {
			delete(m, "env") // not a string map: keep nothing of it
		} else if b, err := plainJSON(redact.Env(env)); err == nil {
			m["env"] = b
		}
		if b, err := plainJSON(m); err == nil {
			sc[name] = b
		}
	}
	return sc
}

// outSpecs is the --out spec of the samples file ("" → none).
func (r *results) outSpecs() []string {
	if r == nil {
		return nil
	}
	return []string{"json=" + filepath.Join(r.dir, SamplesFile)}
}

// finish writes summary.json, summary.csv and metadata.json and prints
// where the results are. runErr is the run's outcome (its exit code).
func (r *results) finish(env Env, l *loaded, agg *aggregate.Aggregate, srcs *sources, runErr error, end time.Time) error {
	if r == nil {
		return nil
	}
	snap := agg.Snapshot()
	data, err := summary.Data(snap, summary.Options{TrendStats: l.run.SummaryTrendStats(), TimeUnit: l.run.SummaryTimeUnit(), NoColor: true})
	if err == nil && srcs != nil {
		data, err = srcs.addToData(data, snap)
	}
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	export, err := summary.Export(data)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	rows, err := summaryCSV(data)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	r.meta.End = end.UTC()
	r.meta.DurationSec = snap.Duration.Seconds() // the test run, without init and summary
	if runErr != nil {
		r.meta.ExitCode = int(exit.CodeOf(runErr))
		r.meta.Error = r.redact([]string{runErr.Error()})[0]
	}
	var meta bytes.Buffer
	enc := json.NewEncoder(&meta)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r.meta); err != nil {
		return fmt.Errorf("results: %w", err)
	}
	for name, b := range map[string][]byte{SummaryJSON: export, SummaryCSV: rows, MetadataFile: meta.Bytes()} {
		if err := os.WriteFile(filepath.Join(r.dir, name), b, 0o644); err != nil {
			return fmt.Errorf("results: %w", err)
		}
	}
	fmt.Fprintf(env.Stdout, "\nresults: %s\n", r.dir)
	return nil
}

// csvStats is the order of the statistic columns of summary.csv; other
// statistics (custom percentiles) follow in name order.
var csvStats = []string{"count", "rate", "value", "passes", "fails", "avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"}

// summaryCSV turns the summary data into a header and one row per metric
// (and submetric), sorted by name: metric, type, contains, the statistic
// columns and thresholds_ok ("" when the metric has none).
func summaryCSV(data []byte) ([]byte, error) {
	var d struct {
		Metrics map[string]struct {
			Type       string                       `json:"type"`
			Contains   string                       `json:"contains"`
			Values     map[string]json.Number       `json:"values"`
			Thresholds map[string]struct{ Ok bool } `json:"thresholds"`
		} `json:"metrics"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("reading summary data: %w", err)
	}
	names := make([]string, 0, len(d.Metrics))
	extra := map[string]bool{}
	for n, m := range d.Metrics {
		names = append(names, n)
		for s := range m.Values {
			if !slices.Contains(csvStats, s) {
				extra[s] = true
			}
		}
	}
	slices.Sort(names)
	stats := slices.Clone(csvStats)
	stats = append(stats, slices.Sorted(maps.Keys(extra))...)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(append(append([]string{"metric", "type", "contains"}, stats...), "thresholds_ok"))
	for _, n := range names {
		m := d.Metrics[n]
		row := []string{n, m.Type, m.Contains}
		for _, s := range stats {
			row = append(row, m.Values[s].String())
		}
		ok := ""
		if len(m.Thresholds) > 0 {
			all := true
			for _, t := range m.Thresholds {
				all = all && t.Ok
			}
			ok = strconv.FormatBool(all)
		}
		_ = w.Write(append(row, ok))
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
