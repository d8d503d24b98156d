package xsse_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	llm "github.com/llmbench/llmbench"
	"github.com/llmbench/llmbench/internal/clitest"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/xsse"
)

type (
	sample = clitest.Sample
	result = clitest.Result
)

// registry holds the modules the binary has.
func registry(t *testing.T) *modules.Registry {
	mods := modules.NewRegistry()
	builtin.Register(mods)
	if err := mods.Register("k6/x/llm", llm.New()); err != nil {
		t.Fatal(err)
	}
	if err := mods.Register("k6/x/sse", xsse.New()); err != nil {
		t.Fatal(err)
	}
	return mods
}

// run runs script (after clitest.Prelude's eq and ok) with `llmbench run`.
func run(t *testing.T, script string, args ...string) result {
	t.Helper()
	return clitest.Run(t, registry(t), script, args...)
}

// runFile runs the script at path as `llmbench run` does.
func runFile(t *testing.T, path string, args ...string) result {
	t.Helper()
	return clitest.RunFile(t, registry(t), path, args...)
}

// mustRun runs script and fails the test unless it exits 0.
func mustRun(t *testing.T, script string, args ...string) result {
	t.Helper()
	return clitest.MustRun(t, registry(t), script, args...)
}

func lastLines(s string, n int) string { return clitest.LastLines(s, n) }

// serve starts an httptest server for one case and returns its URL.
func serve(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// write writes chunks to an event-stream response, flushing each.
func write(w http.ResponseWriter, chunks ...string) {
	fl, _ := w.(http.Flusher)
	for _, c := range chunks {
		_, _ = w.Write([]byte(c))
		if fl != nil {
			fl.Flush()
		}
	}
}

// eventStream starts an event-stream response.
func eventStream(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
}
