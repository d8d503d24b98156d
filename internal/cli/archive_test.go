package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
)

// cliIn runs Main with args in dir and returns the exit code and output.
func cliIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	mods := modules.NewRegistry()
	builtin.Register(mods)
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), Env{Name: "k6", Args: args, Environ: []string{"PATH=/usr/bin"},
		Stdout: &stdout, Stderr: &stderr, Dir: dir}, mods, nil)
	return code, stdout.String(), stderr.String()
}

// TestArchiveInspectRun plays the k6-operator's initializer (archive, then
// inspect --execution-requirements on the archive) and runs the archive
// after the original files are gone: imports, open() and -e come from it.
func TestArchiveInspectRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"test.js": `import { n } from './lib/n.js';
const words = open('./data/words.txt').trim().split('\n');
export const options = {
  scenarios: {
    a: { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2, maxVUs: 6 },
    b: { executor: 'shared-iterations', vus: 3, iterations: 3, startTime: '1s', maxDuration: '2s' },
  },
  thresholds: { iterations: ['count>=1'] },
};
export default function () { if (words.length !== n || __ENV.GREETING !== 'hi') throw new Error('bad ' + words.length + __ENV.GREETING); }
`,
		"lib/n.js":       "export const n = 3;\n",
		"data/words.txt": "a\nb\nc\n",
	}
	for p, body := range files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tar := filepath.Join(dir, "tmp", "test.js.archived.tar")
	if code, _, stderr := cliIn(t, dir, "archive", filepath.Join(dir, "test.js"), "-e", "GREETING=hi", "-O", tar, "--tag", "x=y", "--no-thresholds"); code != 0 {
		t.Fatalf("archive exited %d: %s", code, stderr)
	}
	code, stdout, stderr := cliIn(t, dir, "inspect", "--execution-requirements", tar)
	if code != 0 {
		t.Fatalf("inspect exited %d: %s", code, stderr)
	}
	if regexp.MustCompile(`level.*error`).MatchString(stderr) {
		t.Errorf("stderr matches the initializer's level.*error: %s", stderr)
	}
	var req struct {
		MaxVUs        uint64            `json:"maxVUs"`
		TotalDuration string            `json:"totalDuration"`
		Tags          map[string]string `json:"tags"`
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&req); err != nil || dec.More() {
		t.Fatalf("stdout is not exactly one JSON document (%v): %s", err, stdout)
	}
	// a: up to 6 VUs from 0 to 30.5s; b: 3 VUs from 1s to 33s (a ends at 31s) → peak 9;
	// the plan ends at b's 1s + 2s + 30s gracefulStop.
	if req.MaxVUs != 9 || req.TotalDuration != "33s" || req.Tags["x"] != "y" {
		t.Errorf("requirements = %+v", req)
	}
	for p := range files {
		if err := os.Remove(filepath.Join(dir, p)); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr = cliIn(t, dir, "run", "-q", tar, "--summary-export", filepath.Join(dir, "export.json"))
	if code != 0 || strings.Contains(stderr, "bad") {
		t.Fatalf("run of the archive exited %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "export.json"))
	if err != nil {
		t.Fatal(err)
	}
	var export struct {
		Metrics map[string]map[string]any `json:"metrics"`
	}
	if err := json.Unmarshal(b, &export); err != nil {
		t.Fatal(err)
	}
	if got := export.Metrics["iterations"]["count"]; got != 13.0 {
		t.Errorf("iterations = %v, want 10 + 3", got)
	}
}

// TestSegmentFlags checks the flags' validation (exit 104) and that a
// segment runs its share: shared-iterations 10 over 10 VUs, thirds →
// 4, 3, 3 iterations.
func TestSegmentFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := filepath.Join(dir, "t.js")
	if err := os.WriteFile(script, []byte(`export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 10, iterations: 10 } } };
export default function () {}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		want string // in stderr, or the iterations count in the export
	}{
		{[]string{"--execution-segment=0:2"}, 104, "must satisfy 0 ≤ from < to ≤ 1"},
		{[]string{"--execution-segment=0:1/3", "--execution-segment-sequence=0,1/2,1"}, 104, "not a member of the segment sequence"},
		{[]string{"--execution-segment=0:1/3", "--execution-segment-sequence=0,1/3,1/4,1"}, 104, "points must increase"},
		{[]string{"--execution-segment=0:x"}, 104, "want a fraction"},
		{[]string{"--execution-segment=0:1/3", "--execution-segment-sequence=0,1/3,2/3,1"}, 0, "4"},
		{[]string{"--execution-segment=33.3333333333333333%:2/3", "--execution-segment-sequence=0,1/3,2/3,1"}, 104, "percentage must be an integer"},
		{[]string{"--execution-segment=1/3:0.6666666666666666", "--execution-segment-sequence=0,1/3,0.6666666666666666,1"}, 104, "common denominator"},
		{[]string{"--execution-segment=0.25:50%", "--execution-segment-sequence=0,25%,0.5,1"}, 0, "2"},
		{[]string{"--execution-segment=2/3:1", "--execution-segment-sequence=0,1/3,2/3,1"}, 0, "3"},
	}
	for i, tt := range tests {
		export := filepath.Join(dir, fmt.Sprintf("export-%d.json", i))
		code, _, stderr := cliIn(t, dir, append([]string{"run", "-q", script, "--summary-export", export}, tt.args...)...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d: %s", tt.args, code, tt.code, stderr)
			continue
		}
		if code != 0 {
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("%v: stderr %q, want %q", tt.args, stderr, tt.want)
			}
			continue
		}
		b, _ := os.ReadFile(export)
		var e struct {
			Metrics map[string]map[string]any `json:"metrics"`
		}
		_ = json.Unmarshal(b, &e)
		if got := fmt.Sprint(e.Metrics["iterations"]["count"]); got != tt.want {
			t.Errorf("%v: %s iterations, want %s", tt.args, got, tt.want)
		}
	}
}

// TestArchiveOfShortcutOptions: a script with shortcut options (vus,
// iterations) archives and runs from the archive, as the k6-operator runs
// most scripts; the archive's derived scenario is what runs.
func TestArchiveOfShortcutOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	script := filepath.Join(dir, "s.js")
	if err := os.WriteFile(script, []byte("export const options = { vus: 2, iterations: 4 };\nexport default function () {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tar := filepath.Join(dir, "a.tar")
	if code, _, stderr := cliIn(t, dir, "archive", "-O", tar, script); code != 0 {
		t.Fatalf("archive exited %d: %s", code, stderr)
	}
	export := filepath.Join(dir, "summary.json")
	code, _, stderr := cliIn(t, dir, "run", "-q", "--gpu", "none", "--summary-export", export, tar)
	if code != 0 {
		t.Fatalf("running the archive exited %d: %s", code, stderr)
	}
	b, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	var sum struct {
		Metrics map[string]map[string]float64 `json:"metrics"`
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if n := sum.Metrics["iterations"]["count"]; n != 4 {
		t.Errorf("iterations %v, want 4", n)
	}
}
