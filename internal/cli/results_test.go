package cli

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
)

// runResults runs testdata/scripts/results.js with --results DIR and returns
// the exit code, stdout and the one run directory it made.
func runResults(t *testing.T, dir string, environ []string, extra ...string) (int, string, string) {
	t.Helper()
	wd, _ := os.Getwd()
	mods := modules.NewRegistry()
	builtin.Register(mods)
	var stdout, stderr bytes.Buffer
	args := append([]string{"run", "-q", "--results", "res"}, extra...)
	args = append(args, filepath.Join(wd, "testdata", "scripts", "results.js"))
	code := Main(context.Background(), Env{
		Args: args, Environ: environ, Stdout: &stdout, Stderr: &stderr, Dir: dir,
	}, mods, nil)
	runs, _ := filepath.Glob(filepath.Join(dir, "res", "*"))
	if len(runs) == 0 {
		t.Fatalf("no run directory under %s; exit %d\n%s", dir, code, stderr.String())
	}
	return code, stdout.String(), runs[len(runs)-1]
}

// TestResults: --results writes the four files, the samples are k6 JSON
// lines, the summary and CSV agree with the run, and the metadata has the
// run's tags and no secret.
func TestResults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	environ := []string{"LLM_API_KEY=sk-very-secret-value", "PATH=/usr/bin"}
	code, stdout, run := runResults(t, dir, environ, "-e", "HF_TOKEN=hf-other-secret", "-e", "NOTE=sk-very-secret-value",
		"-e", "LLM_BASE_URL=http://user:url-password@127.0.0.1:1/v1")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stdout, "results: "+run) {
		t.Errorf("stdout does not say where the results went:\n%s", stdout)
	}
	names := []string{}
	entries, _ := os.ReadDir(run)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{MetadataFile, SamplesFile, SummaryCSV, SummaryJSON}, names); diff != "" {
		t.Errorf("run directory files (-want +got):\n%s", diff)
	}

	// Samples: gzipped k6 JSON lines with 20 work_ms points.
	f, err := os.Open(filepath.Join(run, SamplesFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("samples are not gzip: %v", err)
	}
	points := 0
	sc := bufio.NewScanner(gz)
	for sc.Scan() {
		var line struct {
			Type   string `json:"type"`
			Metric string `json:"metric"`
			Data   struct {
				Value float64           `json:"value"`
				Tags  map[string]string `json:"tags"`
			} `json:"data"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("not a JSON line: %v: %s", err, sc.Text())
		}
		if line.Type == "Point" && line.Metric == "work_ms" {
			points++
			if line.Data.Value != 5 || line.Data.Tags["workload"] != "unit" {
				t.Errorf("work_ms point %+v", line.Data)
			}
		}
	}
	if points != 20 {
		t.Errorf("%d work_ms points in the samples, want 20", points)
	}

	// summary.json is the summary export.
	var export struct {
		Metrics map[string]map[string]any `json:"metrics"`
	}
	readJSON(t, filepath.Join(run, SummaryJSON), &export)
	if got := export.Metrics["iterations"]["count"]; got != float64(20) {
		t.Errorf("summary.json iterations count = %v, want 20", got)
	}

	// summary.csv: a header and a row per metric.
	rows := readCSV(t, filepath.Join(run, SummaryCSV))
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	byName := map[string][]string{}
	for _, r := range rows[1:] {
		byName[r[0]] = r
	}
	work, ok := byName["work_ms"]
	if !ok {
		t.Fatalf("no work_ms row in %v", rows)
	}
	if work[col["type"]] != "trend" || work[col["avg"]] != "5" || work[col["p(95)"]] != "5" || work[col["thresholds_ok"]] != "true" {
		t.Errorf("work_ms row %v (header %v)", work, rows[0])
	}
	if it := byName["iterations"]; it == nil || it[col["count"]] != "20" {
		t.Errorf("iterations row %v", it)
	}

	// metadata.json.
	var meta Metadata
	readJSON(t, filepath.Join(run, MetadataFile), &meta)
	if meta.Workload != "unit" || meta.Target != "here" || meta.Model != "m1" || meta.RunID != filepath.Base(run) || meta.ExitCode != 0 {
		t.Errorf("metadata %+v", meta)
	}
	if !strings.HasSuffix(meta.RunID, "-unit") || meta.End.Before(meta.Start) || meta.Start.IsZero() {
		t.Errorf("run id %q, start %v, end %v", meta.RunID, meta.Start, meta.End)
	}
	if meta.CommandLine[0] != "llmbench" || meta.CommandLine[1] != "run" {
		t.Errorf("command line %q", meta.CommandLine)
	}
	for _, name := range names {
		b, _ := os.ReadFile(filepath.Join(run, name))
		if name == SamplesFile {
			continue
		}
		for _, secret := range []string{"sk-very-secret-value", "hf-other-secret", "url-password"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains the secret %q", name, secret)
			}
		}
	}
	if meta.BaseURL != "http://<redacted>@127.0.0.1:1/v1" {
		t.Errorf("base_url %q, want the URL without its credentials", meta.BaseURL)
	}
	if !strings.Contains(strings.Join(meta.CommandLine, " "), "HF_TOKEN=<redacted>") {
		t.Errorf("command line %q should keep the variable name and redact its value", meta.CommandLine)
	}
}

// TestResultsFailedRun: a failed threshold still writes the results, with
// exit code 99 in the metadata; two runs get two directories.
func TestResultsFailedRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, _, first := runResults(t, dir, nil)
	if code != 0 {
		t.Fatalf("first run: exit %d", code)
	}
	code, _, run := runResults(t, dir, nil, "-e", "FAIL=1")
	if code != 99 {
		t.Fatalf("exit %d, want 99", code)
	}
	runs, _ := filepath.Glob(filepath.Join(dir, "res", "*"))
	if len(runs) != 2 {
		t.Fatalf("run directories %v, want 2", runs)
	}
	if run == first {
		run = runs[0]
	}
	var meta Metadata
	readJSON(t, filepath.Join(run, MetadataFile), &meta)
	if meta.ExitCode != 99 || meta.Error == "" {
		t.Errorf("metadata exit code %d, error %q; want 99 and the reason", meta.ExitCode, meta.Error)
	}
	rows := readCSV(t, filepath.Join(run, SummaryCSV))
	for _, r := range rows[1:] {
		if r[0] == "iterations" && r[len(r)-1] != "false" {
			t.Errorf("iterations row %v should say thresholds_ok=false", r)
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, b)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: %v, %d rows", path, err, len(rows))
	}
	return rows
}
