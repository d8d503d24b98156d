package k6http_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/llmbench/llmbench/internal/js"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/vu"
)

// BenchmarkGet is one iteration of `http.get(URL)` in a real VU against a
// local server answering "ok": the script call, the request on the VU's
// transport, the hop's samples and the Response object. Compare with
// BenchmarkBareGet, a plain net/http client doing the same request.
func BenchmarkGet(b *testing.B) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer ts.Close()
	dir := b.TempDir()
	path := filepath.Join(dir, "get.js")
	src := "import http from 'k6/http';\nexport default function () { http.get(__ENV.URL); }\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	mods := modules.NewRegistry()
	builtin.Register(mods)
	reg := metrics.NewRegistry()
	r, err := js.Load(context.Background(), path, js.Options{Modules: mods, Metrics: reg, Builtins: metrics.RegisterBuiltins(reg),
		Env: map[string]string{"URL": ts.URL}})
	if err != nil {
		b.Fatal(err)
	}
	buf := &metrics.Buffer{}
	v, err := r.NewVU(context.Background(), 1, buf)
	if err != nil {
		b.Fatal(err)
	}
	it := &vu.Iteration{Scenario: &vu.Scenario{Name: "default", Executor: "shared-iterations", Exec: "default"}}
	var spare []metrics.Batch
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := v.RunOnce(context.Background(), it); err != nil {
			b.Fatal(err)
		}
		if i%256 == 0 {
			spare = buf.Swap(spare[:0])
		}
	}
}

// BenchmarkBareGet is the floor: net/http GET and body read, nothing else.
func BenchmarkBareGet(b *testing.B) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer ts.Close()
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := c.Get(ts.URL)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
