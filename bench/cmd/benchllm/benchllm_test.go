package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/mock"
)

func startMock(t *testing.T, cfg mock.Config) string {
	t.Helper()
	s, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close(context.Background()) })
	return run.URL()
}

// TestStream: the bare client reads a real mock stream — every token
// event, the response id, and a TTFT no shorter than the mock's delay.
func TestStream(t *testing.T) {
	url := startMock(t, mock.Config{OutputTokens: 12, TTFT: 30 * time.Millisecond})
	body := []byte(`{"messages":[{"role":"user","content":"Hi"}],"max_tokens":8,"stream":true,"stream_options":{"include_usage":true}}`)
	before := time.Now()
	id, ttft, first, chunks, err := stream(http.DefaultClient, url+"/chat/completions", body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, "chatcmpl-") || chunks != 8 || ttft < 30*time.Millisecond || ttft > 5*time.Second {
		t.Errorf("id %q, %d chunks, ttft %v; want chatcmpl-N, 8, ≥ 30ms", id, chunks, ttft)
	}
	if first.Sub(before) < ttft || time.Since(first) < 0 {
		t.Errorf("first token at %v after the call, ttft %v", first.Sub(before), ttft)
	}
	if _, _, _, _, err := stream(http.DefaultClient, url+"/nothing", body); err == nil {
		t.Error("no error for a 404")
	}
}

// TestJoin: join matches the mock's log with client lines of both formats
// on the request id: the first-token error is the client's first-token
// instant − the server's write, the TTFT difference client − server TTFT.
func TestJoin(t *testing.T) {
	dir := t.TempDir()
	mockLog := filepath.Join(dir, "mock.log")
	ms := int64(time.Millisecond)
	lines := []string{
		`{"id":"chatcmpl-1","received_unix_ns":1000000000,"first_token_unix_ns":` + itoa(1000000000+20*ms) + `,"first_token_written_unix_ns":` + itoa(1000000000+20*ms+50000) + `}`,
		`{"id":"chatcmpl-2","received_unix_ns":2000000000,"first_token_unix_ns":` + itoa(2000000000+20*ms) + `}`,
		`{"id":"chatcmpl-3","received_unix_ns":3000000000}`,
	}
	write(t, mockLog, strings.Join(lines, "\n")+"\n")
	client := filepath.Join(dir, "client")
	write(t, client, "chatcmpl-1 20.5 1020.1\n"+`time=x level=INFO msg="chatcmpl-2 23.25 2020.75" source=console`+"\nchatcmpl-3 9 3009\nnoise\n")

	out := captureStdout(t, func() error { return join([]string{"-mock", mockLog, "-client", client, "-label", "x"}) })
	var got joinStats
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// p99.9 of two values is the first (index int(0.999*1) = 0); only
	// chatcmpl-1 logged its write: 1020.1 ms − 1020.05 ms = 50 µs after it.
	want := joinStats{Label: "x", Matched: 2, FirstP50us: 100, FirstP99us: 100, FirstP999us: 100, FirstMaxUs: 750,
		AfterWriteP999us: 50, AfterWriteMaxUs: 50, MockWriteP999us: 50, MockWriteMaxUs: 50, DiffP50us: 500, DiffP99us: 500, DiffMaxUs: 3250}
	if got != want {
		t.Errorf("join = %+v, want %+v", got, want)
	}
}

func itoa(v int64) string { b, _ := json.Marshal(v); return string(b) }

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func captureStdout(t *testing.T, f func() error) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	ferr := f()
	os.Stdout = old
	w.Close()
	b := make([]byte, 4096)
	n, _ := r.Read(b)
	if ferr != nil {
		t.Fatal(ferr)
	}
	return string(b[:n])
}
