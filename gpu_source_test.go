package llm

import (
	"testing"

	"github.com/llmbench/llmbench/internal/gpustat"
	"github.com/llmbench/llmbench/internal/metrics"
)

// TestGPUSource checks the wiring cmd/llmbench hands the CLI: selections
// are parsed, and "no GPU" is a nil interface (never a typed nil) with a
// reason.
func TestGPUSource(t *testing.T) {
	t.Parallel()
	src := GPUSource{LibraryPath: "/nonexistent/libnvidia-ml.so.1"}
	reg := metrics.NewRegistry()
	if err := src.Register(reg); err != nil || reg.Get(MetricGPUUtilization) == nil {
		t.Fatalf("Register: %v; gpu_utilization registered: %v", err, reg.Get(MetricGPUUtilization) != nil)
	}
	if s, why, err := src.Open(gpustat.Options{Selection: "none"}); s != nil || why != "" || err != nil {
		t.Errorf("Open(none) = %v, %q, %v; want nothing", s, why, err)
	}
	if _, _, err := src.Open(gpustat.Options{Selection: "0,x"}); err == nil {
		t.Error("Open(0,x) succeeded")
	}
	s, why, err := src.Open(gpustat.Options{Selection: "all", Registry: metrics.NewRegistry()})
	if s != nil || why == "" || err != nil {
		t.Errorf("Open(all) without NVML = %v, %q, %v; want a nil Sampler and why", s, why, err)
	}
	if _, _, err := src.List("-1"); err == nil {
		t.Error("List(-1) succeeded")
	}
	rs, why, err := src.List("all")
	if len(rs) != 0 || why == "" || err != nil {
		t.Errorf("List(all) without NVML = %v, %q, %v; want no reading and why", rs, why, err)
	}
}
