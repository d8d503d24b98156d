package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
)

type result struct {
	code           int
	stdout, stderr string
	export         map[string]any // --summary-export, when asked for
}

// runCLI runs cli.Main in process on testdata/scripts/<script> the way the
// binary does, with --summary-export, and returns what it printed.
func runCLI(t *testing.T, signals <-chan os.Signal, args ...string) result {
	t.Helper()
	dir := t.TempDir()
	wd, _ := os.Getwd()
	export := filepath.Join(dir, "export.json")
	mods := modules.NewRegistry()
	builtin.Register(mods)
	var stdout, stderr bytes.Buffer
	full := append([]string{"run"}, args[:len(args)-1]...)
	full = append(full, "--summary-export", export, filepath.Join(wd, "testdata", "scripts", args[len(args)-1]))
	code := Main(context.Background(), Env{
		Args: full, Environ: []string{"PATH=/usr/bin"}, Stdout: &stdout, Stderr: &stderr,
		Dir: dir, Signals: signals,
	}, mods, nil)
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	if b, err := os.ReadFile(export); err == nil {
		if err := json.Unmarshal(b, &r.export); err != nil {
			t.Fatalf("summary export is not JSON: %v\n%s", err, b)
		}
	}
	return r
}

func (r result) metric(t *testing.T, name, stat string) float64 {
	t.Helper()
	ms, _ := r.export["metrics"].(map[string]any)
	m, ok := ms[name].(map[string]any)
	if !ok {
		t.Fatalf("metric %s missing from the summary export; stdout:\n%s\nstderr:\n%s", name, r.stdout, r.stderr)
	}
	v, ok := m[stat].(float64)
	if !ok {
		t.Fatalf("metric %s has no %s: %v", name, stat, m)
	}
	return v
}

func TestRunCounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		script   string
		metric   string
		stat     string
		min, max float64
	}{
		{"shared_iterations.js", "iterations", "count", 50, 50},
		{"per_vu_iterations.js", "iterations", "count", 24, 24},
		{"constant_arrival_rate.js", "iterations", "count", 60, 61},
		{"ramping_arrival_rate.js", "iterations", "count", 39, 40},
		{"arrival_dropped.js", "iterations", "count", 16, 20},
		{"arrival_dropped.js", "dropped_iterations", "count", 80, 84},
		{"trend.js", "one_to_hundred", "med", 50.5, 50.5},
		{"trend.js", "one_to_hundred", "p(90)", 90.1, 90.1},
		{"trend.js", "one_to_hundred", "p(99)", 99.01, 99.01},
	}
	for _, tt := range tests {
		t.Run(tt.script+"/"+tt.metric+"/"+tt.stat, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, nil, "-q", tt.script)
			if r.code != 0 {
				t.Fatalf("exit %d, want 0\nstderr:\n%s", r.code, r.stderr)
			}
			if v := r.metric(t, tt.metric, tt.stat); v < tt.min-1e-9 || v > tt.max+1e-9 {
				t.Errorf("%s %s = %v, want %v..%v", tt.metric, tt.stat, v, tt.min, tt.max)
			}
			if tt.script == "constant_arrival_rate.js" {
				if ms := r.export["metrics"].(map[string]any); ms["dropped_iterations"] != nil {
					t.Errorf("dropped_iterations = %v, want none", ms["dropped_iterations"])
				}
			}
		})
	}
}

func TestRunExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		script string
		code   int
		stderr []string // substrings
		stdout []string
	}{
		{"misspelled_key.js", 104, []string{`unknown field "iteration"`}, nil},
		{"unknown_threshold_metric.js", 104, []string{"no_such_metric"}, nil},
		{"throw_init.js", 107, []string{"boom at init", "throw_init.js:3"}, nil},
		{"abort.js", 108, []string{"test aborted: enough", "teardown ran"}, []string{"TOTAL RESULTS"}},
		{"threshold_fail.js", 99, []string{"thresholds on metrics 'things' have been crossed"}, []string{"✗ 'count>100'", "✓ 'count==3'"}},
		{"test_fail.js", 110, []string{"marked as failed"}, nil},
		{"handle_summary.js", 0, nil, []string{"custom: 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, nil, "-q", tt.script)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			for _, s := range tt.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
		})
	}
}

// TestSignal: the first signal stops new iterations, teardown and the
// summary still run, and the exit code is 105.
func TestSignal(t *testing.T) {
	t.Parallel()
	sig := make(chan os.Signal, 2)
	go func() {
		time.Sleep(700 * time.Millisecond)
		sig <- syscall.SIGINT
	}()
	start := time.Now()
	r := runCLI(t, sig, "-q", "long_running.js")
	if r.code != 105 {
		t.Fatalf("exit %d, want 105\nstderr:\n%s", r.code, r.stderr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %v: the signal did not stop the 1m scenario", d)
	}
	if !strings.Contains(r.stderr, "teardown ran") {
		t.Errorf("teardown did not run:\n%s", r.stderr)
	}
	if r.metric(t, "iterations", "count") < 1 {
		t.Error("no iterations recorded")
	}
}

func TestInspect(t *testing.T) {
	t.Parallel()
	wd, _ := os.Getwd()
	mods := modules.NewRegistry()
	builtin.Register(mods)
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), Env{
		Args:   []string{"inspect", "-u", "3", "-d", "10s", filepath.Join(wd, "testdata", "scripts", "constant_arrival_rate.js")},
		Stdout: &stdout, Stderr: &stderr, Dir: t.TempDir(),
	}, mods, nil)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	var got map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("inspect output is not JSON: %v\n%s", err, stdout.String())
	}
	sc, _ := got["scenarios"].(map[string]any)
	def, _ := sc["default"].(map[string]any)
	if def["executor"] != "constant-vus" || def["vus"] != float64(3) {
		t.Errorf("flags -u 3 -d 10s should replace the script's scenarios with constant-vus 3: %v", sc)
	}
}

// TestSecondSignal: a second signal exits with 105 at once, without
// waiting for gracefulStop.
func TestSecondSignal(t *testing.T) {
	t.Parallel()
	wd, _ := os.Getwd()
	mods := modules.NewRegistry()
	builtin.Register(mods)
	sig := make(chan os.Signal, 2)
	exited := make(chan int, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		time.Sleep(500 * time.Millisecond)
		sig <- syscall.SIGINT
		time.Sleep(200 * time.Millisecond)
		sig <- syscall.SIGTERM
	}()
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, Env{
			Args:   []string{"run", "-q", filepath.Join(wd, "testdata", "scripts", "stuck.js")},
			Stdout: &stdout, Stderr: &stderr, Dir: t.TempDir(), Signals: sig,
			Exit: func(code int) { exited <- code },
		}, mods, nil)
	}()
	select {
	case code := <-exited:
		if code != 105 {
			t.Errorf("Exit(%d), want 105", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the second signal did not exit (gracefulStop is 30s)")
	}
	<-done
}
