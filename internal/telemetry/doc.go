// Package telemetry holds the server-metrics scraper: a metrics.Source that
// reads Prometheus text endpoints (vLLM and SGLang /metrics, NVIDIA's DCGM
// exporter) on an interval and records chosen series as gauges on the run's
// timeline, so the server's own view (queue depth, KV-cache use, GPU power
// on a remote host) lines up with the requests.
//
// # Names
//
// k6 metric names allow only letters, digits and underscores, and Prometheus
// names may hold colons. A series is recorded as "server_" followed by its
// Prometheus name lowercased, with every character other than a letter, digit
// or underscore replaced by "_" (see MetricName):
//
//	vllm:num_requests_running            → server_vllm_num_requests_running
//	DCGM_FI_DEV_GPU_UTIL                 → server_dcgm_fi_dev_gpu_util
//	vllm:generation_tokens_total         → server_vllm_generation_tokens_total
//	                             its rate → server_vllm_generation_tokens_total_rate
//
// Every label becomes a tag, and the tag source holds the endpoint's
// host:port. Counters are recorded as the cumulative value (a gauge) and,
// unless Options.NoRates, as their per-second rate between two scrapes
// ("_rate"; a drop is a counter reset and gives no rate). Histograms and
// summaries give "_sum" and "_count" gauges.
//
// A failed scrape is never fatal: the first failure of each endpoint is
// logged once, and Report lists the counts at the end.
//
// A Scraper is safe for concurrent use: Run once, Report and Summary at any
// time.
package telemetry
