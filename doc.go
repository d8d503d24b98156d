// Package llm holds the "k6/x/llm" JavaScript module (module.go; its JS
// options in module_options.go; the Result object in result_object.go) and
// the Go pieces under it: a Server-Sent Events reader (sse.go) and the
// OpenAI stream read over it (stream.go), an OpenAI-compatible streaming
// HTTP client (client.go) that sends through the VU's network handle
// (internal/netx), every per-request
// timing formula (Timing and SLO in timing.go), the llm_* metric set that
// turns a Result into samples (metrics.go), and NVML GPU sampling (gpu*.go).
//
// # JavaScript API
//
//	import llm from 'k6/x/llm';
//	const client = new llm.Client({
//	  baseURL: 'http://127.0.0.1:8000/v1', apiKey: __ENV.LLM_API_KEY,
//	  model: 'my-model', timeout: '120s', headers: {}, tags: { target: 'vllm' },
//	  slo: { ttft: '500ms', tpot: '50ms', e2e: '30s' },
//	});
//	const res = client.chat({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 64 });
//	// res.ok, res.errorCode, res.ttft, res.tpot, res.outputTokens, …
//
// Prompt helpers, usable in init code and with SharedArray:
//
//	const prompts = llm.syntheticPrompts(1000, { tokens: 512, stddev: 64, seed: 1 });
//	const gen = new llm.PromptGenerator({ tokens: 128, seed: 2 }); gen.next();
//	const rows = llm.parseDataset(open('./sharegpt.json'));        // or 'jsonl'
//	const cfg = llm.parseYAML(open('./targets.yaml'), 'targets.yaml'); // plain objects
//
// Durations (timeout, slo.*) are read as k6 reads them (internal/duration):
// '120s', '1d2h', or milliseconds as a number or a numeric string ('1500').
// Each call takes optional params {tags, headers, timeout}.
//
// client.chat and client.complete block the VU; chatAsync and completeAsync
// return Promises. The request body is passed through untouched except for
// the defaults described on PrepareBody. Errors never throw: they are data
// (Result.OK false, Result.ErrorCode from the table on the ErrorCode
// constants) and every request records its llm_* samples once.
//
// # Go API
//
// NewReader reads an event stream with no allocation per event once warm.
// NewClient and Client.Do send one request and return a *Result. Metrics
// (RegisterMetrics) turns a Result into one metrics.Batch.
//
// # GPU
//
// GPUSampler samples NVML while a test runs (gpu_utilization,
// gpu_memory_used, gpu_power, gpu_temperature, gpu_sm_clock, gpu_energy)
// and sums the run up as a GPUSummary: per-GPU figures and energy per
// output token. Scripts do not call it: cmd/llmbench hands GPUSource{} to
// the CLI (--gpu, --gpu-interval, `llmbench gpu`), which renders the
// summary with internal/summary and puts it in handleSummary's data.gpu.
// Without an NVIDIA driver, or in a build without cgo, sampling is off with
// one log line.
//
// # Concurrency
//
// A Reader belongs to one goroutine. A Client is safe for concurrent use.
package llm
