// Output overhead (issue 5): VUS streams in a loop against the mock, about
// 10k chunks/s with 100 VUs at ITL 10ms. Run once with no outputs and once
// with --out json=… --out influxdb=…; compare CPU per chunk and memory.
import llm from 'k6/x/llm';
const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL, model: 'mock-model' });
export const options = {
  scenarios: { stream: { executor: 'constant-vus', vus: Number(__ENV.VUS || 100), duration: __ENV.DURATION || '60s' } },
};
export default function () {
  client.chat({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 128 });
}
export function handleSummary(d) {
  const m = d.metrics;
  return { stdout: JSON.stringify({ chunks: m.llm_output_tokens.values.count, requests: m.llm_requests.values.count,
    chunks_per_s: m.llm_output_tokens.values.rate, failed: m.llm_request_failed.values.rate }) + '\n' };
}
