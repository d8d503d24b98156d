// k6's leniency, as scripts from the wild lean on it: numeric options as
// strings from __ENV, `export let options`, an arrow default export, string
// and boolean metric values, and an import placed after code.
const vus = __ENV.VUS || '1';

export let options = {
  scenarios: {
    main: { executor: 'shared-iterations', vus: vus, iterations: __ENV.ITERS, maxDuration: '30s' },
    other: { executor: 'per-vu-iterations', vus: '1', iterations: '2', exec: 'side' },
  },
  thresholds: { latency: ['avg==12.5', 'max==12.5'], ok_rate: ['rate==0.5'], things: ['count==6'] },
};

const latency = new Trend('latency', true);
const okRate = new Rate('ok_rate');
const things = new Counter('things');

export default () => {
  latency.add('12.5');
  okRate.add(true);
  okRate.add(false);
};

export function side() {
  things.add('3');
}

import { Trend, Rate, Counter } from 'k6/metrics';
