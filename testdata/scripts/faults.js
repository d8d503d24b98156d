// 200 requests against a mock injecting 500s, cut streams and malformed
// chunks: every request must be accounted for, each failure once.
import llm from 'k6/x/llm';
import { Counter } from 'k6/metrics';

const byCode = new Counter('by_code');
const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL, model: 'mock-model', timeout: '10s' });

export const options = {
  scenarios: { faults: { executor: 'shared-iterations', vus: 10, iterations: 200 } },
  // Thresholds that always hold, so the submetrics appear in the summary.
  thresholds: Object.fromEntries([
    ...['ok', 'http_5xx', 'stream_cut', 'malformed_chunk'].map((c) => [`by_code{code:${c}}`, ['count>=0']]),
    ...['http_5xx', 'stream_cut', 'malformed_chunk'].map((c) => [`llm_requests{error_code:${c}}`, ['count>=0']]),
  ]),
};

export default function () {
  const r = client.chat({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 });
  byCode.add(1, { code: r.ok ? 'ok' : r.errorCode });
}
