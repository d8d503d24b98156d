// bench/llm.sh: constant-arrival-rate RATE requests/s for SECONDS, each a
// streaming chat request; prints achieved vs target rate and start lag.
import llm from 'k6/x/llm';

const rate = Number(__ENV.RATE || 100);
const seconds = Number(__ENV.SECONDS || 10);

export const options = {
  scenarios: {
    arrival: {
      executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration: seconds + 's',
      preAllocatedVUs: Number(__ENV.VUS || Math.max(50, rate / 2)), maxVUs: Number(__ENV.VUS || Math.max(50, rate / 2)) * 2,
    },
  },
  summaryTrendStats: ['med', 'p(99)', 'max'],
};

const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL, timeout: '60s' });
const body = JSON.stringify({
  model: 'mock-model', messages: [{ role: 'user', content: 'Hi' }], max_tokens: Number(__ENV.MAX_TOKENS || 16),
});

export default function () {
  client.chat(body);
}

export function handleSummary(d) {
  const m = (k, s) => (d.metrics[k] ? d.metrics[k].values[s] : 0);
  const started = m('iterations', 'count') + m('dropped_iterations', 'count');
  return {
    stdout: JSON.stringify({
      target_rps: rate, seconds, iterations: m('iterations', 'count'), dropped: m('dropped_iterations', 'count'),
      achieved_rps: m('iterations', 'count') / seconds, delivery_error_pct: (100 * (m('iterations', 'count') - rate * seconds)) / (rate * seconds),
      scheduled: started, failed: m('llm_request_failed', 'passes'),
      schedule_lag_p99_ms: m('schedule_lag', 'p(99)'), schedule_lag_max_ms: m('schedule_lag', 'max'),
      ttft_p99_ms: m('llm_ttft', 'p(99)'), ttft_from_schedule_p99_ms: m('llm_ttft_from_schedule', 'p(99)'),
      client_cpu_cores: d.client.cpu_cores, saturated: d.client.saturated,
    }) + '\n',
  };
}
