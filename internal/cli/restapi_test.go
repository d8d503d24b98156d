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
