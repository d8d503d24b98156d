// Package mock holds an OpenAI-compatible simulated LLM server for tests and
// for `llmbench mock`: /v1/chat/completions and /v1/completions (streaming
// and not), /v1/responses (the Responses API, streaming and not), /v1/embeddings
// (deterministic unit vectors), /v1/models,
// /health and /v1/health, and a vLLM-style Prometheus /metrics, with
// configurable time to first token, inter-token latency, output length,
// reasoning tokens and injected faults (429, 500, cut streams, malformed
// chunks, in-stream errors, stalls).
//
// A Server is an http.Handler and is safe for concurrent use.
package mock
