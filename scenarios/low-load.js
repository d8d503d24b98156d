// Low load: one user exploring the model.
//
//   llmbench run scenarios/low-load.js -e TARGET=vllm-local -e MODEL=llama-3.1-8b-instruct
//
// Open model: 1 request starts every second whatever the server's speed, and
// at most 1 are in flight (arrivals beyond that are dropped and counted in
// dropped_iterations). The SLO is tight: an idle server should answer its first token fast.
// DURATION (default 300s), RATE, MAX_VUS, PROMPT_TOKENS, MAX_TOKENS,
// SLO_TTFT_P95 and SLO_FAILURE_RATE override the defaults (scenarios/lib/workload.js).
import { openModel, request } from './lib/workload.js';

export const options = openModel('low-load', { rate: 1, maxVUs: 1, ttftP95: 1000, failureRate: 0.01 });

export default function () {
  request();
}
