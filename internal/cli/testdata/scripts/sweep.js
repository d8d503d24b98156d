// One short chat request per iteration; the SLO is a TTFT p(95) under
// 100ms, which a queueing server misses past its capacity.
import llm from 'k6/x/llm';

export const options = {
  thresholds: { llm_ttft: ['p(95)<100'], llm_request_failed: ['rate<0.01'] },
};

const client = new llm.Client({ baseURL: __ENV.LLM_BASE_URL });

export default function () {
  client.chat({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 1 });
}
