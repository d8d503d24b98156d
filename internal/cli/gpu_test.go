package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/internal/gpustat"
	"github.com/llmbench/llmbench/internal/js/builtin"
	"github.com/llmbench/llmbench/internal/js/modules"
	"github.com/llmbench/llmbench/internal/metrics"
)

// fakeGPU stands in for the root package's NVML source (cmd/llmbench hands
// llm.GPUSource{} to Main): one GPU, one sample of gpu_utilization.
type fakeGPU struct{ opened *gpustat.Options }

func (f fakeGPU) Register(reg *metrics.Registry) error {
	_, err := reg.NewMetric(gpustat.MetricUtilization, metrics.Gauge)
	return err
}

func (f fakeGPU) Open(o gpustat.Options) (gpustat.Sampler, string, error) {
	*f.opened = o
	if o.Selection == "9" {
		return nil, "", errors.New("no GPU 9")
	}
	return fakeSampler{o.Registry.Get(gpustat.MetricUtilization)}, "", nil
}

func (f fakeGPU) List(sel string) ([]gpustat.Reading, string, error) {
	if sel == "none" {
		return nil, "GPU metrics off: --gpu none", nil
	}
	return []gpustat.Reading{{Index: 0, Name: "Fake", UUID: "GPU-0", Fields: []gpustat.Field{
		{Metric: gpustat.MetricUtilization, Value: 42}, {Metric: gpustat.MetricMemoryUsed, Value: 2e9}}}}, "", nil
}

type fakeSampler struct{ m *metrics.Metric }

func (s fakeSampler) Run(ctx context.Context, out metrics.Emitter) error {
	out.Emit(metrics.Batch{Time: time.Now(), Samples: []metrics.Sample{{Metric: s.m, Value: 42}}})
	<-ctx.Done()
	return nil
}

func (s fakeSampler) Summary() gpustat.Summary {
	return gpustat.Summary{GPUs: []gpustat.Stats{{Index: 0, Name: "Fake", UUID: "GPU-0", UtilizationAvg: 42, UtilizationMax: 42}}}
}

// TestGPUWiring runs the CLI with a GPU source as cmd/llmbench does: the
// flags reach Open, the summary shows the GPU section rendered by
// internal/summary, an invalid selection exits 104, and `llmbench gpu`
// lists what the source reads. Without a source the run goes on.
func TestGPUWiring(t *testing.T) {
	t.Parallel()
	wd, _ := os.Getwd()
	script := filepath.Join(wd, "testdata", "scripts", "per_vu_iterations.js")
	run := func(gpu gpustat.Source, args ...string) (int, string, string) {
		mods := modules.NewRegistry()
		builtin.Register(mods)
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), Env{
			Args: args, Environ: []string{"PATH=/usr/bin"}, Stdout: &stdout, Stderr: &stderr, Dir: t.TempDir(),
		}, mods, gpu)
		return code, stdout.String(), stderr.String()
	}
	var opened gpustat.Options
	code, out, errOut := run(fakeGPU{&opened}, "run", "--gpu", "0", "--gpu-interval", "250ms", script)
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstderr:\n%s", code, errOut)
	}
	if opened.Selection != "0" || opened.Interval != 250*time.Millisecond || opened.Registry == nil {
		t.Errorf("Open got %+v, want selection 0, interval 250ms and the run's registry", opened)
	}
	if !strings.Contains(out, "█ GPU") || !strings.Contains(out, "gpu 0: Fake (GPU-0)") {
		t.Errorf("summary lacks the GPU section:\n%s", out)
	}
	if code, _, errOut := run(fakeGPU{&opened}, "run", "--gpu", "9", script); code != 104 || !strings.Contains(errOut, "no GPU 9") {
		t.Errorf("--gpu 9: exit %d, stderr %q; want 104 and the source's error", code, errOut)
	}
	if code, out, _ := run(fakeGPU{&opened}, "gpu"); code != 0 || out != "GPU 0: Fake (GPU-0): utilization 42%, memory used 2.0 GB\n" {
		t.Errorf("llmbench gpu: exit %d, stdout %q", code, out)
	}
	if code, out, _ := run(nil, "gpu"); code != 0 || !strings.Contains(out, "no GPU source") {
		t.Errorf("llmbench gpu without a source: exit %d, stdout %q", code, out)
	}
	if code, out, errOut := run(nil, "run", "--gpu", "0", script); code != 0 || strings.Contains(out, "█ GPU") {
		t.Errorf("run without a source: exit %d, stderr %q; want 0 and no GPU section", code, errOut)
	}
}
