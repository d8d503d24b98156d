// High load: peak traffic.
//
//   llmbench run scenarios/high-load.js -e TARGET=vllm-local -e MODEL=llama-3.1-8b-instruct
//
// Open model: 20 requests start every second whatever the server's speed, and
// at most 50 are in flight (arrivals beyond that are dropped and counted in
// dropped_iterations). Queueing shows up here first: watch llm_ttft p(99) and dropped_iterations.
// DURATION (default 300s), RATE, MAX_VUS, PROMPT_TOKENS, MAX_TOKENS,
// SLO_TTFT_P95 and SLO_FAILURE_RATE override the defaults (scenarios/lib/workload.js).
import { openModel, request } from './lib/workload.js';

export const options = openModel('high-load', { rate: 20, maxVUs: 50, ttftP95: 5000, failureRate: 0.02 });

export default function () {
  request();
}
