package llm_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/cli"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/mock"
)

// TestRunAccountsForEveryFault runs 200 requests through `llmbench run`
// (cli.Main, as the binary does) against the mock with 20% 500s, 20% cut
// streams and 20% malformed chunks, and checks against the mock's own log
// that every request is counted once, each failure under its error code.
func TestRunAccountsForEveryFault(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var mockLog bytes.Buffer
	srv, err := mock.New(mock.Config{
		OutputTokens: 8, Status500: 0.2, CutStream: 0.2, MalformedChunk: 0.2, Seed: 7, Log: &mockLog,
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	mods := modules.NewRegistry()
	builtin.Register(mods)
	if err := mods.Register("k6/x/llm", llm.New()); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(dir, "summary.json")
	wd, _ := os.Getwd()
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), cli.Env{
		Args: []string{"run", "-q", "--gpu", "none", "--summary-export", export,
			"-e", "LLM_BASE_URL=" + ts.URL + "/v1", filepath.Join(wd, "testdata", "scripts", "faults.js")},
		Stdout: &stdout, Stderr: &stderr, Dir: dir,
	}, mods, llm.GPUSource{})
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	ts.Close()

	// What the server did, per request.
	want := map[string]float64{}
	sc := bufio.NewScanner(&mockLog)
	for sc.Scan() {
		var l struct{ Fault string }
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		want[map[string]string{"": "ok", "status_500": "http_5xx", "cut_stream": "stream_cut", "malformed_chunk": "malformed_chunk"}[l.Fault]]++
	}
	t.Logf("the mock drew %v", want)
	if n := want["ok"] + want["http_5xx"] + want["stream_cut"] + want["malformed_chunk"]; n != 200 {
		t.Fatalf("the mock logged %v requests (%v), want 200", n, want)
	}
	for _, code := range []string{"http_5xx", "stream_cut", "malformed_chunk"} {
		if want[code] < 20 {
			t.Fatalf("only %v %s faults drawn: the test would prove little (%v)", want[code], code, want)
		}
	}

	var sum struct {
		Metrics map[string]map[string]any `json:"metrics"`
	}
	b, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	got := func(name, stat string) float64 {
		m, ok := sum.Metrics[name]
		if !ok {
			t.Fatalf("no %s in the summary", name)
		}
		v, _ := m[stat].(float64)
		return v
	}
	failed := want["http_5xx"] + want["stream_cut"] + want["malformed_chunk"]
	if got("llm_requests", "count") != 200 || got("iterations", "count") != 200 {
		t.Errorf("llm_requests %v, iterations %v, want 200 each", got("llm_requests", "count"), got("iterations", "count"))
	}
	if got("llm_request_failed", "passes") != failed || got("llm_request_failed", "fails") != want["ok"] {
		t.Errorf("llm_request_failed passes/fails = %v/%v, want %v/%v", got("llm_request_failed", "passes"), got("llm_request_failed", "fails"), failed, want["ok"])
	}
	// Each failure once, under its code: in the llm_requests samples' own
	// error_code tag and in what the script saw in result.errorCode.
	for _, code := range []string{"ok", "http_5xx", "stream_cut", "malformed_chunk"} {
		if v := got("by_code{code:"+code+"}", "count"); v != want[code] {
			t.Errorf("result.errorCode %s: %v requests, the mock did %v", code, v, want[code])
		}
		if code == "ok" {
			continue
		}
		if v := got("llm_requests{error_code:"+code+"}", "count"); v != want[code] {
			t.Errorf("llm_requests{error_code:%s} = %v, the mock did %v", code, v, want[code])
		}
	}
	if got("llm_output_tokens", "count") != 8*want["ok"] {
		t.Errorf("llm_output_tokens = %v, want %v (8 per successful request)", got("llm_output_tokens", "count"), 8*want["ok"])
	}
}
