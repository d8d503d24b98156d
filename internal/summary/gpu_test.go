package summary

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/gpustat"
)

func sampleGPUSummary() gpustat.Summary {
	return gpustat.Summary{
		GPUs: []gpustat.Stats{
			{Index: 0, Name: "NVIDIA H100 80GB HBM3", UUID: "GPU-00000000", Samples: 61, UtilizationAvg: 87.25,
				UtilizationMax: 100, MemoryPeakBytes: 71.3e9, MemoryTotalBytes: 85_520_809_984, PowerAvg: 612.4,
				PowerMax: 699.9, TemperatureMax: 67, SMClockMax: 1980, EnergyJ: 36_744, EnergySource: "counter"},
			{Index: 1, Name: "Tesla P100-PCIE-16GB", UUID: "GPU-00000001", Samples: 61, UtilizationAvg: 12.5,
				UtilizationMax: 40, MemoryPeakBytes: 2e9, PowerAvg: 40, PowerMax: 55, EnergyJ: 2400,
				EnergySource: "power", Missing: []string{gpustat.MetricTemperature, gpustat.MetricSMClock}},
		},
		EnergyJ: 39_144,
	}
}

func TestGPUText(t *testing.T) {
	t.Parallel()
	golden(t, "gpu_summary.golden", []byte(GPUText(sampleGPUSummary().WithTokens(156_600))))
	golden(t, "gpu_summary_no_tokens.golden", []byte(GPUText(sampleGPUSummary())))
	if got := GPUText(gpustat.Summary{}); got != "" {
		t.Errorf("GPUText without GPUs = %q, want empty", got)
	}
}

func TestGPUList(t *testing.T) {
	t.Parallel()
	fields := func(power gpustat.Field) []gpustat.Field {
		return []gpustat.Field{
			{Metric: gpustat.MetricUtilization, Value: 90},
			{Metric: gpustat.MetricMemoryUsed, Value: 70e9},
			power,
			{Metric: gpustat.MetricTemperature, Value: 60},
			{Metric: gpustat.MetricSMClock, Value: 1980},
			{Metric: gpustat.MetricEnergy, Value: 123_456.789},
		}
	}
	rs := []gpustat.Reading{
		{Index: 0, Name: "NVIDIA H100 80GB HBM3", UUID: "GPU-00000000", MemoryTotalBytes: 85e9,
			Fields: fields(gpustat.Field{Metric: gpustat.MetricPower, Value: 500})},
		{Index: 1, Name: "NVIDIA H100 80GB HBM3", UUID: "GPU-00000001",
			Fields: fields(gpustat.Field{Metric: gpustat.MetricPower, NotSupported: true})},
		{Index: 2, Name: "Tesla P100", UUID: "GPU-00000002",
			Fields: []gpustat.Field{{Metric: gpustat.MetricPower, Err: "NVML: Unknown Error"}}},
	}
	want := []string{
		"GPU 0: NVIDIA H100 80GB HBM3 (GPU-00000000): utilization 90%, memory used 70 GB of 85 GB, power 500.0 W, temperature 60 °C, SM clock 1980 MHz, energy counter 123.46 kJ",
		"GPU 1: NVIDIA H100 80GB HBM3 (GPU-00000001): utilization 90%, memory used 70 GB, power not supported, temperature 60 °C, SM clock 1980 MHz, energy counter 123.46 kJ",
		"GPU 2: Tesla P100 (GPU-00000002): power error (NVML: Unknown Error)",
	}
	if diff := cmp.Diff(want, GPUList(rs)); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}
