// constant-arrival-rate accuracy: achieved rate and iteration start lag.
const rate = Number(__ENV.RATE || 1000);
const seconds = Number(__ENV.SECONDS || 30);
export const options = {
  scenarios: {
    car: { executor: 'constant-arrival-rate', rate: rate, timeUnit: '1s', duration: `${seconds}s`, preAllocatedVUs: 50, maxVUs: 200 },
  },
  summaryTrendStats: ['avg', 'med', 'p(99)', 'max'],
};
export default function () {}
export function handleSummary(d) {
  const n = d.metrics.iterations.values.count;
  const lag = d.metrics.schedule_lag ? d.metrics.schedule_lag.values : {};
  const dropped = d.metrics.dropped_iterations ? d.metrics.dropped_iterations.values.count : 0;
  return {
    stdout: JSON.stringify({
      target_rate: rate, seconds: seconds, iterations: n, achieved_rate: n / seconds,
      error_pct: (100 * (n - rate * seconds)) / (rate * seconds), dropped: dropped,
      lag_p50_ms: lag.med, lag_p99_ms: lag['p(99)'], lag_max_ms: lag.max,
    }) + '\n',
  };
}
