// Package clitest runs scripts through `llmbench run` (cli.Main, as the
// binary does) for the tests of JS modules: it returns the exit code, the
// output, every sample of the JSON output and the summary export. Tests
// that check what a module emits read it from there, so they test the
// whole pipeline.
package clitest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/cli"
	"github.com/llmbench/llmbench/internal/js/modules"
)

// Prelude gives test scripts eq(got, want, what) and ok(cond, what), which
// abort the run (exit 108) with a message when the check fails.
const Prelude = `import exec from 'k6/execution';
function eq(got, want, what) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) exec.test.abort(what + ': got ' + g + ', want ' + w);
}
function ok(cond, what) { if (!cond) exec.test.abort(what); }
`

// Sample is one point of the JSON output.
type Sample struct {
	Metric string
	Time   time.Time
	Value  float64
	Tags   map[string]string
}

// Result is one run.
type Result struct {
	Code           int
	Stdout, Stderr string
	Samples        []Sample
	// Summary is the --summary-export document (nil if none was written).
	Summary map[string]any
}

// Of returns the samples of metric, in output order.
func (r Result) Of(metric string) []Sample {
	var out []Sample
	for _, s := range r.Samples {
		if s.Metric == metric {
			out = append(out, s)
		}
	}
	return out
}

// Run writes Prelude + src to a temporary script and runs it.
func Run(t testing.TB, mods *modules.Registry, src string, args ...string) Result {
	t.Helper()
	path := filepath.Join(t.TempDir(), "script.js")
	if err := os.WriteFile(path, []byte(Prelude+src), 0o644); err != nil {
		t.Fatal(err)
	}
	return RunFile(t, mods, path, args...)
}

// RunFile runs the script at path: `llmbench run -q --gpu none --out
// json=… --summary-export … ARGS PATH` in the script's directory.
func RunFile(t testing.TB, mods *modules.Registry, path string, args ...string) Result {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	export := filepath.Join(dir, "summary.json")
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), cli.Env{
		Args:   append(append([]string{"run", "-q", "--gpu", "none", "--out", "json=" + out, "--summary-export", export}, args...), path),
		Stdout: &stdout, Stderr: &stderr, Dir: filepath.Dir(path),
	}, mods, nil)
	r := Result{Code: code, Stdout: stdout.String(), Stderr: stderr.String()}
	if f, err := os.Open(out); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var l struct {
				Type, Metric string
				Data         struct {
					Time  time.Time
					Value float64
					Tags  map[string]string
				}
			}
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Type == "Point" {
				r.Samples = append(r.Samples, Sample{Metric: l.Metric, Time: l.Data.Time, Value: l.Data.Value, Tags: l.Data.Tags})
			}
		}
	}
	if b, err := os.ReadFile(export); err == nil {
		_ = json.Unmarshal(b, &r.Summary)
	}
	return r
}

// MustRun is Run that fails the test unless the script exits 0.
func MustRun(t testing.TB, mods *modules.Registry, src string, args ...string) Result {
	t.Helper()
	r := Run(t, mods, src, args...)
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s", r.Code, LastLines(r.Stderr, 15))
	}
	return r
}

// LastLines is the last n lines of s.
func LastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
