package gpustat

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSummaryWithTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                     string
		energy, tokens, jpt, tpj float64
	}{
		{name: "tokens", energy: 25_000, tokens: 100_000, jpt: 0.25, tpj: 4},
		{name: "no tokens", energy: 25_000},
		{name: "no energy", tokens: 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// stale ratios from an earlier call are reset
			in := Summary{EnergyJ: tc.energy, JoulesPerOutputToken: 9, OutputTokensPerJoule: 9}
			got := in.WithTokens(tc.tokens)
			want := Summary{EnergyJ: tc.energy, OutputTokens: tc.tokens, JoulesPerOutputToken: tc.jpt, OutputTokensPerJoule: tc.tpj}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestSummaryJSON pins handleSummary's data.gpu form.
func TestSummaryJSON(t *testing.T) {
	sum := Summary{
		GPUs: []Stats{
			{Index: 0, Name: "NVIDIA H100 80GB HBM3", UUID: "GPU-00000000", Samples: 61, UtilizationAvg: 87.25,
				UtilizationMax: 100, MemoryPeakBytes: 71.3e9, MemoryTotalBytes: 85_520_809_984, PowerAvg: 612.4,
				PowerMax: 699.9, TemperatureMax: 67, SMClockMax: 1980, EnergyJ: 36_744, EnergySource: "counter"},
			{Index: 1, Name: "Tesla P100-PCIE-16GB", UUID: "GPU-00000001", Samples: 61, UtilizationAvg: 12.5,
				UtilizationMax: 40, MemoryPeakBytes: 2e9, PowerAvg: 40, PowerMax: 55, EnergyJ: 2400,
				EnergySource: "power", Missing: []string{MetricTemperature, MetricSMClock}},
		},
		EnergyJ: 39_144,
	}.WithTokens(156_600)
	js, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got := string(js) + "\n"
	path := filepath.Join("testdata", "summary_json.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}
