// Poisson arrivals: requests arrive at random, independent instants at an
// average RATE per second (default 5), as real users do, instead of the
// evenly spaced arrivals of constant-arrival-rate.
//
//   llmbench run scenarios/poisson.js -e TARGET=vllm-local -e RATE=8
//
// The scenario is constant-arrival-rate with `burstiness`: the gaps between
// arrivals are drawn from a gamma distribution with shape BURSTINESS
// (default 1: exponential gaps, a Poisson process; below 1 burstier, above
// 1 more regular; the gaps' coefficient of variation is 1/√BURSTINESS) and
// mean 1/RATE, as vLLM's --burstiness. SEED (default 1) picks the
// schedule: the same seed replays the same arrivals. MAX_VUS (default 50)
// caps the requests in flight; DURATION defaults to 300s.
import { num, request, runTags, slo } from './lib/workload.js';

const rate = num('RATE', 5);
const maxVUs = Math.max(1, Math.floor(num('MAX_VUS', 50)));

export const options = {
  scenarios: {
    poisson: {
      executor: 'constant-arrival-rate',
      // Whole arrivals per 1000s, so that fractional rates (0.5/s) work.
      rate: Math.max(1, Math.round(rate * 1000)),
      timeUnit: '1000s',
      duration: __ENV.DURATION || '300s',
      preAllocatedVUs: Math.min(maxVUs, Math.max(2, Math.ceil(rate * 2))),
      maxVUs,
      burstiness: num('BURSTINESS', 1),
      seed: num('SEED', 1),
    },
  },
  thresholds: slo({ ttftP95: 2000, failureRate: 0.01 }),
  tags: runTags('poisson'),
};

export default function () {
  request();
}
