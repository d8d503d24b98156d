package llm_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/llmbench/llmbench/internal/mock"
)

// TestRunTagsOnEverySample: the run's tags (--tag, as the k6-operator sets
// testrun_name and instance_id) are on every sample the run writes, the
// telemetry sources' (server metrics, self-health) included, as k6 applies
// test-wide tags to all samples; a source's own tags win on a clash.
func TestRunTagsOnEverySample(t *testing.T) {
	t.Parallel()
	llmSrv := mockLLM(t, mock.Config{OutputTokens: 4})
	prom := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_, _ = w.Write([]byte("# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name=\"m\"} 3\n"))
	}))
	t.Cleanup(prom.Close)
	wd, _ := os.Getwd()
	out := filepath.Join(t.TempDir(), "out.json")
	r := runCLI(t, "run", "--gpu", "none", "--server-metrics", prom.URL, "--server-metrics-interval", "50ms",
		"--tag", "testrun_name=t1", "--tag", "instance_id=2", "--out", "json="+out,
		"-e", "LLM_BASE_URL="+llmSrv.URL+"/v1", filepath.Join(wd, "testdata", "scripts", "one_chat.js"))
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l struct {
			Type, Metric string
			Data         struct{ Tags map[string]string }
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if l.Type != "Point" {
			continue
		}
		seen[l.Metric] = true
		if l.Data.Tags["testrun_name"] != "t1" || l.Data.Tags["instance_id"] != "2" {
			t.Fatalf("%s sample without the run's tags: %v", l.Metric, l.Data.Tags)
		}
	}
	for _, m := range []string{"llm_ttft", "iterations", "server_vllm_num_requests_running"} {
		if !seen[m] {
			t.Errorf("no %s samples (saw %v)", m, seen)
		}
	}
}
