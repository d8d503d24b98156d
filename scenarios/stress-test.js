// Stress test: finding the limit.
//
//   llmbench run scenarios/stress-test.js -e TARGET=vllm-local -e MODEL=llama-3.1-8b-instruct
//
// Open model: 50 requests start every second whatever the server's speed, and
// at most 100 are in flight (arrivals beyond that are dropped and counted in
// dropped_iterations). Expect dropped_iterations and failures: the thresholds are loose on purpose, and the point is where TTFT and errors start to climb.
// DURATION (default 300s), RATE, MAX_VUS, PROMPT_TOKENS, MAX_TOKENS,
// SLO_TTFT_P95 and SLO_FAILURE_RATE override the defaults (scenarios/lib/workload.js).
import { openModel, request } from './lib/workload.js';

export const options = openModel('stress-test', { rate: 50, maxVUs: 100, ttftP95: 10000, failureRate: 0.05 });

export default function () {
  request();
}
