package llm_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/cli"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/mock"
)

// cliRun is one `llmbench run` through cli.Main, as the binary runs it.
type cliRun struct {
	code           int
	stdout, stderr string
	dir            string
}

// runCLI runs `llmbench <args…>` in a fresh directory.
func runCLI(t *testing.T, args ...string) cliRun {
	t.Helper()
	return runCLIEnv(t, nil, args...)
}

// runCLIEnv is runCLI with the process environment environ.
func runCLIEnv(t *testing.T, environ []string, args ...string) cliRun {
	t.Helper()
	mods := modules.NewRegistry()
	builtin.Register(mods)
	if err := mods.Register("k6/x/llm", llm.New()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), cli.Env{Args: args, Environ: environ, Stdout: &stdout, Stderr: &stderr, Dir: dir}, mods, nil)
	return cliRun{code: code, stdout: stdout.String(), stderr: stderr.String(), dir: dir}
}

// summaryMetrics reads a --summary-export file's metrics.
func summaryMetrics(t *testing.T, path string) map[string]map[string]float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Metrics map[string]map[string]any `json:"metrics"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	out := map[string]map[string]float64{}
	for name, m := range s.Metrics {
		out[name] = map[string]float64{}
		for k, v := range m {
			if f, ok := v.(float64); ok {
				out[name][k] = f
			}
		}
	}
	return out
}

// stallServer answers every request with the headers of an event stream and
// one role chunk, then sends nothing until the client leaves.
func stallServer(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte(`data: {"choices":[{"delta":{"role":"assistant","content":""}}]}` + "\n\n"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestStalledServerFailsTheSLO: requests a stalled server never finishes
// are cut by the end of the test; they must count as failed requests
// (errorCode "interrupted"), cross the failure-rate threshold (exit 99) and
// be reported, for the bundled scenario, a sync and an async script.
func TestStalledServerFailsTheSLO(t *testing.T) {
	t.Parallel()
	ts := stallServer(t)
	wd, _ := os.Getwd()
	cases := []struct {
		name, script string
		env          []string
	}{
		{"medium-load", filepath.Join(wd, "scenarios", "medium-load.js"), []string{"DURATION=2s", "GRACEFUL_STOP=1s", "LLM_MODEL=m"}},
		{"sync", filepath.Join(wd, "testdata", "scripts", "stalled.js"), nil},
		{"async", filepath.Join(wd, "testdata", "scripts", "stalled.js"), []string{"ASYNC=1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			export := filepath.Join(t.TempDir(), "summary.json")
			args := []string{"run", "--gpu", "none", "--summary-export", export, "-e", "LLM_BASE_URL=" + ts.URL + "/v1"}
			for _, e := range c.env {
				args = append(args, "-e", e)
			}
			r := runCLI(t, append(args, c.script)...)
			if r.code != 99 {
				t.Fatalf("exit %d, want 99 (thresholds crossed)\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			m := summaryMetrics(t, export)
			n := m["llm_requests"]["count"]
			if n == 0 || m["llm_request_failed"]["passes"] != n {
				t.Errorf("llm_requests %v, llm_request_failed passes %v: every request was cut and must count as failed", n, m["llm_request_failed"]["passes"])
			}
			if d, ok := m["llm_interrupted_duration"]["min"]; !ok || d < 500 {
				t.Errorf("llm_interrupted_duration min = %v (present %v), want ≥ 500ms: the requests were open ≥ 1s", d, ok)
			}
			want := fmt.Sprintf("WARNING: %v requests were still open at the end of the test and were cut", n)
			if !strings.Contains(r.stdout, want) {
				t.Errorf("the summary does not say %q:\n%s", want, r.stdout)
			}
			// The only bottleneck warning allowed is the machine's own (CPU
			// steal from the hypervisor), never one caused by the cut requests.
			if strings.Contains(r.stdout, "the load generator was the bottleneck") && !strings.Contains(r.stdout, "(steal)") {
				t.Errorf("the summary blames the load generator for a stalled server:\n%s", r.stdout)
			}
		})
	}
}

// nanMetrics serves a Prometheus page whose selected vLLM series are NaN,
// +Inf and -Inf, as exporters do for 0/0 ratios and empty summaries.
func nanMetrics(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_, _ = w.Write([]byte("# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name=\"m\"} NaN\n" +
			"# TYPE vllm:num_requests_waiting gauge\nvllm:num_requests_waiting{model_name=\"m\"} +Inf\n" +
			"# TYPE vllm:gpu_cache_usage_perc gauge\nvllm:gpu_cache_usage_perc{model_name=\"m\"} -Inf\n"))
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestNonFiniteServerMetricsKeepTheSummary: NaN and ±Inf on watched series
// must not cost the text summary, --summary-export, handleSummary's data or
// the results directory.
func TestNonFiniteServerMetricsKeepTheSummary(t *testing.T) {
	t.Parallel()
	llmSrv := mockLLM(t, mock.Config{OutputTokens: 4})
	prom := nanMetrics(t)
	wd, _ := os.Getwd()
	script := filepath.Join(wd, "testdata", "scripts", "one_chat.js")
	t.Run("summary, export and results", func(t *testing.T) {
		t.Parallel()
		out := t.TempDir()
		export := filepath.Join(out, "export.json")
		r := runCLI(t, "run", "--gpu", "none", "--server-metrics", prom.URL, "--server-metrics-interval", "100ms",
			"--summary-export", export, "--results", out, "-e", "LLM_BASE_URL="+llmSrv.URL+"/v1", script)
		if r.code != 0 || strings.Contains(r.stderr, "unsupported value") {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "llm_requests") || !strings.Contains(r.stdout, "NaN/±Inf values from") {
			t.Errorf("the text summary lacks the requests or the skipped-values line:\n%s", r.stdout)
		}
		summaryMetrics(t, export)
		dirs, _ := filepath.Glob(filepath.Join(out, "*", "metadata.json"))
		if len(dirs) != 1 {
			t.Fatalf("results: %v metadata files", dirs)
		}
		for _, f := range []string{"metadata.json", "summary.json", "summary.csv"} {
			if _, err := os.Stat(filepath.Join(filepath.Dir(dirs[0]), f)); err != nil {
				t.Errorf("results: %v", err)
			}
		}
	})
	t.Run("handleSummary", func(t *testing.T) {
		t.Parallel()
		r := runCLI(t, "run", "--gpu", "none", "--server-metrics", prom.URL, "--server-metrics-interval", "100ms",
			"-e", "HANDLE=1", "-e", "LLM_BASE_URL="+llmSrv.URL+"/v1", script)
		if r.code != 0 || !strings.Contains(r.stdout, "HANDLED {") {
			t.Fatalf("exit %d, handleSummary did not run with server_metrics\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		b, err := os.ReadFile(filepath.Join(r.dir, "hs.json"))
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			ServerMetrics struct {
				Targets []struct {
					NonFinite int `json:"non_finite"`
				} `json:"targets"`
			} `json:"server_metrics"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		if len(d.ServerMetrics.Targets) != 1 || d.ServerMetrics.Targets[0].NonFinite == 0 {
			t.Errorf("server_metrics %+v: want the skipped NaN/Inf counted", d.ServerMetrics)
		}
	})
}

// mockLLM serves the built-in mock on a real socket.
func mockLLM(t *testing.T, cfg mock.Config) *httptest.Server {
	t.Helper()
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// TestSecretsNeverLeave plants secrets in -e values, a scenario's env, the
// base URL, a --server-metrics URL (one answering, one down) and a
// remote-write URL (down), then greps every output of the run for them:
// stdout, stderr, the results directory (samples gunzipped), the summary
// export and the JSON output. An invalid baseURL's TypeError is checked too.
func TestSecretsNeverLeave(t *testing.T) {
	t.Parallel()
	llmSrv := mockLLM(t, mock.Config{OutputTokens: 4})
	prom := nanMetrics(t)
	secrets := []string{"sk-planted-key-0001", "bearer-planted-0002", "pw-planted-0003", "pw-planted-0004", "pw-planted-0005", "pw-planted-0006"}
	withUser := func(u, pw string) string { return strings.Replace(u, "://", "://user:"+pw+"@", 1) }
	wd, _ := os.Getwd()
	script := filepath.Join(wd, "testdata", "scripts", "secrets.js")
	environ := []string{"K6_PROMETHEUS_RW_SERVER_URL=" + withUser("http://127.0.0.1:1/api/v1/write", secrets[4]),
		"K6_PROMETHEUS_RW_PUSH_INTERVAL=100ms"}

	t.Run("run", func(t *testing.T) {
		t.Parallel()
		out := t.TempDir()
		r := runCLIEnv(t, environ, "run", "--gpu", "none",
			"-e", "LLM_API_KEY="+secrets[0], "-e", "MY_BEARER="+secrets[1],
			"-e", "LLM_BASE_URL="+withUser(llmSrv.URL, secrets[2])+"/v1",
			"--server-metrics", withUser(prom.URL, secrets[3]),
			"--server-metrics", withUser("http://127.0.0.1:1", secrets[5]), "--server-metrics-interval", "100ms",
			"--out", "experimental-prometheus-rw", "--out", "json="+filepath.Join(out, "out.json"),
			"--summary-export", filepath.Join(out, "export.json"), "--results", out, script)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
		files := 0
		err := filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
			if err != nil || fi.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if strings.HasSuffix(p, ".gz") {
				zr, err := gzip.NewReader(bytes.NewReader(b))
				if err != nil {
					return err
				}
				if b, err = io.ReadAll(zr); err != nil {
					return err
				}
			}
			texts[p] = string(b)
			files++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if files < 6 { // out.json, export.json, samples, summary.json/csv, metadata.json
			t.Fatalf("only %d output files: %v", files, texts)
		}
		for where, text := range texts {
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("%s holds the secret %s:\n%s", where, s, text)
				}
			}
		}
		// The redacted places still say what they are.
		if !strings.Contains(r.stdout, "Prometheus remote-write (http://<redacted>@127.0.0.1:1") {
			t.Errorf("the run header does not show the redacted remote-write URL:\n%s", r.stdout)
		}
		if !strings.Contains(r.stderr, "<redacted>@127.0.0.1:1") {
			t.Errorf("no warning names the failing endpoints (redacted):\n%s", r.stderr)
		}
	})
	t.Run("invalid baseURL", func(t *testing.T) {
		t.Parallel()
		r := runCLI(t, "run", "--gpu", "none", "-e", "BAD_URL=1", "-e", "LLM_BASE_URL="+withUser("http://[::1", secrets[2]), script)
		if r.code != 107 || !strings.Contains(r.stderr, "TypeError") {
			t.Fatalf("exit %d, want 107 with a TypeError\n%s", r.code, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, secrets[2]) {
			t.Errorf("the TypeError holds the password:\n%s", r.stderr)
		}
	})
}
