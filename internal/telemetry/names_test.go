package telemetry

import (
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/metrics"
)

func TestMetricName(t *testing.T) {
	tests := []struct{ prom, want string }{
		{"vllm:num_requests_running", "server_vllm_num_requests_running"},
		{"vllm:generation_tokens_total", "server_vllm_generation_tokens_total"},
		{"DCGM_FI_DEV_GPU_UTIL", "server_dcgm_fi_dev_gpu_util"},
		{"sglang:token_usage", "server_sglang_token_usage"},
		{"odd.name-with/chars", "server_odd_name_with_chars"},
	}
	for _, tc := range tests {
		t.Run(tc.prom, func(t *testing.T) {
			got := MetricName(tc.prom)
			if got != tc.want {
				t.Errorf("MetricName(%q) = %q, want %q", tc.prom, got, tc.want)
			}
			if !metrics.ValidName(got) {
				t.Errorf("%q is not a valid metric name", got)
			}
		})
	}
	for _, s := range DefaultSeries {
		if !metrics.ValidName(MetricName(s) + RateSuffix) {
			t.Errorf("default series %q maps to an invalid name", s)
		}
	}
}

func TestNewOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		url     string // the first target's URL
		wantErr string
	}{
		{name: "host:port", opts: Options{Targets: []string{"127.0.0.1:8000"}}, url: "http://127.0.0.1:8000/metrics"},
		{name: "no path", opts: Options{Targets: []string{"http://gpu1:9400"}}, url: "http://gpu1:9400/metrics"},
		{name: "path kept", opts: Options{Targets: []string{"https://gpu1/custom/metrics?x=1"}}, url: "https://gpu1/custom/metrics?x=1"},
		{name: "no target", opts: Options{}, wantErr: "no target"},
		{name: "bad scheme", opts: Options{Targets: []string{"ftp://gpu1/metrics"}}, wantErr: `scheme "ftp"`},
		{name: "no series", opts: Options{Targets: []string{"h:1"}, Series: []string{}}, wantErr: "no series"},
		{name: "name too long", opts: Options{Targets: []string{"h:1"}, Series: []string{strings.Repeat("x", 130)}}, wantErr: "Invalid metric name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := s.targets[0].url.String(); got != tc.url {
				t.Errorf("URL = %q, want %q", got, tc.url)
			}
			if s.Interval() != DefaultInterval {
				t.Errorf("Interval = %v", s.Interval())
			}
		})
	}
}

func TestNewRegistersMetrics(t *testing.T) {
	reg := metrics.NewRegistry()
	if _, err := New(Options{Targets: []string{"h:1"}, Registry: reg, Series: []string{"vllm:num_requests_running", "vllm:num_requests_running"}}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"server_vllm_num_requests_running", "server_vllm_num_requests_running_rate",
		"server_vllm_num_requests_running_sum", "server_vllm_num_requests_running_count"} {
		if m := reg.Get(n); m == nil || m.Type != metrics.Gauge {
			t.Errorf("%s registered as %+v, want a Gauge", n, m)
		}
	}
}
