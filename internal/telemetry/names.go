package telemetry

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/llmbench/llmbench/internal/metrics"
)

// DefaultSeries are the Prometheus series recorded unless Options.Series
// says otherwise: vLLM's scheduler and KV-cache gauges (both the current and
// the pre-0.10 cache name) and token counters, the DCGM exporter's
// utilization, power, memory and energy, and SGLang's scheduler gauges.
var DefaultSeries = []string{
	"vllm:num_requests_running",
	"vllm:num_requests_waiting",
	"vllm:kv_cache_usage_perc",
	"vllm:gpu_cache_usage_perc",
	"vllm:prompt_tokens_total",
	"vllm:generation_tokens_total",
	"DCGM_FI_DEV_GPU_UTIL",
	"DCGM_FI_DEV_POWER_USAGE",
	"DCGM_FI_DEV_FB_USED",
	"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
	"sglang:num_running_reqs",
	"sglang:num_queue_reqs",
	"sglang:token_usage",
}

// Prefix starts every metric name the scraper records.
const Prefix = "server_"

// MetricName maps a Prometheus metric name to the llmbench metric name it is
// recorded under: Prefix, then the name lowercased with every character that
// is not a letter, digit or underscore replaced by '_'.
func MetricName(prom string) string {
	var b strings.Builder
	b.Grow(len(Prefix) + len(prom))
	b.WriteString(Prefix)
	for _, r := range strings.ToLower(prom) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Suffixes of the derived metrics.
const (
	RateSuffix  = "_rate"  // a counter's per-second rate
	SumSuffix   = "_sum"   // a histogram's or summary's sum
	CountSuffix = "_count" // a histogram's or summary's count
)

// series is one selected Prometheus name and the metrics it is recorded as.
type series struct {
	prom                    string
	value, rate, sum, count *metrics.Metric
}

// newSeries registers the metrics of one selected Prometheus name. All four
// are registered up front (a metric without samples shows nowhere); which
// ones get samples depends on the family's type in the scraped text.
func newSeries(reg *metrics.Registry, prom string) (*series, error) {
	name := MetricName(prom)
	s := &series{prom: prom}
	for _, d := range []struct {
		m    **metrics.Metric
		name string
	}{{&s.value, name}, {&s.rate, name + RateSuffix}, {&s.sum, name + SumSuffix}, {&s.count, name + CountSuffix}} {
		m, err := reg.NewMetric(d.name, metrics.Gauge)
		if err != nil {
			return nil, fmt.Errorf("server metric %q: %w", prom, err)
		}
		*d.m = m
	}
	return s, nil
}

// normalizeTarget turns a --server-metrics value into a URL: a scheme-less
// "host:port" gets http://, and an empty path /metrics.
func normalizeTarget(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("--server-metrics %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("--server-metrics %q: scheme %q, want http or https", raw, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("--server-metrics %q: no host", raw)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/metrics"
	}
	return u, nil
}
