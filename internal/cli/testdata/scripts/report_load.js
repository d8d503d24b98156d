// A short load against `llmbench mock`, for the report tests and the
// screenshot: RATE requests per second (default 10) for DURATION (default 3s).
import llm from 'k6/x/llm';

const client = new llm.Client({
  baseURL: __ENV.LLM_BASE_URL,
  tags: { target: 'mock' },
  slo: { ttft: __ENV.SLO_TTFT || '60ms', e2e: '2s' },
});

export const options = {
  scenarios: {
    chat: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 10),
      timeUnit: '1s',
      duration: __ENV.DURATION || '3s',
      preAllocatedVUs: 4,
      maxVUs: 64,
    },
  },
};

export default function () {
  client.chat({ messages: [{ role: 'user', content: 'Hello' }], max_tokens: 24 });
}
