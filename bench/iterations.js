// Iterations per second of an empty default function (engine overhead).
export const options = {
  scenarios: { empty: { executor: 'constant-vus', vus: Number(__ENV.VUS || 1), duration: __ENV.DURATION || '10s' } },
  summaryTrendStats: ['avg', 'med', 'p(99)'],
};
export default function () {}
export function handleSummary(d) {
  const it = d.metrics.iterations.values;
  return { stdout: JSON.stringify({ vus: Number(__ENV.VUS || 1), iterations: it.count, per_second: it.rate }) + '\n' };
}
