//go:build cgo && linux

package llm

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/gpustat"
	"github.com/llmbench/llmbench/internal/metrics"
)

// fakeGPU is the state behind one mock.Device.
type fakeGPU struct {
	name, uuid  string
	util        uint32
	used, total uint64
	powerMW     uint32
	tempC       uint32
	smMHz       uint32
	// energy returns the total-energy counter (mJ); nil: not supported.
	energy      func() uint64
	unsupported map[string]bool // "util", "memory", "power", "temperature", "clock"
}

func ret(unsupported bool) nvml.Return {
	if unsupported {
		return nvml.ERROR_NOT_SUPPORTED
	}
	return nvml.SUCCESS
}

func (g *fakeGPU) device() *mock.Device {
	return &mock.Device{
		GetNameFunc: func() (string, nvml.Return) { return g.name, nvml.SUCCESS },
		GetUUIDFunc: func() (string, nvml.Return) { return g.uuid, nvml.SUCCESS },
		GetUtilizationRatesFunc: func() (nvml.Utilization, nvml.Return) {
			return nvml.Utilization{Gpu: g.util, Memory: 10}, ret(g.unsupported["util"])
		},
		GetMemoryInfoFunc: func() (nvml.Memory, nvml.Return) {
			return nvml.Memory{Total: g.total, Used: g.used, Free: g.total - g.used}, ret(g.unsupported["memory"])
		},
		GetPowerUsageFunc: func() (uint32, nvml.Return) { return g.powerMW, ret(g.unsupported["power"]) },
		GetTemperatureFunc: func(s nvml.TemperatureSensors) (uint32, nvml.Return) {
			if s != nvml.TEMPERATURE_GPU {
				return 0, nvml.ERROR_INVALID_ARGUMENT
			}
			return g.tempC, ret(g.unsupported["temperature"])
		},
		GetClockInfoFunc: func(c nvml.ClockType) (uint32, nvml.Return) {
			if c != nvml.CLOCK_SM {
				return 0, nvml.ERROR_INVALID_ARGUMENT
			}
			return g.smMHz, ret(g.unsupported["clock"])
		},
		GetTotalEnergyConsumptionFunc: func() (uint64, nvml.Return) {
			if g.energy == nil {
				return 0, nvml.ERROR_NOT_SUPPORTED
			}
			return g.energy(), nvml.SUCCESS
		},
	}
}

// mockLib is an NVML with the given GPUs.
func mockLib(gpus ...*fakeGPU) *mock.Interface {
	return &mock.Interface{
		InitFunc:           func() nvml.Return { return nvml.SUCCESS },
		ShutdownFunc:       func() nvml.Return { return nvml.SUCCESS },
		DeviceGetCountFunc: func() (int, nvml.Return) { return len(gpus), nvml.SUCCESS },
		DeviceGetHandleByIndexFunc: func(i int) (nvml.Device, nvml.Return) {
			if i < 0 || i >= len(gpus) {
				return nil, nvml.ERROR_INVALID_ARGUMENT
			}
			return gpus[i].device(), nvml.SUCCESS
		},
	}
}

func h100(i int) *fakeGPU {
	return &fakeGPU{
		name: "NVIDIA H100 80GB HBM3", uuid: "GPU-0000000" + string(rune('0'+i)),
		util: 90, used: 70e9, total: 85e9, powerMW: 500_000, tempC: 60, smMHz: 1980,
	}
}

// collector is an Emitter that keeps every batch.
type collector struct {
	mu      sync.Mutex
	batches []metrics.Batch
}

func (c *collector) Emit(b metrics.Batch) {
	c.mu.Lock()
	c.batches = append(c.batches, b)
	c.mu.Unlock()
}

// values returns metric name → values, for the GPU with the given index tag.
func (c *collector) values(gpu string) map[string][]float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string][]float64{}
	for _, b := range c.batches {
		if v, _ := b.Tags.Get("gpu"); v != gpu {
			continue
		}
		for _, s := range b.Samples {
			out[s.Metric.Name] = append(out[s.Metric.Name], s.Value)
		}
	}
	return out
}

// runFor runs s in a synctest bubble for d of virtual time, then stops it.
func runFor(t *testing.T, s *GPUSampler, d time.Duration) *collector {
	t.Helper()
	c := &collector{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- s.Run(ctx, c) }()
	time.Sleep(d)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	return c
}

func newTestSampler(t *testing.T, lib nvml.Interface, opts GPUOptions) *GPUSampler {
	t.Helper()
	b, reason, err := openNVML(lib, opts)
	if err != nil || reason != "" {
		t.Fatalf("openNVML: reason %q, err %v", reason, err)
	}
	s, err := newGPUSampler(b, opts)
	if err != nil {
		t.Fatalf("newGPUSampler: %v", err)
	}
	return s
}

func TestGPUSamplerSeveralGPUs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		gpus := []*fakeGPU{h100(0), h100(1), h100(2)}
		for i, g := range gpus {
			watts := float64(100 * (i + 1))
			g.powerMW = uint32(watts * 1000)
			base := uint64(1e9) // the counter counts since the driver loaded
			g.energy = func() uint64 { return base + uint64(time.Since(start).Seconds()*watts*1000) }
		}
		lib := mockLib(gpus...)
		reg := metrics.NewRegistry()
		s := newTestSampler(t, lib, GPUOptions{Select: GPUSelection{Indexes: []int{0, 2}}, Registry: reg})
		c := runFor(t, s, 3500*time.Millisecond)

		// Samples at 0, 1, 2, 3 s and a last one at 3.5 s.
		got := c.values("2")
		want := map[string][]float64{
			MetricGPUUtilization: {90, 90, 90, 90, 90},
			MetricGPUMemoryUsed:  {70e9, 70e9, 70e9, 70e9, 70e9},
			MetricGPUPower:       {300, 300, 300, 300, 300},
			MetricGPUTemperature: {60, 60, 60, 60, 60},
			MetricGPUSMClock:     {1980, 1980, 1980, 1980, 1980},
			MetricGPUEnergy:      {300, 300, 300, 150},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GPU 2 samples (-want +got):\n%s", diff)
		}
		if n := len(c.values("1")); n != 0 {
			t.Errorf("GPU 1 is not selected but has %d metrics", n)
		}
		b := c.batches[0]
		wantTags := map[string]string{"gpu": "0", "gpu_name": "NVIDIA H100 80GB HBM3", "gpu_uuid": "GPU-00000000"}
		if diff := cmp.Diff(wantTags, b.Tags.Map()); diff != "" {
			t.Errorf("tags (-want +got):\n%s", diff)
		}
		if m := reg.Get(MetricGPUEnergy); m == nil || m.Type != metrics.Counter {
			t.Errorf("gpu_energy registered as %+v, want a Counter", m)
		}
		if m := reg.Get(MetricGPUMemoryUsed); m == nil || m.Contains != metrics.Data {
			t.Errorf("gpu_memory_used registered as %+v, want Data", m)
		}
		sum := s.Summary()
		if len(sum.GPUs) != 2 || sum.GPUs[1].EnergyJ != 1050 || sum.GPUs[0].EnergyJ != 350 || sum.EnergyJ != 1400 {
			t.Errorf("summary energy = %+v", sum)
		}
		if g := sum.GPUs[1]; g.Samples != 5 || g.UtilizationAvg != 90 || g.PowerAvg != 300 || g.MemoryPeakBytes != 70e9 ||
			g.MemoryTotalBytes != 85e9 || g.EnergySource != "counter" || len(g.Missing) != 0 {
			t.Errorf("GPU 2 summary = %+v", g)
		}
		if n := len(lib.ShutdownCalls()); n != 1 {
			t.Errorf("NVML Shutdown called %d times after Run, want 1", n)
		}
	})
}

func TestGPUSamplerUnsupportedFields(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := h100(0)
		g.unsupported = map[string]bool{"temperature": true, "clock": true}
		g.energy = nil // pre-Volta: no total-energy counter
		g.powerMW = 250_000
		var logs bytes.Buffer
		s := newTestSampler(t, mockLib(g), GPUOptions{Log: slog.New(slog.NewTextHandler(&logs, nil))})
		c := runFor(t, s, 4*time.Second)

		got := c.values("0")
		if _, ok := got[MetricGPUTemperature]; ok {
			t.Errorf("gpu_temperature recorded although not supported")
		}
		if _, ok := got[MetricGPUSMClock]; ok {
			t.Errorf("gpu_sm_clock recorded although not supported")
		}
		if diff := cmp.Diff([]float64{250, 250, 250, 250}, got[MetricGPUEnergy]); diff != "" {
			t.Errorf("energy from power × time (-want +got):\n%s", diff)
		}
		for _, want := range []string{"temperature is not supported", "SM clock is not supported", "no total-energy counter"} {
			if n := strings.Count(logs.String(), want); n != 1 {
				t.Errorf("log has %q %d times, want once:\n%s", want, n, logs.String())
			}
		}
		sum := s.Summary().GPUs[0]
		if sum.EnergySource != "power" || sum.EnergyJ != 1000 {
			t.Errorf("energy = %v J from %q, want 1000 J from power", sum.EnergyJ, sum.EnergySource)
		}
		if diff := cmp.Diff([]string{MetricGPUTemperature, MetricGPUSMClock}, sum.Missing); diff != "" {
			t.Errorf("Missing (-want +got):\n%s", diff)
		}
	})
}

func TestGPUSamplerCounterReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := h100(0)
		readings := []uint64{5_000_000, 6_000_000, 500, 1_500, 3_500}
		n := 0
		g.energy = func() uint64 {
			v := readings[min(n, len(readings)-1)]
			n++
			return v
		}
		var logs bytes.Buffer
		s := newTestSampler(t, mockLib(g), GPUOptions{Log: slog.New(slog.NewTextHandler(&logs, nil))})
		c := runFor(t, s, 4*time.Second) // reads at 0, 1, 2, 3 and 4 s

		// 5e6→6e6: 1000 J; 6e6→500: reset, skipped; 500→1500: 1 J; 1500→3500: 2 J.
		if diff := cmp.Diff([]float64{1000, 1, 2}, c.values("0")[MetricGPUEnergy]); diff != "" {
			t.Errorf("energy deltas (-want +got):\n%s", diff)
		}
		if got := s.Summary().EnergyJ; got != 1003 {
			t.Errorf("energy = %v J, want 1003", got)
		}
		if n := strings.Count(logs.String(), "counter reset"); n != 1 {
			t.Errorf("counter reset logged %d times, want once:\n%s", n, logs.String())
		}
	})
}

func TestOpenNVMLOff(t *testing.T) {
	tests := []struct {
		name    string
		lib     *mock.Interface
		sel     GPUSelection
		reason  string // substring; "" means none
		wantErr string
		gpus    int
	}{
		{name: "library missing", lib: &mock.Interface{InitFunc: func() nvml.Return { return nvml.ERROR_LIBRARY_NOT_FOUND }},
			reason: "GPU metrics off: the NVIDIA management library libnvidia-ml.so.1 was not found"},
		{name: "driver not loaded", lib: &mock.Interface{InitFunc: func() nvml.Return { return nvml.ERROR_DRIVER_NOT_LOADED }},
			reason: "GPU metrics off: the NVIDIA driver is not loaded"},
		{name: "no permission", lib: &mock.Interface{InitFunc: func() nvml.Return { return nvml.ERROR_NO_PERMISSION }},
			reason: "GPU metrics off: no permission to use NVML"},
		{name: "no GPU", lib: mockLib(), reason: "GPU metrics off: NVML found no GPU"},
		{name: "index out of range", lib: mockLib(h100(0), h100(1)), sel: GPUSelection{Indexes: []int{1, 2}},
			wantErr: "--gpu 1,2: there is no GPU 2; NVML found 2 GPU(s), indexes 0 to 1"},
		{name: "all", lib: mockLib(h100(0), h100(1)), gpus: 2},
		{name: "one", lib: mockLib(h100(0), h100(1)), sel: GPUSelection{Indexes: []int{1}}, gpus: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.lib.ShutdownFunc == nil {
				tc.lib.ShutdownFunc = func() nvml.Return { return nvml.SUCCESS }
			}
			b, reason, err := openNVML(tc.lib, GPUOptions{Select: tc.sel})
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if tc.reason != "" && !strings.HasPrefix(reason, tc.reason) || tc.reason == "" && reason != "" {
				t.Errorf("reason = %q, want prefix %q", reason, tc.reason)
			}
			if strings.Contains(reason, "\n") {
				t.Errorf("reason %q is not one line", reason)
			}
			if len(b.gpus) != tc.gpus {
				t.Errorf("%d GPUs opened, want %d", len(b.gpus), tc.gpus)
			}
			if tc.gpus > 0 {
				b.close()
			}
			if inits, downs := len(tc.lib.InitCalls()), len(tc.lib.ShutdownCalls()); inits == 1 && tc.lib.InitFunc() == nvml.SUCCESS && downs != 1 {
				t.Errorf("Shutdown called %d times, want 1", downs)
			}
		})
	}
}

// TestNewGPUSamplerNoLibrary loads a library that does not exist through the
// real go-nvml binding: the path every machine without a driver takes.
func TestNewGPUSamplerNoLibrary(t *testing.T) {
	s, reason, err := NewGPUSampler(GPUOptions{LibraryPath: "/nonexistent/libnvidia-ml.so.1"})
	if s != nil || err != nil {
		t.Fatalf("NewGPUSampler = %v, %v; want nil sampler and no error", s, err)
	}
	want := "GPU metrics off: the NVIDIA management library /nonexistent/libnvidia-ml.so.1 was not found (no NVIDIA driver on this machine)"
	if reason != want {
		t.Errorf("reason = %q, want %q", reason, want)
	}
	readings, reason, err := ListGPUs(GPUOptions{LibraryPath: "/nonexistent/libnvidia-ml.so.1"})
	if err != nil || len(readings) != 0 || reason != want {
		t.Errorf("ListGPUs = %v, %q, %v; want no reading and %q", readings, reason, err, want)
	}
}

func TestReadGPUs(t *testing.T) {
	g := h100(0)
	g.energy = func() uint64 { return 123_456_789 }
	g2 := h100(1)
	g2.unsupported = map[string]bool{"power": true}
	b, reason, err := openNVML(mockLib(g, g2), GPUOptions{})
	if err != nil || reason != "" {
		t.Fatalf("openNVML: %q %v", reason, err)
	}
	defer b.close()
	fields := func(power gpustat.Field, energy gpustat.Field) []gpustat.Field {
		return []gpustat.Field{
			{Metric: MetricGPUUtilization, Value: 90},
			{Metric: MetricGPUMemoryUsed, Value: 70e9},
			power,
			{Metric: MetricGPUTemperature, Value: 60},
			{Metric: MetricGPUSMClock, Value: 1980},
			energy,
		}
	}
	want := []gpustat.Reading{
		{Index: 0, Name: "NVIDIA H100 80GB HBM3", UUID: "GPU-00000000", MemoryTotalBytes: 85e9,
			Fields: fields(gpustat.Field{Metric: MetricGPUPower, Value: 500}, gpustat.Field{Metric: MetricGPUEnergy, Value: 123_456.789})},
		{Index: 1, Name: "NVIDIA H100 80GB HBM3", UUID: "GPU-00000001", MemoryTotalBytes: 85e9,
			Fields: fields(gpustat.Field{Metric: MetricGPUPower, NotSupported: true}, gpustat.Field{Metric: MetricGPUEnergy, NotSupported: true})},
	}
	if diff := cmp.Diff(want, readGPUs(b.gpus)); diff != "" {
		t.Errorf("readings (-want +got):\n%s", diff)
	}
}
