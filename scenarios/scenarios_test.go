package scenarios_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/cli"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/mock"
)

type outcome struct {
	code           int
	stdout, stderr string
}

// llmbench runs the command line in process, with the modules the binary
// has, in dir, with only environ as the process environment.
func llmbench(t testing.TB, dir string, environ []string, args ...string) outcome {
	t.Helper()
	mods := modules.NewRegistry()
	builtin.Register(mods)
	if err := mods.Register("k6/x/llm", llm.New()); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), cli.Env{
		Args: args, Environ: environ, Stdout: &stdout, Stderr: &stderr, Dir: dir,
	}, mods, llm.GPUSource{})
	return outcome{code, stdout.String(), stderr.String()}
}

// startMock serves the simulated model on a free 127.0.0.1 port.
func startMock(t testing.TB, cfg mock.Config) string {
	t.Helper()
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	running, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = running.Close(ctx)
	})
	return running.URL()
}

func readExport(t testing.TB, path string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Metrics map[string]map[string]any `json:"metrics"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e.Metrics
}

var loads = []struct {
	script string
	rate   float64
	maxVUs float64
}{
	{"low-load.js", 1, 1},
	{"medium-load.js", 5, 10},
	{"high-load.js", 20, 50},
	{"stress-test.js", 50, 100},
}

// TestLoadScenarios runs each of the four load scenarios for 3s against
// the mock: exit 0, about rate×3 requests, none failed, every sample tagged
// with the workload.
func TestLoadScenarios(t *testing.T) {
	url := startMock(t, mock.Config{OutputTokens: 8, TTFT: 2 * time.Millisecond})
	for _, tc := range loads {
		t.Run(tc.script, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			wd, _ := os.Getwd()
			export := filepath.Join(dir, "export.json")
			out := llmbench(t, dir, nil, "run", "-q", "-e", "LLM_BASE_URL="+url, "-e", "DURATION=3s",
				"-e", "MAX_TOKENS=8", "--summary-export", export, filepath.Join(wd, tc.script))
			if out.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", out.code, out.stdout, out.stderr)
			}
			m := readExport(t, export)
			want := tc.rate * 3
			got, _ := m["llm_requests"]["count"].(float64)
			// An arrival-rate scenario starts its first iteration at 0s and
			// its last before 3s; allow for a loaded machine dropping a few.
			if got < want*0.85 || got > want+1 {
				t.Errorf("llm_requests = %v, want about %v (rate %v × 3s)", got, want, tc.rate)
			}
			if failed, _ := m["llm_request_failed"]["value"].(float64); failed != 0 {
				t.Errorf("llm_request_failed rate = %v", failed)
			}
			if _, ok := m["llm_ttft"]["p(95)"]; !ok {
				t.Errorf("no llm_ttft p(95) in the summary: %v", m["llm_ttft"])
			}
		})
	}
}

// TestInspectScenarios: inspect shows each load scenario's executor, rate,
// timeUnit and maxVUs, and the env overrides.
func TestInspectScenarios(t *testing.T) {
	t.Parallel()
	wd, _ := os.Getwd()
	for _, tc := range loads {
		out := llmbench(t, t.TempDir(), nil, "inspect", filepath.Join(wd, tc.script))
		if out.code != 0 {
			t.Fatalf("%s: exit %d\n%s", tc.script, out.code, out.stderr)
		}
		var got struct {
			Scenarios map[string]map[string]any `json:"scenarios"`
			Tags      map[string]string         `json:"tags"`
		}
		if err := json.Unmarshal([]byte(out.stdout), &got); err != nil {
			t.Fatalf("%s: %v", tc.script, err)
		}
		name := strings.TrimSuffix(tc.script, ".js")
		sc := got.Scenarios[name]
		if sc["executor"] != "constant-arrival-rate" || sc["rate"] != tc.rate || sc["timeUnit"] != "1s" ||
			sc["maxVUs"] != tc.maxVUs || sc["duration"] != "5m0s" {
			t.Errorf("%s: scenario %v", tc.script, sc)
		}
		if got.Tags["workload"] != name {
			t.Errorf("%s: tags %v", tc.script, got.Tags)
		}
	}
	out := llmbench(t, t.TempDir(), nil, "inspect", "-e", "RATE=7", "-e", "MAX_VUS=3", "-e", "DURATION=30s", filepath.Join(wd, "medium-load.js"))
	if !strings.Contains(out.stdout, `"rate": 7`) || !strings.Contains(out.stdout, `"maxVUs": 3`) || !strings.Contains(out.stdout, `"duration": "30s"`) {
		t.Errorf("RATE/MAX_VUS/DURATION overrides not applied:\n%s", out.stdout)
	}
}

// TestTargetSelection: TARGET and MODEL resolve from configs/*.yaml into
// the run's tags; unknown names fail with the file and the known names.
func TestTargetSelection(t *testing.T) {
	t.Parallel()
	wd, _ := os.Getwd()
	script := filepath.Join(wd, "low-load.js")
	out := llmbench(t, t.TempDir(), nil, "inspect", "-e", "TARGET=vllm-local", "-e", "MODEL=llama-3.1-8b-instruct", script)
	if out.code != 0 || !strings.Contains(out.stdout, `"target": "vllm-local"`) || !strings.Contains(out.stdout, `"model": "llama-3.1-8b-instruct"`) {
		t.Errorf("exit %d; tags not resolved:\n%s\n%s", out.code, out.stdout, out.stderr)
	}
	for _, tc := range []struct {
		env  string
		want []string
	}{
		{"TARGET=nowhere", []string{`unknown target "nowhere"`, "configs/targets.yaml", "vllm-local", "litellm-local", "mock"}},
		{"MODEL=gpt-9", []string{`unknown model "gpt-9"`, "configs/models.yaml", "llama-3.1-8b-instruct", "LLM_MODEL"}},
	} {
		out := llmbench(t, t.TempDir(), nil, "inspect", "-e", tc.env, script)
		if out.code != 107 {
			t.Errorf("%s: exit %d, want 107 (script exception)", tc.env, out.code)
		}
		for _, w := range tc.want {
			if !strings.Contains(out.stderr, w) {
				t.Errorf("%s: error does not mention %q:\n%s", tc.env, w, out.stderr)
			}
		}
	}
}

// TestTargetRequests: with TARGET/MODEL the requests go to the target's
// base URL, carry the model's full name and the key from the variable the
// target names, and the results directory records target and model.
func TestTargetRequests(t *testing.T) {
	t.Parallel()
	srv, err := mock.New(mock.Config{OutputTokens: 4})
	must(t, err)
	var mu sync.Mutex
	seen := map[string]bool{} // "auth model" of each request
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req struct {
			Model string `json:"model"`
		}
		_ = json.Unmarshal(body, &req)
		mu.Lock()
		seen[r.Header.Get("Authorization")+" "+req.Model] = true
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	url := ts.URL + "/v1"
	dir := t.TempDir()
	// A private configs/ tree: the scenario reads ../configs relative to
	// scenarios/lib, so copy the scenarios next to a targets.yaml that
	// points at the mock.
	wd, _ := os.Getwd()
	copyTree(t, wd, filepath.Join(dir, "scenarios"))
	must(t, os.MkdirAll(filepath.Join(dir, "configs"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "configs", "targets.yaml"), []byte(
		"targets:\n  - name: here\n    base_url: "+url+"\n    api_key_env: HERE_KEY\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "configs", "models.yaml"), []byte(
		"models:\n  - name: small\n    full_name: org/Small-1B\n"), 0o644))
	export := filepath.Join(dir, "export.json")
	out := llmbench(t, dir, []string{"HERE_KEY=sk-here-secret"}, "run", "-q", "--results", "res",
		"-e", "TARGET=here", "-e", "MODEL=small", "-e", "DURATION=2s", "--summary-export", export,
		filepath.Join(dir, "scenarios", "low-load.js"))
	if out.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", out.code, out.stdout, out.stderr)
	}
	if n, _ := readExport(t, export)["llm_requests"]["count"].(float64); n < 1 {
		t.Errorf("no request reached the target: %v", n)
	}
	mu.Lock()
	if len(seen) != 1 || !seen["Bearer sk-here-secret org/Small-1B"] {
		t.Errorf("requests carried %v, want the key from HERE_KEY and the model's full_name", seen)
	}
	mu.Unlock()
	metas, _ := filepath.Glob(filepath.Join(dir, "res", "*", "metadata.json"))
	if len(metas) != 1 {
		t.Fatalf("metadata files %v", metas)
	}
	var meta cli.Metadata
	b, _ := os.ReadFile(metas[0])
	must(t, json.Unmarshal(b, &meta))
	if meta.Target != "here" || meta.Model != "small" || meta.Workload != "low-load" {
		t.Errorf("metadata %+v", meta)
	}
	if bytes.Contains(b, []byte("sk-here-secret")) {
		t.Errorf("metadata holds the API key:\n%s", b)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// copyTree copies the .js and .jsonl files of src (recursively) to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !strings.HasSuffix(p, ".js") && !strings.HasSuffix(p, ".jsonl") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	must(t, err)
}

// TestOtherWorkloads runs the other scenarios and the examples briefly
// against the mock: each exits 0 and sends requests that all succeed.
func TestOtherWorkloads(t *testing.T) {
	url := startMock(t, mock.Config{OutputTokens: 8, ReasoningTokens: 3})
	wd, _ := os.Getwd()
	for _, tc := range []struct {
		script string
		env    []string
	}{
		{"concurrency-sweep.js", []string{"SWEEP_LEVELS=1,2", "STEP=500ms", "RAMP=100ms"}},
		{"poisson.js", []string{"RATE=10", "DURATION=2s"}},
		{"soak.js", []string{"DURATION=2s"}},
		{"../examples/multi-turn-chat.js", []string{"DURATION=2s", "USERS=2", "TURNS=3", "THINK_TIME=0.05"}},
		{"../examples/dataset-replay.js", []string{"DURATION=2s", "RATE=5"}},
		{"../examples/slo-gate.js", []string{"DURATION=2s"}},
		{"../examples/reasoning-ttft-vs-ttfo.js", []string{"DURATION=2s", "RATE=3"}},
		{"../examples/compare-models.js", []string{"DURATION=2s"}},
		{"../examples/openai-http.js", []string{"DURATION=2s", "VUS=2", "LLM_MODEL=mock-model"}},
		{"../examples/embeddings.js", []string{"DURATION=2s", "RATE=5"}},
		{"../examples/trace-replay.js", []string{"SPEED=10", "LIMIT=50"}},
		{"../examples/responses.js", []string{"DURATION=2s", "RATE=3"}},
		{"../examples/vision.js", []string{"DURATION=2s", "RATE=3", "IMAGES=2", "WIDTH=128", "HEIGHT=96"}},
		{"poisson.js", []string{"RATE=10", "DURATION=2s", "ENDPOINT=embeddings"}},
	} {
		t.Run(filepath.Base(tc.script)+strings.Join(tc.env, ","), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			export := filepath.Join(dir, "export.json")
			args := []string{"run", "-q", "--summary-export", export, "-e", "LLM_BASE_URL=" + url}
			for _, e := range tc.env {
				args = append(args, "-e", e)
			}
			out := llmbench(t, dir, nil, append(args, filepath.Join(wd, tc.script))...)
			if out.code != 0 {
				t.Fatalf("exit %d\n%s\n%s", out.code, out.stdout, out.stderr)
			}
			m := readExport(t, export)
			if strings.HasSuffix(tc.script, "openai-http.js") { // k6/http, no llm module
				if n, _ := m["http_reqs"]["count"].(float64); n < 2 {
					t.Errorf("http_reqs = %v, want at least 2", n)
				}
				if n, _ := m["llm_http_completion_tokens"]["count"].(float64); n < 16 {
					t.Errorf("llm_http_completion_tokens = %v, want 8 per request", n)
				}
				if failed, _ := m["http_req_failed"]["value"].(float64); failed != 0 {
					t.Errorf("http_req_failed rate = %v", failed)
				}
				return
			}
			if n, _ := m["llm_requests"]["count"].(float64); n < 2 {
				t.Errorf("llm_requests = %v, want at least 2", n)
			}
			if failed, _ := m["llm_request_failed"]["value"].(float64); failed != 0 {
				t.Errorf("llm_request_failed rate = %v", failed)
			}
		})
	}
}

// TestPromptKnobs: PROMPT_TOKENS switches from the bundled prompts to
// synthetic prompts of about that length, and MAX_TOKENS caps the output.
// The mock counts one prompt token per 4 bytes, and the synthetic words
// average about 5 bytes with their space, hence the wide bounds.
func TestPromptKnobs(t *testing.T) {
	url := startMock(t, mock.Config{OutputTokens: 16})
	wd, _ := os.Getwd()
	for _, tc := range []struct {
		name         string
		env          []string
		maxTokens    float64
		inLow, inHig float64 // input tokens per request
	}{
		{"bundled", []string{"MAX_TOKENS=6"}, 6, 5, 40},
		{"synthetic", []string{"PROMPT_TOKENS=100", "MAX_TOKENS=4"}, 4, 80, 200},
		{"shared prefix", []string{"PROMPT_TOKENS=50", "PREFIX_TOKENS=200", "PREFIX_GROUPS=3", "MAX_TOKENS=4"}, 4, 200, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			export := filepath.Join(dir, "export.json")
			args := []string{"run", "-q", "--summary-export", export, "-e", "LLM_BASE_URL=" + url, "-e", "DURATION=2s"}
			for _, e := range tc.env {
				args = append(args, "-e", e)
			}
			out := llmbench(t, dir, nil, append(args, filepath.Join(wd, "medium-load.js"))...)
			if out.code != 0 {
				t.Fatalf("exit %d\n%s", out.code, out.stderr)
			}
			m := readExport(t, export)
			n, _ := m["llm_requests"]["count"].(float64)
			in, _ := m["llm_input_tokens"]["count"].(float64)
			outTok, _ := m["llm_output_tokens"]["count"].(float64)
			if n < 5 {
				t.Fatalf("only %v requests", n)
			}
			if outTok != tc.maxTokens*n {
				t.Errorf("output tokens %v for %v requests, want %v each", outTok, n, tc.maxTokens)
			}
			if per := in / n; per < tc.inLow || per > tc.inHig {
				t.Errorf("%.1f input tokens per request, want %v–%v", per, tc.inLow, tc.inHig)
			}
		})
	}
}

// TestSLOOverride: SLO_TTFT_P95 and SLO_FAILURE_RATE replace a scenario's
// thresholds, and a missed SLO exits 99.
func TestSLOOverride(t *testing.T) {
	slow := startMock(t, mock.Config{OutputTokens: 4, TTFT: 30 * time.Millisecond})
	failing := startMock(t, mock.Config{OutputTokens: 4, Status500: 0.5, Seed: 3})
	wd, _ := os.Getwd()
	for _, tc := range []struct {
		name, url string
		env       []string
		code      int
	}{
		{"ttft met", slow, []string{"SLO_TTFT_P95=5000"}, 0},
		{"ttft missed", slow, []string{"SLO_TTFT_P95=5"}, 99},
		{"failures missed", failing, nil, 99},
		{"failures allowed", failing, []string{"SLO_FAILURE_RATE=1.01"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"run", "-q", "-e", "LLM_BASE_URL=" + tc.url, "-e", "DURATION=2s", "-e", "RATE=4"}
			for _, e := range tc.env {
				args = append(args, "-e", e)
			}
			out := llmbench(t, t.TempDir(), nil, append(args, filepath.Join(wd, "medium-load.js"))...)
			if out.code != tc.code {
				t.Errorf("exit %d, want %d\n%s", out.code, tc.code, out.stdout)
			}
		})
	}
}
