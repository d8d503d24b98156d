package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/exit"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/mock"
)

// mainIn runs cli.Main in dir with the modules the binary has.
func mainIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	mods := modules.NewRegistry()
	builtin.Register(mods)
	if err := mods.Register("k6/x/llm", llm.New()); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), Env{Args: args, Environ: []string{"PATH=/usr/bin"}, Stdout: &stdout, Stderr: &stderr, Dir: dir}, mods, nil)
	return code, stdout.String(), stderr.String()
}

// TestReportOfRealRuns runs a script twice against the mock with --out
// json (plain, then gzipped) and reports both: the report's numbers must
// match the runs' own end-of-test summaries.
func TestReportOfRealRuns(t *testing.T) {
	srv, err := mock.New(mock.Config{TTFT: 20 * time.Millisecond, ITL: 2 * time.Millisecond, OutputTokens: 8, Status500: 0.1, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	running, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { running.Close(context.Background()) })
	dir := t.TempDir()
	wd, _ := os.Getwd()
	script := filepath.Join(wd, "testdata", "scripts", "report_load.js")
	exports := map[string]map[string]any{}
	// The second run also keeps a results directory, holding the same samples.
	for _, run := range []struct{ out, rate, results string }{{"low.json", "5", "--results="}, {"high.json.gz", "20", "--results=res"}} {
		code, _, stderr := mainIn(t, dir, "run", "-q", run.results, "--out", "json="+run.out, "--summary-export", run.out+".summary",
			"-e", "LLM_BASE_URL="+running.URL(), "-e", "RATE="+run.rate, "-e", "DURATION=2s", script)
		if code != 0 {
			t.Fatalf("run %s: exit %d\n%s", run.out, code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(dir, run.out+".summary"))
		if err != nil {
			t.Fatal(err)
		}
		var ex map[string]any
		if err := json.Unmarshal(b, &ex); err != nil {
			t.Fatal(err)
		}
		exports[strings.TrimSuffix(strings.TrimSuffix(run.out, ".gz"), ".json")] = ex["metrics"].(map[string]any)
	}

	code, _, stderr := mainIn(t, dir, "report", "-o", "r.json", "low.json", "high.json.gz", "res")
	if code != 0 {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	var rep struct {
		Runs []struct {
			Name      string
			Requests  float64
			Failed    float64
			Model     string
			OutputTok float64                       `json:"output_tokens"`
			Latency   map[string]map[string]float64 `json:"latency_ms"`
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "r.json"))
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("r.json: %v\n%s", err, b)
	}
	if len(rep.Runs) != 3 {
		t.Fatalf("%d runs in the report, want 3", len(rep.Runs))
	}
	// The results directory's run is named by its run id, from the script.
	if id := rep.Runs[2].Name; !strings.HasSuffix(id, "-report_load") {
		t.Errorf("results run named %q, want its run id", id)
	}
	rep.Runs[2].Name = "high"
	stat := func(ms map[string]any, metric, s string) float64 {
		m, _ := ms[metric].(map[string]any)
		v, _ := m[s].(float64)
		return v
	}
	near := func(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }
	for _, r := range rep.Runs {
		ex := exports[r.Name]
		if ex == nil {
			t.Fatalf("run named %q, want low or high", r.Name)
		}
		if r.Requests == 0 || r.Requests != stat(ex, "llm_requests", "count") {
			t.Errorf("%s: %v requests, summary says %v", r.Name, r.Requests, stat(ex, "llm_requests", "count"))
		}
		if r.Failed != stat(ex, "llm_request_failed", "passes") {
			t.Errorf("%s: %v failed, summary says %v", r.Name, r.Failed, stat(ex, "llm_request_failed", "passes"))
		}
		if r.OutputTok != stat(ex, "llm_output_tokens", "count") {
			t.Errorf("%s: %v output tokens, summary says %v", r.Name, r.OutputTok, stat(ex, "llm_output_tokens", "count"))
		}
		if r.Model != "mock-model" {
			t.Errorf("%s: model %q", r.Name, r.Model)
		}
		for key, metric := range map[string]string{"ttft": "llm_ttft", "e2e": "llm_request_duration", "itl": "llm_itl"} {
			for js, k6 := range map[string]string{"mean": "avg", "median": "med", "p90": "p(90)", "p95": "p(95)"} {
				if got, want := r.Latency[key][js], stat(ex, metric, k6); !near(got, want) {
					t.Errorf("%s: %s %s = %v, summary says %v", r.Name, key, js, got, want)
				}
			}
		}
	}

	for _, out := range []string{"r.md", "r.html"} {
		if code, _, stderr := mainIn(t, dir, "report", "-o", out, "low.json", "high.json.gz"); code != 0 {
			t.Fatalf("report -o %s: exit %d\n%s", out, code, stderr)
		}
		b, _ := os.ReadFile(filepath.Join(dir, out))
		for _, want := range []string{"low", "high", "mock-model"} {
			if !bytes.Contains(b, []byte(want)) {
				t.Errorf("%s does not name %s", out, want)
			}
		}
	}
	if code, _, stderr := mainIn(t, dir, "report", "-o", "r.pdf", "low.json", "high.json.gz"); code != 0 {
		t.Fatalf("report -o r.pdf: exit %d\n%s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "r.pdf")); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("r.pdf is not a PDF: %.20q", b)
	}
	code, stdout, _ := mainIn(t, dir, "report", "low.json")
	if code != 0 || !strings.HasPrefix(stdout, "# llmbench report") {
		t.Errorf("report to stdout: exit %d, %.60q", code, stdout)
	}
}

func TestReportErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	scenarios := []struct {
		name string
		args []string
		code exit.Code
		want string
	}{
		{"unknown format", []string{"report", "-o", "r.docx", "x.json"}, exit.InvalidConfig, "must end in .md, .html, .json or .pdf"},
		{"missing run", []string{"report", "-o", "r.md", "missing.json"}, exit.GenericError, "missing.json"},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			code, _, stderr := mainIn(t, dir, sc.args...)
			if code != int(sc.code) || !strings.Contains(stderr, sc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, sc.code, sc.want)
			}
		})
	}
	if code, _, _ := mainIn(t, dir, "report"); code == 0 {
		t.Error("report with no run succeeded")
	}
}
