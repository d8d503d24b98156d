package xsse_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/cli"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/xsse"
)

// prelude gives test scripts eq(got, want, what) and ok(cond, what), which
// abort the test run (exit 108) with a message when the check fails.
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
	Time   time.Time
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

// registry holds the modules the binary has.
func registry(t *testing.T) *modules.Registry {
	mods := modules.NewRegistry()
	builtin.Register(mods)
	if err := mods.Register("k6/x/llm", llm.New()); err != nil {
		t.Fatal(err)
	}
	if err := mods.Register("k6/x/sse", xsse.New()); err != nil {
		t.Fatal(err)
	}
	return mods
}

// run runs script (prelude first) with `llmbench run`, as the binary does.
func run(t *testing.T, script string, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "script.js")
	if err := os.WriteFile(path, []byte(prelude+script), 0o644); err != nil {
		t.Fatal(err)
	}
	return runFile(t, path, args...)
}

// runFile runs the script at path as `llmbench run` does.
func runFile(t *testing.T, path string, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	export := filepath.Join(dir, "summary.json")
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), cli.Env{
		Args:   append(append([]string{"run", "-q", "--gpu", "none", "--out", "json=" + out, "--summary-export", export}, args...), path),
		Stdout: &stdout, Stderr: &stderr, Dir: filepath.Dir(path),
	}, registry(t), nil)
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
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
				r.samples = append(r.samples, sample{Metric: l.Metric, Time: l.Data.Time, Value: l.Data.Value, Tags: l.Data.Tags})
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

// serve starts an httptest server for one case and returns its URL.
func serve(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// write writes chunks to an event-stream response, flushing each.
func write(w http.ResponseWriter, chunks ...string) {
	fl, _ := w.(http.Flusher)
	for _, c := range chunks {
		_, _ = w.Write([]byte(c))
		if fl != nil {
			fl.Flush()
		}
	}
}

// eventStream starts an event-stream response.
func eventStream(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
}
