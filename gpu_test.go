package llm

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/aggregate"
	"github.com/llmbench/llmbench/internal/metrics"
)

var updateGPU = flag.Bool("update-gpu", false, "rewrite the GPU summary golden files under testdata/")

func TestParseGPUSelection(t *testing.T) {
	tests := []struct {
		in      string
		want    GPUSelection
		str     string
		wantErr bool
	}{
		{in: "", want: GPUSelection{}, str: "all"},
		{in: "all", want: GPUSelection{}, str: "all"},
		{in: "ALL", want: GPUSelection{}, str: "all"},
		{in: "none", want: GPUSelection{None: true}, str: "none"},
		{in: "off", want: GPUSelection{None: true}, str: "none"},
		{in: "0", want: GPUSelection{Indexes: []int{0}}, str: "0"},
		{in: "3, 1,3", want: GPUSelection{Indexes: []int{1, 3}}, str: "1,3"},
		{in: "-1", wantErr: true},
		{in: "0,x", wantErr: true},
		{in: "0,", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseGPUSelection(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseGPUSelection(%q) = %+v, want an error", tc.in, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if s := got.String(); s != tc.str {
				t.Errorf("String() = %q, want %q", s, tc.str)
			}
		})
	}
}

func TestGPUSelectionNone(t *testing.T) {
	s, reason, err := NewGPUSampler(GPUOptions{Select: GPUSelection{None: true}})
	if s != nil || reason != "" || err != nil {
		t.Errorf("NewGPUSampler(none) = %v, %q, %v; want nothing", s, reason, err)
	}
}

// snapshotWithTokens runs a real aggregate over n output tokens.
func snapshotWithTokens(t *testing.T, n float64) *aggregate.Snapshot {
	t.Helper()
	reg := metrics.NewRegistry()
	m := reg.MustNewMetric("llm_output_tokens", metrics.Counter)
	a, err := aggregate.New(reg, nil, aggregate.Options{Elapsed: func() time.Duration { return 10 * time.Second }})
	if err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		a.AddBatches([]metrics.Batch{
			{Time: time.Unix(1, 0), Samples: []metrics.Sample{{Metric: m, Value: n / 2}}},
			{Time: time.Unix(2, 0), Samples: []metrics.Sample{{Metric: m, Value: n / 2}}},
		})
	}
	return a.Snapshot()
}

func sampleSummary() GPUSummary {
	return GPUSummary{
		GPUs: []GPUStats{
			{Index: 0, Name: "NVIDIA H100 80GB HBM3", UUID: "GPU-00000000", Samples: 61, UtilizationAvg: 87.25,
				UtilizationMax: 100, MemoryPeakBytes: 71.3e9, MemoryTotalBytes: 85_520_809_984, PowerAvg: 612.4,
				PowerMax: 699.9, TemperatureMax: 67, SMClockMax: 1980, EnergyJ: 36_744, EnergySource: "counter"},
			{Index: 1, Name: "Tesla P100-PCIE-16GB", UUID: "GPU-00000001", Samples: 61, UtilizationAvg: 12.5,
				UtilizationMax: 40, MemoryPeakBytes: 2e9, PowerAvg: 40, PowerMax: 55, EnergyJ: 2400,
				EnergySource: "power", Missing: []string{MetricGPUTemperature, MetricGPUSMClock}},
		},
		EnergyJ: 39_144,
	}
}

func TestGPUSummaryWithTokens(t *testing.T) {
	tests := []struct {
		name             string
		snap             *aggregate.Snapshot
		energy           float64
		tokens, jpt, tpj float64
	}{
		{name: "tokens", snap: snapshotWithTokens(t, 100_000), energy: 25_000, tokens: 100_000, jpt: 0.25, tpj: 4},
		{name: "no tokens metric", snap: snapshotWithTokens(t, 0), energy: 25_000},
		{name: "nil snapshot", energy: 25_000},
		{name: "no energy", snap: snapshotWithTokens(t, 10), tokens: 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := GPUSummary{EnergyJ: tc.energy}.WithTokens(tc.snap)
			want := GPUSummary{EnergyJ: tc.energy, OutputTokens: tc.tokens, JoulesPerOutputToken: tc.jpt, OutputTokensPerJoule: tc.tpj}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestGPUSummaryGolden(t *testing.T) {
	sum := sampleSummary().withOutputTokens(156_600)
	js, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ file, got string }{
		{"gpu_summary.golden", sum.Text()},
		{"gpu_summary_json.golden", string(js) + "\n"},
		{"gpu_summary_no_tokens.golden", sampleSummary().Text()},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			if *updateGPU {
				if err := os.WriteFile(path, []byte(tc.got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update-gpu to create it)", err)
			}
			if diff := cmp.Diff(string(want), tc.got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
	if got := (GPUSummary{}).Text(); got != "" {
		t.Errorf("Text() without GPUs = %q, want empty", got)
	}
}

func TestRegisterGPUMetrics(t *testing.T) {
	reg := metrics.NewRegistry()
	if err := RegisterGPUMetrics(reg); err != nil {
		t.Fatal(err)
	}
	want := map[string]metrics.Type{MetricGPUUtilization: metrics.Gauge, MetricGPUMemoryUsed: metrics.Gauge,
		MetricGPUPower: metrics.Gauge, MetricGPUTemperature: metrics.Gauge, MetricGPUSMClock: metrics.Gauge,
		MetricGPUEnergy: metrics.Counter}
	for name, typ := range want {
		if m := reg.Get(name); m == nil || m.Type != typ {
			t.Errorf("%s = %+v, want a %s", name, m, typ)
		}
	}
	if err := RegisterGPUMetrics(reg); err != nil {
		t.Errorf("registering twice: %v", err)
	}
	clash := metrics.NewRegistry()
	clash.MustNewMetric(MetricGPUPower, metrics.Trend)
	if err := RegisterGPUMetrics(clash); err == nil {
		t.Error("a gpu_power Trend already registered: want an error")
	}
}
