// Poisson arrivals: requests arrive at random, independent instants at an
// average RATE per second (default 5), as real users do, instead of the
// evenly spaced arrivals of constant-arrival-rate.
//
//   llmbench run scenarios/poisson.js -e TARGET=vllm-local -e RATE=8
//
// The engine ticks TICKS (default 10) times faster than RATE and each tick
// sends a request with probability 1/TICKS: a Bernoulli process that
// approaches a Poisson process (exponential gaps, bursts included) as TICKS
// grows. Skipped ticks send nothing and take microseconds. MAX_VUS (default
// 50) caps the requests in flight; DURATION defaults to 300s.
import { sleep } from 'k6';
import { num, request, runTags, slo } from './lib/workload.js';

const rate = num('RATE', 5);
const ticks = Math.max(1, Math.floor(num('TICKS', 10)));
const maxVUs = Math.max(1, Math.floor(num('MAX_VUS', 50)));

export const options = {
  scenarios: {
    poisson: {
      executor: 'constant-arrival-rate',
      rate: rate * ticks,
      timeUnit: '1s',
      duration: __ENV.DURATION || '300s',
      preAllocatedVUs: Math.min(maxVUs, Math.max(2, Math.ceil(rate * 2))),
      maxVUs,
    },
  },
  thresholds: slo({ ttftP95: 2000, failureRate: 0.01 }),
  tags: runTags('poisson'),
};

export default function () {
  if (Math.random() * ticks >= 1) return; // this tick has no arrival
  request();
}
