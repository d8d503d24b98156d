package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/k6operator"
)

// startRun runs Main in a goroutine and returns its API URL and exit code.
func startRun(t *testing.T, signals chan os.Signal, extra ...string) (string, <-chan int, *bytes.Buffer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	script := filepath.Join(dir, "t.js")
	_ = os.WriteFile(script, []byte(`export const options = { vus: 2, iterations: 4 }; export default function () {}`), 0o644)
	mods := modules.NewRegistry()
	builtin.Register(mods)
	var stderr bytes.Buffer
	code := make(chan int, 1)
	args := append([]string{"run", "-q", script, "--address", addr}, extra...)
	go func() {
		code <- Main(context.Background(), Env{Args: args, Environ: []string{"PATH=/usr/bin"}, Stdout: io.Discard,
			Stderr: &stderr, Dir: dir, Signals: signals}, mods, nil)
	}()
	return "http://" + addr + "/v1/status", code, &stderr
}

// getStatus polls url until its body contains want.
func getStatus(t *testing.T, url, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			last = string(b)
			if strings.Contains(last, want) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("GET %s never contained %s; last %s", url, want, last)
}

func patch(t *testing.T, url, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPatch, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestPausedRunStoppedByAPI(t *testing.T) {
	t.Parallel()
	url, code, stderr := startRun(t, nil, "--paused")
	getStatus(t, url, `"status":4,"paused":true`)
	if c := patch(t, url, k6operator.StopBody); c != 200 {
		t.Fatalf("PATCH stop = %d", c)
	}
	select {
	case c := <-code:
		if c != 103 || !strings.Contains(stderr.String(), "stopped from the REST API") {
			t.Errorf("exit %d, want 103: %s", c, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the run did not end after PATCH stopped:true")
	}
}

func TestLingerKeepsTheAPIUntilASignal(t *testing.T) {
	t.Parallel()
	signals := make(chan os.Signal, 1)
	url, code, stderr := startRun(t, signals, "--paused", "--linger")
	getStatus(t, url, `"status":4`)
	if c := patch(t, url, k6operator.StartBody); c != 200 {
		t.Fatalf("PATCH start = %d", c)
	}
	getStatus(t, url, `"status":9,"paused":false,"vus":0,"vus-max":2,"stopped":false,"running":false`)
	select {
	case c := <-code:
		t.Fatalf("exited %d while lingering: %s", c, stderr.String())
	case <-time.After(100 * time.Millisecond):
	}
	if c := patch(t, url, `{"data":{"attributes":{"paused":true}}}`); c != 500 {
		t.Errorf("pausing an ended run = %d, want 500", c)
	}
	signals <- syscall.SIGTERM
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit %d after lingering, want 0: %s", c, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the lingering run ignored SIGTERM")
	}
	if _, err := http.Get(url); err == nil {
		t.Error("the API still answers after the exit")
	}
}

// TestSetupOnceOverREST plays the k6-operator's setup-once flow (PLZ):
// --no-setup --no-teardown --linger, POST /v1/setup runs setup() and
// returns its data, PUT /v1/setup gives the runner other data, the start,
// then POST /v1/teardown runs teardown(data) on the lingering runner.
func TestSetupOnceOverREST(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	script := filepath.Join(dir, "t.js")
	_ = os.WriteFile(script, []byte(`import { Counter } from 'k6/metrics';
const seen = new Counter('seen');
export const options = { vus: 1, iterations: 2 };
export function setup() { console.log('setup ran'); return { n: 42 }; }
export default function (data) { seen.add(data.n); }
export function teardown(data) { console.log('teardown ' + data.n); }
`), 0o644)
	mods := modules.NewRegistry()
	builtin.Register(mods)
	var stderr syncBuffer
	signals := make(chan os.Signal, 1)
	code := make(chan int, 1)
	export := filepath.Join(dir, "export.json")
	go func() {
		code <- Main(context.Background(), Env{Args: []string{"run", "-q", script, "--address", addr, "--paused",
			"--no-setup", "--no-teardown", "--linger", "--summary-export", export}, Environ: []string{"PATH=/usr/bin"},
			Stdout: io.Discard, Stderr: &stderr, Dir: dir, Signals: signals}, mods, nil)
	}()
	base := "http://" + addr + "/v1/"
	getStatus(t, base+"status", `"status":4`)
	do := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if c, b := do("POST", "setup", ""); c != 200 || b != `{"data":{"attributes":{"data":{"n":42}},"id":"default","type":"setupData"}}` {
		t.Fatalf("POST /v1/setup = %d %s", c, b)
	}
	if c, b := do("PUT", "setup", `{"n":7}`); c != 200 || !strings.Contains(b, `"data":{"n":7}`) {
		t.Fatalf("PUT /v1/setup = %d %s", c, b)
	}
	if c, _ := do("PUT", "setup", `{bad`); c != 400 {
		t.Errorf("PUT of bad JSON = %d, want 400", c)
	}
	if c := patch(t, base+"status", k6operator.StartBody); c != 200 {
		t.Fatalf("PATCH start = %d", c)
	}
	getStatus(t, base+"status", `"status":9`)
	if c, b := do("PUT", "setup", `{"n":1}`); c != 500 || !strings.Contains(b, "Error setting setup data") {
		t.Errorf("PUT after the start = %d %s, want 500", c, b)
	}
	if c, b := do("POST", "teardown", ""); c != 200 {
		t.Fatalf("POST /v1/teardown = %d %s", c, b)
	}
	signals <- syscall.SIGTERM
	if c := <-code; c != 0 {
		t.Fatalf("exit %d: %s", c, stderr.String())
	}
	logs := stderr.String()
	if strings.Count(logs, "setup ran") != 1 || !strings.Contains(logs, "teardown 7") {
		t.Errorf("setup once and teardown with the PUT data expected; logs:\n%s", logs)
	}
	b, _ := os.ReadFile(export)
	if !strings.Contains(string(b), `"seen": {`) || !strings.Contains(string(b), `"count": 14`) {
		t.Errorf("the iterations did not get the PUT data (seen = 2 × 7):\n%s", b)
	}
}

// syncBuffer is a bytes.Buffer safe for the run's and the test's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
