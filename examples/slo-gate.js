// An SLO gate for CI: a short fixed load whose thresholds fail the run, and
// so the CI job, when the server misses its SLO. llmbench exits 99 when a
// threshold fails (k6's code), 0 when every threshold passes.
//
//   llmbench run examples/slo-gate.js -e TARGET=vllm-local -e MODEL=llama-3.1-8b-instruct
//
// See examples/ci/llm-slo-gate.yml for a GitHub Actions workflow. The SLO is
// set with SLO_TTFT_P95 (ms, default 1000), SLO_TPOT_P95 (ms, default 100)
// and SLO_FAILURE_RATE (default 0.01); RATE (default 2) and DURATION
// (default 60s) set the load. abortOnFail stops early on a clear breach.
import { check } from 'k6';
import { num, request, runTags } from '../scenarios/lib/workload.js';

export const options = {
  scenarios: {
    gate: {
      executor: 'constant-arrival-rate',
      rate: num('RATE', 2),
      timeUnit: '1s',
      duration: __ENV.DURATION || '60s',
      preAllocatedVUs: 4,
      maxVUs: num('MAX_VUS', 16),
    },
  },
  thresholds: {
    llm_ttft: [{ threshold: `p(95)<${num('SLO_TTFT_P95', 1000)}`, abortOnFail: true, delayAbortEval: '10s' }],
    llm_tpot: [`p(95)<${num('SLO_TPOT_P95', 100)}`],
    llm_request_failed: [{ threshold: `rate<${num('SLO_FAILURE_RATE', 0.01)}`, abortOnFail: true, delayAbortEval: '10s' }],
    checks: ['rate>0.99'],
  },
  tags: runTags('slo-gate'),
};

export default function () {
  request();
}
