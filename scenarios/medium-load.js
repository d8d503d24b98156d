// Medium load: typical production traffic.
//
//   llmbench run scenarios/medium-load.js -e TARGET=vllm-local -e MODEL=llama-3.1-8b-instruct
//
// Open model: 5 requests start every second whatever the server's speed, and
// at most 10 are in flight (arrivals beyond that are dropped and counted in
// dropped_iterations). Thresholds: llm_ttft p(95) < 2s and under 1% failed requests.
// DURATION (default 300s), RATE, MAX_VUS, PROMPT_TOKENS, MAX_TOKENS,
// SLO_TTFT_P95 and SLO_FAILURE_RATE override the defaults (scenarios/lib/workload.js).
import { openModel, request } from './lib/workload.js';

export const options = openModel('medium-load', { rate: 5, maxVUs: 10, ttftP95: 2000, failureRate: 0.01 });

export default function () {
  request();
}
