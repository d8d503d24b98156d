// Soak test: a steady, moderate load held for a long time, to find leaks,
// KV-cache fragmentation, slow drifts of TTFT and rare errors that short
// runs never see.
//
//   llmbench run scenarios/soak.js -e TARGET=vllm-local -e DURATION=4h
//
// Open model: RATE (default 3) requests per second for DURATION (default
// 2h), at most MAX_VUS (default 20) in flight. The thresholds are the
// medium-load SLO plus a p(99) bound, evaluated over the whole run; compare
// the first and last hour of the --results samples to see drifts.
import { openModel, request, num } from './lib/workload.js';

const opts = openModel('soak', { rate: 3, maxVUs: 20, ttftP95: 2000, failureRate: 0.01 });
opts.scenarios.soak.duration = __ENV.DURATION || '2h';
opts.thresholds.llm_ttft.push(`p(99)<${num('SLO_TTFT_P99', 5000)}`);

export const options = opts;

export default function () {
  request();
}
