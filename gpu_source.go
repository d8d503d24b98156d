package llm

import (
	"github.com/llmbench/llmbench/internal/gpustat"
	"github.com/llmbench/llmbench/internal/metrics"
)

// GPUSource is NVML GPU sampling as the CLI takes it (gpustat.Source):
// cmd/llmbench hands GPUSource{} to cli.Main, so the engine never imports
// this package.
type GPUSource struct {
	// LibraryPath overrides the NVML library ("libnvidia-ml.so.1").
	LibraryPath string
}

var _ gpustat.Source = GPUSource{}

// Register registers the gpu_* metrics in reg (RegisterGPUMetrics).
func (GPUSource) Register(reg *metrics.Registry) error { return RegisterGPUMetrics(reg) }

// Open parses the selection and opens a GPUSampler on it. The sampler is
// nil, and why says so, when there is no GPU to sample.
func (g GPUSource) Open(o gpustat.Options) (gpustat.Sampler, string, error) {
	sel, err := ParseGPUSelection(o.Selection)
	if err != nil {
		return nil, "", err
	}
	s, why, err := NewGPUSampler(GPUOptions{Select: sel, Interval: o.Interval, Registry: o.Registry, Log: o.Log, LibraryPath: g.LibraryPath})
	if s == nil { // not a typed nil in the interface
		return nil, why, err
	}
	return s, why, err
}

// List parses the selection and reads its GPUs once (ListGPUs).
func (g GPUSource) List(selection string) ([]gpustat.Reading, string, error) {
	sel, err := ParseGPUSelection(selection)
	if err != nil {
		return nil, "", err
	}
	return ListGPUs(GPUOptions{Select: sel, LibraryPath: g.LibraryPath})
}
