import { Trend } from 'k6/metrics';
const t = new Trend('work_ms', true);
export const options = {
  scenarios: { s: { executor: 'shared-iterations', vus: 2, iterations: 20 } },
  thresholds: { work_ms: ['p(95)<1000'], 'iterations': [__ENV.FAIL ? 'count>1000' : 'count==20'] },
  tags: { workload: 'unit', target: 'here', model: 'm1' },
};
export default function () { t.add(5); }
