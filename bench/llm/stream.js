// bench/llm.sh: STREAMS VUs each send REQUESTS streaming chat requests one
// after the other (the same load as `benchllm bare`). With TTFT_LOG set,
// every request logs "ID TTFT_MS FIRST_TOKEN_UNIX_MS" for `benchllm join`;
// TIMESTAMPS=user makes the client stamp chunks when it reads them.
import llm from 'k6/x/llm';

const streams = Number(__ENV.STREAMS || 50);
const requests = Number(__ENV.REQUESTS || 10);
const logTTFT = !!__ENV.TTFT_LOG;

export const options = {
  scenarios: { streams: { executor: 'per-vu-iterations', vus: streams, iterations: requests, maxDuration: '1h' } },
  summaryTrendStats: ['med', 'p(99)', 'max'],
};

const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL, timeout: '60s', timestamps: __ENV.TIMESTAMPS || 'kernel' });
const body = JSON.stringify({
  model: 'mock-model', messages: [{ role: 'user', content: 'Hi' }], max_tokens: Number(__ENV.MAX_TOKENS || 128),
});

export default function () {
  const r = client.chat(body);
  if (logTTFT && r.ok) console.log(r.id + ' ' + r.ttft + ' ' + r.firstTokenAt);
}

export function handleSummary(d) {
  const m = (k, s) => (d.metrics[k] ? d.metrics[k].values[s] : 0);
  return {
    stdout: JSON.stringify({
      client: 'llmbench', streams, requests: m('llm_requests', 'count'), failed: m('llm_request_failed', 'passes'),
      chunks: m('llm_output_tokens', 'count'), self: d.client,
    }) + '\n',
  };
}
