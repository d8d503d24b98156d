// Command benchllm is the yardstick of the LLM benchmarks in bench/llm.sh.
//
//	benchllm bare -url URL -streams N -requests R [-max-tokens 128] [-ttft-log FILE]
//
// is a bare Go net/http streaming client: N goroutines, each sending R
// streaming chat requests one after the other on one shared transport,
// reading the event stream line by line and timestamping the first
// token-bearing event — the least work any Go client can do for the same
// load. It prints one JSON line (requests, chunks, wall time).
//
//	benchllm join -mock LOG -client FILE [-label L]
//
// joins the mock's per-request log (--log) with a client's per-request
// "ID TTFT_MS" lines (bare's -ttft-log, or llmbench console lines) on the
// request id and prints the TTFT error — client TTFT − the mock's own
// (first-token write − request arrival) — as p50/p99/max in µs.
//
//	benchllm pace -rate R -seconds S
//
// is the floor of arrival-rate accuracy: one timer per planned start, as
// the engine schedules; it prints how late the starts were on this machine.
//
//	benchllm profile -cpu cpu.pprof [-mem allocs.pprof] -- run -q SCRIPT
//
// runs llmbench's CLI in process under the CPU profiler (profile first,
// then optimise).
package main
