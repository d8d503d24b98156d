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
// It never holds secrets: values of secret-looking variables are redacted
// from the command line.
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
		BaseURL:  userinfoRE.ReplaceAllString(scriptEnv["LLM_BASE_URL"], "$1<redacted>@"),
		Model:    firstOf(tags["model"], scriptEnv["MODEL"], scriptEnv["LLM_MODEL"]),
		Start:    now.UTC(),
		Tags:     tags,
	}
	if b, err := json.Marshal(l.run.ScenarioJSON()); err == nil {
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

// secretRE matches the names of variables whose values must never be
// written: API keys, tokens, passwords.
var secretRE = regexp.MustCompile(`(?i)(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)`)

// secretValues are the values of secret-looking variables, longest first.
func secretValues(envs ...map[string]string) []string {
	var out []string
	for _, e := range envs {
		for k, v := range e {
			if secretRE.MatchString(k) && len(v) >= 6 {
				out = append(out, v)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(out)
}

var userinfoRE = regexp.MustCompile(`(://)[^/@\s]+@`)

// redact hides secret values, -e values of secret-looking names and URL
// credentials in args.
func (r *results) redact(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		for _, s := range r.secrets {
			a = strings.ReplaceAll(a, s, "<redacted>")
		}
		if k, _, ok := strings.Cut(a, "="); ok && secretRE.MatchString(k) && !strings.HasPrefix(k, "-") {
			a = k + "=<redacted>"
		}
		out[i] = userinfoRE.ReplaceAllString(a, "$1<redacted>@")
	}
	return out
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
