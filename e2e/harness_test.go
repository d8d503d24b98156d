//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bin is the llmbench binary TestMain builds.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "llmbench-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "llmbench")
	build := exec.Command("go", "build", "-o", bin, "github.com/llmbench/llmbench/cmd/llmbench")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building llmbench:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is the inference server under test.
type server struct {
	base, model, slow string
}

// inference returns the inference server from the environment or skips.
func inference(t *testing.T) server {
	t.Helper()
	s := server{base: strings.TrimRight(os.Getenv("LLMBENCH_E2E_BASE_URL"), "/"), model: os.Getenv("LLMBENCH_E2E_MODEL")}
	if s.base == "" {
		t.Skip("LLMBENCH_E2E_BASE_URL is not set (an OpenAI API root such as http://127.0.0.1:11500/v1; .ci/e2e.sh starts one)")
	}
	if s.model == "" {
		s.model = "tiny"
	}
	s.slow = os.Getenv("LLMBENCH_E2E_SLOW_MODEL")
	if s.slow == "" {
		s.slow = s.model
	}
	return s
}

// envURL returns the environment variable's URL or skips naming it.
func envURL(t *testing.T, name, what string) string {
	t.Helper()
	v := strings.TrimRight(os.Getenv(name), "/")
	if v == "" {
		t.Skipf("%s is not set (%s; .ci/e2e.sh starts one)", name, what)
	}
	return v
}

// record is one line a script logged with rec() (testdata/lib.js).
type record struct {
	Tag          string    `json:"tag"`
	OK           bool      `json:"ok"`
	Status       int       `json:"status"`
	ErrorCode    string    `json:"errorCode"`
	Error        string    `json:"error"`
	TTFT         float64   `json:"ttft"`
	TPOT         float64   `json:"tpot"`
	E2E          float64   `json:"e2e"`
	ITL          []float64 `json:"itl"`
	Chunks       int       `json:"chunks"`
	InputTokens  int       `json:"inputTokens"`
	OutputTokens int       `json:"outputTokens"`
	TokenSource  string    `json:"tokenSource"`
	Content      string    `json:"content"`
	RetryAfter   string    `json:"retryAfter"`
	MaxTokens    int       `json:"maxTokens"`
	Start        float64   `json:"start"` // Date.now() before the call, ms
	VU           int       `json:"vu"`
	// Embeddings results (endpoints.js).
	Dimensions int     `json:"dimensions"`
	Count      int     `json:"count"`
	Duration   float64 `json:"duration"`
}

// point is one Point line of the json output.
type point struct {
	Metric string
	Value  float64
	Tags   map[string]string
}

// result is one finished llmbench run.
type result struct {
	code           int
	stdout, stderr string
	records        []record
	points         []point
	summary        map[string]map[string]float64 // --summary-export metrics
	jsonLines      int
	elapsed        time.Duration
	// afterSignal is the time from SIGINT to the exit (0 without one).
	afterSignal time.Duration
}

// runOpts describe one run of a testdata script.
type runOpts struct {
	script string
	env    map[string]string
	args   []string
	// signalWhen, when set, sends SIGINT once it returns true for a stderr line.
	signalWhen func(line string) bool
	timeout    time.Duration
}

// run runs the binary on a testdata script with a json output and a summary
// export, and parses both, the console records and the exit code.
func run(t *testing.T, o runOpts) *result {
	t.Helper()
	dir := t.TempDir()
	out, sum := filepath.Join(dir, "out.json"), filepath.Join(dir, "summary.json")
	args := []string{"run", "--no-color", "-q", "--out", "json=" + out, "--summary-export", sum}
	for k, v := range o.env {
		args = append(args, "-e", k+"="+v)
	}
	args = append(args, o.args...)
	args = append(args, filepath.Join("testdata", o.script))
	if o.timeout == 0 {
		o.timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	sc := bufio.NewScanner(errPipe)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var signalled time.Time
	for sc.Scan() {
		line := sc.Text()
		stderr.WriteString(line + "\n")
		if o.signalWhen != nil && signalled.IsZero() && o.signalWhen(line) {
			signalled = time.Now()
			_ = cmd.Process.Signal(syscall.SIGINT)
		}
	}
	err = cmd.Wait()
	r := &result{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(start)}
	if !signalled.IsZero() {
		r.afterSignal = time.Since(signalled)
	}
	if ctx.Err() != nil {
		t.Fatalf("llmbench %s did not end within %s\nstderr:\n%s", o.script, o.timeout, tail(r.stderr))
	}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") {
		t.Errorf("llmbench %s panicked:\n%s", o.script, r.stderr)
	}
	r.records = parseRecords(t, r.stderr)
	r.points, r.jsonLines = parseJSONOutput(t, out)
	r.summary = parseSummary(t, sum)
	return r
}

// parseRecords reads the "E2E {json}" console lines (logfmt msg="…").
func parseRecords(t *testing.T, stderr string) []record {
	t.Helper()
	var recs []record
	for _, line := range strings.Split(stderr, "\n") {
		i := strings.Index(line, ` msg="E2E `)
		if i < 0 || !strings.Contains(line, "source=console") {
			continue
		}
		q, err := strconv.QuotedPrefix(line[i+len(" msg="):])
		if err != nil {
			t.Fatalf("console line %q: %v", line, err)
		}
		msg, _ := strconv.Unquote(q)
		var r record
		if err := json.Unmarshal([]byte(strings.TrimPrefix(msg, "E2E ")), &r); err != nil {
			t.Fatalf("record %q: %v", msg, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// parseJSONOutput checks that every line of the json output is a complete
// JSON object and returns its points.
func parseJSONOutput(t *testing.T, path string) ([]point, int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("json output: %v", err)
		return nil, 0
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Errorf("json output does not end with a newline: last line cut")
	}
	var pts []point
	lines := 0
	for i, line := range bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		lines++
		var l struct {
			Type   string `json:"type"`
			Metric string `json:"metric"`
			Data   struct {
				Value float64           `json:"value"`
				Tags  map[string]string `json:"tags"`
			} `json:"data"`
		}
		if err := json.Unmarshal(line, &l); err != nil {
			t.Errorf("json output line %d is not JSON: %v: %.200s", i+1, err, line)
			continue
		}
		if l.Type == "Point" {
			pts = append(pts, point{Metric: l.Metric, Value: l.Data.Value, Tags: l.Data.Tags})
		}
	}
	return pts, lines
}

func parseSummary(t *testing.T, path string) map[string]map[string]float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("summary export: %v", err)
		return nil
	}
	var s struct {
		Metrics map[string]map[string]any `json:"metrics"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Errorf("summary export is not JSON: %v", err)
		return nil
	}
	m := map[string]map[string]float64{}
	for name, vals := range s.Metrics {
		m[name] = map[string]float64{}
		for k, v := range vals {
			if f, ok := v.(float64); ok {
				m[name][k] = f
			}
		}
	}
	return m
}

// count sums the points of metric whose tags include every pair in match.
func (r *result) count(metric string, match map[string]string) float64 {
	n := 0.0
next:
	for _, p := range r.points {
		if p.Metric != metric {
			continue
		}
		for k, v := range match {
			if p.Tags[k] != v {
				continue next
			}
		}
		n += p.Value
	}
	return n
}

// byTag groups records by their tag.
func (r *result) byTag() map[string][]record {
	m := map[string][]record{}
	for _, rec := range r.records {
		m[rec.Tag] = append(m[rec.Tag], rec)
	}
	return m
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

// wantCode fails unless the run exited with code.
func (r *result) wantCode(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, tail(r.stdout), tail(r.stderr))
	}
}

// wantSummary fails unless the end-of-test summary was printed.
func (r *result) wantSummary(t *testing.T) {
	t.Helper()
	if !strings.Contains(r.stdout, "TOTAL RESULTS") {
		t.Errorf("no end-of-test summary on stdout:\n%s", tail(r.stdout))
	}
	if r.summary == nil {
		t.Errorf("no summary export")
	}
}
