// A self-contained demo of the engine: two scenarios, custom metrics, checks,
// groups and thresholds, with no server needed:
//   llmbench run examples/demo.js
import { check, group, sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import exec from 'k6/execution';

const work = new Trend('demo_work_ms', true);
const items = new Counter('demo_items');

export const options = {
  scenarios: {
    steady: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '3s', preAllocatedVUs: 4 },
    burst: { executor: 'shared-iterations', vus: 2, iterations: 10, startTime: '1s' },
  },
  thresholds: {
    checks: ['rate==1'],
    demo_work_ms: ['p(95)<100'],
    'iterations{scenario:burst}': ['count==10'],
  },
};

export function setup() {
  return { started: Date.now() };
}

export default function (data) {
  group('work', () => {
    const t0 = Date.now();
    let x = 0;
    for (let i = 0; i < 1000; i++) x += i;
    sleep(0.01);
    work.add(Date.now() - t0);
    items.add(1, { scenario_name: exec.scenario.name });
    check(x, { 'sum is right': (v) => v === 499500, 'setup data arrived': () => data.started > 0 });
  });
}
