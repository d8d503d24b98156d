package k6http_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/cli"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
)

// prelude gives test scripts eq(got, want, what), which aborts the test
// run (exit 108) with a message when got and want differ as JSON.
const prelude = `import exec from 'k6/execution';
function eq(got, want, what) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) exec.test.abort(what + ': got ' + g + ', want ' + w);
}
function ok(cond, what) { if (!cond) exec.test.abort(what); }
`

// sample is one line of the JSON output.
type sample struct {
	Metric string
	Value  float64
	Tags   map[string]string
}

type result struct {
	code           int
	stdout, stderr string
	samples        []sample
	summary        map[string]any
}

// of returns the samples of metric.
func (r result) of(metric string) []sample {
	var out []sample
	for _, s := range r.samples {
		if s.Metric == metric {
			out = append(out, s)
		}
	}
	return out
}

// run runs script (prelude first) with `llmbench run`, as the binary does.
func run(t *testing.T, script string, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "script.js")
	if err := os.WriteFile(path, []byte(prelude+script), 0o644); err != nil {
		t.Fatal(err)
	}
	mods := modules.NewRegistry()
	builtin.Register(mods)
	out := filepath.Join(dir, "out.json")
	export := filepath.Join(dir, "summary.json")
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), cli.Env{
		Args:   append(append([]string{"run", "-q", "--gpu", "none", "--out", "json=" + out, "--summary-export", export}, args...), path),
		Stdout: &stdout, Stderr: &stderr, Dir: dir,
	}, mods, nil)
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	if f, err := os.Open(out); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var l struct {
				Type, Metric string
				Data         struct {
					Value float64
					Tags  map[string]string
				}
			}
			if json.Unmarshal(sc.Bytes(), &l) == nil && l.Type == "Point" {
				r.samples = append(r.samples, sample{Metric: l.Metric, Value: l.Data.Value, Tags: l.Data.Tags})
			}
		}
	}
	if b, err := os.ReadFile(export); err == nil {
		_ = json.Unmarshal(b, &r.summary)
	}
	return r
}

// mustRun runs script and fails the test unless it exits 0.
func mustRun(t *testing.T, script string, args ...string) result {
	t.Helper()
	r := run(t, script, args...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, lastLines(r.stderr, 15))
	}
	return r
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
