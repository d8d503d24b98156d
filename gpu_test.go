package llm

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/internal/metrics"
)

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
