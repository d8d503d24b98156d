package k6operator_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/k6operator"
	"github.com/llmbench/llmbench/internal/mock"
)

// script is the TestRun's ConfigMap script: constant-arrival-rate against
// the mock, recording exec.scenario.iterationInTest and exec.vu.idInTest
// as Trend samples. Its iterations threshold holds only for the whole
// test, so each runner fails it on its own share (k6-operator#223) and
// only the merge passes it.
const script = `import llm from 'k6/x/llm';
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';

const inTest = new Trend('iteration_in_test');
const vuInTest = new Trend('vu_in_test');
const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL, model: 'm', timeout: '10s' });

export const options = {
  scenarios: {
    load: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '3s', preAllocatedVUs: 10, gracefulStop: '5s' },
  },
  thresholds: {
    iterations: [` + "`count==${__ENV.WANT || 60}`" + `],
    llm_ttft: ['p(95)<5000'],
  },
};

export default function () {
  inTest.add(exec.scenario.iterationInTest);
  vuInTest.add(exec.vu.idInTest);
  const res = client.chat({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 });
  if (!res.ok) throw new Error(res.error);
}
`

// TestOperatorFlow plays the k6-operator's whole flow with local
// processes: the initializer's script (archive, inspect), three runners
// started with the operator's exact argv under the name k6, the readiness
// GETs, the starter's PATCHes, the runners' exit; then llmbench merge of
// their JSON outputs against a single-instance run of the same script.
func TestOperatorFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs 4 tests of 3 s (-short)")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh for the initializer script")
	}
	tmp := t.TempDir()
	binDir := filepath.Join(tmp, "bin")
	k6 := filepath.Join(binDir, "k6")
	build := exec.Command("go", "build", "-o", k6, "github.com/llmbench/llmbench/cmd/llmbench")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building llmbench: %v\n%s", err, out)
	}
	srv, err := mock.New(mock.Config{TTFT: 2 * time.Millisecond, ITL: time.Millisecond, OutputTokens: 4, OutputTokensStddev: 0})
	if err != nil {
		t.Fatal(err)
	}
	running, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close(context.Background())

	testDir := filepath.Join(tmp, "test")
	results := filepath.Join(tmp, "results")
	for _, d := range []string{testDir, results, filepath.Join(tmp, "init")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	scriptPath := filepath.Join(testDir, "test.js")
	if err := os.WriteFile(scriptPath, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	// k6 on PATH, as in the runner image.
	t.Setenv("PATH", binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	env := os.Environ()
	userArgs := []string{"-e", "LLM_BASE_URL=" + running.URL()}

	// 1. The initializer: archive → inspect, stdout is one JSON document.
	initCmd := exec.Command("sh", "-c", k6operator.InitializerScript(scriptPath, filepath.Join(tmp, "init"), k6operator.ArchiveArgs(userArgs)))
	initCmd.Env = env
	var initOut, initErr bytes.Buffer
	initCmd.Stdout, initCmd.Stderr = &initOut, &initErr
	if err := initCmd.Run(); err != nil {
		t.Fatalf("initializer: %v\nstdout: %s\nstderr: %s", err, initOut.String(), initErr.String())
	}
	var req struct {
		MaxVUs        uint64 `json:"maxVUs"`
		TotalDuration string `json:"totalDuration"`
	}
	if err := json.Unmarshal(initOut.Bytes(), &req); err != nil {
		t.Fatalf("the operator cannot decode the initializer's log: %v\n%s", err, initOut.String())
	}
	if req.MaxVUs != 10 || req.TotalDuration != "8s" {
		t.Errorf("execution requirements = %+v, want maxVUs 10, totalDuration 8s", req)
	}

	// 2. Three runners, paused, each with its REST API.
	const n = 3
	type runner struct {
		cmd    *exec.Cmd
		url    string
		out    string
		stderr bytes.Buffer
	}
	runners := make([]*runner, n)
	for i := range n {
		port := freePort(t)
		r := &runner{url: fmt.Sprintf("http://127.0.0.1:%d/v1/status", port), out: filepath.Join(results, fmt.Sprintf("runner-%d.json", i+1))}
		args := append(slices.Clone(userArgs), "--out", "json="+r.out)
		argv := k6operator.Runner{Index: i + 1, Parallelism: n, Name: "llm-stress", Script: scriptPath, Args: args,
			Address: fmt.Sprintf("127.0.0.1:%d", port)}.Argv()
		r.cmd = exec.Command(argv[0], argv[1:]...) // "k6", found on PATH
		r.cmd.Env = env
		r.cmd.Dir = tmp
		r.cmd.Stderr = &r.stderr
		if err := r.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer r.cmd.Process.Kill() //nolint:errcheck // a no-op once it exited
		runners[i] = r
	}
	// 3. Readiness: every GET /v1/status below 400 while paused.
	for _, r := range runners {
		st := waitStatus(t, r.url, func(s status) bool { return s.Data.Attributes.Status == 4 })
		if !st.Data.Attributes.Paused || st.Data.Attributes.Running {
			t.Fatalf("runner not paused before the start: %+v", st)
		}
	}
	// 4. The starter: one PATCH per runner, one after another.
	for _, r := range runners {
		req, _ := http.NewRequest(http.MethodPatch, r.url, strings.NewReader(k6operator.StartBody))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 400 {
			t.Fatalf("PATCH start = %d", resp.StatusCode)
		}
	}
	// 5. Each runner exits when its share is done; each judges only its
	// own share, so its iterations threshold fails (99).
	for i, r := range runners {
		err := r.cmd.Wait()
		if code := r.cmd.ProcessState.ExitCode(); code != 99 {
			t.Fatalf("runner %d exited %d (%v), want 99 (its own share fails count==60)\n%s", i+1, code, err, r.stderr.String())
		}
	}

	// A single-instance run of the same script.
	single := filepath.Join(results, "single.json")
	one := exec.Command(k6, append([]string{"run", "-q", scriptPath, "--out", "json=" + single}, userArgs...)...)
	one.Env = env
	if out, err := one.CombinedOutput(); err != nil {
		t.Fatalf("single run: %v\n%s", err, out)
	}
	singlePts := readPoints(t, single)

	// iterationInTest: disjoint across runners, together 0…59 as one run.
	var union []float64
	for i, r := range runners {
		pts := readPoints(t, r.out)
		if got, want := len(pts["iteration_in_test"]), []int{24, 18, 18}[i]; got != want {
			t.Errorf("runner %d ran %d iterations, want %d (maxVUs 10 split 4/3/3)", i+1, got, want)
		}
		union = append(union, pts["iteration_in_test"]...)
		for _, id := range pts["vu_in_test"] {
			if int(id-1)%n != i {
				t.Errorf("runner %d has VU idInTest %v, not in its stripe", i+1, id)
			}
		}
	}
	slices.Sort(union)
	want := slices.Clone(singlePts["iteration_in_test"])
	slices.Sort(want)
	if !slices.Equal(union, want) || len(want) != 60 {
		t.Errorf("iterationInTest union = %v\nsingle run = %v", union, want)
	}

	// 6. Merge: one verdict on the merged data.
	export := filepath.Join(results, "merged.json")
	outs := []string{runners[0].out, runners[1].out, runners[2].out}
	mergeCmd := exec.Command(k6, append([]string{"merge", "--script", scriptPath, "--summary-export", export, "--summary-trend-stats", "avg,p(50),p(95),p(99)", "-e", "LLM_BASE_URL=http://127.0.0.1:1/v1"}, outs...)...)
	mergeCmd.Env = env
	out, err := mergeCmd.CombinedOutput()
	if err != nil {
		t.Fatalf("merge: %v\n%s", err, out)
	}
	merged := readExport(t, export)
	for _, m := range []string{"iterations", "llm_requests"} {
		if got, want := merged[m]["count"], float64(len(singlePts[m])); got != want || got == 0 {
			t.Errorf("merged %s count = %v, single run %v", m, got, want)
		}
	}
	var ttft []float64
	for _, r := range runners {
		ttft = append(ttft, readPoints(t, r.out)["llm_ttft"]...)
	}
	slices.Sort(ttft)
	for _, p := range []float64{50, 95, 99} {
		got := merged["llm_ttft"][fmt.Sprintf("p(%g)", p)]
		if exact := percentile(ttft, p); math.Abs(got-exact) > 0.01*exact {
			t.Errorf("merged llm_ttft p(%g) = %v, exact %v", p, got, exact)
		}
	}
	if !strings.Contains(string(out), "count==60") {
		t.Errorf("the merged summary does not show the iterations threshold:\n%s", out)
	}
	// Without the script, the thresholds the outputs declare are judged
	// (count==60 on the merged data passes).
	noScript := exec.Command(k6, append([]string{"merge"}, outs...)...)
	if out, err := noScript.CombinedOutput(); err != nil || !strings.Contains(string(out), "✓ 'count==60'") {
		t.Errorf("merge without the script: %v\n%s", err, out)
	}
	// The same merge judged against 61 iterations fails: exit 99.
	fail := exec.Command(k6, append([]string{"merge", "--script", scriptPath, "-e", "WANT=61", "-e", "LLM_BASE_URL=http://127.0.0.1:1/v1"}, outs...)...)
	fail.Env = env
	if out, _ := fail.CombinedOutput(); fail.ProcessState.ExitCode() != 99 {
		t.Errorf("merge with a failing threshold exited %d, want 99\n%s", fail.ProcessState.ExitCode(), out)
	}
}

type status struct {
	Data struct {
		Attributes struct {
			Status  int  `json:"status"`
			Paused  bool `json:"paused"`
			Running bool `json:"running"`
		} `json:"attributes"`
	} `json:"data"`
}

// waitStatus polls GET url until ok (20 s at most), as the operator's
// readiness check does.
func waitStatus(t *testing.T, url string, ok func(status) bool) status {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			var s status
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 400 && json.Unmarshal(b, &s) == nil && ok(s) {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: not ready after 20 s (last error %v)", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// readPoints returns the values of every metric's Point lines.
func readPoints(t *testing.T, path string) map[string][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]float64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l struct {
			Type   string `json:"type"`
			Metric string `json:"metric"`
			Data   struct {
				Value float64 `json:"value"`
			} `json:"data"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if l.Type == "Point" {
			out[l.Metric] = append(out[l.Metric], l.Data.Value)
		}
	}
	return out
}

func readExport(t *testing.T, path string) map[string]map[string]float64 {
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
	out := map[string]map[string]float64{}
	for m, stats := range e.Metrics {
		out[m] = map[string]float64{}
		for k, v := range stats {
			if f, ok := v.(float64); ok {
				out[m][k] = f
			}
		}
	}
	return out
}

// percentile is k6's percentile of sorted values (linear interpolation).
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	r := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(r))
	if lo+1 >= len(sorted) {
		return sorted[lo]
	}
	return sorted[lo] + (r-float64(lo))*(sorted[lo+1]-sorted[lo])
}
